# ngidx actors on the sample articles with the shipped dictionaries
# (data/actors/world.tsv + hanoi.tsv; a small dictionary written here when
# they are missing): the full table, --type, --aliases with --k, --all,
# and --json (each line must parse on its own)
D1=data/actors/world.tsv
D2=data/actors/hanoi.tsv
if [ ! -f $D1 ] || [ ! -f $D2 ]; then
	D1=$T/a.tsv
	D2=$T/b.tsv
	printf 'PRK\tNorth Korea\tcountry\nPRK\tPyongyang\tcountry\nUSA\tUnited States\tcountry\nCHN\tChina\tcountry\nCHN\tBeijing\tcountry\nVNM\tVietnam\tcountry\nVNM\tHanoi\tcountry\n' >$D1
	printf 'KIM_JONG_UN\tKim Jong-un\tperson\nKIM_JONG_UN\tKim\tperson\nDONALD_TRUMP\tDonald Trump\tperson\nDONALD_TRUMP\tTrump\tperson\nXI_JINPING\tXi Jinping\tperson\nXI_JINPING\tXi\tperson\n' >$D2
fi
$NGIDX build -q --actors $D1 --actors $D2 -o $T/s.ngx data/samples || exit 1
echo "== actors"
$NGIDX actors $T/s.ngx
echo "== --type person"
$NGIDX actors --type person $T/s.ngx
echo "== --type nosuchtype"
$NGIDX actors --type nosuchtype $T/s.ngx
echo "== --aliases --k 3"
$NGIDX actors --aliases --k 3 $T/s.ngx
echo "== --all (count of rows)"
$NGIDX actors --all $T/s.ngx | wc -l | tr -d ' '
echo "== --json --k 5"
$NGIDX actors --json --k 5 $T/s.ngx >$T/j || exit 1
cat $T/j
while IFS= read -r line; do
	printf '%s\n' "$line" | python3 -m json.tool >/dev/null || { echo "bad JSON: $line"; exit 1; }
done <$T/j
echo "== --json --type person --aliases --k 2"
$NGIDX actors --json --type person --aliases --k 2 $T/s.ngx | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    print(o["id"], o["type"], o["occurrences"], type(o.get("aliases")).__name__)'
