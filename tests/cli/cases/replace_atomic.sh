# a failed build leaves the previous index untouched and no temporary file
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
sum1=$(cksum < $T/s.ngx)
$NGIDX build -q --strict -o $T/s.ngx data/samples $T/does-not-exist 2>/dev/null; echo "strict missing input: $?"
[ "$(cksum < $T/s.ngx)" = "$sum1" ] && echo "previous index kept"
ls -a $T | grep -c tmp || true
