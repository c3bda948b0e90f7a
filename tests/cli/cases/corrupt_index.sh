# truncated, foreign, zeroed and bit-flipped indexes: exit 3, never a crash
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
size=$(wc -c < $T/s.ngx)
head -c $((size / 2)) $T/s.ngx > $T/trunc.ngx
$NGIDX count $T/trunc.ngx summit >/dev/null 2>&1; echo "truncated: $?"
echo "hello world" > $T/foreign.ngx
$NGIDX count $T/foreign.ngx summit >/dev/null 2>&1; echo "foreign: $?"
head -c 4096 /dev/zero > $T/zero.ngx
$NGIDX count $T/zero.ngx summit >/dev/null 2>&1; echo "zeros: $?"
: > $T/empty.ngx
$NGIDX count $T/empty.ngx summit >/dev/null 2>&1; echo "empty: $?"
# a newer major version (bytes 8-9)
cp $T/s.ngx $T/v9.ngx
printf '\011\000' | dd of=$T/v9.ngx bs=1 seek=8 conv=notrunc 2>/dev/null
$NGIDX count $T/v9.ngx summit 2>&1 >/dev/null | grep -c "format 9" ; 
# flip one bit in the middle of every section: verify names the section, exit 3
python3 - "$T/s.ngx" "$T" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
nsec = struct.unpack_from("<I", data, 40)[0]
names = {1: "info", 2: "lexicon", 3: "lexdir", 4: "termtext", 5: "postings", 6: "docs", 7: "docstr", 8: "sents", 9: "text", 10: "lexdata"}
for i in range(nsec):
    kind, _, off, length, _ = struct.unpack_from("<IIQQQ", data, 64 + 32 * i)
    if length == 0:
        continue
    d = bytearray(data)
    d[off + length // 2] ^= 0x10
    open(f"{sys.argv[2]}/flip-{names[kind]}.ngx", "wb").write(d)
PY
for f in $T/flip-*.ngx; do
	sec=${f##*/flip-}; sec=${sec%.ngx}
	$NGIDX verify $f >/dev/null 2>$T/err; code=$?
	grep -q "section $sec" $T/err && named=named || named="NOT named: $(cat $T/err)"
	echo "flip $sec: exit $code, $named"
	# queries on a flipped index may answer or fail with 3, but never crash
	$NGIDX count $f summit "the hanoi summit" "kim jong un said" >/dev/null 2>&1; c=$?
	[ $c = 0 ] || [ $c = 3 ] || echo "flip $sec: count exit $c"
done
$NGIDX verify $T/s.ngx | cut -f2
