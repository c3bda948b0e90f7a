# ngidx top within a subcorpus (--from, --to, --where): top lists, --by
# documents, stop words, a minimum of documents, --prefix and wildcards;
# an empty subcorpus prints the header only; a --where every document
# meets gives the unfiltered answer; counts checked against a brute-force
# count in Python; usage errors exit 2
python3 - "$T" <<'PY'
import random, sys
random.seed(7)
words = ("the summit of talks north korea and trade war peace hanoi kim trump said "
         "sanctions deal envoy").split()
with open(sys.argv[1] + "/c.jsonl", "w") as f:
    for i in range(60):
        n = random.randrange(0, 40) if i % 9 else 0
        text = " ".join(random.choice(words[:5]) if random.random() < 0.4 else random.choice(words)
                        for _ in range(n))
        if i % 4 == 0:
            text += " the hanoi summit"
        date = "" if i % 7 == 3 else '"date":"%d",' % (2017 + i % 3) if i % 7 == 5 else \
            '"date":"%d-%02d-%02d",' % (2017 + i % 3, 1 + i % 12, 1 + i % 28)
        f.write('{"id":"d%d",%s"src":"%s","lang":"en","text":"%s"}\n' % (i, date, "ab"[i % 2], text))
PY
$NGIDX build -q --min-count 1 -o $T/c.ngx $T/c.jsonl || exit 1
echo "== top 5"; $NGIDX top -k 5 $T/c.ngx
echo "== --from 2018 --to 2018"; $NGIDX top -k 5 --from 2018 --to 2018 $T/c.ngx
echo "== --n 2 --by documents --where src=a"; $NGIDX top --n 2 --by documents --where src=a -k 4 $T/c.ngx
echo "== --where src=b --from 2019 --stopwords english --n 1-2"
$NGIDX top --where src=b --from 2019 --stopwords english --n 1-2 -k 5 $T/c.ngx
echo "== --min-documents 4 --where src=a --to 2017-06"; $NGIDX top --min-documents 4 --where src=a --to 2017-06 -k 3 $T/c.ngx
echo "== --prefix hanoi --from 2018"; $NGIDX top --prefix hanoi --from 2018 $T/c.ngx
echo "== * summit --where src=b"; $NGIDX top --where src=b -k 3 $T/c.ngx "* summit"
echo "== the * summit --to 2017-06"; $NGIDX top --to 2017-06 $T/c.ngx "the * summit"
echo "== kim * --from 2019 --by documents"; $NGIDX top --from 2019 --by documents -k 3 $T/c.ngx "kim *"
echo "== empty: --from 1990 --to 1990"; $NGIDX top --from 1990 --to 1990 $T/c.ngx; echo "exit $?"
echo "== empty: --where src=a --where src=b"; $NGIDX top --where src=a --where src=b --prefix the $T/c.ngx
echo "== empty: --where nofield=x"; $NGIDX top --where nofield=x $T/c.ngx "* summit"
echo "== json"; $NGIDX top --json -k 2 --where src=a $T/c.ngx
same() {
	if $NGIDX top "$@" >$T/a.txt && $NGIDX top --where lang=en "$@" >$T/b.txt && cmp -s $T/a.txt $T/b.txt; then
		echo "every document ($(wc -l <$T/a.txt) lines): same as unfiltered"
	else
		echo "every document: DIFFERS"
	fi
}
same -k 40 --n 1-3 $T/c.ngx
same -k 40 --by documents $T/c.ngx
same -k 5000 --n 2 $T/c.ngx
same --prefix the -k 9 $T/c.ngx
same -k 9 $T/c.ngx "* summit"
$NGIDX top --n 1-3 -k 100000 --where src=a --from 2018 $T/c.ngx >$T/got.txt
$NGIDX top --n 1-3 -k 100000 --where src=a --from 2018 --by documents $T/c.ngx >$T/got_df.txt
python3 - "$T" <<'PY'
import json, re, sys
t = sys.argv[1]
cf, df = {}, {}
for line in open(t + "/c.jsonl"):
    d = json.loads(line)
    if d["src"] != "a" or "date" not in d or d["date"] < "2018":
        continue
    toks = re.findall(r"\w+", d["text"].lower())
    seen = set()
    for n in (1, 2, 3):
        for i in range(len(toks) - n + 1):
            g = " ".join(toks[i:i + n])
            cf[g] = cf.get(g, 0) + 1
            if g not in seen:
                seen.add(g)
                df[g] = df.get(g, 0) + 1
for name, key in (("got.txt", lambda g: (-cf[g], -df[g], g.encode())),
                  ("got_df.txt", lambda g: (-df[g], -cf[g], g.encode()))):
    want = ["rank\tngram\tn\toccurrences\tdocuments"]
    for r, g in enumerate(sorted(cf, key=key), 1):
        want.append("%d\t%s\t%d\t%d\t%d" % (r, g, g.count(" ") + 1, cf[g], df[g]))
    got = open(t + "/" + name).read().splitlines()
    print("reference %s: %d rows, %s" % (name, len(got) - 1, "same" if got == want else "DIFFERENT"))
PY
$NGIDX top --from 2019x $T/c.ngx 2>&1; echo "exit $?"
$NGIDX top --where nocomma $T/c.ngx 2>/dev/null; echo "exit $?"
$NGIDX top --where a=1,b=2 $T/c.ngx 2>/dev/null; echo "exit $?"
