# the index is byte-identical for any thread count and memory bound, and
# whether the input is read twice (files, by default), once (--single-pass)
# or once because it cannot be read twice (standard input)
$NGIDX build -q -t 1 -o $T/a.ngx data/samples $DATA/../../data/samples || exit 1
$NGIDX build -q -t 2 -m 1M -o $T/b.ngx data/samples $DATA/../../data/samples || exit 1
$NGIDX build -q -t 3 -m 64M -o $T/c.ngx data/samples $DATA/../../data/samples || exit 1
$NGIDX build -q -t 2 -m 1M --single-pass -o $T/d.ngx data/samples $DATA/../../data/samples || exit 1
cmp $T/a.ngx $T/b.ngx && cmp $T/a.ngx $T/c.ngx && cmp $T/a.ngx $T/d.ngx && echo identical
# the summary says when the input was read twice
$NGIDX build -t 2 -o $T/e.ngx --format lines data/samples/000_87c55dd973dd155e.txt 2>&1 | grep -c 'read twice'
cat data/samples/000_87c55dd973dd155e.txt | $NGIDX build -t 2 -o $T/f.ngx --format lines - 2>&1 | grep -c 'read twice'
$NGIDX build -t 2 --single-pass -o $T/g.ngx --format lines data/samples/000_87c55dd973dd155e.txt 2>&1 | grep -c 'read twice'
cmp $T/e.ngx $T/g.ngx && echo identical
