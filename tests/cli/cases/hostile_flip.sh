# one flipped bit at the first, middle and last byte of every section of an
# index with actors and text, the sections taken from `ngidx stats` (their
# order is that of the section table, which the script checks against the
# sizes): `ngidx verify` exits 3 and names the section; every query command
# answers or exits 3, never crashes. Then the index cut at the start of
# every section and 1 byte short: exit 3 ("truncated").
$NGIDX build -q --actors data/actors/world.tsv --actors data/actors/hanoi.tsv -o $T/s.ngx data/samples || exit 1
python3 - "$T/s.ngx" "$T" "$NGIDX" <<'PY' || exit 1
import struct, subprocess, sys
idx, out, ngidx = sys.argv[1:4]
data = bytearray(open(idx, "rb").read())
stats = subprocess.run([ngidx, "stats", idx], capture_output=True, text=True, check=True).stdout
secs = [(k[8:-6], int(v)) for k, v in (l.split("\t") for l in stats.splitlines()[1:])
        if k.startswith("section_") and k.endswith("_bytes")]
nsec = struct.unpack_from("<I", data, 40)[0]
assert nsec == len(secs), (nsec, secs)
print("sections:", " ".join(n for n, _ in secs))
for i, (name, size) in enumerate(secs):
    kind, _, off, length, _ = struct.unpack_from("<IIQQQ", data, 64 + 32 * i)
    assert length == size and length > 0, (name, length, size)
    for where, pos in (("first", off), ("middle", off + length // 2), ("last", off + length - 1)):
        d = bytearray(data)
        d[pos] ^= 0x10
        open(f"{out}/flip-{name}-{where}.ngx", "wb").write(d)
    open(f"{out}/cut-{name}.ngx", "wb").write(data[:off])
open(f"{out}/cut-1.ngx", "wb").write(data[:-1])
PY
for f in $T/flip-*.ngx; do
	b=${f##*/flip-}; b=${b%.ngx}; sec=${b%-*}
	$NGIDX verify $f >/dev/null 2>$T/err; code=$?
	grep -q "section $sec: checksum mismatch" $T/err && named=named || named="NOT named: $(cat $T/err)"
	echo "flip $b: exit $code, $named"
	for q in "count $f summit kim" "docs $f @PRK" "kwic $f summit" "top $f" "actors $f" "cooc $f PRK" \
		"graph $f" "stats $f"; do
		$NGIDX $q >/dev/null 2>&1; c=$?
		[ $c = 0 ] || [ $c = 3 ] || echo "  $q: exit $c"
	done
done | sort
for f in $T/cut-*.ngx; do
	b=${f##*/cut-}; b=${b%.ngx}
	$NGIDX count $f summit >/dev/null 2>$T/err; code=$?
	echo "cut at $b: exit $code, $(grep -c -e truncated -e 'not an ngidx index' $T/err) message"
done | sort
