# queries during rebuilds: 32 loops of `ngidx count` processes run while
# `ngidx build -o OUT` replaces OUT 4 times, alternating two corpora whose
# answers differ; every query must exit 0 with the answer of one corpus
# (the old or the new index), never an error or a mixed answer. The
# queries run niced so that, on a small machine, the rebuilds still finish
# in a few seconds while 32 of them are under way.
PH="zeta eta theta iota"
# corpus $1: 3,000 lines of Zipf-like words, the phrase on every $2-th line
gen() {
	awk -v every=$2 -v seed=$3 'BEGIN { srand(seed); for (d = 0; d < 3000; d++) { l = "";
		for (i = 0; i < 40; i++) l = l " w" int(rand() * rand() * rand() * 3000);
		if (d % every == 0) l = l " Zeta eta, theta iota."; print l } }' >$T/$1.txt
}
gen a 4 1
gen b 2 2
$NGIDX build -q --format lines -o $T/a.ngx $T/a.txt || exit 1
$NGIDX build -q --format lines -o $T/b.ngx $T/b.txt || exit 1
ans() { $NGIDX count $1 "$PH" | tail -n 1; }
A=$(ans $T/a.ngx); B=$(ans $T/b.ngx)
printf 'corpus a: %s\ncorpus b: %s\n' "$A" "$B"
[ "$A" != "$B" ] || exit 1

cp $T/a.ngx $T/out.ngx
worker() {
	while [ ! -e $T/stop ]; do
		out=$(nice -n 10 $NGIDX count $T/out.ngx "$PH" 2>&1)
		printf '%s|%s\n' $? "$(printf '%s' "$out" | tail -n 1)"
	done >$T/log.$1
}
w=1
while [ $w -le 32 ]; do worker $w & w=$((w + 1)); done
fails=0
for c in b a b a; do
	$NGIDX build -q --format lines -o $T/out.ngx $T/$c.txt || fails=$((fails + 1))
done
touch $T/stop
wait
echo "rebuilds failed: $fails"
cat $T/log.* >$T/all
n=$(wc -l <$T/all)
echo "queries: $([ "$n" -ge 100 ] && echo "100 or more" || echo "only $n")"
echo "query loops that answered: $(for f in $T/log.*; do [ -s $f ] && echo; done | wc -l)"
grep -v -x -F -e "0|$A" -e "0|$B" $T/all | sort | uniq -c | head -5 >&2
echo "queries with another answer or an error: $(grep -c -v -x -F -e "0|$A" -e "0|$B" $T/all)"
echo "corpus a's answer seen: $(grep -q -x -F "0|$A" $T/all && echo yes || echo no)"
echo "corpus b's answer seen: $(grep -q -x -F "0|$B" $T/all && echo yes || echo no)"
cmp -s $T/out.ngx $T/a.ngx && echo "final index identical to corpus a's"
echo "temporary files left: $(ls -A $T | grep -c tmp)"
