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
run "$NGIDX" build --actors data/actors/world.tsv --actors data/actors/hanoi.tsv -o "$out/samples.ngx" data/samples
run "$NGIDX" count "$out/samples.ngx" "Hanoi summit" "Kim Jong-un" "KIM JONG UN" "Xi Jinping" "denuclearization"
run "$NGIDX" count "$out/samples.ngx" "the failure of the Hanoi summit" "the collapse of the Hanoi summit" "North Korea's nuclear"
printf '\n$ printf "the United States\\nsanctions relief\\nsummit\\n" | %s count --json %s\n' "$NGIDX" "$out/samples.ngx"
printf 'the United States\nsanctions relief\nsummit\n' | "$NGIDX" count --json "$out/samples.ngx"
run "$NGIDX" docs --rank bm25 "$out/samples.ngx" 'Kim AND (sanctions OR summit) NOT trade'
run "$NGIDX" kwic --width 30 --limit 4 "$out/samples.ngx" "kim jong un"
run "$NGIDX" docs "$out/samples.ngx" '@CHN AND @PRK AND summit'
run "$NGIDX" actors --k 10 "$out/samples.ngx"
run "$NGIDX" cooc --level sentence --by ll --k 8 "$out/samples.ngx" "Xi Jinping"
run "$NGIDX" cooc "$out/samples.ngx" @KIM_JONG_UN @DONALD_TRUMP
run "$NGIDX" kwic --width 30 --limit 3 --actor CHN "$out/samples.ngx"
run "$NGIDX" graph --level sentence --min-count 3 --by logdice "$out/samples.ngx"
run "$NGIDX" graph --level sentence --min-count 3 --format gexf "$out/samples.ngx" >"$out/actors.gexf"
printf '(the network for Gephi: %s)\n' "$out/actors.gexf"
run "$NGIDX" stats "$out/samples.ngx"
run "$NGIDX" verify "$out/samples.ngx"
