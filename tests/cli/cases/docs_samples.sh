# ngidx docs on the bundled sample articles: phrases, bare words (AND), the
# boolean example of the README, top-level NOT, double negation (Beijing is
# positive), a phrase longer than --max-n, --count, BM25, paging, JSON;
# every row checked against a Python tokenization of data/samples
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
$NGIDX docs $T/s.ngx '"Hanoi summit"'
$NGIDX docs $T/s.ngx 'Hanoi summit'
$NGIDX docs $T/s.ngx '"hanoi summit" AND (kim OR "kim jong un") NOT trade'
$NGIDX docs $T/s.ngx 'NOT trade'
$NGIDX docs $T/s.ngx 'Jong-un NOT (China NOT Beijing)'
$NGIDX docs $T/s.ngx '"the failure of the Hanoi summit" OR "no such phrase"'
$NGIDX docs $T/s.ngx 'no such words'
$NGIDX docs --count $T/s.ngx 'Trump OR Xi'
$NGIDX docs $T/s.ngx --rank bm25 'sanctions OR "Hanoi summit"'
$NGIDX docs $T/s.ngx --rank bm25 --k1 2 --b 0 --limit 2 'sanctions OR "Hanoi summit"'
$NGIDX docs --json --offset 1 --limit 2 $T/s.ngx 'Trump OR Xi'
$NGIDX docs --json --rank bm25 $T/s.ngx 'Trump' | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
print(len(rows), "json rows parse; keys:", ",".join(rows[0]))'
