#!/bin/sh
# make demo: index the bundled sample articles and run example queries.
set -eu
NGIDX=${1:-build/ngidx}
out=build/demo
mkdir -p "$out"
# show the command as one would type it, quoting words with spaces
run() {
	printf '\n$'
	for a in "$@"; do
		case $a in *" "* | *"'"*) printf ' "%s"' "$a" ;; *) printf ' %s' "$a" ;; esac
	done
	printf '\n'
	"$@"
}
run "$NGIDX" build -o "$out/samples.ngx" data/samples
run "$NGIDX" count "$out/samples.ngx" "Hanoi summit" "Kim Jong-un" "KIM JONG UN" "Xi Jinping" "denuclearization"
run "$NGIDX" count "$out/samples.ngx" "the failure of the Hanoi summit" "the collapse of the Hanoi summit" "North Korea's nuclear"
printf '\n$ printf "the United States\\nsanctions relief\\nsummit\\n" | %s count --json %s\n' "$NGIDX" "$out/samples.ngx"
printf 'the United States\nsanctions relief\nsummit\n' | "$NGIDX" count --json "$out/samples.ngx"
run "$NGIDX" docs --rank bm25 "$out/samples.ngx" 'Kim AND (sanctions OR summit) NOT trade'
run "$NGIDX" kwic --width 30 --limit 4 "$out/samples.ngx" "kim jong un"
run "$NGIDX" stats "$out/samples.ngx"
run "$NGIDX" verify "$out/samples.ngx"
