# overlong encodings, UTF-16 surrogates encoded in UTF-8 (one, a low one, a
# CESU-8 pair), a code point over U+10FFFF, a lone lead byte, a lone
# continuation byte, a cut sequence: each line is "ab", the bad bytes, "cd".
# Every bad line is reported once with its file offset, kept, and the bad
# bytes separate "ab" from "cd" as U+FFFD would; the valid "abécd" is one
# token. In JSON strings a raw bad byte is the same; an escaped unpaired
# surrogate (\ud800) is malformed JSON (RFC 8259), a proper pair is a letter.
cd $T
printf 'ab\300\257cd overlong-2\nab\340\200\257cd overlong-3\nab\360\200\200\257cd overlong-4\n' >u.txt
printf 'ab\355\240\200cd surrogate-high\nab\355\277\277cd surrogate-low\nab\355\240\275\355\270\200cd cesu-pair\n' >>u.txt
printf 'ab\364\220\200\200cd over-max\nab\300cd lone-lead\nab\200cd lone-cont\nab\342\202cd cut\nab\303\251cd valid\n' >>u.txt
$NGIDX build --format lines -o u.ngx u.txt 2>err; echo "exit $?"
grep -v -e '^  input' -e '^  read twice' err
$NGIDX count u.ngx ab cd "ab cd" abcd abécd | cut -f1,4,5
# the offsets point at the first bad byte of each line
for l in 1 4 6 7 10; do
	off=$($NGIDX build --format lines -o x.ngx u.txt 2>&1 | sed -n "s/^.*u.txt:$l: invalid utf-8 at byte \([0-9]*\)$/\1/p")
	printf 'line %s, byte %s: ' $l $off; tail -c +$((off + 1)) u.txt | head -c 1 | od -An -to1 | tr -d ' '
done
printf '{"text":"ab\300\257cd"}\n{"text":"ab\\ud800cd"}\n{"text":"ab\\udc00\\ud800cd"}\n{"text":"ab\\ud83d\\ude00cd x\\u00e9y"}\n' >u.jsonl
$NGIDX build -o uj.ngx u.jsonl 2>err; echo "exit $?"
grep -v -e '^  input' -e '^  read twice' err
$NGIDX count uj.ngx ab cd "ab cd" xéy | cut -f1,4,5
$NGIDX build -q --strict --format lines -o strict.ngx u.txt 2>&1; echo "strict: exit $?"
