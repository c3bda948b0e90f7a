# ngidx docs --from/--to (inclusive; a partial --to covers its period; a
# partial document date counts as the start of its period; undated
# documents drop out) and --where (exact string, number or boolean literal)
cd $T
cat > f.jsonl <<'J'
{"id":"feb28","date":"2019-02-28","src":"ap","n":3,"ok":true,"text":"Hanoi summit"}
{"id":"y2019","date":"2019","src":"afp","n":3.5,"text":"Hanoi summit, summit"}
{"id":"nodate","src":"ap","text":"summit"}
{"id":"mar","date":"2019-03","n":"3","text":"Hanoi"}
{"id":"tab\tname","date":"2018-12-31T23:59:00Z","text":"summit in Hanoi"}
J
$NGIDX build -q -o f.ngx f.jsonl || exit 1
$NGIDX docs f.ngx 'summit OR hanoi'
echo "--from 2019:"; $NGIDX docs --from 2019 f.ngx 'summit OR hanoi' | cut -f2,3
echo "--from 2019-02:"; $NGIDX docs --from 2019-02 f.ngx 'summit OR hanoi' | cut -f2,3
echo "--to 2019-02:"; $NGIDX docs --to 2019-02 f.ngx 'summit OR hanoi' | cut -f2,3
echo "--to 2018:"; $NGIDX docs --to 2018 f.ngx 'summit OR hanoi' | cut -f2,3
echo "--from 2019-02-28 --to 2019-03-15:"; $NGIDX docs --from 2019-02-28 --to 2019-03-15 f.ngx 'summit OR hanoi' | cut -f2,3
echo "--where src=ap:"; $NGIDX docs --where src=ap f.ngx 'summit OR hanoi' | cut -f2
echo "--where n=3:"; $NGIDX docs --where n=3 f.ngx 'summit OR hanoi' | cut -f2
echo "--where n=3 --where src=ap:"; $NGIDX docs --where n=3 --where src=ap f.ngx 'summit OR hanoi' | cut -f2
echo "--where ok=true --count:"; $NGIDX docs --where ok=true --count f.ngx 'summit OR hanoi'
echo "--where none=x:"; $NGIDX docs --where none=x f.ngx 'summit OR hanoi'
$NGIDX docs --json --from 2018 f.ngx 'NOT "summit summit"'
$NGIDX docs --json --from 2018 f.ngx 'NOT "summit summit"' | python3 -m json.tool --json-lines >/dev/null && echo "json parses"
