"""
Standard representations: W3C Web Annotation, schema.org ClaimReview, Popolo.

Each builder takes objects with their relations loaded and a function that
makes an absolute URL from a path, and returns plain JSON-ready data.
"""

from django.urls import reverse

from briefings.models import ActorKind, Verdict
from briefings.reversing import reverse_one

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNOTATION_PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
SITE_NAME = "Briefings"


def annotation(claim, absolute):
    """The claim as a W3C Web Annotation on its article's text (offsets in code points)."""
    selectors = [
        {
            "type": "TextQuoteSelector",
            "exact": claim.quote,
            "prefix": claim.prefix,
            "suffix": claim.suffix,
        }
    ]
    if claim.start is not None:
        selectors.append({"type": "TextPositionSelector", "start": claim.start, "end": claim.end})
    bodies = [
        {
            "type": "TextualBody",
            "purpose": "classifying",
            "value": claim.get_claim_type_display(),
        },
        {
            "type": "TextualBody",
            "purpose": "describing",
            "value": claim.attribution_text,
        },
    ]
    if claim.verdict != Verdict.UNVERIFIED:
        text = claim.get_verdict_display()
        if claim.rationale:
            text = f"{text}: {claim.rationale}"
        bodies.append(
            {"type": "TextualBody", "purpose": "assessing", "value": text, "format": "text/plain"}
        )
    if claim.speaker:
        bodies.append(
            {
                "type": "SpecificResource",
                "purpose": "identifying",
                "source": absolute(claim.speaker.get_absolute_url()),
            }
        )
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": absolute(reverse_one("api:claim-annotation", claim.pk)),
        "type": "Annotation",
        "motivation": "assessing" if claim.verdict != Verdict.UNVERIFIED else "identifying",
        "created": claim.created_at.isoformat(),
        "modified": claim.updated_at.isoformat(),
        "generator": {"type": "Software", "name": SITE_NAME},
        "body": bodies,
        "target": {
            "source": absolute(claim.article.get_absolute_url()),
            "type": "Text",
            "language": claim.article.language,
            "selector": selectors,
        },
    }


def annotation_collection(article, claims, absolute):
    """All claims on an article as one AnnotationCollection holding a single page."""
    collection_id = absolute(reverse("api:article-annotations", kwargs={"slug": article.slug}))
    items = [annotation(claim, absolute) for claim in claims]
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Claims in “{article.title}”",
        "total": len(items),
        "first": {
            "id": f"{collection_id}#page1",
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        },
    }


def popolo(actor, absolute):
    """
    The actor and its affiliations in Popolo's JSON export shape: persons,
    organizations and the memberships between them.
    """
    is_person = actor.kind == ActorKind.PERSON
    entity = {
        "id": actor.slug,
        "name": actor.name,
        "other_names": [
            {"name": alias.name, **({"note": alias.language} if alias.language else {})}
            for alias in actor.aliases.all()
        ],
        "identifiers": (
            [{"scheme": "wikidata", "identifier": actor.wikidata_qid}] if actor.wikidata_qid else []
        ),
        "links": [{"url": absolute(actor.get_absolute_url()), "note": SITE_NAME}]
        + ([{"url": actor.wikidata_url, "note": "Wikidata"}] if actor.wikidata_qid else []),
    }
    if actor.description:
        entity["summary"] = actor.description
    if not is_person:
        entity["classification"] = actor.get_kind_display()
    organizations, memberships = {}, []
    for affiliation in actor.affiliations.all():
        organisation = affiliation.organisation
        organizations[organisation.slug] = {
            "id": organisation.slug,
            "name": organisation.name,
            "classification": organisation.get_kind_display(),
            "identifiers": (
                [{"scheme": "wikidata", "identifier": organisation.wikidata_qid}]
                if organisation.wikidata_qid
                else []
            ),
        }
        membership = {
            "id": f"{actor.slug}-affiliation-{affiliation.pk}",
            "organization_id": organisation.slug,
            "role": affiliation.role or affiliation.get_kind_display(),
            "label": str(affiliation),
        }
        membership["person_id" if is_person else "member"] = (
            actor.slug if is_person else {"@type": "Organization", "id": actor.slug}
        )
        if affiliation.start_date:
            membership["start_date"] = affiliation.start_date.isoformat()
        if affiliation.end_date:
            membership["end_date"] = affiliation.end_date.isoformat()
        memberships.append(membership)
    if is_person:
        return {
            "persons": [entity],
            "organizations": list(organizations.values()),
            "memberships": memberships,
        }
    return {
        "persons": [],
        "organizations": [entity, *organizations.values()],
        "memberships": memberships,
    }
