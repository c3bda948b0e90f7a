# an index without stored text cannot show context: a clear message, exit 2
$NGIDX build -q --no-text -o $T/n.ngx data/samples || exit 1
$NGIDX kwic $T/n.ngx "Hanoi summit"
