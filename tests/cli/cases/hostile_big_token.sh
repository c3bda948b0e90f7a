# a document of one 100 MB token ("aaa…", 100,000,000 bytes, no newline),
# built with --memory 256M: one document, one token, one n-gram, and the
# index verifies. It is a long document (README "Limits"), but a token
# cannot be cut, so it is analyzed whole: the piece read, the analyzer's
# output and the term in the accumulator (501 MB here). This case guards
# that figure against regressions: at most the bound plus 64 MB plus 3.5
# times the document. It is measured (python3 getrusage) except in
# sanitizer builds, whose allocator keeps freed memory. Failing exits 1
# with the figure on stderr.
python3 -c 'import sys; sys.stdout.buffer.write(b"a" * 100000000)' >$T/tok.txt
python3 - "$NGIDX" "$T" <<'PY'
import resource, subprocess, sys
ngidx, t = sys.argv[1:3]
r = subprocess.run([ngidx, "build", "-q", "--memory", "256M", "-o", t + "/tok.ngx", t + "/tok.txt"])
print("build: exit", r.returncode)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
open(t + "/rss", "w").write(str(rss))
PY
$NGIDX stats $T/tok.ngx | grep -E '^(documents|tokens|ngrams|ngrams_1)	'
$NGIDX top --k 1 $T/tok.ngx | cut -c1-20
$NGIDX verify $T/tok.ngx | cut -f2
rss=$(cat $T/rss)
if ldd "$NGIDX" 2>/dev/null | grep -q -e libasan -e libtsan; then
	echo "peak RSS not checked (sanitizer build): $rss MB" >&2
elif [ "$rss" -gt $((256 + 64 + 350)) ]; then
	echo "peak RSS $rss MB, over --memory 256M + 64 MB + 3.5 x 100 MB" >&2
	exit 1
fi
exit 0
