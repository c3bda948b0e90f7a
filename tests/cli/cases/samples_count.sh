# exact counts on the bundled sample articles, checked against the reference
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
$NGIDX count $T/s.ngx "Hanoi summit" "Kim Jong-un" "KIM JONG UN" "Xi Jinping" "Beijing" "the" \
	"the failure of the Hanoi summit" "North Korea" "no such phrase here" "" "..." "Ｈａｎｏｉ"
printf 'Trump\nMoon Jae-in\nsanctions\n' | $NGIDX count --json $T/s.ngx
