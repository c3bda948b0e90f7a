# ngidx cooc on the sample articles with the shipped dictionaries (a small
# dictionary written here when they are missing): the neighbours of an
# actor by id, by "@id" and by alias (all three identical), --by ll,
# --level sentence and window, --min-count, --json, one pair at every
# level, --docs at two levels, and --from/--to on a dated copy of the
# samples (JSON Lines written below; the 5th article undated).
#
# Checked by hand (grep -oiE on data/samples/*.txt, aliases from hanoi.tsv:
# Kim = "Kim Jong-un" | "Kim Jongun" | "Kim Jong-eun" | "Kim"; Xi = "Xi
# Jinping" | "Xi"; Trump = "Donald Trump" | "Donald J. Trump" | "Trump";
# Moon = "Moon Jae-in" | "President Moon"):
#   "\bkim\b" is in articles 000 001 003 004 (004: "Kim Jong-un", "Kim to"
#     ...; none of them only as another Kim), "\bxi\b" in 000 001 002 003,
#     "\btrump\b" in all five, "moon jae.in" in 001 (8x "Moon Jae-In") and
#     004 (1x);
#   so at doc level Kim & Xi = 3 (000 001 003), Kim & Trump = 4 (000 001
#     003 004), Xi & Trump = 4 (000 001 002 003), Moon & Kim = 2 (001 004),
#     Moon & Xi = 1 (001); and no line holding "Moon Jae" also holds "Kim",
#     so Moon & Kim = 0 at sentence level.
#   With the dates below (000 2019-03-01, 001 2019-02-26, 002 2018-06,
#     003 2019, 004 undated): --from 2019 --to 2019-02 keeps 001 and 003
#     ("2019" is 2019-00-00, within the range), so Kim & Xi = 2 there, and
#     --from 2019-03 keeps only 000: Kim & Xi = 1, Kim & Trump = 1.
D1=data/actors/world.tsv
D2=data/actors/hanoi.tsv
if [ ! -f $D1 ] || [ ! -f $D2 ]; then
	D1=$T/a.tsv
	D2=$T/b.tsv
	printf 'PRK\tNorth Korea\tcountry\nUSA\tUnited States\tcountry\nCHN\tChina\tcountry\nVNM\tVietnam\tcountry\n' >$D1
	printf 'KIM_JONG_UN\tKim Jong-un\tperson\nKIM_JONG_UN\tKim Jongun\tperson\nKIM_JONG_UN\tKim Jong-eun\tperson\nKIM_JONG_UN\tKim\tperson\nDONALD_TRUMP\tDonald Trump\tperson\nDONALD_TRUMP\tDonald J. Trump\tperson\nDONALD_TRUMP\tTrump\tperson\nXI_JINPING\tXi Jinping\tperson\nXI_JINPING\tXi\tperson\nMOON_JAE_IN\tMoon Jae-in\tperson\nMOON_JAE_IN\tPresident Moon\tperson\n' >$D2
fi
$NGIDX build -q --actors $D1 --actors $D2 -o $T/s.ngx data/samples || exit 1
S=$T/s.ngx
echo "== KIM_JONG_UN, by id"
$NGIDX cooc --k 8 $S KIM_JONG_UN >$T/by_id || exit 1
cat $T/by_id
$NGIDX cooc --k 8 $S @KIM_JONG_UN >$T/by_at || exit 1
$NGIDX cooc --k 8 $S 'kim jong-un' >$T/by_alias || exit 1
$NGIDX cooc --k 8 $S 'KIM, Jong Un' >$T/by_alias2 || exit 1
cmp -s $T/by_id $T/by_at && cmp -s $T/by_id $T/by_alias && cmp -s $T/by_id $T/by_alias2 &&
	echo "by @id and by alias: same rows"
echo "== --by ll"
$NGIDX cooc --by ll --k 5 $S XI_JINPING
echo "== --by logdice --min-count 3"
$NGIDX cooc --by logdice --min-count 3 $S 'Xi'
echo "== --level sentence"
$NGIDX cooc --level sentence --k 5 $S DONALD_TRUMP
echo "== --level window"
$NGIDX cooc --level window --k 5 $S DONALD_TRUMP
echo "== --json --level window --k 2"
$NGIDX cooc --json --level window --k 2 $S KIM_JONG_UN | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    print(o["actor"], o["neighbor"], o["count"], o["r1"], o["c1"], o["n"])'
echo "== pairs at every level"
$NGIDX cooc $S KIM_JONG_UN XI_JINPING
$NGIDX cooc $S 'Kim' 'Trump'
$NGIDX cooc $S XI_JINPING DONALD_TRUMP
$NGIDX cooc $S MOON_JAE_IN KIM_JONG_UN
$NGIDX cooc $S MOON_JAE_IN XI_JINPING
echo "== --level window pair"
$NGIDX cooc --level window $S KIM_JONG_UN XI_JINPING
echo "== --docs"
$NGIDX cooc --docs $S KIM_JONG_UN XI_JINPING
$NGIDX cooc --docs --level sentence $S KIM_JONG_UN XI_JINPING
$NGIDX cooc --docs --level window $S KIM_JONG_UN XI_JINPING
$NGIDX cooc --docs $S MOON_JAE_IN XI_JINPING

echo "== dated copy: --from/--to"
python3 - "$T/dated.jsonl" <<'PY' || exit 1
import json, os, sys
dates = ["2019-03-01", "2019-02-26", "2018-06", "2019", None]
names = sorted(os.listdir("data/samples"))
with open(sys.argv[1], "w") as out:
    for name, date in zip(names, dates):
        with open(os.path.join("data/samples", name), encoding="utf-8") as f:
            o = {"id": name, "text": f.read()}
        if date:
            o["date"] = date
        out.write(json.dumps(o) + "\n")
PY
$NGIDX build -q --actors $D1 --actors $D2 -o $T/d.ngx $T/dated.jsonl || exit 1
$NGIDX cooc $T/d.ngx KIM_JONG_UN XI_JINPING
$NGIDX cooc --from 2019 --to 2019-02 $T/d.ngx KIM_JONG_UN XI_JINPING
$NGIDX cooc --from 2019 --to 2019-02 --docs $T/d.ngx KIM_JONG_UN XI_JINPING
$NGIDX cooc --from 2019-03 $T/d.ngx KIM_JONG_UN XI_JINPING
$NGIDX cooc --from 2019-03 --level doc $T/d.ngx KIM_JONG_UN DONALD_TRUMP
$NGIDX cooc --from 2019-03 --k 4 $T/d.ngx KIM_JONG_UN
$NGIDX cooc --to 2018 --k 4 $T/d.ngx XI_JINPING
$NGIDX cooc --from 2020 $T/d.ngx KIM_JONG_UN
