# the fuzz targets' index seeds are of the current format and verify (a seed
# of another major stops at the header: rebuild them with
# tests/fuzz/make-seeds.sh after a format change)
$NGIDX verify tests/fuzz/corpus/index/seed* | cut -f 2 | sort | uniq -c
