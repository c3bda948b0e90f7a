# ngidx top on the sample articles: top lists by n and order, filters,
# continuations (--prefix), wildcards at either end and in the middle,
# JSON Lines that parse, and an index that verifies; an n-gram seen once
# is not listed by default but still counted, and listed with --min-count 1
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
$NGIDX verify $T/s.ngx >/dev/null || exit 1
echo "== default"; $NGIDX top -k 5 $T/s.ngx
echo "== --n 2 --by documents"; $NGIDX top --n 2 --by documents -k 5 $T/s.ngx
echo "== --n 2-3 --stopwords english"; $NGIDX top --n 2-3 --stopwords english -k 8 $T/s.ngx
echo "== --n 3 --min-documents 3"; $NGIDX top --n 3 --min-documents 3 -k 5 $T/s.ngx
echo "== --prefix kim jong"; $NGIDX top --prefix "Kim Jong" $T/s.ngx
echo "== --prefix the --by documents"; $NGIDX top --prefix the --by documents -k 5 $T/s.ngx
echo "== kim * un"; $NGIDX top $T/s.ngx "kim * un"
echo "== * summit"; $NGIDX top -k 5 $T/s.ngx "* summit"
echo "== north *"; $NGIDX top -k 5 $T/s.ngx "north *"
echo "== the * summit, stop words"; $NGIDX top -k 5 --stopwords english $T/s.ngx "the * summit"
echo "== absent"; $NGIDX top --prefix "no such phrase" $T/s.ngx; echo "exit $?"
echo "== k past the lists (scan)"; $NGIDX top --n 1 -k 5000 $T/s.ngx | wc -l
printf 'hanoi\nsummit\n# comment\n' >$T/stop.txt
echo "== --stopwords FILE"; $NGIDX top --n 2 -k 3 --stopwords $T/stop.txt $T/s.ngx
echo "== json"; $NGIDX top --json -k 3 $T/s.ngx "* summit"
$NGIDX top --json -k 50 --n 1-3 $T/s.ngx | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert len(rows) == 50 and [r["rank"] for r in rows] == list(range(1, 51))
print("json ok:", len(rows), "rows")'
echo "== seen once: counted, not listed"; $NGIDX count $T/s.ngx "kim jong il"
$NGIDX build -q --min-count 1 -o $T/all.ngx data/samples || exit 1
echo "== --min-count 1: listed"; $NGIDX top --prefix "Kim Jong" $T/all.ngx
