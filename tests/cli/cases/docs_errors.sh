# ngidx docs: a malformed query names the character at fault, shows a caret
# under it and exits 2; usage errors exit 2; a missing index exits 1
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
for q in 'kim AND' 'AND kim' '"hanoi summit" AND (kim OR "kim jong un" NOT trade' 'kim)' \
	'kim "jong un' '()' 'kim OR OR xi' 'kim - trade' '' 'Моон AND (' 'NOT'; do
	$NGIDX docs $T/s.ngx "$q" 2>&1; echo "exit $?"
done
$NGIDX docs $T/s.ngx 2>/dev/null; echo "no query: $?"
$NGIDX docs $T/s.ngx kim trade 2>/dev/null; echo "two queries: $?"
$NGIDX docs --limit x $T/s.ngx kim 2>/dev/null; echo "bad limit: $?"
$NGIDX docs --rank tfidf $T/s.ngx kim 2>/dev/null; echo "bad rank: $?"
$NGIDX docs --rank bm25 --b 1.5 $T/s.ngx kim 2>/dev/null; echo "bad b: $?"
$NGIDX docs --where src $T/s.ngx kim 2>/dev/null; echo "bad where: $?"
$NGIDX docs --from 2019-2 $T/s.ngx kim 2>&1; echo "bad date: $?"
$NGIDX docs $T/missing.ngx kim 2>/dev/null; echo "missing index: $?"
$NGIDX docs --help | head -1; echo "help: $?"
