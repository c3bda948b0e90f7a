#!/usr/bin/env python3
"""refcount_ref.py - brute-force reference answers for `ngidx count`.

Written for the CLI comparison test (tests/cli/compare.sh); independent of the
C code and of shared/tools/refcount.py, with the same semantics except that
combining marks (M*) are token characters, as the ngidx analyzer says.

Analyzer (src/text/analyze.h):
  bytes -> str with invalid UTF-8 replaced by U+FFFD (a separator), then
  unicodedata.normalize("NFKC", s).casefold(); a token is a maximal run of code
  points whose general category starts with L, M or N; anything else
  separates tokens.

Counting:
  occurrences = start positions, over all documents, where the phrase's token
                sequence occurs (overlapping occurrences count; sentence
                boundaries are ignored);
  documents   = documents with at least one occurrence;
  a phrase with no tokens gives n = 0 and 0, 0.

Corpus: every regular file under DIR (walked recursively, names in byte order,
hidden files and folders skipped), one document per file, read as bytes.

usage:
  refcount_ref.py tokens TEXT...           print the tokens of TEXT, one per line
  refcount_ref.py count DIR [PHRASE...]    TSV like `ngidx count`; phrases from
                                           stdin (one per line) when none given
"""
import os
import sys
import unicodedata

_is_tok_cache = {}


def _is_token_char(ch):
    r = _is_tok_cache.get(ch)
    if r is None:
        r = unicodedata.category(ch)[0] in "LMN"
        _is_tok_cache[ch] = r
    return r


def analyze_str(s):
    """Tokens of the str @s (already decoded)."""
    s = unicodedata.normalize("NFKC", s).casefold()
    out, start = [], -1
    for i, ch in enumerate(s):
        if _is_token_char(ch):
            if start < 0:
                start = i
        elif start >= 0:
            out.append(s[start:i])
            start = -1
    if start >= 0:
        out.append(s[start:])
    return out


def analyze(data):
    """Tokens of @data (bytes or str)."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode("utf-8", errors="replace")
    return analyze_str(data)


def documents(root):
    """Yield (relative name, raw bytes) for each document under @root."""
    if os.path.isfile(root):
        with open(root, "rb") as fh:
            yield root, fh.read()
        return
    broot = os.fsencode(root)

    def walk(d):
        for name in sorted(os.listdir(d)):  # bytes names: byte order
            if name.startswith(b"."):
                continue
            p = os.path.join(d, name)
            if os.path.isdir(p):
                yield from walk(p)
            elif os.path.isfile(p):
                with open(p, "rb") as fh:
                    yield os.fsdecode(os.path.relpath(p, broot)), fh.read()

    yield from walk(broot)


def count(docs, queries):
    """@docs: iterable of token lists; @queries: list of token tuples.
    Returns {tuple: [occurrences, documents]} for every query."""
    res = {q: [0, 0] for q in queries}
    wanted = [q for q in res if q]
    for toks in docs:
        at = {}
        for i, t in enumerate(toks):
            at.setdefault(t, []).append(i)
        for q in wanted:
            n, hits = len(q), 0
            for i in at.get(q[0], ()):
                if toks[i:i + n] == list(q):
                    hits += 1
            if hits:
                res[q][0] += hits
                res[q][1] += 1
    return res


def read_phrases(stream):
    """Phrases as raw bytes, one per line; only "\\n" ends a line."""
    data = stream.read()
    if not data:
        return []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def main(argv):
    if len(argv) >= 2 and argv[1] == "tokens":
        for t in analyze(" ".join(argv[2:])):
            print(t)
        return 0
    if len(argv) >= 3 and argv[1] == "count":
        if len(argv) > 3:
            phrases = [os.fsencode(a) for a in argv[3:]]
        else:
            phrases = read_phrases(sys.stdin.buffer)
        qtok = [tuple(analyze(p)) for p in phrases]
        res = count((analyze(raw) for _, raw in documents(argv[2])), qtok)
        out = [b"query\tngram\tn\toccurrences\tdocuments\n"]
        for p, q in zip(phrases, qtok):
            occ, df = res[q]
            out.append(b"%s\t%s\t%d\t%d\t%d\n" % (p, " ".join(q).encode("utf-8"), len(q), occ, df))
        sys.stdout.buffer.write(b"".join(out))
        return 0
    sys.stderr.write(__doc__[__doc__.index("usage:"):])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
