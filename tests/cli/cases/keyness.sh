# keyness of one year against the rest, against another year, by Log Ratio,
# of bigrams, against another index; JSON parses; usage errors exit 2
python3 - "$T" <<'PY'
import sys
words = "the summit talks trade war of north korea and said hanoi".split()
with open(sys.argv[1] + "/c.jsonl", "w") as f, open(sys.argv[1] + "/o.jsonl", "w") as g:
    for i in range(80):
        y = 2017 + i % 3
        text = " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(40))
        if y == 2019:
            text += " denuclearization talks" * (1 + i % 4)
        if y == 2017:
            text += " trade war" * 3
        line = '{"id":"d%d","date":"%d-%02d-01","src":"%s","text":"%s"}\n' % (i, y, 1 + i % 12, "ab"[i % 2], text)
        (g if i % 5 == 0 else f).write(line)
PY
$NGIDX build -q -o $T/c.ngx $T/c.jsonl || exit 1
$NGIDX build -q -o $T/o.ngx $T/o.jsonl || exit 1
$NGIDX keyness --target date=2019 --k 3 $T/c.ngx 2>$T/err
sed 's/^/stderr: /' $T/err
$NGIDX keyness --target date=2019 --reference date=2017 --k 2 --by logratio $T/c.ngx 2>/dev/null
$NGIDX keyness --target date=2017..2017-06,src=a --n 2 --k 2 --min-count 2 $T/c.ngx 2>/dev/null
$NGIDX keyness --target '*' --reference-index $T/o.ngx --k 2 $T/c.ngx 2>/dev/null
$NGIDX keyness --target date=2019 --k 2 --json $T/c.ngx 2>/dev/null | while read -r l; do
	printf '%s' "$l" | python3 -m json.tool >/dev/null || echo "bad JSON: $l"
done
for args in "" "--target date=2019x" "--target date=2019 --n 9" "--target year=2019" "--target date=2019 --by pmi"; do
	$NGIDX keyness $args $T/c.ngx >/dev/null 2>&1
	echo "exit $? for: $args"
done
