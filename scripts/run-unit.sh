#!/bin/sh
# Run each Criterion test binary given; print one summary line; fail if any fails.
set -u
fail=0; n=0
for t in "$@"; do
	n=$((n + 1))
	if ! "$t" --jobs=2; then
		echo "FAILED: $t" >&2
		fail=$((fail + 1))
	fi
done
echo "unit test binaries: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
