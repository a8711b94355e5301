"""
An article body as HTML with every claim span marked and linked.

The body is split into paragraphs at newlines and into segments at every
span boundary, so overlapping and nested spans render as flat, valid HTML:
each segment is one <mark> naming every claim that covers it and linking to
the innermost one. The result depends only on the body and on the claims'
spans, verdicts and versions, so it is cached under a key made of exactly
those: an edit to any of them yields a new key, and nothing is recomputed
otherwise.
"""

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe

from briefings.models import Verdict
from briefings.reversing import reverse_one

CACHE_TIMEOUT = 60 * 60 * 24
VERDICT_LABELS = dict(Verdict.choices)


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


def render(body, spans):
    """Return the HTML for body with spans (sorted by start) marked; see the module docstring."""
    boundaries = sorted({offset for span in spans for offset in (span.start, span.end)})
    urls = {span.claim_id: reverse_one("briefings:claim-detail", span.claim_id) for span in spans}
    out = []
    pending = list(reversed(spans))  # pop() yields the next span to open
    active = []
    for para_start, para_end in paragraphs(body):
        inside = boundaries[
            bisect_right(boundaries, para_start) : bisect_left(boundaries, para_end)
        ]
        cuts = [para_start, *inside, para_end]
        out.append("<p>")
        for left, right in zip(cuts, cuts[1:], strict=False):
            while pending and pending[-1].start <= left:
                active.append(pending.pop())
            active = [span for span in active if span.end > left]
            text = escape(body[left:right])
            out.append(mark_html(text, active, right, urls) if active else text)
        out.append("</p>\n")
    return "".join(out)


def mark_html(text, covering, right, urls):
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
