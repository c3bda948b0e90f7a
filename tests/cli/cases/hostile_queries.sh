# queries of 10,000 words and queries made only of separators, on an index
# whose first document holds a 10,000-word phrase (the other two hold its
# halves). count checks a phrase longer than max n against the positions:
# 1 occurrence; with its last word changed, 0. docs: the quoted phrase is
# that document; bare, the 10,000 words are ANDed (only the first document
# has them all). kwic prints the one match. A query of separators only has
# no word: count answers 0 (an n-gram of 0 words matches nothing), kwic
# prints its header, docs and top say what is wrong (exit 2).
cd $T
python3 - <<'PY'
w = ['w%d' % i for i in range(10000)]
open('long.txt', 'w').write('intro %s outro\n%s\n%s\n' % (' '.join(w), ' '.join(w[:5000]), ' '.join(w[5000:])))
open('q', 'w').write(' '.join(w))
open('q2', 'w').write(' '.join(w[:-1] + ['zzz']))
PY
$NGIDX build -q --format lines -o long.ngx long.txt || exit 1
$NGIDX count long.ngx "$(cat q)" "$(cat q2)" | cut -f3-; echo "exit $?"
$NGIDX docs long.ngx "\"$(cat q)\""
$NGIDX docs long.ngx "$(cat q)"
$NGIDX docs --count long.ngx "$(cat q2)"
$NGIDX kwic long.ngx "$(cat q)" | wc -l
for s in ' ,,, !!! ' '' '—…・' '""' '()' '-' '*' '@'; do
	printf '[%s]\n' "$s"
	$NGIDX count long.ngx "$s" | cut -f3-
	$NGIDX kwic long.ngx "$s"; echo "kwic: exit $?"
	$NGIDX docs long.ngx "$s" 2>&1 | head -1; $NGIDX docs long.ngx "$s" >/dev/null 2>&1; echo "docs: exit $?"
	$NGIDX top long.ngx "$s" >/dev/null 2>&1; echo "top: exit $?"
done
