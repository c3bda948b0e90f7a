$NGIDX count $T/nope.ngx hello
