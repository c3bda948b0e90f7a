#!/bin/sh
# make-seeds.sh - rebuild the index seeds of the fuzz targets, after a change
# of the index format (a reader refuses another major, so old seeds would
# stop at the header and the fuzzers would never reach the decoders).
#
#   make build/ngidx && tests/fuzz/make-seeds.sh
#
# seed0: three documents, 1-3-grams, text; seed1: the same, unigrams only,
# no text; seed2: two documents with actors and co-occurrences, 1-2-grams.
set -eu
NGIDX=${NGIDX:-build/ngidx}
out=tests/fuzz/corpus/index
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir "$T/s0" "$T/s2"
printf 'The Hanoi summit. Kim Jong Un said the summit failed.' > "$T/s0/a.txt"
printf 'the the the of the summit summit' > "$T/s0/b.txt"
i=1; s=the
while [ $i -lt 300 ]; do s="$s the"; i=$((i + 1)); done
printf '%s' "$s" > "$T/s0/c.txt"
"$NGIDX" build -q --max-n 3 --min-count 1 -o "$out/seed0" "$T/s0"
"$NGIDX" build -q --max-n 1 --min-count 1 --no-text -o "$out/seed1" "$T/s0"
printf 'North Korea met South Korea. Kim Jong-un spoke to Trump in Hanoi.' > "$T/s2/a"
printf 'Trump and Kim. Korea talks in Hanoi. North Korea again.' > "$T/s2/b"
printf 'PRK\tNorth Korea\tcountry\nKOR\tSouth Korea\tcountry\nKOR\tKorea\tcountry\nKJU\tKim Jong-un\tperson\nKJU\tKim\tperson\nTRUMP\tTrump\tperson\nVNM\tHanoi\n' > "$T/actors.tsv"
"$NGIDX" build -q --max-n 2 --min-count 1 --actors "$T/actors.tsv" -o "$out/seed2" "$T/s2"
for f in seed0 seed1 seed2; do "$NGIDX" verify "$out/$f" >/dev/null; done
