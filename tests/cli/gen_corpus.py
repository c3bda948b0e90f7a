#!/usr/bin/env python3
"""gen_corpus.py - deterministic random corpora (and query phrases) for the
ngidx CLI comparison test (tests/cli/compare.sh).

The corpus is a folder of .txt files, one document per file, some of them in
sub-folders. The same --seed and options always give the same bytes.

What the text contains, on purpose:
  - a Zipf-ish vocabulary with a heavy head ("the", "to", "be", ...) and
    planted repeats such as "to be to be to be" (overlapping occurrences);
  - mixed case (Title, UPPER, rAnDoM), punctuation, hyphens, apostrophes,
    digits, sentence ends and blank lines, CRLF line ends, a BOM;
  - with --unicode-share F > 0: precomposed and decomposed accents, ß/ẞ,
    full-width and half-width forms, compatibility characters (ﬁ, Ⅻ, ①, ™,
    ㎏, ﷺ), CJK, Hangul (also as conjoining jamo), Greek (final sigma,
    polytonic), Cyrillic, Turkish İ/ı, Arabic, Hebrew, Devanagari, Thai,
    astral characters (math letters, Gothic, Deseret, CJK Ext B), emoji with
    and without VS16/ZWJ/skin tone, curly quotes, NBSP, ZWSP, soft hyphen,
    invalid UTF-8 bytes and NUL bytes;
  - empty documents, punctuation-only documents, a document of one repeated
    word (2 to 400 times, or near a multiple of 128, the codec block), and
    sizes from 0 to --max-tokens tokens (plus --long-docs big ones).
With --no-marks every piece of text whose analysis would contain a combining
mark (M*) is left out, so the result can be checked against
shared/tools/refcount.py, whose tokenizer treats marks as separators.

Phrases (--phrases FILE): one per line (never containing TAB, CR or line
breaks), a mix of token windows of length 1..10 taken from the documents (so
they occur), the same windows in another case / with punctuation / in
full-width or decomposed form, raw slices of the text, mutated windows (that
mostly do not occur), words that never occur, and empty or separator-only
phrases.

usage:
  gen_corpus.py [--docs N] [--seed S] [--unicode-share F] [--no-marks]
                [--max-tokens T] [--long-docs K]
                [--phrases FILE] [--nphrases K] OUTDIR
  gen_corpus.py --from DIR --phrases FILE [--seed S] [--nphrases K]
                (phrases for an existing corpus, e.g. shared/corpus/seeds)
"""
import argparse
import os
import random
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from refcount_ref import analyze, documents  # noqa: E402  (phrases are picked from real tokens)

HEAD = ("the to be of and a in that is it not or i you he was for on are as "
        "with his they at this have from by we do").split()

ASCII_SPECIAL = [
    "don't", "it's", "o'clock", "rock'n'roll", "O'Brien", "well-known",
    "state-of-the-art", "e-mail", "snake_case", "U.S.", "e.g.", "Mr.", "Dr.",
    "2019", "x86", "4th", "3.14", "1,000", "007", "42", "Kim", "Trump", "Hanoi",
    "McDonald", "iPhone", "ABC", "NATO", "co-op", "A-1", "to-be", "don''t",
    "#hashtag", "@user", "C++", "a.b.c", "10:30", "50%", "$5", "x=y",
]

