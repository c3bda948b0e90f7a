# every command listed by `ngidx --help` answers --help with exit 0 and a
# usage line naming it; so does `ngidx actors suggest`
$NGIDX --help >/dev/null || exit 1
for c in $($NGIDX --help | awk '/^commands:/ { on = 1; next } on && NF { print $1 } on && !NF { exit }'); do
	first=$($NGIDX "$c" --help | head -1) || { echo "$c: exit $?"; continue; }
	case $first in "usage: ngidx $c"*) echo "$c ok" ;; *) echo "$c: $first" ;; esac
done
$NGIDX actors suggest --help | head -1
