# index sizes on the sample articles for a few option sets: a change of the
# format or of the encoders shows here (update the expected file on purpose;
# the zstd-compressed text is left out: it varies with the zstd version)
for opts in "" "--min-count 1" "--max-n 1" "--max-n 5" "--min-df 2" "--no-text"; do
	$NGIDX build -q $opts -o $T/s.ngx data/samples || exit 1
	printf 'options\t%s\n' "${opts:-default}"
	$NGIDX stats $T/s.ngx | grep -e '^section_' -e '^ngrams' -e '^postings' | grep -v '^section_text'
done
