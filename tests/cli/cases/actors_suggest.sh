# ngidx actors suggest: the top 20 actors of the sample articles, JSON, the
# same dictionary from an index's stored text, loading it back into build,
# stdin with --format lines, and the usage errors (exit 2)
$NGIDX actors suggest -q --k 20 data/samples >$T/a.tsv || exit 1
cat $T/a.tsv
$NGIDX actors suggest -q --k 3 --json data/samples
$NGIDX build -q -o $T/s.ngx data/samples || exit 1
$NGIDX actors suggest -q --k 20 --index $T/s.ngx | cmp - $T/a.tsv && echo "same from --index"
$NGIDX build -q --actors $T/a.tsv -o $T/a.ngx data/samples && echo "loads into build --actors"
printf 'we saw Kim Jong-un.\nKIM JONG-UN left.\nwe saw Kim Jong Un and Kim.\n' |
	$NGIDX actors suggest -q --format lines --min-count 1 -
$NGIDX build -q --no-text -o $T/n.ngx data/samples || exit 1
$NGIDX actors suggest -q --index $T/n.ngx 2>/dev/null; echo "no text: exit $?"
$NGIDX actors suggest 2>/dev/null; echo "no input: exit $?"
$NGIDX actors suggest --index $T/s.ngx data/samples 2>/dev/null; echo "index and inputs: exit $?"
$NGIDX actors suggest --min-count 0 data/samples 2>/dev/null; echo "min-count 0: exit $?"
$NGIDX actors suggest --format xml data/samples 2>/dev/null; echo "bad format: exit $?"
$NGIDX actors suggest no/such/dir 2>/dev/null; echo "missing input: exit $?"
