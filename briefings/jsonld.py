"""
schema.org descriptions of public pages, as dicts ready for JSON-LD.

NewsArticle for a briefing, ClaimReview for every judged claim, Person or
Organization for an actor. Each function takes the objects a page already
loaded, so building the JSON costs no query.
"""

from briefings.models import ActorKind, Verdict

# Ratings on a 1–5 scale for ClaimReview; verdicts that judge no truth value get none.
RATINGS = {
    Verdict.FALSE: 1,
    Verdict.MISLEADING: 2,
    Verdict.MOSTLY_ACCURATE: 4,
    Verdict.ACCURATE: 5,
}
PUBLISHER = {"@type": "Organization", "name": "Briefings"}


def actor(actor, absolute):
    """Person for people, Organization for bodies, states, organisations and groups."""
    data = {
        "@type": "Person" if actor.kind == ActorKind.PERSON else "Organization",
        "name": actor.name,
        "url": absolute(actor.get_absolute_url()),
    }
    if actor.wikidata_qid:
        data["sameAs"] = actor.wikidata_url
    if actor.kind == ActorKind.PERSON and actor.title:
        data["jobTitle"] = actor.title
    return data


def claim_review(claim, absolute):
    """
    Return a ClaimReview for a judged claim, or None while it is unverified
    or orphaned (its quote is being re-checked). Verdicts that judge no truth
    value (opinion, unverifiable) carry their name but no number.
    """
    if claim.verdict == Verdict.UNVERIFIED or claim.is_orphaned:
        return None
    appearance = claim.article.url or absolute(claim.article.get_absolute_url())
    item = {
        "@type": "Claim",
        "appearance": {"@type": "NewsArticle", "headline": claim.article.title, "url": appearance},
    }
    if claim.speaker_id:
        item["author"] = actor(claim.speaker, absolute)
    if claim.said_date:
        item["datePublished"] = claim.said_date.isoformat()
    rating = {
        "@type": "Rating",
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": claim.get_verdict_display(),
    }
    if claim.verdict in RATINGS:
        rating["ratingValue"] = RATINGS[claim.verdict]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(claim.get_absolute_url()),
        "claimReviewed": claim.quote,
        "datePublished": (claim.reviewed_at or claim.updated_at).date().isoformat(),
        "itemReviewed": item,
        "author": PUBLISHER,
        "reviewRating": rating,
    }
    if claim.rationale:
        review["reviewBody"] = claim.rationale
    return review


def news_article(briefing, actors, absolute):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.title,
        "description": briefing.lede,
        "url": absolute(briefing.get_absolute_url()),
        "mainEntityOfPage": absolute(briefing.get_absolute_url()),
        "dateModified": briefing.updated_at.isoformat(),
        "publisher": PUBLISHER,
        "about": [actor(item, absolute) for item in actors],
    }
    if briefing.published_at:
        data["datePublished"] = briefing.published_at.isoformat()
    return data


def profile(subject, absolute):
    return {"@context": "https://schema.org", **actor(subject, absolute)}
