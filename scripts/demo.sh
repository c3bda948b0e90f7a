#!/bin/sh
# make demo: index the bundled sample articles and run example queries.
set -eu
NGIDX=${1:-build/ngidx}
out=build/demo
mkdir -p "$out"
run() { printf '\n$ %s\n' "$*"; "$@"; }
run "$NGIDX" build -o "$out/samples.ngx" data/samples
run "$NGIDX" count "$out/samples.ngx" "Hanoi summit" "Kim Jong-un" "KIM JONG UN" "Xi Jinping" "denuclearization"
run "$NGIDX" count "$out/samples.ngx" "the failure of the Hanoi summit" "North Korea's nuclear weapons"
printf '\n$ printf "the United States\\nsanctions relief\\nsummit\\n" | %s count --json %s\n' "$NGIDX" "$out/samples.ngx"
printf 'the United States\nsanctions relief\nsummit\n' | "$NGIDX" count --json "$out/samples.ngx"
run "$NGIDX" stats "$out/samples.ngx"
run "$NGIDX" verify "$out/samples.ngx"
