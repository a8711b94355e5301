"""
Editors' pages with full data at any size: every claim has a speaker with a
role, a channel, evidence and an actor it is about, as the workspace, its
one-claim save and the briefing change page show them. Rows are made in bulk
so the benchmark's 1,000 claims take seconds, not minutes.
"""

from django.utils import timezone

from briefings import models
from tests import factories

SPEAKERS = 3  # as few as the smallest size, so every size names every speaker


def article_with_claims(count):
    """An article of `count` sentences with one fully attributed claim in each."""
    article = factories.article_with_sentences(count)
    channel = factories.SourceFactory(kind=models.SourceKind.RELEASE)
    evidence = factories.SourceFactory(kind=models.SourceKind.DOCUMENT)
    people = [factories.ActorFactory() for _ in range(SPEAKERS)]
    roles = [factories.AffiliationFactory(actor=person) for person in people]
    claims = []
    for n in range(count):
        quote = f"point {n} holds"
        start = article.body.index(f"said that {quote}.") + len("said that ")
        claims.append(
            models.Claim(
                article=article,
                start=start,
                end=start + len(quote),
                quote=quote,
                prefix=article.body[max(0, start - 32) : start],
                suffix=article.body[start + len(quote) : start + len(quote) + 32],
                speaker=people[n % SPEAKERS],
                speaker_role=roles[n % SPEAKERS],
                channel=channel,
                attribution_kind=models.AttributionKind.REPORTED,
                quote_type=models.QuoteType.INDIRECT,
                cue="said",
                claim_type=models.ClaimType.FACTUAL,
                verdict=models.Verdict.ACCURATE if n % 2 else models.Verdict.MISLEADING,
                rationale=f"Checked against record {n}.",
                rationale_html=f"<p>Checked against record {n}.</p>",
                review_status=models.ReviewStatus.REVIEWED,
                reviewed_at=timezone.now(),
            )
        )
    claims = models.Claim.objects.bulk_create(claims)
    models.ClaimActor.objects.bulk_create(
        models.ClaimActor(claim=claim, actor=people[(n + 1) % SPEAKERS])
        for n, claim in enumerate(claims)
    )
    models.ClaimEvidence.objects.bulk_create(
        models.ClaimEvidence(claim=claim, source=evidence, note=f"p. {n}")
        for n, claim in enumerate(claims)
    )
    return article, claims


def briefing_with_key_claims(count, **kwargs):
    """A draft briefing whose `count` key claims (fully attributed) carry a comment each."""
    article, claims = article_with_claims(count)
    briefing = factories.BriefingFactory(**kwargs)
    models.BriefingClaim.objects.bulk_create(
        models.BriefingClaim(briefing=briefing, claim=claim, position=n, comment=f"Note {n}.")
        for n, claim in enumerate(claims)
    )
    models.BriefingArticle.objects.create(briefing=briefing, article=article)
    for actor in {claim.speaker for claim in claims}:
        models.BriefingActor.objects.create(briefing=briefing, actor=actor)
    return briefing


def key_claim_order(briefing):
    """The ids of a briefing's key claims, in the order readers see them."""
    return list(briefing.claim_links.order_by("position").values_list("claim_id", flat=True))
