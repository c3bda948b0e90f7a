# keyword in context on the bundled sample articles: original spelling of
# the match, context cut on characters, one line per occurrence, JSON Lines
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
$NGIDX kwic --width 25 --limit 4 $T/s.ngx "kim jong un"
$NGIDX kwic -w 12 $T/s.ngx "the failure of the Hanoi summit"
$NGIDX kwic -w 0 -n 3 $T/s.ngx "Ｈａｎｏｉ"
# every occurrence once: as many lines as `count` finds occurrences
$NGIDX count $T/s.ngx "North Korea" "the" | cut -f4 | tail -n +2
$NGIDX kwic $T/s.ngx "North Korea" | tail -n +2 | wc -l
$NGIDX kwic $T/s.ngx "the" | tail -n +2 | wc -l
# JSON Lines that parse; a phrase that does not occur is a header only
$NGIDX kwic --json -w 15 -n 2 $T/s.ngx "Xi Jinping" | python3 -m json.tool --json-lines --sort-keys --compact
$NGIDX kwic --json $T/s.ngx "no such phrase here"; echo "json, no match: $?"
$NGIDX kwic $T/s.ngx "no such phrase here"; echo "tsv, no match: $?"
# a sample is reproducible, in document order, and a subset of every line
$NGIDX kwic --sample 5 --seed 42 -w 10 $T/s.ngx "the" > $T/a
$NGIDX kwic --sample 5 --seed 42 -w 10 $T/s.ngx "the" | cmp - $T/a && echo "same seed, same lines"
$NGIDX kwic -w 10 $T/s.ngx "the" > $T/all
tail -n +2 $T/a | while IFS= read -r l; do grep -qxF "$l" $T/all || echo "not a line: $l"; done
tail -n +2 $T/a | cut -f1 | sort -n -c && echo "sample in document order"
cat $T/a
