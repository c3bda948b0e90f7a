#!/usr/bin/env python3
"""Known-answer vectors for the default analyzer (src/text/analyze.c).

This is an independent reference written from the analyzer's specification,
with Python's unicodedata, not a port of the C code:

  * decoding: each maximal invalid subsequence of UTF-8 becomes U+FFFD (what
    Python's decoder does with errors="replace"); they are counted, and the
    byte offset of the first is kept;
  * unicodedata.normalize("NFKC", text).casefold() of the whole text;
  * tokens: maximal runs of code points whose general category is L*, M*, N*;
  * source ranges: the input is cut into clusters (a starter, combining
    class 0, and the non-starters after it); when normalizing cluster by
    cluster gives the same code points as normalizing the whole text, token i
    spans from the start of the cluster of its first code point to the end of
    the cluster of its last; otherwise the ranges (and sentences) are "-";
  * sentences: the rule documented in src/text/sentence.c, re-implemented
    here on the decoded text.

usage:
  tests/gen_analyzer_vectors.py                 write tests/data/analyzer/vectors.tsv
  tests/gen_analyzer_vectors.py --exhaustive F  write F: every assigned code point
        alone, after "a", and followed by each of a set of combining marks and
        jamo, plus 200,000 random strings (tokens and invalid counts only).
        Check it with: NGIDX_ANALYZER_EXHAUSTIVE=F build/tests/text_test
        (--include-unassigned adds code points unassigned in Python's Unicode
        version, alone and after "a", to list what differs from the C side's
        newer tables)

Run from the repository root. Output format, one case per line, tab-separated:
  input  tokens  ninvalid  first_invalid  sentence_starts  source_ranges
input and tokens are escaped: \\\\ \\t \\n \\r, \\xHH for a raw (invalid) byte,
\\u{HEX} for a code point; tokens are separated by one space; sentence_starts
is a comma-separated list of token indices; source_ranges lists start-end byte
offsets, comma-separated; "-" means "not checked". Lines starting with # are
comments.
"""
import glob
import os
import random
import sys
import unicodedata as ud

OUT = "tests/data/analyzer/vectors.tsv"
CORPUS = "/work/shared/corpus"


# ---------------------------------------------------------------- decoding

def decode(b):
    """Decode bytes as UTF-8, maximal subparts of invalid sequences becoming
    U+FFFD. Returns (chars, spans, invalid_starts) where spans[i] is the byte
    range of chars[i]."""
    chars, spans, bad = [], [], []
    i, n = 0, len(b)
    while i < n:
        c = b[i]
        if c < 0x80:
            chars.append(chr(c)); spans.append((i, i + 1)); i += 1
            continue
        lo, hi = 0x80, 0xBF
        if 0xC2 <= c <= 0xDF:
            need, cp = 1, c & 0x1F
        elif 0xE0 <= c <= 0xEF:
            need, cp = 2, c & 0x0F
            lo = 0xA0 if c == 0xE0 else 0x80
            hi = 0x9F if c == 0xED else 0xBF
        elif 0xF0 <= c <= 0xF4:
            need, cp = 3, c & 0x07
            lo = 0x90 if c == 0xF0 else 0x80
            hi = 0x8F if c == 0xF4 else 0xBF
        else:
            need = 0
        k = 1
        ok = need > 0
        while ok and k <= need:
            if i + k >= n:
                ok = False
                break
            d = b[i + k]
            if not ((lo <= d <= hi) if k == 1 else (0x80 <= d <= 0xBF)):
                ok = False
                break
            cp = (cp << 6) | (d & 0x3F)
            k += 1
        if ok:
            chars.append(chr(cp)); spans.append((i, i + k)); i += k
        else:
            bad.append(i)
            chars.append("\ufffd"); spans.append((i, i + k)); i += k
    return chars, spans, bad


def check_decoder(samples):
    """Our decoder must agree with Python's (errors="replace")."""
    for b in samples:
        chars, _, _ = decode(b)
        assert "".join(chars) == b.decode("utf-8", "replace"), b


