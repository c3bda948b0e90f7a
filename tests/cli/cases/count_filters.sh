# count within a subcorpus: dates (a year covers its whole period), metadata,
# both; a malformed date and --dispersion with a filter are usage errors
python3 - "$T" <<'PY'
import sys
with open(sys.argv[1] + "/c.jsonl", "w") as f:
    for i in range(30):
        f.write('{"id":"d%d","date":"%d-%02d-01","src":"%s","text":"the hanoi summit of %d and the hanoi summit"}\n'
                % (i, 2017 + i % 3, 1 + i % 12, "ab"[i % 2], i))
    f.write('{"id":"undated","text":"the hanoi summit"}\n')
PY
$NGIDX build -q -o $T/c.ngx $T/c.jsonl || exit 1
$NGIDX count $T/c.ngx "hanoi summit" "the hanoi summit of"
$NGIDX count --from 2018 --to 2018 $T/c.ngx "hanoi summit" "the hanoi summit of" the
$NGIDX count --where src=a --from 2019 $T/c.ngx "hanoi summit"
$NGIDX count --to 2017-06 --json $T/c.ngx "hanoi summit"
$NGIDX count --where src=b --where src=a $T/c.ngx "hanoi summit"
$NGIDX count --from 2019x $T/c.ngx a 2>/dev/null; echo "exit $?"
$NGIDX count --dispersion --to 2018 $T/c.ngx a 2>/dev/null; echo "exit $?"
$NGIDX count --where nocomma,x=1 $T/c.ngx a 2>/dev/null; echo "exit $?"
