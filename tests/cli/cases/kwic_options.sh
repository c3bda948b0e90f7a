# dates (partial bounds, undated documents), control characters as spaces,
# invalid UTF-8, overlapping matches, and every usage error exiting 2
cat > $T/d.jsonl <<'J'
{"id":"year","date":"2019","text":"Hanoi summit one"}
{"id":"day","date":"2019-02-28","text":"before\nthe\tHanoi\nsummit\r\nafter"}
{"id":"undated","text":"Hanoi summit undated"}
{"id":"later","date":"2020-01","text":"HANOI — SUMMIT, hanoi summit"}
{"id":"bad","date":"2021","text":"caf\u00e9 \u6771\u4eac \ud83d\ude00 Hanoi Summit"}
J
$NGIDX build -q -o $T/d.ngx $T/d.jsonl || exit 1
printf 'a a a a\n' > $T/a.txt
(cd $T && $NGIDX build -q -o a.ngx a.txt) || exit 1
$NGIDX kwic $T/d.ngx "hanoi summit"
$NGIDX kwic -w 3 $T/d.ngx "hanoi summit"
$NGIDX kwic --json -w 6 $T/d.ngx "hanoi summit" | python3 -m json.tool --json-lines --compact
echo "from 2019-02:"; $NGIDX kwic --from 2019-02 $T/d.ngx "hanoi summit" | cut -f2 | tail -n +2
echo "to 2019:"; $NGIDX kwic --to 2019 $T/d.ngx "hanoi summit" | cut -f2 | tail -n +2
echo "2020-01 to 2020-01:"; $NGIDX kwic --from 2020-01 --to 2020-01 $T/d.ngx "hanoi summit" | cut -f2 | tail -n +2
$NGIDX kwic -w 2 $T/a.ngx "a a"
$NGIDX kwic -w 2 --sample 2 --seed 7 $T/a.ngx "a a"
$NGIDX kwic --help | head -1
$NGIDX kwic; echo "no index: $?"
$NGIDX kwic $T/d.ngx; echo "no phrase: $?"
$NGIDX kwic $T/d.ngx a b; echo "two phrases: $?"
$NGIDX kwic $T/d.ngx a --limit 3; echo "option after operands: $?"
$NGIDX kwic --width -1 $T/d.ngx a; echo "negative width: $?"
$NGIDX kwic --width 4x $T/d.ngx a; echo "bad width: $?"
$NGIDX kwic --limit 0 $T/d.ngx a; echo "zero limit: $?"
$NGIDX kwic --sample 0 $T/d.ngx a; echo "zero sample: $?"
$NGIDX kwic --seed 3 $T/d.ngx a; echo "seed without sample: $?"
$NGIDX kwic --from 2019-2 $T/d.ngx a; echo "bad date: $?"
$NGIDX kwic --frobnicate $T/d.ngx a; echo "bad option: $?"
$NGIDX kwic $T/missing.ngx a; echo "missing index: $?"
