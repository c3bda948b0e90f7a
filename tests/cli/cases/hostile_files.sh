# inputs that cannot be read or change under the reader. Root reads any
# file whatever its mode, so the unreadable file is /proc/self/mem, whose
# first page read fails (EIO) for every user; a mode-000 file is also tried
# when not root. A named pipe given by name is read; one inside a folder is
# reported and not opened (opening it would wait for a writer). /proc files
# say size 0 and have content: read whole. A file truncated or removed
# while the build reads it (timing varies: before, during or after) never
# crashes or hangs: the build succeeds and its index verifies, or it finds
# that the file changed between its two passes and stops, writing nothing
# (either prints the same line).
cd $T
mkdir dir && echo "alpha beta" >dir/a.txt && mkfifo dir/pipe p
$NGIDX build -o mem.ngx /proc/self/mem dir/a.txt 2>err; echo "unreadable: exit $?"
grep -v -e '^  input' -e '^  distinct' -e '^  read twice' err
$NGIDX build -q --strict -o strict.ngx /proc/self/mem dir/a.txt 2>&1; echo "unreadable, strict: exit $?"
ls strict.ngx 2>/dev/null || echo "unreadable, strict: no index written"
if [ "$(id -u)" != 0 ]; then
	echo secret >locked.txt && chmod 000 locked.txt
	$NGIDX build -q -o locked.ngx locked.txt dir/a.txt 2>err; c=$?
	grep -q "cannot open 'locked.txt': Permission denied" err && echo "mode 000: exit $c, reported" || cat err
else
	echo "mode 000: exit 0, reported"
fi
(printf 'one two\nthree\n' >p &)
$NGIDX build -q --format lines -o fifo.ngx p; echo "fifo by name: exit $?"
$NGIDX count fifo.ngx "one two" three | cut -f1,4,5
$NGIDX build -q -o dir.ngx dir 2>&1; echo "fifo in a folder: exit $?"
$NGIDX build -q -o proc.ngx /proc/self/status; echo "proc file: exit $?"
$NGIDX count proc.ngx name | tail -n 1 | cut -f4,5
# 200,000 lines (7 MB), cut to nothing or removed while being read (--no-text:
# verify decompresses a text frame per document, slow on 200,000 of them)
awk 'BEGIN { for (i = 0; i < 200000; i++) print "w" i % 1000, "common words of a line", i }' >big.txt
for how in truncate remove; do
	cp big.txt v.txt
	( sleep 0.05; if [ $how = truncate ]; then : >v.txt; else rm -f v.txt; fi ) &
	$NGIDX build -q --no-text --format lines -o v.ngx v.txt 2>err; c=$?
	wait
	$NGIDX verify v.ngx >/dev/null 2>&1; v=$?
	n=$($NGIDX docs --count v.ngx common 2>/dev/null | tail -n 1)
	# removed before the open: "cannot open", exit 0 and an empty index;
	# changed between the two passes of the build: exit 1, nothing written
	if [ "$c" = 1 ] && grep -q 'the input changed during the build' err && [ ! -e v.ngx ]; then
		echo "$how while read: a verified index, or none"
	else
		[ "$c" = 0 ] && [ "$v" = 0 ] && [ "${n:-x}" -le 200000 ] 2>/dev/null \
			&& echo "$how while read: a verified index, or none" || echo "$how while read: exit $c, verify $v, $n documents: $(cat err)"
	fi
	rm -f v.ngx
done
