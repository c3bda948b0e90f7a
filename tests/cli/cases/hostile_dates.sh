# dates in and out of range: YYYY, YYYY-MM, YYYY-MM-DD (a time after it is
# ignored) for years 1 to 9999 and real calendar days are kept; month 13 or
# 0, day 32, 29 February of a common year, year 0, 99999 or negative, a huge
# number, an empty string are reported ("invalid date") and the document
# is kept without a date; a boolean is "not a string"; null is no date.
# Documents without a date are left out by --from/--to; a filter date out
# of range is a usage error.
cd $T
cat >d.jsonl <<'J'
{"id":"ok-day","date":"2019-02-28","text":"alpha"}
{"id":"ok-month","date":"2019-02","text":"alpha"}
{"id":"ok-year","date":"2019","text":"alpha"}
{"id":"ok-leap","date":"2020-02-29","text":"alpha"}
{"id":"ok-time","date":"2019-02-28T23:59:59+09:00","text":"alpha"}
{"id":"ok-number","date":2019,"text":"alpha"}
{"id":"ok-min","date":"0001-01-01","text":"alpha"}
{"id":"ok-max","date":"9999-12-31","text":"alpha"}
{"id":"month-13","date":"2019-13-01","text":"alpha"}
{"id":"month-0","date":"2019-00-10","text":"alpha"}
{"id":"day-32","date":"2019-01-32","text":"alpha"}
{"id":"feb-29","date":"2019-02-29","text":"alpha"}
{"id":"year-0","date":"0000-01-01","text":"alpha"}
{"id":"year-99999","date":"99999-01-01","text":"alpha"}
{"id":"year-neg","date":"-2019-01-01","text":"alpha"}
{"id":"number-big","date":1e308,"text":"alpha"}
{"id":"empty","date":"","text":"alpha"}
{"id":"bool","date":true,"text":"alpha"}
{"id":"null","date":null,"text":"alpha"}
J
$NGIDX build -o d.ngx d.jsonl 2>err; echo "exit $?"
grep -v -e '^  input' -e '^  read twice' err
$NGIDX docs d.ngx alpha | cut -f2,3
$NGIDX docs --count --from 0001 --to 9999-12-31 d.ngx alpha
$NGIDX docs --count --from 2019-03 d.ngx alpha
for bad in 0000 10000 2019-13 2019-02-30; do
	$NGIDX docs --from $bad d.ngx alpha 2>&1; echo "--from $bad: exit $?"
done
