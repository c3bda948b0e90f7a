# kill -9 during a build: the index at the output path stays the previous
# complete one, byte for byte; the next build removes what the dead builds
# left (OUT.tmp-PID files, .ngidx-tmp-PID-* folders, also in --tmp) and
# writes a good index; a build running beside it keeps its own files.
# Kills fall at fractions of a measured build time (no PID or timing in stdout).
ms() { echo $(($(date +%s%N) / 1000000)); }
leftovers() { find $T $T/runs -mindepth 1 -maxdepth 1 \( -name 'out.ngx.tmp-*' -o -name '.ngidx-tmp-*' \) | wc -l; }

# about 1 s of building: 12,000 lines of 40 Zipf-like words (2 MB)
awk 'BEGIN { srand(7); for (d = 0; d < 12000; d++) { l = "";
	for (i = 0; i < 40; i++) l = l " w" int(rand() * rand() * rand() * 3000); print l } }' >$T/big.txt
mkdir $T/ref $T/runs
t0=$(ms)
$NGIDX build -q --format lines -o $T/ref/new.ngx $T/big.txt || exit 1
dur=$(($(ms) - t0))
[ "$dur" -ge 200 ] || echo "warning: the reference build took only $dur ms" >&2

$NGIDX build -q -o $T/out.ngx data/samples || exit 1
cp $T/out.ngx $T/good.ngx
for pct in 5 20 40 60; do
	tmp=""
	[ $pct -ge 40 ] && tmp="--tmp $T/runs"
	$NGIDX build -q --format lines $tmp -o $T/out.ngx $T/big.txt 2>/dev/null &
	pid=$!
	sleep $(awk -v d=$dur -v p=$pct 'BEGIN { printf "%.3f", d * p / 100000 }')
	kill -9 $pid
	wait $pid
	code=$?
	if cmp -s $T/out.ngx $T/good.ngx; then
		echo "kill at $pct%: exit $code, previous index kept"
	elif cmp -s $T/out.ngx $T/ref/new.ngx; then
		echo "kill at $pct%: exit $code, the build had completed (kill came too late)"
	else
		echo "kill at $pct%: exit $code, out.ngx is neither the previous nor the new index"
	fi
	$NGIDX verify $T/out.ngx >/dev/null 2>&1 && echo "kill at $pct%: verify ok"
	echo "killed at $pct% of $dur ms:" $(cd $T && ls -d out.ngx.tmp-* .ngidx-tmp-* runs/.ngidx-tmp-* 2>/dev/null) >&2
done
[ "$(leftovers)" -gt 0 ] && echo "the killed builds left temporary files"
# nothing else appeared beside the index
ls -A $T | grep -v -e '^out.ngx' -e '^\.ngidx-tmp-' -e '^good.ngx$' -e '^big.txt$' -e '^ref$' \
	-e '^runs$' -e '^\.std' | wc -l

# a build of another index in the same folder, running during the next one,
# must keep its temporary files (its process is alive)
$NGIDX build -q --format lines -o $T/other.ngx $T/big.txt 2>$T/other.err &
other=$!
sleep $(awk -v d=$dur 'BEGIN { printf "%.3f", d / 5000 }')
$NGIDX build -q --format lines --tmp $T/runs -o $T/out.ngx $T/big.txt; echo "next build: exit $?"
wait $other; echo "concurrent build: exit $?"
cat $T/other.err >&2
echo "leftovers after the next build: $(leftovers)"
find $T $T/runs -mindepth 1 -maxdepth 1 -name '*tmp*' >&2
cmp -s $T/out.ngx $T/ref/new.ngx && echo "new index identical to a clean build"
$NGIDX verify $T/out.ngx >/dev/null && echo "new index: verify ok"
cmp -s $T/other.ngx $T/ref/new.ngx && echo "concurrent build's index identical to a clean build"
