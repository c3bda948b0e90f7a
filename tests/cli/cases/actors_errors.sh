# Usage errors of actors, cooc and graph exit 2 with a message on stderr
# (unknown actor, index built without --actors, bad --level, bad --by, bad
# --format, bad date, wrong arguments); dictionary errors at build exit 1
# and name FILE:LINE; a missing dictionary exits 1. Each command's exit
# code and the first line of its stderr ($T shown as T) are printed.
run() {
	"$@" >$T/out 2>$T/err
	code=$?
	echo "exit $code: $(sed -n 1p $T/err | sed "s#$T#T#g")"
	[ -s $T/out ] && [ $code -ne 0 ] && echo "  (stdout not empty)"
}
printf 'PRK\tNorth Korea\tcountry\nPRK\tPyongyang\nKIM\tKim Jong-un\tperson\nKIM\tKim\nTRUMP\tDonald Trump\tperson\nTRUMP\tTrump\nXI\tXi Jinping\tperson\nNOBODY\tZorblax Quux\n' >$T/d.tsv
$NGIDX build -q --actors $T/d.tsv -o $T/a.ngx data/samples || exit 1
$NGIDX build -q -o $T/plain.ngx data/samples || exit 1
echo "== unknown actor"
run $NGIDX cooc $T/a.ngx NOSUCH
run $NGIDX cooc $T/a.ngx KIM 'no such alias'
run $NGIDX cooc $T/a.ngx '@nosuch'
echo "== known but never mentioned: a result, not an error"
run $NGIDX cooc $T/a.ngx NOBODY
cat $T/out
echo "== index without actors"
run $NGIDX actors $T/plain.ngx
run $NGIDX cooc $T/plain.ngx KIM
run $NGIDX graph $T/plain.ngx
echo "== bad --level"
run $NGIDX cooc --level paragraph $T/a.ngx KIM
run $NGIDX cooc --level '' $T/a.ngx KIM TRUMP
run $NGIDX graph --level words $T/a.ngx
echo "== bad --by"
run $NGIDX cooc --by foo $T/a.ngx KIM
run $NGIDX graph --by pmi2 $T/a.ngx
echo "== other usage errors"
run $NGIDX graph --format svg $T/a.ngx
run $NGIDX cooc $T/a.ngx
run $NGIDX cooc $T/a.ngx KIM TRUMP XI
run $NGIDX cooc --docs $T/a.ngx KIM
run $NGIDX cooc --from 2019-13 $T/a.ngx KIM
run $NGIDX graph --to 19 $T/a.ngx
run $NGIDX actors --k many $T/a.ngx
run $NGIDX actors
run $NGIDX cooc --no-such-option $T/a.ngx KIM
echo "== missing index"
run $NGIDX cooc $T/none.ngx KIM
echo "== dictionary errors at build"
printf '# people\nKIM\tKim Jong-un\n\nKJU\tkim jong un\n' >$T/dup.tsv
run $NGIDX build -q --actors $T/dup.tsv -o $T/x.ngx data/samples
printf 'PRK\tNorth Korea\nPRK\t...\n' >$T/punct.tsv
run $NGIDX build -q --actors $T/d.tsv --actors $T/punct.tsv -o $T/x.ngx data/samples
printf 'PRK\tNorth Korea\tcountry\textra\n' >$T/fields.tsv
run $NGIDX build -q --actors $T/fields.tsv -o $T/x.ngx data/samples
printf 'P R K\tNorth Korea\n' >$T/id.tsv
run $NGIDX build -q --actors $T/id.tsv -o $T/x.ngx data/samples
printf 'PRK\tNorth Korea\tcountry\nPRK\tDPRK\tperson\n' >$T/type.tsv
run $NGIDX build -q --actors $T/type.tsv -o $T/x.ngx data/samples
printf 'PRK\tNorth \377Korea\n' >$T/utf8.tsv
run $NGIDX build -q --actors $T/utf8.tsv -o $T/x.ngx data/samples
printf 'PRK\t\tcountry\n' >$T/empty.tsv
run $NGIDX build -q --actors $T/empty.tsv -o $T/x.ngx data/samples
run $NGIDX build -q --actors $T/missing.tsv -o $T/x.ngx data/samples
[ -e $T/x.ngx ] && echo "an index was written"
echo "== --window out of range"
run $NGIDX build -q --actors $T/d.tsv --window 0 -o $T/x.ngx data/samples
echo done
