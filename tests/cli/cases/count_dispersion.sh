# ngidx count --dispersion: periods (share of the years, or --by, holding a
# dated document in which the phrase occurs) and Gries' DP over documents
cd $T
cat > s.jsonl <<'J'
{"date":"2019-01-05","text":"x y y a"}
{"date":"2020-02","text":"x a a a"}
{"text":"x a a a"}
{"date":"2022","text":"x a a a"}
J
$NGIDX build -q -o s.ngx s.jsonl || exit 1
# x: once in every document of 4 tokens: DP 0; "y y": all in the first: 3/4
$NGIDX count --dispersion s.ngx x "y y" y a nothing
$NGIDX count --dispersion --by month s.ngx x "y y"
$NGIDX count --dispersion --json s.ngx x nothing
printf 'x\ny\n' | $NGIDX count --dispersion s.ngx
$NGIDX count --dispersion --json s.ngx x nothing | python3 -m json.tool --json-lines >/dev/null && echo "json parses"
# an undated corpus: periods is nan
printf '{"text":"x y"}\n' > u.jsonl
$NGIDX build -q -o u.ngx u.jsonl && $NGIDX count --dispersion u.ngx x
$NGIDX count --dispersion --by hour s.ngx x 2>&1 | head -1