UNICODE_WORDS = [
    # Latin with precomposed accents (decomposed forms come from a transform)
    "café", "naïve", "résumé", "crème", "façade", "Zürich", "São", "Ångström",
    "mañana", "coöperate", "Dvořák", "Łódź", "smörgåsbord", "ÉCOLE", "Ærø",
    # sharp s, case folding to two letters
    "straße", "Fußball", "STRASSE", "GROẞ", "ﬁnance", "ﬂow", "eﬀort", "ﬆ",
    # marks that NFKC cannot compose away
    "q\u0308", "x\u0301y", "a\u0328\u0301", "e\u034fe",
    # characters whose case folding yields combining marks
    "\u01f0ab", "\u0390", "\u0130stanbul", "\u1e96", "ısı",
    # compatibility characters
    "Ⅻ", "ⅻ", "①", "x²", "㎏", "µm", "\u212b", "\u212a", "\u2126", "™", "℃",
    "½", "№", "Ⓐ", "ǅ", "ǆ", "ŉ", "ſ", "ﷺ", "㍿", "ᾳ", "ᾈ", "\u037a",
    "\u00b4", "\u0385", "don\u02bct", "\u0301",
    # full-width and half-width
    "ＡＢＣ", "１２３", "ｈｅｌｌｏ", "Ｗｏｒｌｄ", "ﾊﾟﾝ", "ｶﾀｶﾅ",
    # CJK, Hangul
    "東京", "日本語", "中文", "北京", "我们", "漢字", "金正恩", "习近平", "文在寅",
    "한국어", "서울", "\u1112\u1161\u11ab\u1100\u116e\u11a8", "𠀋", "𠮷野家",
    # Greek, Cyrillic, Armenian, Cherokee, Deseret, Gothic, math letters
    "λόγος", "Σίσυφος", "ΟΔΥΣΣΕΥΣ", "ἀλήθεια", "Привет", "мир", "ЁЖИК",
    "ﬓ", "ᏣᎳᎩ", "ꮳ", "𐐀𐐨", "𐌰𐌱", "𝐀𝐁𝐂", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    # Arabic, Hebrew, Persian, Devanagari, Thai, digits of other scripts
    "سلام", "مُحَمَّد", "كـتـاب", "שלום", "שָׁלוֹם", "می\u200cخواهم",
    "नमस्ते", "हिन्दी", "ภาษาไทย", "٣٤٥", "१२", "๓",
    # emoji: separators, with VS16 (a mark) or keycap (marks)
    "🙂", "👍🏽", "❤️", "👨‍👩‍👧", "1️⃣", "★",
    # separators inside words
    "co\u00adop", "zero\u200bwidth", "a\u00a0b", "in\u2011line",
]

SEPARATORS = [
    " ", " ", " ", " ", " ", " ", " ", " ", "  ", ", ", ", ", "; ", ": ", " - ",
    " (", ") ", " [", "] ", ' "', '" ', " '", "' ", "/", "|", " & ", "+", "*",
    "...", "!", "?", "_", "~", "<", ">", "\t", "-", "--",
]
UNICODE_SEPARATORS = [
    "\u00a0", "\u3000", "\u200b", " \u201c", "\u201d ", "\u2018", "\u2019",
    " \u2014 ", "\u2013", "\u2026", "\u3001", "\u3002", "\u00b7", " \u2022 ",
    "\u00a1", "\u00bf", " \u00ab", "\u00bb ", " \U0001F600 ", "\u20ac", "\u00a9",
    "\ufeff", "\u2028", "\u0387", "\uff0c", "\uff01",
]
# Whole-document oddities for a few documents.
INVALID_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80",
                 b"\x80", b"\x00", b"\xe2\x82", b"\xf0\x9f\x99"]

