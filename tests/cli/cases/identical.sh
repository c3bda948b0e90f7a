# the index is byte-identical for any thread count and memory bound
$NGIDX build -q -t 1 -o $T/a.ngx data/samples $DATA/../../data/samples || exit 1
$NGIDX build -q -t 2 -m 1M -o $T/b.ngx data/samples $DATA/../../data/samples || exit 1
$NGIDX build -q -t 3 -m 64M -o $T/c.ngx data/samples $DATA/../../data/samples || exit 1
cmp $T/a.ngx $T/b.ngx && cmp $T/a.ngx $T/c.ngx && echo identical
