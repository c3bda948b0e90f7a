#!/bin/sh
# Run each Criterion test binary given; print one summary line; fail if any
# fails. Criterion ignores a leak that LeakSanitizer reports in a test's
# process (the test still passes), so the output is also searched for
# sanitizer reports.
set -u
fail=0; n=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	n=$((n + 1))
	"$t" --jobs=2 >"$log" 2>&1
	rc=$?
	cat "$log"
	if [ $rc -ne 0 ]; then
		echo "FAILED: $t" >&2
		fail=$((fail + 1))
	elif grep -q -e "ERROR: LeakSanitizer" -e "ERROR: AddressSanitizer" -e "runtime error:" "$log"; then
		echo "FAILED: $t (sanitizer report above)" >&2
		fail=$((fail + 1))
	fi
done
echo "unit test binaries: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
