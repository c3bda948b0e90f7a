# keyness --actors: actor mentions in a year against the rest, against
# another year, by Log Ratio, against another index whose dictionary lists
# the actors in another order (matched by id); the target and reference
# columns checked against a brute-force count of mentions (longest alias
# first); JSON parses; an index without actors and --n with --actors exit 2
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
with open(t + "/c.jsonl", "w") as f, open(t + "/o.jsonl", "w") as g:
    for i in range(90):
        y = 2017 + i % 3
        text = "North Korea and South Korea met. Kim Jong-un spoke to Trump in Hanoi."
        if y == 2019:
            text += " Kim met Moon. North Korea said so." * (1 + i % 3)
        if i % 2:
            text += " Trump and Kim. Seoul waited."
        line = '{"id":"d%d","date":"%d-%02d-01","src":"%s","text":"%s"}\n' % (i, y, 1 + i % 12, "ab"[i % 2], text)
        (g if i % 6 == 0 else f).write(line)
PY
printf 'PRK\tNorth Korea\tcountry\nKOR\tSouth Korea\tcountry\nKOR\tSeoul\nKJU\tKim Jong-un\tperson\nKJU\tKim\nTRUMP\tTrump\tperson\nMOON\tMoon\tperson\nNORTH\tNorth\nNEVER\tZebra\n' >$T/a.tsv
printf 'TRUMP\tTrump\tperson\nKJU\tKim Jong-un\tperson\nKJU\tKim\nPRK\tNorth Korea\tcountry\nHANOI\tHanoi\tcity\n' >$T/b.tsv
$NGIDX build -q --actors $T/a.tsv -o $T/c.ngx $T/c.jsonl || exit 1
$NGIDX build -q --actors $T/b.tsv -o $T/o.ngx $T/o.jsonl || exit 1
$NGIDX build -q -o $T/plain.ngx $T/c.jsonl || exit 1
$NGIDX keyness --actors --target date=2019 --min-count 1 $T/c.ngx 2>$T/err
sed 's/^/stderr: /' $T/err
$NGIDX keyness --actors --target date=2019 --reference date=2017 --k 2 --by logratio $T/c.ngx 2>/dev/null
$NGIDX keyness --actors --target src=a --k 3 --min-count 1 $T/c.ngx 2>/dev/null
$NGIDX keyness --actors --target '*' --reference-index $T/o.ngx --min-count 1 $T/c.ngx 2>$T/err
sed 's/^/stderr: /' $T/err
$NGIDX keyness --actors --target date=2019 --k 2 --json $T/c.ngx 2>/dev/null | while read -r l; do
	printf '%s' "$l" | python3 -m json.tool >/dev/null || echo "bad JSON: $l"
done
# every row's counts against mentions counted by hand
$NGIDX keyness --actors --target date=2018..2019 --reference src=a --k 100 --min-count 1 $T/c.ngx 2>/dev/null >$T/rows.tsv
python3 - "$T" <<'PY'
import json, re, sys
t = sys.argv[1]
aliases = {}
for line in open(t + "/a.tsv"):
    aid, alias = line.rstrip("\n").split("\t")[:2]
    aliases[tuple(re.findall(r"\w+", alias.lower()))] = aid
def mentions(text):
    toks, out, i = re.findall(r"\w+", text.lower()), {}, 0
    while i < len(toks):
        best = max((a for a in aliases if tuple(toks[i:i + len(a)]) == a), key=len, default=None)
        if best:
            out[aliases[best]] = out.get(aliases[best], 0) + 1
        i += len(best) if best else 1
    return out
tgt, ref = {}, {}
for line in open(t + "/c.jsonl"):
    d = json.loads(line)
    for side, keep in ((tgt, d["date"] >= "2018"), (ref, d["date"] < "2018" and d["src"] == "a")):
        if keep:
            for a, m in mentions(d["text"]).items():
                side[a] = side.get(a, 0) + m
rows = [l.split("\t") for l in open(t + "/rows.tsv").read().splitlines()[1:]]
bad = [r[1] for r in rows if (int(r[4]), int(r[5])) != (tgt.get(r[1], 0), ref.get(r[1], 0))]
print("brute force: %d rows, %s" % (len(rows), "mismatch " + " ".join(bad) if bad else "same counts"))
PY
$NGIDX keyness --actors --target date=2019 $T/plain.ngx 2>$T/err; echo "exit $?"; sed "s#$T#T#" $T/err
$NGIDX keyness --actors --target date=2019 --reference-index $T/plain.ngx $T/c.ngx 2>$T/err; echo "exit $?"
sed "s#$T#T#" $T/err
$NGIDX keyness --actors --n 2 --target date=2019 $T/c.ngx 2>/dev/null; echo "exit $?"
