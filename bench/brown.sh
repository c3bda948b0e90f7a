#!/bin/sh
# Build time, peak memory and index size on the Brown corpus (or CORPUS),
# median of RUNS builds per thread count. Usage:
#   bench/brown.sh [CORPUS] [RUNS]
set -eu
NGIDX=${NGIDX:-build/ngidx}
corpus=${1:-../shared/corpus/brown}
runs=${2:-5}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
in=$(du -sb "$corpus" | cut -f1)
printf 'corpus\t%s\t%s bytes\n' "$corpus" "$in"
printf 'threads\tmedian_s\tmin_s\tpeak_rss_MB\tindex_MB\tindex/input\tMB/s\n'
for th in 1 2; do
	: >"$t/times"
	for i in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o "$t/one" "$NGIDX" build -q -t "$th" -o "$t/i.ngx" "$corpus"
		cat "$t/one" >>"$t/times"
	done
	size=$(wc -c <"$t/i.ngx")
	sort -n "$t/times" | awk -v n="$runs" -v size="$size" -v insz="$in" -v th="$th" '
		{ s[NR] = $1; if ($2 > rss) rss = $2 }
		END { med = s[int((n + 1) / 2)];
		      printf "%d\t%.2f\t%.2f\t%.0f\t%.1f\t%.2f\t%.1f\n", th, med, s[1], rss / 1024,
		             size / 1e6, size / insz, insz / 1e6 / med }'
done
