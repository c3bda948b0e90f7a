# ngidx series on a small dated corpus: every period present (empty ones
# included), undated documents and dates too coarse for the unit left out
# with a note, bounds, ISO weeks at year ends, smoothing, actors and pairs,
# JSON Lines, the SVG chart, and errors
cd $T
cat > s.jsonl <<'J'
{"id":"a","date":"2018-12-31","text":"Hanoi summit. Kim met Trump in Hanoi."}
{"id":"b","date":"2019","text":"Hanoi summit, summit"}
{"id":"c","text":"summit"}
{"id":"d","date":"2019-03","text":"Hanoi summit failed"}
{"id":"e","date":"2021-01-03","text":"summit in Hanoi with Kim and Trump"}
{"id":"f","date":"2019-12-30","text":"Kim Trump summit. Trump left."}
{"id":"g","date":"2021-02-14T10:00:00Z","text":"no meeting"}
J
printf 'KIM\tKim\tperson\nTRUMP\tTrump\tperson\n' > d.tsv
$NGIDX build -q --actors d.tsv -o s.ngx s.jsonl || exit 1
echo "== year"; $NGIDX series s.ngx "hanoi summit" @KIM @KIM+@TRUMP 2>&1
echo "== month"; $NGIDX series --by month s.ngx summit 2>&1
echo "== week, 2019-12 .. 2020-01"; $NGIDX series --by week --from 2019-12 --to 2020-01 s.ngx summit 2>&1
echo "== week, the last three"; $NGIDX series -q --by week s.ngx summit | tail -3
echo "== day, 2019-12-29 .. 2020-01-01"; $NGIDX series -q --by day --from 2019-12-29 --to 2020-01-01 s.ngx summit
echo "== smooth 1"; $NGIDX series -q --smooth 1 s.ngx summit
echo "== pair levels"; for l in doc sentence window; do $NGIDX series -q --level $l s.ngx @KIM+@TRUMP | tail -n +2 | cut -f1,3,4 | tr '\n' ' '; echo; done
echo "== reversed bounds"; $NGIDX series -q --from 2020 --to 2019 s.ngx summit
echo "== json"; $NGIDX series -q --json --by month --to 2019-02 s.ngx summit
$NGIDX series -q --json --smooth 2 --by week s.ngx summit @TRUMP | python3 -m json.tool --json-lines >/dev/null && echo "json parses"
echo "== svg"; $NGIDX series -q --by month --smooth 1 --svg c.svg s.ngx summit '<b>&"x"' @KIM+@TRUMP >/dev/null
python3 -c "import sys, xml.dom.minidom as m; d = m.parse('c.svg'); print('svg parses:', d.documentElement.tagName, len(d.getElementsByTagName('polyline')), 'lines')"
if command -v rsvg-convert >/dev/null; then rsvg-convert -o c.png c.svg || echo "rsvg-convert failed"; fi
echo "== errors"
$NGIDX series s.ngx summit @NOBODY 2>&1; echo "exit $?"
$NGIDX series s.ngx @KIM+@KIM 2>&1; echo "exit $?"
$NGIDX series --by hour s.ngx summit 2>&1 | head -1
$NGIDX series --from 2019-13 s.ngx summit 2>&1 | head -1
$NGIDX series s.ngx 2>&1 | head -1
$NGIDX series -q --svg /nonexistent/dir/c.svg s.ngx summit 2>&1; echo "exit $?"
printf '{"text":"summit"}\n' > u.jsonl; $NGIDX build -q -o u.ngx u.jsonl
echo "== undated only"; $NGIDX series u.ngx summit 2>&1
