# a file size limit (as a full disk): exit 4, clear message, no temporary
# file left, the previous index untouched
$NGIDX build -q -o $T/out.ngx data/samples || exit 1
before=$(cksum < $T/out.ngx)
mkdir $T/in; for i in 1 2 3 4; do cp data/samples/* $T/in/; for f in $T/in/*.txt; do cp $f $f.$i; done; done
(ulimit -f 100; $NGIDX build -q -o $T/out.ngx data/samples $T/in 2>$T/err); echo "exit $?"
grep -c "File too large" $T/err
[ "$(cksum < $T/out.ngx)" = "$before" ] && echo "previous index kept"
ls -A $T | grep -v -e '^out.ngx$' -e '^err$' -e '^in$' -e '^\.std' | wc -l
