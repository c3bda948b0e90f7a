#!/usr/bin/env python3
"""check_actor_dict.py - check actor dictionaries (data/actors/*.tsv).

Usage: tests/check_actor_dict.py [-q] [FILE...]   (default: data/actors/*.tsv
next to this script's repository root)

All the files are checked together, as `ngidx build --actors A --actors B`
loads them: an alias may belong to one actor only across every file.

An alias is analyzed as the index's analyzer does it (src/text/analyze.c):
NFKC, then full case folding, then tokens = maximal runs of code points of
general category L*, M* or N*; everything else separates tokens. So
"Kim Jong-un", "KIM JONG UN" and "Kim Jong-Un" are one alias, "U.S." is
"u s" and "People's" is "people s". (Python's Unicode tables may be a
version apart from utf8proc's; for the scripts these files use that makes
no difference.)

Errors (exit status 1, one line each, FILE:LINE: message):
  - a line that is not ID<TAB>ALIAS or ID<TAB>ALIAS<TAB>TYPE;
  - an empty or space-padded id, alias or type; an id with spaces;
  - an alias that analyzes to no token;
  - an alias that analyzes like an alias of another actor (a clash), or
    like another alias of the same actor (a useless duplicate);
  - an actor whose lines give different types, or an unknown type;
  - an actor id whose lines are not contiguous in one file (an id may not
    be continued in another file either: a dictionary owns its actors);
  - an alias that is a very common English word once case is folded
    ("who", "us", "chad" is fine), unless listed in ALLOWED_COMMON with
    the reason it is kept.
Exit status 0 when every file is clean; the summary line goes to stdout.
"""
import glob
import os
import sys
import unicodedata

TYPES = {"country", "organisation", "region", "person", "institution", "media"}

# Single-token aliases that would match a very frequent English word once
# case is folded. An alias on this list is an error unless ALLOWED_COMMON
# keeps it (documented in data/actors/README.md).
COMMON_WORDS = set("""
a about after all also am an and any are as at be been but by can could
did do does for from had has have he her him his how i if in into is it
its me more my no not now of on one or our out over she so some than that
the their them then there these they this those to up us was we were what
when where which who will with would you your may new man men well way
use used per via oh ok
""".split())
ALLOWED_COMMON = {
    # "US" is by far the commonest name of the United States in news; the
    # pronoun "us" is rare there (0 times in data/samples). README.md says
    # to delete the line for first-person text.
    ("USA", "us"),
}


def analyze(s):
    """The tokens of @s, as the index's analyzer cuts them."""
    s = unicodedata.normalize("NFKC", s).casefold()
    toks, cur = [], []
    for ch in s:
        if unicodedata.category(ch)[0] in "LMN":
            cur.append(ch)
        elif cur:
            toks.append("".join(cur))
            cur = []
    if cur:
        toks.append("".join(cur))
    return tuple(toks)


def check(paths):
    errors = []
    owner = {}      # analyzed alias -> (actor, file, line, alias as written)
    types = {}      # actor -> (type, file, line)
    last_seen = {}  # actor -> (file, index of its block)
    n_alias = 0
    block = 0
    for path in paths:
        prev_id = None
        with open(path, encoding="utf-8") as f:
            for lineno, raw in enumerate(f, 1):
                where = f"{path}:{lineno}"
                line = raw.rstrip("\n").rstrip("\r")
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.split("\t")
                if len(cols) not in (2, 3):
                    errors.append(f"{where}: expected ID<TAB>ALIAS[<TAB>TYPE], got {len(cols)} columns")
                    continue
                aid, alias = cols[0], cols[1]
                typ = cols[2] if len(cols) == 3 else None
                if not aid.strip():
                    errors.append(f"{where}: empty actor id")
                    continue
                if aid != aid.strip() or any(c.isspace() for c in aid):
                    errors.append(f"{where}: actor id {aid!r} contains spaces")
                if not alias.strip():
                    errors.append(f"{where}: empty alias for {aid}")
                    continue
                if alias != alias.strip():
                    errors.append(f"{where}: alias {alias!r} has leading or trailing spaces")
                if typ is not None:
                    if typ not in TYPES:
                        errors.append(f"{where}: unknown type {typ!r} (known: {', '.join(sorted(TYPES))})")
                    if aid in types and types[aid][0] != typ:
                        t0 = types[aid]
                        errors.append(f"{where}: {aid} has type {typ!r} here but {t0[0]!r} at {t0[1]}:{t0[2]}")
                    types.setdefault(aid, (typ, path, lineno))
                # contiguity of an actor's lines
                if aid != prev_id:
                    block += 1
                    if aid in last_seen:
                        f0, _ = last_seen[aid]
                        errors.append(f"{where}: lines of {aid} are not contiguous (also earlier in {f0})")
                    last_seen[aid] = (path, block)
                    prev_id = aid
                toks = analyze(alias)
                n_alias += 1
                if not toks:
                    errors.append(f"{where}: alias {alias!r} of {aid} analyzes to no token")
                    continue
                key = " ".join(toks)
                if len(toks) == 1 and key in COMMON_WORDS and (aid, key) not in ALLOWED_COMMON:
                    errors.append(f"{where}: alias {alias!r} of {aid} is the common word {key!r}")
                if key in owner:
                    o_id, o_file, o_line, o_alias = owner[key]
                    if o_id == aid:
                        errors.append(f"{where}: alias {alias!r} of {aid} repeats {o_alias!r} "
                                      f"({o_file}:{o_line}): both analyze to {key!r}")
                    else:
                        errors.append(f"{where}: alias {alias!r} of {aid} clashes with {o_alias!r} "
                                      f"of {o_id} ({o_file}:{o_line}): both analyze to {key!r}")
                    continue
                owner[key] = (aid, path, lineno, alias)
    return errors, len(last_seen), n_alias


def main(argv):
    quiet = "-q" in argv
    paths = [a for a in argv if a != "-q"]
    if not paths:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        paths = sorted(glob.glob(os.path.join(root, "data", "actors", "*.tsv")))
        if not paths:
            print("check_actor_dict: no data/actors/*.tsv", file=sys.stderr)
            return 1
    for p in paths:
        if not os.path.isfile(p):
            print(f"check_actor_dict: cannot open '{p}'", file=sys.stderr)
            return 1
    errors, n_actors, n_alias = check(paths)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_actor_dict: {len(errors)} problem(s) in {', '.join(paths)}", file=sys.stderr)
        return 1
    if not quiet:
        print(f"check_actor_dict: {n_actors} actors, {n_alias} aliases in {len(paths)} file(s): ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
