"""
The layout of a news text: paragraphs, quotations and sentences, as offsets.

Offsets are code points into the text as given (Python string indexes), so a
suggestion's span is `text[start:end]` with no re-encoding.
"""

import re
from dataclasses import dataclass, field

OPENING = "“"
CLOSING = "”"

# Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "st", "sen", "rep", "gov", "jr", "sr"}
ABBREVIATIONS |= {"no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "aug", "sept", "oct"}
ABBREVIATIONS |= {"nov", "dec", "u.s", "u.n", "u.k", "e.u"}

# A sentence ends at a full stop before a capital (in any script), a digit or a quotation.
SENTENCE_END = re.compile(r"[.!?][”\"’)]*\s+(?=[“\"(\[]|[^\W_])")
# "ASTANA, July 2 (Wire) – ", "NEW DELHI, July 4 (Reuters) - ": a wire story's dateline.
DATELINE = re.compile(
    r"[A-Z][A-Z .'-]+, [A-Z][a-z]+\.? \d{1,2}\.? ?"
    r"(?:\([^)]{1,30}\)|/[^/]{1,30}/\.?)? ?(?:--|[-–—]) ?"
)


@dataclass(frozen=True)
class Quote:
    """A quotation: `open` and `close` index its marks, the words lie between."""

    open: int
    close: int

    @property
    def start(self):
        return self.open + 1

    @property
    def end(self):
        return self.close


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int
    quotes: list[Quote] = field(default_factory=list)


def quotes_in(text, start, end):
    """Return the quotations between start and end: curly pairs, and straight quotes in pairs."""
    found = []
    for m in re.finditer(r"“[^“”]*”", text[start:end]):
        found.append(Quote(start + m.start(), start + m.end() - 1))
    straight = [start + m.start() for m in re.finditer('"', text[start:end])]
    for first, second in zip(straight[::2], straight[1::2], strict=False):
        found.append(Quote(first, second))
    return sorted(found, key=lambda q: q.open)


def sentences(text):
    """Split text into sentences, never inside a quotation, paragraph by paragraph."""
    result = []
    paragraph_start = 0
    for number, paragraph in enumerate(text.split("\n")):
        start, end = paragraph_start, paragraph_start + len(paragraph)
        paragraph_start = end + 1
        quotes = quotes_in(text, start, end)
        cut = start
        for m in SENTENCE_END.finditer(text, start, end):
            stop = m.start() + 1
            while stop < end and text[stop] in '”"’)':
                stop += 1
            # A full stop inside a quotation ends the sentence only where the quotation ends.
            if any(q.open < m.start() and stop <= q.close for q in quotes):
                continue
            if text[m.end()].islower() or _abbreviated(text, m.start()):
                continue
            result.append(_sentence(text, cut, stop, number, quotes))
            cut = m.end()
        if text[cut:end].strip():
            result.append(_sentence(text, cut, end, number, quotes))
    return [s for s in result if s is not None]


def _abbreviated(text, dot):
    word = re.search(r"([\w.]+)$", text[max(0, dot - 30) : dot])
    if not word:
        return False
    token = word.group(1).lower()
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _sentence(text, start, end, paragraph, quotes):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    inside = [q for q in quotes if start <= q.open and q.close < end]
    return Sentence(start, end, paragraph, inside)


def masked(text, quotes):
    """Return text with quoted words blanked, so cues inside quotations are not read as cues."""
    chars = list(text)
    for quote in quotes:
        for i in range(quote.start, quote.end):
            if chars[i] != "\n":
                chars[i] = "\x00"
    return "".join(chars)


def dateline_end(text, start):
    """Return where the sentence at start begins once a wire dateline is skipped."""
    m = DATELINE.match(text, start)
    return m.end() if m else start
