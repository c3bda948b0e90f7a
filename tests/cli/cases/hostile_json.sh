# JSON Lines that push the parser: 100,000 nested arrays and objects in a
# metadata field (parsed without recursion, ignored: the document is kept),
# as the text field (not a string: skipped), as a whole line (not an object:
# malformed) and left unclosed (malformed, at the end of the line);
# duplicate keys (the last occurrence of text, id and date wins, even when
# it is not a string); a text field that is a number, null, a boolean, an
# array or an object, or is missing. Every skipped line is reported with
# its file and line, and counted.
cd $T
python3 - <<'PY'
deep = '[' * 100000 + ']' * 100000
deepo = '{"a":' * 100000 + '1' + '}' * 100000
L = [
    '{"id":"deep-meta","text":"alpha beta","tags":%s,"obj":%s,"k":"v"}' % (deep, deepo),
    '{"id":"deep-text","text":%s}' % deep,
    deep,
    '{"id":"unclosed","text":"alpha","x":%s' % ('[' * 100000),
    '{"id":"dup","text":"first words","text":"second words","id":"dup-last","date":"2001","date":"2002-02"}',
    '{"id":"num","text":42}',
    '{"id":"null","text":null}',
    '{"id":"bool","text":true}',
    '{"id":"array","text":["alpha"]}',
    '{"id":"object","text":{"alpha":1}}',
    '{"id":"missing","body":"alpha"}',
    '{"id":"dup-bad-last","text":"alpha","text":7}',
    '{"id":"dup-good-last","text":7,"text":"gamma"}',
]
open('h.jsonl', 'w').write('\n'.join(L) + '\n')
PY
$NGIDX build -o h.ngx h.jsonl 2>err; echo "exit $?"
grep -v -e '^  input' -e '^  read twice' err
$NGIDX docs h.ngx 'NOT zzz' | cut -f2,3
$NGIDX count h.ngx alpha first "second words" gamma | cut -f1,4,5
$NGIDX build -q --strict -o strict.ngx h.jsonl 2>&1; echo "strict: exit $?"
ls strict.ngx 2>/dev/null || echo "strict: no index written"
