#!/bin/sh
# CLI tests: each tests/cli/cases/NAME.sh is run with sh from the repository
# root, with $NGIDX (the binary), $T (a fresh temporary folder) and $DATA
# (tests/data) set. Its exit code must equal NAME.exit (default 0); if
# NAME.stdout exists, stdout must equal it byte for byte; if NAME.stderr
# exists, stderr must equal it after "$T" is replaced by "T".
# Regenerate an expected file only after checking the new output by hand:
#   NGIDX=build/ngidx tests/cli/run.sh --update NAME
set -u
NGIDX=${NGIDX:-build/ngidx}
case $NGIDX in /*) ;; *) NGIDX=$(pwd)/$NGIDX ;; esac
export NGIDX
DATA=$(pwd)/tests/data
export DATA
update=""
if [ "${1:-}" = "--update" ]; then update=$2; fi
pass=0; fail=0
for c in tests/cli/cases/*.sh; do
	name=${c%.sh}
	base=$(basename "$name")
	T=$(mktemp -d)
	export T
	sh "$c" >"$T/.stdout" 2>"$T/.stderr"
	code=$?
	sed "s#$T#T#g" "$T/.stderr" >"$T/.stderr.norm"
	if [ "$update" = "$base" ]; then
		cp "$T/.stdout" "$name.stdout"
		echo "$code" >"$name.exit"
	fi
	want=0
	[ -f "$name.exit" ] && want=$(cat "$name.exit")
	ok=1
	if [ "$code" != "$want" ]; then
		echo "FAIL $base: exit $code, expected $want"; ok=0
		sed 's/^/  stderr: /' "$T/.stderr" | head -5
	fi
	if [ -f "$name.stdout" ] && ! cmp -s "$name.stdout" "$T/.stdout"; then
		echo "FAIL $base: stdout differs"; ok=0
		diff "$name.stdout" "$T/.stdout" | head -10
	fi
	if [ -f "$name.stderr" ] && ! cmp -s "$name.stderr" "$T/.stderr.norm"; then
		echo "FAIL $base: stderr differs"; ok=0
		diff "$name.stderr" "$T/.stderr.norm" | head -10
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	rm -rf "$T"
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
if [ -x tests/cli/compare.sh ]; then
	tests/cli/compare.sh ${COMPARE_ARGS:-} || exit 1
fi
