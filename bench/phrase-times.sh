#!/usr/bin/env bash
# phrase-times.sh - in-process time of each phrase and stop-word query of a
# query file, for comparing two ngidx binaries on one index.
#
#   bench/phrase-times.sh [--reps N] [--queries FILE] NGIDX INDEX
#
# Each query is given N times (default 1000) to one `NGIDX count INDEX`
# process; the best of 3 such runs, minus a run on empty input (start-up
# and opening the index), divided by N, is the time of one query in µs.
# Queries are the `phrase` and `stop` rows of FILE (default
# bench/queries/gen.tsv: kind TAB query). Prints kind, query, µs, and the
# median of the `phrase` kind.
set -euo pipefail

reps=1000
queries="$(dirname "$0")/queries/gen.tsv"
while [ $# -gt 2 ]; do
	case $1 in
	--reps) reps=$2; shift 2 ;;
	--queries) queries=$2; shift 2 ;;
	*) echo "usage: $0 [--reps N] [--queries FILE] NGIDX INDEX" >&2; exit 2 ;;
	esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--reps N] [--queries FILE] NGIDX INDEX" >&2; exit 2; }
bin=$1 idx=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# best of 3 wall seconds of `bin count idx < file`
best() {
	local b=
	for _ in 1 2 3; do
		local t
		t=$( { /usr/bin/time -f %e "$bin" count "$idx" <"$1" >/dev/null; } 2>&1 )
		b=$(awk -v a="${b:-$t}" -v t="$t" 'BEGIN { print (t < a ? t : a) }')
	done
	echo "$b"
}

: >"$work/empty"
start=$(best "$work/empty")
grep -E $'^(phrase|stop)\t' "$queries" | while IFS=$'\t' read -r kind q; do
	yes "$q" | head -n "$reps" >"$work/q" || true
	t=$(best "$work/q")
	awk -v k="$kind" -v q="$q" -v t="$t" -v s="$start" -v n="$reps" \
		'BEGIN { printf "%s\t%s\t%.0f\n", k, q, (t - s) / n * 1e6 }'
done | tee "$work/out"
awk -F'\t' '$1 == "phrase" { v[n++] = $3 } END {
	for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	if (n) printf "median\tphrase\t%.0f\n", n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
}' "$work/out"
