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


class TextEdit:
    """
    The one stretch where a new body differs from the old: old[start:old_end]
    became new[start:new_end], the common beginning and end aside. A span
    that lies wholly outside it moves with its text, exactly.
    """

    def __init__(self, old, new):
        limit = min(len(old), len(new))
        start = 0
        while start < limit and old[start] == new[start]:
            start += 1
        common_end = 0
        while common_end < limit - start and old[-1 - common_end] == new[-1 - common_end]:
            common_end += 1
        self.old, self.new = old, new
        self.start, self.old_end, self.new_end = start, len(old) - common_end, len(new) - common_end

    def reanchor(self, start, end, quote, prefix="", suffix=""):
        """
        Return the Span in the new body of the claim at old[start:end].

        A span the edit left alone keeps its place (shifted by what was
        inserted or removed before it); one the edit reached into is found
        again by its quote and context (`locate`), or AnchorError.
        """
        if self.old[start:end] == quote:
            if end <= self.start:
                return span_at(self.new, start, end)
            if start >= self.old_end:
                shift = self.new_end - self.old_end
                return span_at(self.new, start + shift, end + shift)
        return locate(self.new, quote, prefix, suffix, hint=start)


def _short(text, limit=60):
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


class QuoteNotPlaced(AnchorError):
    """A new claim's quote is absent from the body, or found where nothing picks one."""

    def __init__(self, message, occurrences=()):
        super().__init__(message)
        self.occurrences = list(occurrences)


def place(body, quote, *, start=None, prefix="", suffix=""):
    """
    Return the Span of a new claim's quote in body, from the quote alone.

    Unlike `locate`, which re-finds a known claim after an edit and may fall
    back to the nearest match, a new claim is placed only where the writer
    said: the one occurrence, the one at `start`, or the one whose
    surrounding text ends with `prefix` and starts with `suffix`. Otherwise
    QuoteNotPlaced says why, with the candidate Spans in `.occurrences`.
    """
    if not quote:
        raise QuoteNotPlaced("The quote is empty.")
    found = [span_at(body, index, index + len(quote)) for index in occurrences(body, quote)]
    if not found:
        raise QuoteNotPlaced(f"The quote {_short(quote)} is not in the article body.")
    if start is not None:
        chosen = [span for span in found if span.start == start]
        if not chosen:
            raise QuoteNotPlaced(
                f"The quote {_short(quote)} does not start at {start}; it starts at "
                f"{', '.join(str(span.start) for span in found)}.",
                found,
            )
        return chosen[0]
    chosen = [
        span
        for span in found
        if body[: span.start].endswith(prefix) and body[span.end :].startswith(suffix)
    ]
    if len(chosen) == 1:
        return chosen[0]
    if not chosen:
        raise QuoteNotPlaced(
            f"The quote {_short(quote)} occurs {_times(len(found))} in the article body, "
            "never with the given prefix and suffix around it.",
            found,
        )
    raise QuoteNotPlaced(
        f"The quote {_short(quote)} occurs {_times(len(chosen))} in the article body; pick one "
        "by sending its `start`, or the text just before it as `prefix` or just after it "
        "as `suffix` (see `occurrences`).",
        chosen,
    )


def _times(count):
    return {1: "once", 2: "twice"}.get(count, f"{count} times")
