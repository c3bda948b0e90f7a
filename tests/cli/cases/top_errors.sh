# ngidx top: usage errors exit 2 with a message, a missing index or stop-word
# file exits 1, a corrupt index exits 3
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
$NGIDX top --n 0 $T/s.ngx 2>&1; echo "n 0: $?"
$NGIDX top --n 3-2 $T/s.ngx 2>$T/msg.txt; echo "n 3-2: $?"; head -1 $T/msg.txt
$NGIDX top --n 2-x $T/s.ngx 2>/dev/null; echo "n 2-x: $?"
$NGIDX top --n 4 $T/s.ngx 2>&1; echo "n past max n: $?"
$NGIDX top -k 0 $T/s.ngx 2>/dev/null; echo "k 0: $?"
$NGIDX top --k 12x $T/s.ngx 2>/dev/null; echo "k 12x: $?"
$NGIDX top --by score $T/s.ngx 2>$T/msg.txt; echo "by score: $?"; head -1 $T/msg.txt
$NGIDX top --min-documents -1 $T/s.ngx 2>/dev/null; echo "min-documents -1: $?"
$NGIDX top 2>/dev/null; echo "no index: $?"
$NGIDX top $T/s.ngx "kim un" 2>$T/msg.txt; echo "no star: $?"; head -1 $T/msg.txt
$NGIDX top $T/s.ngx "* jong *" 2>&1; echo "two stars: $?"
$NGIDX top $T/s.ngx "the * of the" 2>&1; echo "too long: $?"
$NGIDX top --prefix kim $T/s.ngx "* un" 2>/dev/null; echo "prefix and pattern: $?"
$NGIDX top --n 2 --prefix kim $T/s.ngx 2>/dev/null; echo "n and prefix: $?"
$NGIDX top --prefix "..." $T/s.ngx 2>&1; echo "prefix without word: $?"
$NGIDX top $T/s.ngx "a *" "b *" 2>/dev/null; echo "two patterns: $?"
$NGIDX top --bogus $T/s.ngx 2>/dev/null; echo "bad option: $?"
$NGIDX top --stopwords $T/missing.txt $T/s.ngx 2>/dev/null; echo "missing stop words: $?"
$NGIDX top $T/missing.ngx 2>/dev/null; echo "missing index: $?"
head -c 1000 $T/s.ngx >$T/trunc.ngx; $NGIDX top $T/trunc.ngx 2>/dev/null; echo "truncated index: $?"
$NGIDX top --help >$T/help.txt; echo "help: $?"; head -1 $T/help.txt
