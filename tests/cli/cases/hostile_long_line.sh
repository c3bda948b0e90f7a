# a single line of 24 MB (a generated Zipf text: words, sentences, no
# newline), once as --format lines and once as the text field of a JSON
# Lines object (with \", \n and \u escapes), built with --memory 16M. Both
# are long documents (README "Limits"): read in pieces, never held whole.
# The token count and the counts of a word, a phrase across the whole text
# and an escaped word must be the exact ones (python counts them), the
# index verifies, and the peak RSS (python3 getrusage) stays within the
# memory bound plus 64 MB, except in sanitizer builds, whose allocator keeps
# freed memory. Failing exits 1 with the figure on stderr.
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
x = 12345
words = []
def rnd():
    global x
    x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
    return x >> 33
vocab = ["w%d" % i for i in range(20000)]
out, n, toks, i = [], 0, 0, 0
while n < 24_000_000:
    r = rnd()
    w = vocab[int((r % 1000003) ** 3 / 1000003 ** 3 * 20000)]
    if r % 37 == 0:
        w = "Summit."            # a sentence ends
    elif r % 41 == 0:
        w = "quote\"d"           # two tokens, escaped in JSON
    out.append(w)
    n += len(w) + 1
text = " ".join(out)
tokens = text.replace("\"", " ").replace(".", " ").split()
with open(t + "/line.txt", "w") as f:
    f.write(text + "\n")
with open(t + "/line.jsonl", "w") as f:
    f.write(json.dumps({"id": "one", "text": text.replace("w7 ", "w7\n"), "date": "2019"}) + "\n")
low = [w.lower() for w in tokens]
pairs = sum(1 for a, b in zip(low, low[1:]) if a == "w0" and b == "w1")
print("expected: tokens %d, w0 %d, \"w0 w1\" %d, quote %d" %
      (len(low), low.count("w0"), pairs, low.count("quote")))
PY
for f in line.txt line.jsonl; do
	python3 - "$NGIDX" "$T" "$f" <<'PY'
import resource, subprocess, sys
ngidx, t, f = sys.argv[1:4]
r = subprocess.run([ngidx, "build", "-q", "--format", "jsonl" if f.endswith("jsonl") else "lines",
                    "--memory", "16M", "-o", t + "/l.ngx", t + "/" + f])
print(f, "build: exit", r.returncode)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
open(t + "/rss", "w").write(str(rss))
PY
	$NGIDX stats $T/l.ngx | grep -E '^(documents|tokens)	' | tr '\n' ' '; echo
	$NGIDX count $T/l.ngx w0 "w0 w1" quote | cut -f1,4,5
	$NGIDX verify $T/l.ngx | cut -f2
	rss=$(cat $T/rss)
	if ldd "$NGIDX" 2>/dev/null | grep -q -e libasan -e libtsan; then
		echo "peak RSS not checked (sanitizer build): $rss MB" >&2
	elif [ "$rss" -gt $((16 + 64)) ]; then
		echo "$f: peak RSS $rss MB, over --memory 16M + 64 MB" >&2
		exit 1
	fi
done
exit 0
