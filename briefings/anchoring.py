"""
Find a quote in an article body by its text and the context around it.

Offsets are Python string indexes, i.e. Unicode code points, which is what
the domain stores. Browsers count UTF-16 units; the admin converts before it
sends a span here.
"""

from dataclasses import dataclass

CONTEXT_LENGTH = 32


class AnchorError(ValueError):
    """The quote cannot be placed in the body unambiguously."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    prefix: str
    suffix: str


def context_around(body, start, end, length=CONTEXT_LENGTH):
    """Return the (prefix, suffix) context of body[start:end]."""
    return body[max(0, start - length) : start], body[end : end + length]


def span_at(body, start, end):
    return Span(start, end, *context_around(body, start, end))


def occurrences(body, quote):
    """Return every start offset of quote in body, overlapping ones included."""
    found, index = [], body.find(quote)
    while index != -1:
        found.append(index)
        index = body.find(quote, index + 1)
    return found


def locate(body, quote, prefix="", suffix="", hint=None):
    """
    Return the Span of quote in body.

    A quote found once is taken. Found several times, the occurrences whose
    surrounding text ends with `prefix` and starts with `suffix` are kept;
    if that still leaves several, the one nearest `hint` (the old start
    offset) wins only when it is the sole occurrence at that distance.
    """
    if not quote:
        raise AnchorError("The quote is empty.")
    starts = occurrences(body, quote)
    if not starts:
        raise AnchorError(f"The quote {_short(quote)} is not in the article body.")
    if len(starts) > 1:
        starts = [
            start
            for start in starts
            if body[:start].endswith(prefix) and body[start + len(quote) :].startswith(suffix)
        ] or starts
    if len(starts) > 1 and hint is not None:
        nearest = min(abs(start - hint) for start in starts)
        closest = [start for start in starts if abs(start - hint) == nearest]
        if len(closest) == 1:
            starts = closest
    if len(starts) > 1:
        raise AnchorError(
            f"The quote {_short(quote)} occurs {len(starts)} times in the article body; "
            "give context before or after it to pick one."
        )
    return span_at(body, starts[0], starts[0] + len(quote))


def _short(text, limit=60):
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"