# ---------------------------------------------------------------- analyzer

def is_tok(ch):
    return ud.category(ch)[0] in "LMN"


def tokens_of(text):
    """The reference: NFKC of the whole text, casefold, runs of L/M/N."""
    s = ud.normalize("NFKC", text).casefold()
    out, cur = [], []
    for ch in s:
        if is_tok(ch):
            cur.append(ch)
        elif cur:
            out.append("".join(cur)); cur = []
    if cur:
        out.append("".join(cur))
    return out


def clusters(chars, bad_set):
    """(start_char, end_char) of each cluster: a starter and the
    non-starters after it (a leading non-starter starts one too). An invalid
    sequence is a cluster of its own: it absorbs no following mark."""
    cl, i = [], 0
    while i < len(chars):
        j = i + 1
        if i not in bad_set:
            while j < len(chars) and ud.combining(chars[j]) != 0 and j not in bad_set:
                j += 1
        cl.append((i, j))
        i = j
    return cl


def token_ranges(chars, spans, bad_set):
    """Byte ranges of the tokens, or None if cluster-wise normalization
    differs from whole-text normalization."""
    text = "".join(chars)
    whole = ud.normalize("NFKC", text)
    pieces = []
    for a, b in clusters(chars, bad_set):
        pieces.append((ud.normalize("NFKC", "".join(chars[a:b])), spans[a][0], spans[b - 1][1]))
    if "".join(p for p, _, _ in pieces) != whole:
        return None
    ranges, cur = [], None
    for p, s, e in pieces:
        for ch in p.casefold():
            if is_tok(ch):
                if cur is None:
                    cur = [s, e]
                cur[1] = e
            elif cur is not None:
                ranges.append(tuple(cur)); cur = None
    if cur is not None:
        ranges.append(tuple(cur))
    return ranges


# ---------------------------------------------------------------- sentences

