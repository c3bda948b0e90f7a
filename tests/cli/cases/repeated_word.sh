# one word repeated: position gaps of 0 pack 128 to a byte (a valid index
# once failed its size check); counts of phrases longer than --max-n
mkdir $T/d
for k in 127 128 129 384 385 514 1030; do
	python3 -c "print(' '.join(['w'] * $k))" > $T/d/a.txt
	$NGIDX build -q --max-n 1 -o $T/x.ngx $T/d || exit 1
	$NGIDX count $T/x.ngx "w w" "w w w w" | tail -2
	$NGIDX verify $T/x.ngx | cut -f2 | tail -1
done
