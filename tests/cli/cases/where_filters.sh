# --where FIELD=VALUE (with and without dates) on actors, cooc, graph,
# series and kwic:
# even documents (src=a) have one sentence with Kim and Trump, odd ones
# (src=b) two, so the sentence-level pair counts are 20 for src=a and 40
# for src=b; dates cycle 2017, 2018, 2019
python3 - "$T" <<'PY'
import sys
with open(sys.argv[1] + "/c.jsonl", "w") as f:
    for i in range(40):
        extra = "Trump and Kim." if i % 2 else "Seoul."
        f.write('{"id":"d%d","date":"%d-%02d-01","src":"%s","text":"North Korea and South Korea met. '
                'Kim Jong-un spoke to Trump in Hanoi. %s"}\n' % (i, 2017 + i % 3, 1 + i % 12, "ab"[i % 2], extra))
PY
printf 'PRK\tNorth Korea\nKOR\tSouth Korea\nKOR\tSeoul\nKJU\tKim Jong-un\nKJU\tKim\nTRUMP\tTrump\n' >$T/a.tsv
$NGIDX build -q --actors $T/a.tsv -o $T/c.ngx $T/c.jsonl || exit 1
$NGIDX cooc --level sentence $T/c.ngx KJU TRUMP | cut -f1-7
$NGIDX cooc --level sentence --where src=a $T/c.ngx KJU TRUMP | cut -f1-7
$NGIDX cooc --level sentence --where src=b --from 2019 $T/c.ngx KJU TRUMP | cut -f1-7
$NGIDX cooc --where src=b --to 2017 --docs $T/c.ngx KJU TRUMP
$NGIDX graph --where src=a $T/c.ngx
$NGIDX series -q --where src=b $T/c.ngx @KJU "north korea"
$NGIDX actors --where src=a --to 2017 $T/c.ngx
$NGIDX kwic --where src=b --from 2019 --width 12 --limit 2 $T/c.ngx seoul
$NGIDX kwic --where src=a --from 2019 --width 12 --limit 2 $T/c.ngx seoul
$NGIDX cooc --where nofield $T/c.ngx KJU 2>/dev/null; echo "exit $?"
$NGIDX graph --where a=1,b=2 $T/c.ngx 2>/dev/null; echo "exit $?"
