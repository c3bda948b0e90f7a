#!/usr/bin/env bash
# compare.sh - randomized end-to-end test of `ngidx build` + `ngidx count`
# against the brute-force reference tests/cli/refcount_ref.py.
#
# For each seed: generate a corpus and query phrases (gen_corpus.py), compute
# the expected answers (refcount_ref.py), build indexes with --max-n 1, 3 and 5,
# one and two threads, default and small --memory (many spills), --min-df 2
# and --no-text, and check that
#   - every build exits 0 and leaves nothing in its --tmp folder;
#   - indexes that differ only in --threads/--memory are byte-identical;
#   - `ngidx count INDEX < phrases` prints exactly the reference TSV (also
#     with --min-df 2: `ngidx build --help` promises that counts stay exact);
#   - `ngidx count --json` prints one JSON object a phrase with the same values;
#   - phrases given as arguments give the same rows as the reference.
#
# usage: tests/cli/compare.sh [--seed S]... [--quick] [--seconds T] [--keep]
#   --seed S     run seed S only (repeatable); replays a failing case exactly
#   --quick      small corpora, about 10 seconds (make weakhash uses this)
#   --seconds T  time budget for random seeds (default 60); at least one seed runs
#   --keep       keep the work folder (printed at the end)
# env: NGIDX = the binary (default build/ngidx, relative to the repo root).
# Prints `compare: N passed, M failed` last; exits 1 on any failure, 2 on usage.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NGIDX=${NGIDX:-build/ngidx}
case $NGIDX in /*) ;; *) [ -e "$NGIDX" ] && NGIDX=$(pwd)/$NGIDX || NGIDX=$ROOT/$NGIDX ;; esac
cd "$ROOT" || exit 2

SEEDS=()
QUICK=0
BUDGET=60
KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	--seed) [ $# -ge 2 ] || { echo "compare: --seed needs a value" >&2; exit 2; }
		SEEDS+=("$2"); shift 2 ;;
	--seed=*) SEEDS+=("${1#--seed=}"); shift ;;
	--quick) QUICK=1; BUDGET=10; shift ;;
	--seconds) [ $# -ge 2 ] || { echo "compare: --seconds needs a value" >&2; exit 2; }
		BUDGET=$2; shift 2 ;;
	--seconds=*) BUDGET=${1#--seconds=}; shift ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "compare: unknown option '$1'" >&2; exit 2 ;;
	esac
done
for s in "${SEEDS[@]+"${SEEDS[@]}"}"; do
	case $s in ''|*[!0-9]*) echo "compare: bad seed '$s'" >&2; exit 2 ;; esac
done
case $BUDGET in ''|*[!0-9]*) echo "compare: bad --seconds '$BUDGET'" >&2; exit 2 ;; esac

if [ ! -x "$NGIDX" ]; then
	echo "compare: no binary at $NGIDX (run make, or set NGIDX)" >&2
	echo "compare: 0 passed, 1 failed"
	exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ngidx-compare.XXXXXX") || exit 1
cleanup() { if [ "$KEEP" = 1 ]; then echo "compare: work folder kept: $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

PASS=0
FAIL=0
SEED_FAIL=0
pass() { PASS=$((PASS + 1)); }
fail() { # message lines as arguments (never call it at the end of a pipe)
	FAIL=$((FAIL + 1)); SEED_FAIL=$((SEED_FAIL + 1))
	printf '%s\n' "$@" | sed '1!s/^/  /'
}

# ---------------------------------------------------------------- checker
cat > "$TMP/check.py" <<'PY'
"""check.py MODE EXPECTED GOT: compare `ngidx count` output with the reference.
MODE: tsv | json. Prints a report and exits 1 on a mismatch."""
import json, sys

def rows(path):
    data = open(path, "rb").read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines

def show(b):
    return repr(b.decode("utf-8", "backslashreplace"))

def fields(r):
    return r.split(b"\t")

def fmt(f):
    if len(f) != 5:
        return "%d fields: %s" % (len(f), show(b"\t".join(f)))
    return "ngram=%s n=%s occurrences=%s documents=%s" % (
        show(f[1]), f[2].decode(errors="replace"), f[3].decode(errors="replace"),
        f[4].decode(errors="replace"))

def main():
    mode, exp_path, got_path = sys.argv[1:4]
    exp = rows(exp_path)
    bad, notes = [], []
    if mode == "json":
        got = rows(got_path)
        if len(got) != len(exp) - 1:
            notes.append("expected %d JSON lines, got %d" % (len(exp) - 1, len(got)))
        keys = ("query", "ngram", "n", "occurrences", "documents")
        for i, (e, g) in enumerate(zip(exp[1:], got)):
            ef = fields(e)
            want = {"query": ef[0].decode("utf-8", "surrogateescape"),
                    "ngram": ef[1].decode("utf-8"), "n": int(ef[2]),
                    "occurrences": int(ef[3]), "documents": int(ef[4])}
            try:
                obj = json.loads(g)
            except ValueError as x:
                bad.append((i, ef[0], "valid JSON: %s" % x, "not JSON: %s" % show(g)))
                continue
            if not isinstance(obj, dict):
                bad.append((i, ef[0], "a JSON object", show(g)))
                continue
            have = {k: obj.get(k, "<missing>") for k in keys}
            if have != want or any(type(have[k]) is not type(want[k]) for k in keys):
                bad.append((i, ef[0], json.dumps(want, ensure_ascii=False),
                            json.dumps(have, ensure_ascii=False)))
    else:
        got = rows(got_path)
        if not got or got[0] != exp[0]:
            notes.append("header: expected %s, got %s" % (show(exp[0]), show(got[0]) if got else "nothing"))
        if len(got) != len(exp):
            notes.append("expected %d rows, got %d" % (len(exp) - 1, max(len(got) - 1, 0)))
        for i, (e, g) in enumerate(zip(exp[1:], got[1:])):
            if e != g:
                ef, gf = fields(e), fields(g)
                bad.append((i, ef[0], fmt(ef), fmt(gf) if gf[0] == ef[0] else
                            "query=%s %s" % (show(gf[0]), fmt(gf))))
    shown, seen = 0, set()
    for i, q, e, g in bad:
        if q in seen or shown == 5:
            continue
        seen.add(q)
        shown += 1
        print("row %d: phrase %s" % (i + 1, show(q)))
        print("  expected: %s" % e)
        print("  got:      %s" % g)
    if len(bad) > shown:
        print("... and %d more differing rows" % (len(bad) - shown))
    failed = bool(bad or notes)
    if failed:
        print("%d of %d rows differ" % (len(bad), len(exp) - 1))
    return 1 if failed else 0

sys.exit(main())
PY

# ---------------------------------------------------------------- helpers
# build NAME OPTION... : build $W/NAME.ngx from $W/corpus; 0 when it worked.
build() {
	local name=$1; shift
	local tmpd="$W/tmp.$name" q=-q
	case $name in b*) q= ;; esac # their summary tells how many runs spilled
	mkdir -p "$tmpd"
	"$NGIDX" build $q -o "$W/$name.ngx" --tmp "$tmpd" "$@" "$W/corpus" \
		> "$W/$name.build.out" 2> "$W/$name.build.err"
	local rc=$?
	BUILD_OPTS[$name]="$*"
	if [ $rc -ne 0 ] || [ ! -s "$W/$name.ngx" ]; then
		fail "$(echo "FAIL seed=$SEED build [$*]: exit $rc"; head -5 "$W/$name.build.err")"
		return 1
	fi
	pass
	local left
	left=$(cd "$tmpd" && find . -mindepth 1 | head -3)
	if [ -n "$left" ]; then
		fail "FAIL seed=$SEED build [$*]: files left in --tmp: $(echo $left)"
	else
		pass
	fi
	left=$(cd "$W" && ls -d "$name.ngx".* 2> /dev/null | head -3)
	if [ -n "$left" ]; then
		fail "FAIL seed=$SEED build [$*]: files left next to the index: $(echo $left)"
	else
		pass
	fi
	return 0
}

# same NAME1 NAME2 : the two indexes must be byte-identical.
same() {
	if cmp -s "$W/$1.ngx" "$W/$2.ngx"; then
		pass
	else
		fail "FAIL seed=$SEED indexes differ: [${BUILD_OPTS[$1]}] vs [${BUILD_OPTS[$2]}]" \
			"$(sha256sum "$W/$1.ngx" "$W/$2.ngx" | sed "s|$W/||")" \
			"$(cmp "$W/$1.ngx" "$W/$2.ngx" 2>&1 | head -1 | sed "s|$W/||g")"
	fi
}

# count NAME : count the phrases on index NAME, compare with the reference.
count() {
	local name=$1 rc
	"$NGIDX" count "$W/$name.ngx" < "$W/phrases.txt" > "$W/$name.count.tsv" 2> "$W/$name.count.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$(echo "FAIL seed=$SEED count on [${BUILD_OPTS[$name]}]: exit $rc"; head -5 "$W/$name.count.err")"
		return
	fi
	if python3 "$TMP/check.py" tsv "$W/expected.tsv" "$W/$name.count.tsv" > "$W/$name.report" 2>&1; then
		pass
	else
		fail "$(echo "FAIL seed=$SEED count on [${BUILD_OPTS[$name]}]:"; cat "$W/$name.report")"
	fi
}

# count_json NAME : `count --json` must parse and carry the reference values.
count_json() {
	local name=$1 rc
	"$NGIDX" count --json "$W/$name.ngx" < "$W/phrases.txt" > "$W/$name.count.json" 2> "$W/$name.json.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$(echo "FAIL seed=$SEED count --json on [${BUILD_OPTS[$name]}]: exit $rc"; head -5 "$W/$name.json.err")"
	elif python3 "$TMP/check.py" json "$W/expected.tsv" "$W/$name.count.json" > "$W/$name.jreport" 2>&1; then
		pass
	else
		fail "$(echo "FAIL seed=$SEED count --json on [${BUILD_OPTS[$name]}]:"; cat "$W/$name.jreport")"
	fi
}

# count_args NAME : phrases as arguments (up to 12, none starting with '-').
count_args() {
	local name=$1 rc
	local -a ps=()
	local p
	while IFS= read -r p; do
		case $p in -*) continue ;; esac
		ps+=("$p")
		[ ${#ps[@]} -ge 12 ] && break
	done < "$W/phrases.txt"
	python3 "$HERE/refcount_ref.py" count "$W/corpus" "${ps[@]}" > "$W/args.expected.tsv"
	"$NGIDX" count "$W/$name.ngx" "${ps[@]}" > "$W/$name.args.tsv" 2> "$W/$name.args.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$(echo "FAIL seed=$SEED count INDEX PHRASE... on [${BUILD_OPTS[$name]}]: exit $rc"; head -5 "$W/$name.args.err")"
	elif python3 "$TMP/check.py" tsv "$W/args.expected.tsv" "$W/$name.args.tsv" > "$W/$name.areport" 2>&1; then
		pass
	else
		fail "$(echo "FAIL seed=$SEED count INDEX PHRASE... on [${BUILD_OPTS[$name]}]:"; cat "$W/$name.areport")"
	fi
}

# ---------------------------------------------------------------- memory bound
# The smallest --memory the binary accepts, starting at 2M.
W=$TMP/probe
mkdir -p "$W/corpus"
printf 'to be or not to be\n' > "$W/corpus/a.txt"
SMALL=
for m in 2M 4M 8M 16M 32M 64M 128M 256M; do
	mkdir -p "$W/tmp"
	if "$NGIDX" build -q -o "$W/p.ngx" --tmp "$W/tmp" --memory "$m" "$W/corpus" > /dev/null 2> "$W/err"; then
		SMALL=$m
		break
	fi
done
if [ -z "$SMALL" ]; then
	if "$NGIDX" build -q -o "$W/p.ngx" --tmp "$W/tmp" "$W/corpus" > /dev/null 2> "$W/err"; then
		echo "compare: '$NGIDX build --memory' accepted none of 2M..256M:" >&2
	else
		echo "compare: '$NGIDX build' fails on a one-line document:" >&2
	fi
	head -5 "$W/err" >&2
	echo "compare: 0 passed, 1 failed"
	exit 1
fi
[ "$SMALL" = 2M ] || echo "compare: --memory 2M rejected, using --memory $SMALL"

# ---------------------------------------------------------------- one seed
declare -A BUILD_OPTS
run_seed() {
	SEED=$1
	SEED_FAIL=0
	W=$TMP/s$SEED
	rm -rf "$W"
	mkdir -p "$W"
	local -a gopt=(--seed "$SEED" --phrases "$W/phrases.txt")
	if [ "$QUICK" = 1 ]; then
		gopt+=(--docs $((4 + SEED % 12)) --max-tokens 600 --nphrases 80)
	elif [ $((SEED % 3)) = 0 ]; then
		gopt+=(--long-docs 2)
	fi
	if ! python3 "$HERE/gen_corpus.py" "${gopt[@]}" "$W/corpus" 2> "$W/gen.log"; then
		echo "seed $SEED"
		fail "FAIL seed=$SEED gen_corpus.py failed:" "$(tail -3 "$W/gen.log")"
		return
	fi
	echo "seed $SEED: $(sed -n 's/^gen_corpus: seed=[0-9]* //p' "$W/gen.log") phrases=$(wc -l < "$W/phrases.txt")"
	python3 "$HERE/refcount_ref.py" count "$W/corpus" < "$W/phrases.txt" > "$W/expected.tsv"

	local n
	for n in 1 3 5; do
		build "a$n" --max-n $n --threads 1 || continue
		count "a$n"
		build "b$n" --max-n $n --threads 2 --memory $SMALL || continue
		if cmp -s "$W/a$n.ngx" "$W/b$n.ngx"; then pass; else same "a$n" "b$n"; count "b$n"; fi
	done
	if [ -s "$W/a3.ngx" ]; then
		build c3 --max-n 3 --threads 2 && same a3 c3
		build d3 --max-n 3 --threads 1 --memory $SMALL && same a3 d3
		count_json a3
		count_args a3
	fi
	build e3 --max-n 3 --min-df 2 --threads 2 --memory $SMALL && count e3
	build f3 --max-n 3 --min-df 2 --threads 1 && [ -s "$W/e3.ngx" ] && same e3 f3
	build g3 --max-n 3 --no-text --threads 2 && count g3

	local runs=
	for n in 1 3 5; do
		runs="$runs/$(grep -o '[0-9]* runs' "$W/b$n.build.err" 2> /dev/null | tail -1 | cut -d' ' -f1)"
	done
	if [ $SEED_FAIL -gt 0 ]; then
		echo "  seed $SEED: $SEED_FAIL failed; replay: NGIDX=$NGIDX tests/cli/compare.sh --seed $SEED --keep"
	else
		echo "  ok; runs with --threads 2 --memory $SMALL, --max-n 1/3/5: ${runs#/}"
	fi
	[ "$KEEP" = 1 ] || rm -rf "$W"
}

START=$SECONDS
if [ ${#SEEDS[@]} -gt 0 ]; then
	for s in "${SEEDS[@]}"; do run_seed "$s"; done
else
	while :; do
		run_seed "$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"
		[ $((SECONDS - START)) -ge "$BUDGET" ] && break
	done
fi
echo "compare: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
