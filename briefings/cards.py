"""
Claim cards (includes/claim_card.html), rendered once and then reused.

A card costs about a millisecond to render, so a briefing with 200 key
claims would spend most of its time on them, again after every save empties
the page cache. Each card is cached under a key made of everything it
shows: the versions of the claim, its article and outlet, its channel, the
attribution chain in words (speaker, role and channel), the editor's
comment, and the card's own template source. Any change to those yields a
new key, so there is nothing to invalidate. A card holds nothing about
visibility: the page decides which claims it shows.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import IncludeNode
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

TEMPLATE = "includes/claim_card.html"
CACHE_TIMEOUT = 60 * 60 * 24


def template_fingerprint(name=TEMPLATE):
    """
    Hash the source of the template and of those it includes, so an edit to
    any is a new key (computed per page, not per process, so that it follows
    templates reloaded in development).
    """
    template = get_template(name).template
    digest = hashlib.sha256(template.source.encode())
    for node in template.nodelist.get_nodes_by_type(IncludeNode):
        if isinstance(node.template.var, str):
            digest.update(template_fingerprint(node.template.var).encode())
    return digest.hexdigest()


def card_key(claim, comment, page):
    """
    Return the cache key of a claim's card. Reads claim.article (with its
    source), channel and attribution_text, as the card does.
    """
    article = claim.article
    parts = (
        page,
        claim.pk,
        claim.version,
        article.pk,
        article.version,
        article.source.version,
        claim.channel.version if claim.channel_id else None,
        claim.attribution_text,
        comment,
    )
    return "claim-card:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def claim_cards(items):
    """Return the safe HTML card of each (claim, comment) in items, rendering only new ones."""
    # What every card on this page shares: template, URL prefix, time zone and language.
    page = (
        template_fingerprint(),
        get_script_prefix(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    keys = [card_key(claim, comment, page) for claim, comment in items]
    cards = cache.get_many(keys)
    rendered = {}
    for key, (claim, comment) in zip(keys, items, strict=True):
        if key not in cards:
            html = render_to_string(TEMPLATE, {"claim": claim, "comment": comment})
            cards[key] = rendered[key] = html
    if rendered:
        cache.set_many(rendered, CACHE_TIMEOUT)
    return [mark_safe(cards[key]) for key in keys]
