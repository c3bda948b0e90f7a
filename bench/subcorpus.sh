#!/usr/bin/env bash
# Subcorpus benchmark (issue 7): the cost of dates and metadata filters, of a
# yearly series and of keyness, on a generated dated corpus, each as a whole
# `ngidx` process. `make bench-subcorpus` runs it.
#
#   bench/subcorpus.sh [--size 1G] [--seed 1] [--index FILE] [--out DIR]
#                      [--reps 15] [--results FILE|none]
#
# It builds (or reuses, with --index) the index of `scripts/gen-corpus --size
# SIZE --seed SEED`, then times each query --reps times (wall clock of the
# process, warm page cache) and reports the median and the ratio to the
# unfiltered count, against the targets of issue 7: a yearly series of a
# phrase in at most 10 ms, a filtered count at most twice the unfiltered
# one, keyness of one year against the rest in at most a second. The table,
# dated, goes to bench/RESULTS.md (--results none: not).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
NGIDX=${NGIDX:-$root/build/ngidx}
size=1G seed=1 index="" out=$root/bench/out reps=15 results=$root/bench/RESULTS.md
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift ;;
	--seed) seed=$2; shift ;;
	--index) index=$2; shift ;;
	--out) out=$2; shift ;;
	--reps) reps=$2; shift ;;
	--results) results=$2; shift ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "subcorpus.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$out"
cmd="bench/subcorpus.sh --size $size --seed $seed"
[ -z "$index" ] || cmd="bench/subcorpus.sh --index $index"
if [ -z "$index" ]; then
	corpus=$out/gen-$size-s$seed.jsonl
	index=$out/gen-$size-s$seed.ngx
	[ -s "$corpus" ] || "$root/scripts/gen-corpus" --size "$size" --seed "$seed" -o "$corpus"
	[ -s "$index" ] || "$NGIDX" build -q --actors "$root/data/actors/world.tsv" -o "$index" "$corpus"
fi
year=$("$NGIDX" series --by year "$index" the | awk -F'\t' 'NR > 1 { y = $1 } END { print y - 1 }')
source=$(head -c 100000 "${corpus:-/dev/null}" 2>/dev/null |
	sed -n 's/.*"source":"\([^"]*\)".*/\1/p' | head -1)
source=${source:-Global Wire}

python3 - "$NGIDX" "$index" "$year" "$source" "$reps" "$results" "$cmd" <<'PY'
import datetime, statistics, subprocess, sys, time
ngidx, index, year, source, reps, results, cmd = sys.argv[1:8]
reps = int(reps)

def median_ms(args):
    out = subprocess.run([ngidx] + args, capture_output=True, text=True, check=True).stdout  # warms the cache
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run([ngidx] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out

rows = []
def run(what, args, target=None, base=None):
    ms, out = median_ms(args)
    rows.append((what, "ngidx " + " ".join(a if " " not in a else "'%s'" % a for a in args),
                 ms, base, target, out))
    return ms

phrase = "the summit"
c0 = run("count, whole corpus", ["count", index, phrase])
run("count, one year", ["count", "--from", year, "--to", year, index, phrase], "2x", c0)
run("count, four months", ["count", "--from", year + "-03", "--to", year + "-06", index, phrase],
    "2x", c0)
run("count, one source", ["count", "--where", "source=" + source, index, phrase], "2x", c0)
run("series by year", ["series", "--by", "year", index, phrase], "10 ms")
run("keyness, one year vs the rest", ["keyness", "--target", "date=" + year, index], "1000 ms")
run("keyness --actors, one year vs the rest", ["keyness", "--actors", "--target", "date=" + year,
                                              index])

lines = ["", "## %s — subcorpus queries (issue 7)" % datetime.date.today().isoformat(), "",
         "`%s` on `%s` (%d runs each, median wall time of the whole process, warm cache):" %
         (cmd, index.split("/")[-1], reps), "",
         "| query | command | median | vs unfiltered count | target |", "|---|---|---|---|---|"]
for what, c, ms, base, target, out in rows:
    ratio = "%.2fx" % (ms / base) if base else ""
    ok = ""
    if target == "2x":
        ok = "2x: " + ("met" if ms <= 2 * base else "missed")
    elif target:
        ok = target + ": " + ("met" if ms <= float(target.split()[0]) else "missed")
    lines.append("| %s | `%s` | %.2f ms | %s | %s |" % (what, c, ms, ratio, ok))
text = "\n".join(lines) + "\n"
print(text)
if results != "none":
    with open(results, "a") as f:
        f.write(text)
PY
