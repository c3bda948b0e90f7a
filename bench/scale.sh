#!/usr/bin/env bash
# Scale benchmark (issue 5): build the generated corpus at several sizes with
# the same options and report, per size, the time per MB, the peak RSS
# against --memory, and the peak temporary disk against the final index.
#
#   bench/scale.sh [--sizes "100M 1G 4G"] [--memory 256M] [--threads 2]
#                  [--seed 1] [--out DIR] [--results FILE|none]
#
# Targets of issue 5: time per MB within 20 % from 100 MB to 4 GB; peak RSS
# within --memory + 64 MB at every size; temporary disk at most 1.5 times
# the index. Temporary disk is the largest size of the build's --tmp folder,
# in blocks in use (`du -B1`: the holes the merge punches in the runs it
# has read count as free), sampled every 0.05 s (the writing phase's
# peak lasts a few tenths of a second). The corpora stay in --out
# (default bench/out); the indexes are deleted.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
NGIDX=${NGIDX:-$root/build/ngidx}
sizes="100M 1G 4G" memory=256M threads=2 seed=1 out=$root/bench/out results=$root/bench/RESULTS.md
while [ $# -gt 0 ]; do
	case $1 in
	--sizes) sizes=$2; shift ;;
	--memory) memory=$2; shift ;;
	--threads) threads=$2; shift ;;
	--seed) seed=$2; shift ;;
	--out) out=$2; shift ;;
	--results) results=$2; shift ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "scale.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$out"
rows=""
for size in $sizes; do
	corpus=$out/gen-$size-s$seed.jsonl
	[ -s "$corpus" ] || "$root/scripts/gen-corpus" --size "$size" --seed "$seed" -o "$corpus"
	tmp=$out/scale-tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	( peak=0; while :; do
		s=$(du -s -B1 "$tmp" 2>/dev/null | cut -f1); s=${s:-0}
		[ "$s" -gt "$peak" ] && peak=$s && echo "$peak" >"$out/scale-peak"
		sleep 0.05
	done ) &
	watcher=$!
	echo 0 >"$out/scale-peak"
	/usr/bin/time -f "%e %M" -o "$out/scale-time" "$NGIDX" build -q -t "$threads" --memory "$memory" \
		--tmp "$tmp" -o "$out/scale.ngx" "$corpus"
	kill "$watcher" 2>/dev/null || true
	wait "$watcher" 2>/dev/null || true
	read -r secs rss <"$out/scale-time"
	in_bytes=$(stat -L -c %s "$corpus")
	idx_bytes=$(stat -c %s "$out/scale.ngx")
	rows="$rows$size $in_bytes $secs $rss $(cat "$out/scale-peak") $idx_bytes
"
	rm -rf "$out/scale.ngx" "$tmp"
done
printf '%s' "$rows" | python3 -c '
import datetime, sys
mem, threads, results, cmd = sys.argv[1:5]
rows = [l.split() for l in sys.stdin if l.strip()]
base = None
out = ["", "## %s — build scale (issue 5)" % datetime.date.today().isoformat(), "",
       "`%s`: `ngidx build -t %s --memory %s`, generated corpora (JSON Lines size on disk):" % (cmd, threads, mem), "",
       "| corpus | input MB | seconds | MB/s | s per MB vs the first | peak RSS MB | within --memory + 64 MB | peak temp MB | index MB | temp / index |",
       "|---|---|---|---|---|---|---|---|---|---|"]
m = {"k": 1 / 1024, "M": 1, "G": 1024}[mem[-1]] * float(mem[:-1])
for size, inb, secs, rss, peak, idx in rows:
    inmb, secs, rssmb, peakmb, idxmb = int(inb) / 2**20, float(secs), int(rss) / 1024, int(peak) / 2**20, int(idx) / 2**20
    spm = secs / inmb
    base = base or spm
    out.append("| %s | %.0f | %.1f | %.2f | %.2f | %.0f | %s | %.0f | %.0f | %.2f |" % (size, inmb, secs, inmb / secs, spm / base,
               rssmb, "yes" if rssmb <= m + 64 else "**no**", peakmb, idxmb, peakmb / idxmb))
text = "\n".join(out) + "\n"
print(text)
if results != "none":
    open(results, "a").write(text)
' "$memory" "$threads" "$results" "bench/scale.sh --sizes \"$sizes\" --memory $memory --threads $threads"
