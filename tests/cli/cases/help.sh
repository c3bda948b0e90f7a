$NGIDX --help >/dev/null && $NGIDX build --help | head -1 && $NGIDX count --help | head -1 && $NGIDX stats --help | head -1 && $NGIDX verify --help | head -1