TERM = set(".!?\u2026\u3002\uff01\uff1f")
CJK_TERM = set("\u3002\uff01\uff1f")
CLOSERS = set("\"')]}\u2019\u201d\u00bb\u203a\u300d\u300f\u3011\u3015\u3009\u300b\uff09\uff3d")
OPENERS = set("\"'([{\u2018\u201c\u201e\u201a\u00ab\u2039\u300c\u300e\u3010\u3014\u3008\u300a\uff08\uff3b\u00bf\u00a1")
SPACES = set(" \t\n\x0b\x0c\r\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
ABBREV = set("mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep pres st jr sr inc ltd co corp vs etc no "
             "jan feb mar apr jun jul aug sep sept oct nov dec mt ft u.s u.k u.n e.g i.e".split())


def opens(ch):
    return ch in OPENERS or ud.category(ch) in ("Lu", "Lt", "Lo", "Nd", "Nl", "No")


def no_break_before(chars, bad_idx, i):
    """Abbreviation or initial just before the '.' at chars[i]?"""
    k, nbytes = i, 0
    while k > 0 and nbytes <= 8:
        ch = chars[k - 1]
        if (k - 1) in bad_idx:
            break
        if ord(ch) < 0x80:
            if not (ch.isascii() and (ch.isalnum() or ch == ".")):
                break
        elif ud.category(ch)[0] not in "LM":
            break
        nbytes += len(ch.encode())
        k -= 1
    if nbytes == 0 or nbytes > 8:
        return False
    word = chars[k:i]
    if ud.category(word[0])[0] == "L" and all(ud.category(c)[0] == "M" for c in word[1:]):
        return True
    return "".join(c.lower() if c.isascii() else c for c in word) in ABBREV


def boundaries(chars, bad_idx):
    """Sentence boundaries as char indices (sorted, may repeat)."""
    n = len(chars)
    out = []
    for i, ch in enumerate(chars):
        if ch == "\n":
            j = i + 1
            while j < n and chars[j] in " \t\r":
                j += 1
            if j < n and chars[j] == "\n":
                out.append(j + 1)
        elif ch == "\u2029":
            out.append(i + 1)
    i = 0
    while i < n:
        if chars[i] not in TERM or i in bad_idx:
            i += 1
            continue
        r = i
        while r < n and chars[r] in TERM and r not in bad_idx:
            r += 1
        run = chars[i:r]
        if run == ["."] and no_break_before(chars, bad_idx, i):
            i = r
            continue
        j = r
        while j < n and chars[j] in CLOSERS and j not in bad_idx:
            j += 1
        if any(c in CJK_TERM for c in run):
            out.append(j)
        else:
            w = j
            while j < n and chars[j] in SPACES and j not in bad_idx:
                j += 1
            if j > w and (j == n or (j not in bad_idx and opens(chars[j]))):
                out.append(j)
        i = r
    return sorted(out)


def sentence_starts(chars, spans, bad_idx, ranges):
    if not ranges:
        return []
    bnd = [spans[c][0] if c < len(spans) else (spans[-1][1] if spans else 0) for c in boundaries(chars, bad_idx)]
    starts, prev = [0], ranges[0][0]
    for t in range(1, len(ranges)):
        s = ranges[t][0]
        if any(prev < b <= s for b in bnd):
            starts.append(t)
        prev = s
    return starts


# ---------------------------------------------------------------- output

def esc_chars(chars, bad_spans=None, raw=None):
    out = []
    for idx, ch in enumerate(chars):
        if bad_spans is not None and idx in bad_spans:
            a, b = bad_spans[idx]
            out.extend("\\x%02X" % x for x in raw[a:b])
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif " " <= ch <= "~":
            out.append(ch)
        elif ord(ch) >= 0xA0 and ch.isprintable() and ud.category(ch)[0] not in "MZC":
            out.append(ch)
        else:
            out.append("\\u{%X}" % ord(ch))
    return "".join(out)


def case_line(raw, full=True):
    chars, spans, bad = decode(raw)
    bad_starts = set(bad)
    bad_set = {k for k, (a, b) in enumerate(spans) if a in bad_starts}
    bad_spans = {k: spans[k] for k in bad_set}
    toks = tokens_of("".join(chars))
    first = bad[0] if bad else len(raw)
    sent = rng = "-"
    if full:
        r = token_ranges(chars, spans, bad_set)
        if r is not None:
            assert len(r) == len(toks), (raw, r, toks)
            rng = ",".join("%d-%d" % x for x in r)
            sent = ",".join(str(x) for x in sentence_starts(chars, spans, bad_set, r))
    return "\t".join([esc_chars(chars, bad_spans, raw), " ".join(esc_chars(list(t)) for t in toks),
                      str(len(bad)), str(first), sent, rng])


# ---------------------------------------------------------------- cases

SYNTHETIC = [
    # (comment, text or bytes)
    ("hyphens", "Kim Jong-un's well-known U.S.-based co-op"),
    ("hyphen and dashes", "a\u2010b a\u2011b a\u2013b a\u2014b a\u2212b"),
    ("apostrophes straight and curly", "don't don\u2019t rock 'n' roll \u2018quoted\u2019"),
    ("curly quotes", "\u201cHello,\u201d she said. \u201eGuten Tag\u201c \u00abbonjour\u00bb"),
    ("accents precomposed", "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00c9COLE"),
    ("accents combining", "cafe\u0301 nai\u0308ve E\u0301COLE"),
    ("combining mark alone and after space", "\u0301 a \u0301b x\u0327\u0301"),
    ("combining marks reorder", "a\u0301\u0327 a\u0327\u0301 q\u0307\u0323"),
    ("sharp s", "Stra\u00dfe STRASSE \u1e9e"),
    ("turkish dotted I and dotless i", "\u0130stanbul \u0131s\u0131k DIYARBAKIR"),
    ("greek final sigma", "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2"),
    ("greek iota subscript", "\u1f80 \u1ff3 \u0390"),
    ("ligatures", "\ufb01nance \ufb02ow \ufb00 \u0132"),
    ("CJK", "\u5317\u4eac\u662f\u4e2d\u56fd\u7684\u9996\u90fd\u3002\u6211\u559c\u6b22\u5b83\uff01"),
    ("japanese mixed", "\u79c1\u306f\u30ab\u30bf\u30ab\u30ca\u3068\u3072\u3089\u304c\u306a"),
    ("halfwidth katakana voiced", "\uff76\uff9e\uff8a\uff9f \uff7a\uff9e"),
    ("korean", "\ud55c\uad6d\uc5b4 \u1112\u1161\u11ab \uac00\u11a7 \u1100\u1161\u11a7"),
    ("emoji", "I \u2764\ufe0f NY \U0001f600smile\U0001f44d\U0001f3fbok \U0001f468\u200d\U0001f469\u200d\U0001f467"),
    ("full-width", "\uff26\uff55\uff4c\uff4c \uff37\uff49\uff44\uff54\uff48\uff11\uff12\uff13"),
    ("superscripts subscripts", "E=mc\u00b2 H\u2082O x\u00b3 10\u207b\u00b3"),
    ("circled and parenthesized", "\u2460 \u2461\u2462 \u2474 \u24b6\u24d1"),
    ("roman numerals", "Henry \u2167 Louis \u216b \u217b"),
    ("fractions", "\u00bd cup \u00be 1\u2044" "2"),
    ("NBSP and unicode spaces", "a\u00a0b\u2002c\u2003d\u2009e\u202ff\u205fg\u3000h\u1680i"),
    ("zero-width characters", "ab\u200bcd e\u200cf g\u200dh soft\u00adhyphen \ufeffbom"),
    ("digits in other scripts", "\u0663\u0664 \u0969\u096a \u0e53 \u09e8 \uff15"),
    ("arabic hebrew", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u05e2\u05d1\u05e8\u05d9\u05ea"),
    ("devanagari with nukta", "\u0915\u093c \u0921\u093c\u0940"),
    ("indic two-part vowel", "\u0b47\u0b3e \u0b95\u0bc6\u0bbe"),
    ("kelvin angstrom ohm", "\u212a \u212b \u2126 \u00b5 \u017f"),
    ("titlecase digraph", "\u01c5 \u01c4 \u01c6"),
    ("squared words", "\u3300 \u337b \u33a1 \u2122 \u2120"),
    ("long expansion", "\ufdfa \ufdfb"),
    ("cherokee", "\u13a0\u13a1 \uab70\uab71"),
    ("underscore and symbols", "snake_case a+b=c 100% $5 #tag @user e-mail@example.com"),
    ("numbers", "3.14 1,000,000 2019-02-28 10:30 v2.0"),
    ("ellipsis", "wait\u2026 what... ok"),
    ("ASCII control characters", "a\x00b\x01c\x7fd\x1be"),
    ("private use and noncharacters", "a\ue000b \U000f0000c \ufffed \uffff"),
    ("replacement character literal", "a\ufffdb"),
    ("sentences: Mr. Smith", "Mr. Smith went to Washington. He arrived on Monday."),
    ("sentences: U.S. officials", "U.S. officials said so. The talks ended."),
    ("sentences: initials", "J. R. R. Tolkien wrote books. He was English."),
    ("sentences: quote after !", "\"Stop!\" he said. \"Why?\" She asked."),
    ("sentences: curly quotes", "\u201cStop!\u201d he said. \u201cNow.\u201d Then he left."),
    ("sentences: ellipsis", "He paused\u2026 Then he spoke. And then... nothing. Really... no"),
    ("sentences: blank lines", "Title line\n\nFirst paragraph here\n \t\r\nSecond one\r\n\r\nThird"),
    ("sentences: questions", "Is it? Yes! Are you sure?? I am. 42 is the answer. (Really.) [Yes.]"),
    ("sentences: abbreviations", "See Fig. 3. Dr. No met Gen. Lee on Jan. 5. Call me at 9 a.m. Tomorrow."),
    ("sentences: e.g. and i.e.", "Fruit, e.g. Apples, are good. That is, i.e. Pears too. vs. Them. etc. And so on."),
    ("sentences: abbreviation at the end", "He moved to the U.S. Then he left. I said no. Then he went."),
    ("sentences: lowercase after period", "This is e.g. fine. this is not a new one. But This is."),
    ("sentences: CJK", "\u4f60\u597d\u3002\u6211\u662f\u5b66\u751f\uff01\u4f60\u5462\uff1f\u300c\u597d\u3002\u300d\u518d\u89c1"),
    ("sentences: digits and opening bracket", "It ended. 1999 was a year. (See below.) [1] Notes."),
    ("sentences: no space after period", "example.com is a site.Next is not split. End"),
    ("sentences: non-latin capital", "\u041e\u043d \u043f\u0440\u0438\u0448\u0451\u043b. \u041e\u043d\u0430 \u0443\u0448\u043b\u0430. \u03b1. \u0391\u03b8\u03ae\u03bd\u03b1"),
    ("sentences: unicode space after period", "One.\u00a0Two.\u3000Three.\u2003four"),
    ("sentences: paragraph separator", "One\u2029two\u2028three"),
    ("sentences: initial with accent", "\u00c9. Zola wrote. \u00c9mile Zola. E\u0301. Zola"),
    ("sentences: only punctuation", "... !!! ???"),
    ("sentences: leading boundary", "\n\n. Hello. World"),
]

INVALID = [
    ("lone continuation", b"ab\x80cd"),
    ("C0 C1 overlong lead", b"a\xc0\xafb\xc1\xbfc"),
    ("F5-FF leads", b"a\xf5b\xf8c\xfed\xffe"),
    ("truncated 2-byte at end", b"abc\xc3"),
    ("truncated 2-byte before ASCII", b"ab\xc3x"),
    ("truncated 3-byte", b"x\xe2\x82y \xe2\x82"),
    ("truncated 4-byte", b"x\xf0\x9f\x98y \xf0\x9f\x98"),
    ("overlong 3-byte", b"a\xe0\x80\xafb"),
    ("overlong 4-byte", b"a\xf0\x80\x80\xafb"),
    ("surrogates", b"a\xed\xa0\x80b\xed\xbf\xbfc"),
    ("above U+10FFFF", b"a\xf4\x90\x80\x80b"),
    ("bad continuation", b"a\xc3\x28b\xe2\x28\xa1c\xe2\x82\x28d"),
    ("invalid inside a word", b"abc\xffdef caf\xc3\xa9\xff\xc3\xa9"),
    ("invalid between letter and mark", b"e\xff\xcc\x81 e\xcc\x81\xff"),
    ("invalid run", b"\x80\x81\x82\x83"),
    ("valid maximal code points", b"\xf4\x8f\xbf\xbf \xef\xbf\xbf \xf0\x90\x80\x80a"),
]

RANDOM_ALPHABET = (
    list("aZ0 .-'_\n") + list("\u00e9\u00df\u0130\u0131\u017f\u212a\u212b\u01c5") +
    list("\u0301\u0308\u0327\u0323\u0338\u0345\u0307\u031b\u05b7\u0f72\u0f73\u0344\u0340\u3099\u309a\u20dd") +
    list("\u03a3\u03c2\u0390\u03d3\u1f80") +
    list("\u1100\u1161\u11a8\u11a7\uac00\uac01\u3131") +
    list("\ufb01\u00bd\u00b2\u2460\u216b\u337b\uff76\uff9e\uff26\u2026\u2122\ufdfa") +
    list("\u0b47\u0b3e\u0915\u093c") +
    list("\u00a0\u2009\u3000\u200d\u200b\u00ad") +
    list("\u4e2d\u3002\u30ab") +
    list("\U0001f600\U0001f44d\U0001f3fb\ufe0f") +
    list("\u0663\u0969")
)
RANDOM_BAD = [b"\x80", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xff", b"\xf0\x9f\x98"]


def random_case(r, maxlen=16):
    parts = []
    for _ in range(r.randint(1, maxlen)):
        if r.random() < 0.08:
            parts.append(r.choice(RANDOM_BAD))
        else:
            parts.append(r.choice(RANDOM_ALPHABET).encode())
    return b"".join(parts)


def corpus_cases(r):
    cases = []
    nlp = []
    for f in sorted(glob.glob(os.path.join(CORPUS, "nlp-corpus", "*.txt"))):
        with open(f, "rb") as fh:
            nlp.extend(l.rstrip(b"\n") for l in fh)
    nonascii = [l for l in nlp if any(c >= 0x80 for c in l) and len(l) <= 400]
    ascii_ = [l for l in nlp if all(c < 0x80 for c in l) and len(l) <= 300]
    cases += [("nlp-corpus, non-ASCII", l) for l in r.sample(nonascii, 130)]
    cases += [("nlp-corpus, ASCII", l) for l in r.sample(ascii_, 30)]
    paras = []
    for f in sorted(glob.glob(os.path.join(CORPUS, "seeds", "*.txt"))):
        with open(f, "rb") as fh:
            ps = fh.read().split(b"\n\n")
        paras.extend(p for p in ps if 40 <= len(p) <= 700)
        for k in range(0, len(ps) - 3, 9):  # a few multi-paragraph pieces
            piece = b"\n\n".join(ps[k:k + 3])
            if len(piece) <= 1200:
                cases.append(("seeds, paragraphs", piece))
    cases += [("seeds, paragraph", p) for p in r.sample(paras, 30)]
    brown = sorted(glob.glob(os.path.join(CORPUS, "brown", "*.txt")))
    for f in r.sample(brown, 8):
        with open(f, "rb") as fh:
            cases.append(("brown, start of " + os.path.basename(f), fh.read()[:500]))
    return cases


def write_vectors(path):
    r = random.Random(20190228)
    lines = [
        "# Known-answer vectors for the default analyzer (NGIDX_ANALYZER_ID 1).",
        "# Generated by tests/gen_analyzer_vectors.py (Python %s, Unicode %s); do not edit." % (
            sys.version.split()[0], ud.unidata_version),
        "# Regenerate from the repository root with: python3 tests/gen_analyzer_vectors.py",
        "# Columns: input, tokens, ninvalid, first_invalid, sentence starts, source ranges.",
    ]
    groups = [(c, t.encode() if isinstance(t, str) else t) for c, t in SYNTHETIC]
    groups += INVALID
    groups += corpus_cases(r)
    groups += [("random", random_case(r)) for _ in range(300)]
    last = None
    for comment, raw in groups:
        if comment != last:
            lines.append("# " + comment)
            last = comment
        lines.append(case_line(raw))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
    print("wrote %s: %d cases, %d bytes" % (path, sum(1 for l in lines if not l.startswith("#")),
                                             os.path.getsize(path)))


MARKS = [0x301, 0x308, 0x327, 0x323, 0x338, 0x3099, 0x309A, 0x345, 0x307, 0x31B, 0x5B7, 0xF72, 0x1161,
         0x11A8, 0x11A7, 0xB3E, 0x102E, 0x93C]


def write_exhaustive(path, unassigned):
    r = random.Random(1)
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        def put(raw):
            nonlocal n
            fh.write(case_line(raw, full=False) + "\n")
            n += 1
        for c in range(0x110000):
            if 0xD800 <= c <= 0xDFFF:
                continue
            ch = chr(c)
            cn = ud.category(ch) == "Cn"
            if cn and not unassigned:
                continue
            put(ch.encode())
            put(("a" + ch + "b").encode())
            for m in ([] if cn else MARKS):
                put((ch + chr(m)).encode())
        for _ in range(200000):
            put(random_case(r, 24))
    print("wrote %s: %d cases" % (path, n))


if __name__ == "__main__":
    check_decoder([b"\xe2\x82(", b"\xf0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90", b"\xc3", b"a\xff\xfe"] +
                  [random_case(random.Random(k)) for k in range(2000)])
    if len(sys.argv) >= 3 and sys.argv[1] == "--exhaustive":
        write_exhaustive(sys.argv[2], "--include-unassigned" in sys.argv)
    elif len(sys.argv) == 1:
        write_vectors(OUT)
    else:
        sys.exit(__doc__)
