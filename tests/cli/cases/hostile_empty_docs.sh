# 10 million empty documents (empty lines from stdin, --format lines): all
# kept and counted, no token, no n-gram; every query answers 0; NOT of a
# missing word matches them all; the last one has its name. The index holds
# 48 bytes of document table and the name ("-:LINE") per document: about
# 590 MB, written to $T (removed after the case).
yes '' | head -n 10000000 | $NGIDX build -q --format lines -o $T/e.ngx -; echo "build: exit $?"
$NGIDX stats $T/e.ngx | grep -E '^(documents|tokens|sentences|ngrams)	'
$NGIDX count $T/e.ngx anything "" | cut -f3-
$NGIDX docs --count $T/e.ngx 'NOT anything'
$NGIDX docs --offset 9999999 $T/e.ngx 'NOT anything'
$NGIDX top $T/e.ngx
