"""
An article body as HTML with its claims' spans marked: one renderer for the
public article page and the editors' annotation workspace.

The body is cut into segments at every span boundary, so overlapping and
nested spans render as valid HTML: each segment is marked for the spans
covering it. Readers get the body in paragraphs, and each segment is one
<mark> naming every claim that covers it and linking to the innermost one.
That result depends only on the body and on the claims' spans, verdicts and
versions, so it is cached under a key made of exactly those: an edit to any
of them yields a new key, and nothing is recomputed otherwise. The workspace
gets the body as one text, each segment inside a <mark> per covering claim,
cached the same way under its claims' spans and verdicts.
"""

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe

from briefings.models import Verdict
from briefings.reversing import reverse_one

CACHE_TIMEOUT = 60 * 60 * 24
VERDICT_LABELS = dict(Verdict.choices)
# A verdict is never told by colour alone: each has a marker too.
VERDICT_MARKERS = {
    Verdict.UNVERIFIED: "?",
    Verdict.ACCURATE: "✓",
    Verdict.MOSTLY_ACCURATE: "≈",
    Verdict.MISLEADING: "!",
    Verdict.FALSE: "✗",
    Verdict.UNVERIFIABLE: "∅",
    Verdict.OPINION: "✎",
}
# Nesting levels the workspace draws distinctly; deeper ones share the last level's style.
MAX_MARK_LEVEL = 3


@dataclass(frozen=True)
class Span:
    claim_id: int
    start: int
    end: int
    verdict: str
    version: int


def spans_for(claims):
    """Return the anchored spans of claims (orphans have no place in the text)."""
    return sorted(
        (
            Span(claim.pk, claim.start, claim.end, claim.verdict, claim.version)
            for claim in claims
            if claim.start is not None
        ),
        key=lambda span: (span.start, -span.end),
    )


def annotated_body(article, claims):
    """Return the article body as safe HTML paragraphs with the claims' spans marked."""
    spans = spans_for(claims)
    fingerprint = hashlib.sha256(
        repr([(s.claim_id, s.start, s.end, s.verdict, s.version) for s in spans]).encode()
    ).hexdigest()
    key = f"annotated-body:{article.body_sha256}:{fingerprint}"
    html = cache.get(key)
    if html is None:
        html = render(article.body, spans)
        cache.set(key, html, CACHE_TIMEOUT)
    return mark_safe(html)


def paragraphs(body):
    """Yield (start, end) of each non-blank line of body."""
    offset = 0
    for line in body.split("\n"):
        if line.strip():
            yield offset, offset + len(line)
        offset += len(line) + 1


def render(body, spans, *, mark=None, in_paragraphs=True):
    """
    Return the HTML for body with spans marked; see the module docstring.

    spans are sorted by start, longest first, and have `start` and `end`.
    Each segment's escaped text goes through mark(text, covering, left, right)
    with the spans covering body[left:right], outermost first; by default
    mark_html, as readers see it. in_paragraphs wraps each non-blank line in
    <p>; without it every character of body, newlines too, is output as text.
    """
    boundaries = sorted({offset for span in spans for offset in (span.start, span.end)})
    if mark is None:
        urls = {
            span.claim_id: reverse_one("briefings:claim-detail", span.claim_id) for span in spans
        }
        mark = partial(mark_html, urls=urls)
    out = []
    pending = list(reversed(spans))  # pop() yields the next span to open
    active = []
    for para_start, para_end in paragraphs(body) if in_paragraphs else [(0, len(body))]:
        inside = boundaries[
            bisect_right(boundaries, para_start) : bisect_left(boundaries, para_end)
        ]
        cuts = [para_start, *inside, para_end]
        out.append("<p>" if in_paragraphs else "")
        for left, right in zip(cuts, cuts[1:], strict=False):
            while pending and pending[-1].start <= left:
                active.append(pending.pop())
            active = [span for span in active if span.end > left]
            text = escape(body[left:right])
            out.append(mark(text, active, left, right) if active else text)
        out.append("</p>\n" if in_paragraphs else "")
    return "".join(out)


def mark_html(text, covering, left, right, *, urls):
    """Mark a segment: link the innermost claim; name each claim ending here for screen readers."""
    inner = min(covering, key=lambda span: span.end - span.start)
    ids = " ".join(f"claim-{span.claim_id}" for span in covering)
    classes = f"claim-span span-{inner.verdict}"
    if len(covering) > 1:
        classes += " overlap"
    url = urls[inner.claim_id]
    notes = "".join(
        f'<span class="visually-hidden"> (claim {span.claim_id}: '
        f"{escape(VERDICT_LABELS.get(span.verdict, span.verdict))})</span>"
        for span in covering
        if span.end == right
    )
    return (
        f'<mark class="{classes}" data-claims="{ids}">'
        f'<a href="{url}" data-claim="{inner.claim_id}">{text}</a>{notes}</mark>'
    )


def workspace_html(body, claims):
    """
    Return body as the annotation workspace shows it: a <mark> per claim around
    each stretch of text it covers, outermost first, with the claim's id,
    verdict and drawing level. Only spans and verdicts are read (the page's
    script titles each mark from the claim's data), so a redraw after a save
    needs no claim's speaker or channel.

    Only the body contributes text nodes (markers are CSS generated content),
    so the page's DOM text is exactly the body and selections map to offsets.
    """
    anchored = sorted(
        (claim for claim in claims if claim.start is not None),
        key=lambda claim: (claim.start, -claim.end, claim.pk),
    )
    drawn = [(claim.pk, claim.start, claim.end, claim.verdict) for claim in anchored]
    key = "workspace-body:" + hashlib.sha256(repr((body, drawn)).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render(body, anchored, mark=workspace_marks(anchored), in_paragraphs=False)
        cache.set(key, html, CACHE_TIMEOUT)
    return mark_safe(html)


def workspace_marks(anchored):
    """The workspace's mark(): a <mark> per claim covering a segment, outermost first."""
    levels = mark_levels(anchored)

    def mark_claims(text, covering, left, right):
        # Ids, levels and verdicts (choices the database constrains) need no escaping;
        # format_html would cost more than the rest of the page at 1,000 claims.
        opening = "".join(
            f'<mark class="claim verdict-{claim.verdict} level-{levels[claim.pk]}'
            f'{" claim-start" if claim.start == left else ""}" data-claim="{claim.pk}" '
            f'data-marker="#{claim.pk} {VERDICT_MARKERS[claim.verdict]}">'
            for claim in covering
        )
        return opening + text + "</mark>" * len(covering)

    return mark_claims


def mark_levels(claims):
    """
    Give each anchored claim a drawing level so that overlapping claims get
    distinct underlines: the lowest level no overlapping earlier claim uses.
    """
    levels, placed = {}, []
    for claim in claims:
        used = {levels[other.pk] for other in placed if other.end > claim.start}
        level = next(n for n in range(len(placed) + 1) if n not in used)
        levels[claim.pk] = min(level, MAX_MARK_LEVEL)
        placed.append(claim)
    return levels
