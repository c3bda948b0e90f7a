# ngidx graph on the sample articles with the shipped dictionaries (a small
# one written here when they are missing): TSV edges at each level, --by,
# --json; GraphML and GEXF must be well-formed XML (xmllint, or Python's
# parser when xmllint is missing) with as many edges as the TSV; DOT once.
# A second dictionary gives display names with XML and DOT specials
# (& < > " ' and non-ASCII), which every format must escape.
D1=data/actors/world.tsv
D2=data/actors/hanoi.tsv
if [ ! -f $D1 ] || [ ! -f $D2 ]; then
	D1=$T/a.tsv
	D2=$T/b.tsv
	printf 'PRK\tNorth Korea\tcountry\nUSA\tUnited States\tcountry\nCHN\tChina\tcountry\nVNM\tVietnam\tcountry\n' >$D1
	printf 'KIM_JONG_UN\tKim Jong-un\tperson\nKIM_JONG_UN\tKim\tperson\nDONALD_TRUMP\tDonald Trump\tperson\nDONALD_TRUMP\tTrump\tperson\nXI_JINPING\tXi Jinping\tperson\nXI_JINPING\tXi\tperson\n' >$D2
fi
$NGIDX build -q --actors $D1 --actors $D2 -o $T/s.ngx data/samples || exit 1
S=$T/s.ngx
wellformed() {
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout - && echo "$1: well-formed"
	else
		python3 -c 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.stdin)' && echo "$1: well-formed"
	fi
}
# the number of <edge> elements of a GraphML or GEXF document on stdin
xml_edges() {
	python3 -c '
import sys, xml.dom.minidom
d = xml.dom.minidom.parse(sys.stdin)
print(len(d.getElementsByTagName("edge")), "edges,", len(d.getElementsByTagName("node")), "nodes")'
}
echo "== tsv --min-count 3"
$NGIDX graph --min-count 3 $S
echo "== tsv --level sentence --min-count 8 --by logdice"
$NGIDX graph --level sentence --min-count 8 --by logdice $S
echo "== tsv --level window --min-count 10 --by ll"
$NGIDX graph --level window --min-count 10 --by ll $S
echo "== --json --level window --min-count 15"
$NGIDX graph --json --level window --min-count 15 $S | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    print(o["source"], o["target"], o["count"])'
echo "== edge counts (tsv lines without header)"
$NGIDX graph $S | tail -n +2 | wc -l | tr -d ' '
$NGIDX graph --level sentence --min-count 2 $S | tail -n +2 | wc -l | tr -d ' '
echo "== graphml"
$NGIDX graph --format graphml $S >$T/g.graphml || exit 1
wellformed graphml <$T/g.graphml
xml_edges <$T/g.graphml
$NGIDX graph --format graphml --level sentence --min-count 2 --by pmi $S | xml_edges
echo "== gexf"
$NGIDX graph --format gexf --level window --by logdice $S >$T/g.gexf || exit 1
wellformed gexf <$T/g.gexf
xml_edges <$T/g.gexf
$NGIDX graph --level window $S | tail -n +2 | wc -l | tr -d ' '
echo "== dot --min-count 4"
$NGIDX graph --format dot --min-count 4 $S

echo "== names with XML and DOT specials"
printf 'ESC1\tKim "Rocket" <Man> & Co\tperson & co\nESC1\tKim\nESC2\t\303\221and\303\272'"'"'s <Xi>\tp\303\251rson\nESC2\tXi\nESC3\tTrump\n' >$T/esc.tsv
$NGIDX build -q --actors $T/esc.tsv -o $T/e.ngx data/samples || exit 1
$NGIDX graph $T/e.ngx
$NGIDX graph --format graphml $T/e.ngx | tee $T/e.graphml | wellformed graphml
python3 -c '
import sys, xml.dom.minidom
d = xml.dom.minidom.parse(sys.argv[1])
for n in d.getElementsByTagName("node"):
    print(n.getAttribute("id"), ["".join(t.data for t in c.childNodes) for c in n.getElementsByTagName("data")])' $T/e.graphml
$NGIDX graph --format gexf $T/e.ngx | tee $T/e.gexf | wellformed gexf
python3 -c '
import sys, xml.dom.minidom
d = xml.dom.minidom.parse(sys.argv[1])
for n in d.getElementsByTagName("node"):
    print(n.getAttribute("id"), n.getAttribute("label"))' $T/e.gexf
$NGIDX graph --format dot $T/e.ngx
