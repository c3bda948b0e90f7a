# every input kind: stdin lines, jsonl with a malformed line (reported with
# file, line and byte, skipped, counted), the same gzip- and zstd-compressed,
# invalid UTF-8 and a NUL byte (reported, bytes separate tokens)
cd $T
printf 'one two three\nfour five\n' | $NGIDX build -q --format lines -o stdin.ngx - && $NGIDX count stdin.ngx "two three" five
printf '{"id":"a","date":"2019-02-28","text":"Hanoi summit ends","src":"x"}\n{bad json\n{"id":7,"text":"summit again"}\n' > j.jsonl
$NGIDX build -o j.ngx j.jsonl 2>&1 | grep -e malformed -e skipped
$NGIDX count j.ngx summit "summit ends" | tail -2
gzip -k j.jsonl && $NGIDX build -q -o jg.ngx j.jsonl.gz 2>/dev/null && $NGIDX count jg.ngx summit | tail -1
zstd -q j.jsonl -o j.jsonl.zst && $NGIDX build -q -o jz.ngx j.jsonl.zst 2>/dev/null && $NGIDX count jz.ngx summit | tail -1
cmp jg.ngx jz.ngx && echo "gz and zst give the same index"
printf 'caf\351 bar\000baz qux' > bad.txt
$NGIDX build -o bad.ngx bad.txt 2>&1 | grep -e "utf-8" -e "nul"
$NGIDX count bad.ngx caf bar baz qux | cut -f1,4
$NGIDX build -q --strict -o strict.ngx j.jsonl 2>&1; echo "strict: $?"
