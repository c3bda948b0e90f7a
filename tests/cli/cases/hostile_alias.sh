# dictionary aliases longer than any document: one of 64 words (the most an
# alias may have) against documents of 6 and 63 of its words, one of a
# single 100,000-byte word; the documents hold no mention of them, only of a
# short alias inside the long one's words. An alias of 65 words is refused
# with its file and line (exit 1).
cd $T
python3 - <<'PY'
w = ['w%d' % i for i in range(65)]
open('a.tsv', 'w').write('LONG\t%s\tthing\nLONGBYTES\t%s\nSHORT\tw3 w4\n' % (' '.join(w[:64]), 'x' * 100000))
open('a65.tsv', 'w').write('# too long\nTOO_LONG\t%s\n' % ' '.join(w))
open('docs.txt', 'w').write('w0 w1 w2 w3 w4 w5\n%s\nxxx %s\n' % (' '.join(w[:63]), 'x' * 99999))
PY
$NGIDX build -q --format lines --actors a.tsv -o a.ngx docs.txt; echo "exit $?"
$NGIDX actors --all a.ngx | cut -c1-70
$NGIDX docs a.ngx '@LONG OR @LONGBYTES'
$NGIDX docs a.ngx '@SHORT' | cut -f1,2,4
$NGIDX build -q --format lines --actors a65.tsv -o b.ngx docs.txt 2>&1 | cut -c1-60
$NGIDX build -q --format lines --actors a65.tsv -o b.ngx docs.txt 2>/dev/null; echo "exit $?"
# an empty dictionary (and one of comments only): no actor, no mention
: >empty.tsv
printf '# nothing\n\n   \n' >comments.tsv
$NGIDX build -q --format lines --actors empty.tsv --actors comments.tsv -o e.ngx docs.txt; echo "empty dictionary: exit $?"
$NGIDX actors --all e.ngx