# Characters that may not appear in a phrase line.
LINE_BREAKERS = dict.fromkeys(map(ord, "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), " ")


def has_marks(s):
    n = unicodedata.normalize("NFKC", s).casefold()
    return any(unicodedata.category(c)[0] == "M" for c in n)


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def random_case(rng, s):
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in s)


class Gen:
    def __init__(self, seed, ushare, no_marks, max_tokens):
        self.rng = rng = random.Random(seed)
        self.ushare = ushare
        self.no_marks = no_marks
        self.max_tokens = max_tokens
        uwords = [w for w in UNICODE_WORDS if not (no_marks and has_marks(w))]
        useps = [s for s in UNICODE_SEPARATORS if not (no_marks and has_marks(s))]
        for s in SEPARATORS + useps:
            assert not analyze(s), "separator %r has tokens" % s
        self.useps = useps
        # Vocabulary: head words first (highest ranks), then a shuffled mix
        # of made-up ASCII words, special ASCII words and Unicode words.
        nvocab = rng.randint(150, 1200)
        made = set()
        body = []
        while len(body) < nvocab:
            w = self.pseudo_word()
            if w not in made:
                made.add(w)
                body.append(w)
        body += ASCII_SPECIAL
        nuni = int(len(body) * ushare)
        for _ in range(nuni):
            body.append(rng.choice(uwords))
        rng.shuffle(body)
        self.vocab = HEAD + body
        s = rng.uniform(0.9, 1.3)
        self.cum = []
        acc = 0.0
        for r in range(len(self.vocab)):
            acc += 1.0 / (r + 1) ** s
            self.cum.append(acc)

    def pseudo_word(self):
        rng = self.rng
        syl = ["ka", "to", "be", "ri", "mon", "sa", "le", "qu", "zo", "ne", "tra", "pi",
               "st", "or", "an", "el", "u", "y", "ex", "ph", "ch", "th", "ing", "ed"]
        return "".join(rng.choice(syl) for _ in range(rng.randint(1, 4)))

    def word(self):
        rng = self.rng
        i = self._bisect(rng.random() * self.cum[-1])
        return self.vocab[i]

    def _bisect(self, x):
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def surface(self, w, first):
        """The word as it appears in the text: case and Unicode variants."""
        rng = self.rng
        r = rng.random()
        if first or r < 0.06:
            w = w[:1].upper() + w[1:]
        elif r < 0.09:
            w = w.upper()
        elif r < 0.10:
            w = random_case(rng, w)
        if self.ushare > 0 and rng.random() < self.ushare * 0.25:
            t = rng.random()
            if t < 0.4:
                w = fullwidth(w)
            elif t < 0.7 and not self.no_marks:
                w = unicodedata.normalize("NFD", w)
            elif t < 0.8:
                w = w.replace("fi", "\ufb01").replace("ss", "\u00df")
            elif t < 0.9:
                w = w.replace("s", "\u017f")  # long s folds to s
            else:
                # mathematical bold small letters (astral, NFKC folds them)
                w = "".join(chr(0x1D41A + ord(c) - 97) if "a" <= c <= "z" else c for c in w)
        return w

    def sep(self):
        rng = self.rng
        if self.ushare > 0 and rng.random() < self.ushare * 0.3:
            return rng.choice(self.useps)
        return rng.choice(SEPARATORS)

    def doc_len(self):
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return rng.randint(1, 5)
        n = int(rng.lognormvariate(5.0, 1.2))
        return max(1, min(n, self.max_tokens))

    def text(self, ntok):
        """Running text of about @ntok words in sentences and paragraphs."""
        rng = self.rng
        out, k, sent_left = [], 0, 0
        while k < ntok:
            first = sent_left == 0
            if first:
                sent_left = rng.randint(3, 25)
            r = rng.random()
            if r < 0.02:
                # planted overlapping repeats
                unit = rng.choice([["to", "be"], ["la"], ["ha"], ["to", "be", "or"],
                                   ["the", "the"], ["a", "b", "a"]])
                reps = rng.randint(2, 6)
                joiner = rng.choice([" ", " ", "-", ", "])
                piece = joiner.join(unit * reps)
                k += len(unit) * reps
            elif r < 0.025 and self.ushare > 0 and not self.no_marks:
                # invalid bytes or a mark right after a separator / invalid byte
                piece = rng.choice([" \u0301x", "e\u0301", "\u0308"])
                k += 1
            else:
                piece = self.surface(self.word(), first)
                k += 1
            out.append(piece)
            sent_left -= 1
            if sent_left == 0:
                out.append(rng.choice([". ", ". ", ". ", "? ", "! ", ".\n", ".\n\n", "... "]))
            else:
                out.append(self.sep() if rng.random() < 0.85 else " ")
            if rng.random() < 0.06:
                out.append("\n")
        return "".join(out)

    def document(self, kind):
        rng = self.rng
        if kind == "empty":
            return b""
        if kind == "punct":
            return "".join(self.sep() for _ in range(rng.randint(1, 30))).encode()
        if kind == "repeat":
            w = rng.choice(["buffalo", "la", "to", "Ho", "na", rng.choice(self.vocab)])
            sep = rng.choice([" ", "\n", ", ", "-", "  "])
            if rng.random() < 0.5:
                reps = rng.randint(2, 400)
            else:  # near a multiple of the 128-value codec block
                reps = 128 * rng.randint(1, 10) + rng.randint(-2, 10)
            return sep.join([w] * reps).encode("utf-8")
        if kind == "long":
            body = self.text(rng.randint(self.max_tokens * 4, self.max_tokens * 8))
        else:
            body = self.text(self.doc_len())
        r = rng.random()
        if r < 0.06:
            body = body.replace("\n", "\r\n")
        elif r < 0.10:
            body = "\ufeff" + body
        elif r < 0.13:
            body = body.rstrip("\n")
        data = body.encode("utf-8")
        if self.ushare > 0 and rng.random() < 0.25:
            data = self.corrupt(data)
        return data

    def corrupt(self, data):
        """Insert invalid UTF-8 and NUL bytes at character boundaries."""
        for _ in range(10):
            out = self._corrupt(data)
            # an invalid byte can split a character from a following
            # half-width sound mark, which NFKC then maps to a combining mark
            if not (self.no_marks and has_marks(out.decode("utf-8", errors="replace"))):
                return out
        return data

    def _corrupt(self, data):
        rng = self.rng
        if not data:
            return data
        out = bytearray()
        cuts = sorted(rng.randrange(len(data) + 1) for _ in range(rng.randint(1, 6)))
        prev = 0
        for c in cuts:
            while 0 < c < len(data) and (data[c] & 0xC0) == 0x80:
                c -= 1  # back to a character boundary
            c = max(c, prev)
            out += data[prev:c]
            out += rng.choice(INVALID_BYTES)
            if not self.no_marks and rng.random() < 0.3:
                out += "\u0301".encode()  # a mark right after invalid bytes
            prev = c
        out += data[prev:]
        return bytes(out)


def pick_phrases(gen, docs, k):
    """Query phrases for @docs (list of (name, bytes))."""
    rng = random.Random(gen.rng.random())
    toks = [analyze(d) for _, d in docs]
    texts = [d.decode("utf-8", errors="replace") for _, d in docs]
    nonempty = [i for i, t in enumerate(toks) if t]
    words = [w for w in gen.vocab]
    out = []

    def window(nmin=1, nmax=10):
        i = rng.choice(nonempty)
        t = toks[i]
        n = min(len(t), rng.choice([1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10]))
        n = max(min(n, nmax), min(nmin, len(t)))
        s = rng.randrange(len(t) - n + 1)
        return t[s:s + n]

    def restyle(ws):
        r = rng.random()
        if r < 0.2:
            ws = [w.upper() for w in ws]
        elif r < 0.35:
            ws = [w.title() for w in ws]
        elif r < 0.45:
            ws = [random_case(rng, w) for w in ws]
        joiner = rng.choice([" ", ", ", " - ", "-", "  ", "... ", "\u2014", "\u00a0", "'"])
        p = joiner.join(ws)
        r = rng.random()
        if r < 0.15:
            p = fullwidth(p)
        elif r < 0.25 and not gen.no_marks:
            p = unicodedata.normalize("NFD", p)
        elif r < 0.35:
            p = rng.choice(['"%s"', "(%s)", "\u201c%s\u201d", "%s!", "  %s  ", "%s."]) % p
        return p

    for _ in range(k):
        r = rng.random()
        if not nonempty:
            r = 0.95
        if r < 0.40:
            p = " ".join(window())
        elif r < 0.60:
            p = restyle(window())
        elif r < 0.72:
            # a raw slice of the text, whitespace-delimited
            d = texts[rng.choice(nonempty)].split()
            if not d:
                continue
            n = rng.randint(1, min(len(d), 8))
            s = rng.randrange(len(d) - n + 1)
            p = " ".join(d[s:s + n])
        elif r < 0.85:
            ws = list(window(2, 10))
            m = rng.random()
            if m < 0.4:
                ws[rng.randrange(len(ws))] = rng.choice(words).lower()
            elif m < 0.6:
                ws.reverse()
            elif m < 0.8 and len(ws) > 2:
                del ws[len(ws) // 2]
            else:
                j = rng.randrange(len(ws))
                ws[j] = ws[j] + rng.choice("qxz")
            p = " ".join(ws)
        elif r < 0.90:
            p = rng.choice(["zzyzx", "xyzzy plugh", "the the the the the the the the the the",
                            "to be to be to be", "be to be", "to be or not to be",
                            "buffalo buffalo", "la la la", "ha ha", "a b a b a"])
        elif r < 0.93:
            p = " ".join(window(11, 14)) if rng.random() < 0.5 else " ".join(window(6, 10))
        else:
            p = rng.choice(["", " ", "   ", "...", "\u2014", "\U0001F642", "\u201c\u201d",
                            ",,,", "\u200b", "_", "-", "- -", "\u3000", "!?", "\u00a0",
                            "\u2122", "\u00bd"])
        p = p.translate(LINE_BREAKERS)
        assert not (gen.no_marks and has_marks(p)), p
        out.append(p)
    return out


def write_phrases(path, phrases):
    with open(path, "wb") as fh:
        for p in phrases:
            fh.write(p.encode("utf-8") + b"\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?", help="folder to write the corpus to (not with --from)")
    ap.add_argument("--from", dest="src", metavar="DIR",
                    help="pick phrases from the existing corpus DIR instead of generating one")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", type=int, default=None, help="number of documents (default: from seed)")
    ap.add_argument("--unicode-share", type=float, default=None,
                    help="share of non-ASCII vocabulary and transforms, 0..1 (default: from seed)")
    ap.add_argument("--no-marks", action="store_true",
                    help="leave out everything that analyzes to combining marks")
    ap.add_argument("--max-tokens", type=int, default=3000)
    ap.add_argument("--long-docs", type=int, default=0, help="add K documents of 4..8 x max-tokens")
    ap.add_argument("--phrases", help="also write query phrases to this file")
    ap.add_argument("--nphrases", type=int, default=150)
    a = ap.parse_args()

    prng = random.Random("params:%d" % a.seed)
    ndocs = a.docs if a.docs is not None else prng.randint(8, 60)
    ushare = a.unicode_share if a.unicode_share is not None else prng.choice([0, 0.05, 0.15, 0.3, 0.6])
    gen = Gen(a.seed, ushare, a.no_marks, a.max_tokens)
    rng = gen.rng
    if a.src:
        if not a.phrases:
            ap.error("--from needs --phrases")
        docs = list(documents(a.src))
        write_phrases(a.phrases, pick_phrases(gen, docs, a.nphrases))
        return 0
    if not a.outdir:
        ap.error("give OUTDIR (or --from DIR)")

    kinds = []
    for _ in range(ndocs):
        r = rng.random()
        kinds.append("empty" if r < 0.05 else "punct" if r < 0.08 else
                     "repeat" if r < 0.11 else "text")
    if ndocs >= 4:  # always at least one empty and one repeated-word document
        slots = rng.sample(range(ndocs), 2)
        kinds[slots[0]] = "empty"
        kinds[slots[1]] = "repeat"
    kinds += ["long"] * a.long_docs

    os.makedirs(a.outdir, exist_ok=True)
    subdirs = ["", "", "", "", "a", "a/b", "z"]
    docs = []
    for i, kind in enumerate(kinds):
        data = gen.document(kind)
        if gen.no_marks:
            assert not has_marks(data.decode("utf-8", errors="replace")), (i, kind)
        sub = rng.choice(subdirs)
        name = os.path.join(sub, "d%04d.txt" % i)
        path = os.path.join(a.outdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        docs.append((name, data))

    if a.phrases:
        write_phrases(a.phrases, pick_phrases(gen, docs, a.nphrases))
    ntok = sum(len(analyze(d)) for _, d in docs)
    sys.stderr.write("gen_corpus: seed=%d docs=%d tokens=%d bytes=%d unicode-share=%g%s\n" % (
        a.seed, len(docs), ntok, sum(len(d) for _, d in docs), ushare,
        " no-marks" if a.no_marks else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
