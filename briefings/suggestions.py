"""
Suggested claims: what the finder proposes in an article, stored for editors
to accept (as claims that follow the review rules like any other), edit then
accept, or reject.
"""

from difflib import SequenceMatcher

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from briefings import editing
from briefings.models import (
    Actor,
    ActorAlias,
    AttributionKind,
    Claim,
    ClaimType,
    QuoteType,
    ReviewStatus,
    Statement,
    Suggestion,
    SuggestionStatus,
)
from briefings.models.articles import QUOTES
from briefings.suggesting import find_claims, from_database

# How a claim from a suggestion is attributed, by its quote type.
ATTRIBUTION = {
    QuoteType.DIRECT: AttributionKind.DIRECT_QUOTE,
    QuoteType.MIXED: AttributionKind.DIRECT_QUOTE,
    QuoteType.INDIRECT: AttributionKind.REPORTED,
}
# Wordings at least this alike (difflib's ratio over normalised words) may be one statement.
SAME_STATEMENT = 0.8


def words(text):
    """A quote's words for comparison: quotes straightened, case and punctuation ignored."""
    text = text.translate(QUOTES).casefold()
    return [word.strip(".,;:!?\"'()[]«»—–-") for word in text.split() if word.strip(".,;:!?\"'")]


def similarity(a, b):
    return SequenceMatcher(None, words(a), words(b), autojunk=False).ratio()


def mostly_overlap(a, b):
    """Whether spans a and b share at least half of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared * 2 >= min(a[1] - a[0], b[1] - b[0])


def speakers_of(found):
    """
    The stored actor of each found item, by index: the finder's actor key (a
    slug) where it gives one, else an actor whose name or an alias is the
    speaker's name, in any case.
    """
    slugs = {item.get("actor") for item in found} - {None, ""}
    by_slug = {actor.slug: actor for actor in Actor.objects.filter(slug__in=slugs)}
    names = [item["speaker"] for item in found if item.get("actor") not in by_slug]
    by_name = actors_by_name(names)
    return [
        by_slug.get(item.get("actor")) or by_name.get(item["speaker"].casefold()) for item in found
    ]


def actors_by_name(names):
    """Stored actors whose name or an alias is one of `names`, by the lower-cased name."""
    lowered = {name.casefold() for name in names if name}
    found = {}
    if not lowered:
        return found
    query = Q()
    for name in lowered:
        query |= Q(name__iexact=name)
    for actor in Actor.objects.filter(query):
        found.setdefault(actor.name.casefold(), actor)
    aliases = Q()
    for name in lowered - set(found):
        aliases |= Q(name__iexact=name)
    if aliases:
        for alias in ActorAlias.objects.filter(aliases).select_related("actor"):
            found.setdefault(alias.name.casefold(), alias.actor)
    return found


def suggestions_find(*, article):
    """Run the finder over the article's text with every stored actor; store what is new."""
    found = [item.as_dict() for item in find_claims(article.body, from_database())]
    return suggestions_store(article=article, found=found)


@transaction.atomic
def suggestions_store(*, article, found):
    """
    Store what the finder found in `article` (dicts with speaker, start, end,
    quote, cue, quote_type and optionally actor and channel), skipping spans
    already suggested for the same speaker (open or decided), and those a
    claim of the same speaker mostly covers. Return the new ones.
    """
    claimed = list(
        article.claims.exclude(review_status=ReviewStatus.RETIRED)
        .filter(start__isnull=False)
        .values_list("start", "end", "speaker_id")
    )
    suggested = set(article.suggestions.values_list("start", "end", "speaker_name"))
    fresh = []
    for item, speaker in zip(found, speakers_of(found), strict=True):
        span = (item["start"], item["end"])
        if (*span, item["speaker"]) in suggested or any(
            speaker and speaker.pk == speaker_id and mostly_overlap(span, (start, end))
            for start, end, speaker_id in claimed
        ):
            continue
        suggested.add((*span, item["speaker"]))
        fresh.append((item, speaker))
    for item, _ in fresh:
        if article.body[item["start"] : item["end"]] != item["quote"]:
            raise ValueError(f"The suggestion at {item['start']}–{item['end']} misquotes the text.")
    suggestions = [
        Suggestion(
            article=article,
            start=item["start"],
            end=item["end"],
            quote=item["quote"],
            speaker=speaker,
            speaker_name=item["speaker"],
            cue=item.get("cue", ""),
            quote_type=item["quote_type"],
            channel_name=item.get("channel") or "",
        )
        for item, speaker in fresh
    ]
    link_similar_claims(article, suggestions)
    return Suggestion.objects.bulk_create(suggestions)


def link_similar_claims(article, suggestions):
    """Point each suggestion at the closest-worded claim of its speaker in another article."""
    speakers = {s.speaker_id for s in suggestions if s.speaker_id}
    candidates = (
        Claim.objects.filter(speaker__in=speakers)
        .exclude(article=article)
        .exclude(review_status=ReviewStatus.RETIRED)
        .values_list("pk", "speaker_id", "quote")
    )
    by_speaker = {}
    for pk, speaker_id, quote in candidates:
        by_speaker.setdefault(speaker_id, []).append((pk, quote))
    for suggestion in suggestions:
        scored = [
            (similarity(suggestion.quote, quote), pk)
            for pk, quote in by_speaker.get(suggestion.speaker_id, ())
        ]
        best = max(scored, default=(0, None))
        if best[0] >= SAME_STATEMENT:
            suggestion.similar_claim_id = best[1]


def _decide(suggestion, by, status):
    if not (by.is_active and by.has_perm("briefings.add_claim")):
        raise PermissionDenied("You do not have permission to add claims.")
    stored = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if stored.status != SuggestionStatus.OPEN:
        raise ValidationError(f"This suggestion was already {stored.get_status_display().lower()}.")
    stored.status, stored.decided_by, stored.decided_at = status, by, timezone.now()
    return stored


@transaction.atomic
def suggestion_accept(*, suggestion, by, data=None, same_statement=False, new_actor_kind=""):
    """
    Make the suggestion a claim (unreviewed, like any new claim), with the
    editor's changes in `data`. A claim of the same speaker already on the
    same span is taken instead of a second one. A speaker the text names but no actor is, is
    created as a new actor of `new_actor_kind`. With `same_statement`, the
    claim and the suggestion's similar claim become appearances of one
    statement. Return the claim.
    """
    stored = _decide(suggestion, by, SuggestionStatus.ACCEPTED)
    values = {
        "start": stored.start,
        "end": stored.end,
        "quote": stored.quote,
        "speaker": stored.speaker,
        "cue": stored.cue,
        "quote_type": stored.quote_type,
        "attribution_kind": ATTRIBUTION[stored.quote_type],
        "claim_type": ClaimType.POSITION,
        **(data or {}),
    }
    if values["speaker"] is None and new_actor_kind:
        values["speaker"] = actor_create(name=stored.speaker_name, kind=new_actor_kind, by=by)
    if values["speaker"] is None:
        raise ValidationError(
            {"speaker": f"“{stored.speaker_name}” is not a stored actor: choose or create one."}
        )
    claim = (
        Claim.objects.filter(
            article=stored.article_id,
            start=stored.start,
            end=stored.end,
            speaker=values["speaker"],
        )
        .exclude(review_status=ReviewStatus.RETIRED)
        .first()
    )
    if claim is None:
        claim = editing.claim_save(claim=Claim(article=stored.article), data=values, by=by).obj
    if same_statement and stored.similar_claim_id:
        statement_join(claim, stored.similar_claim, by=by)
    stored.claim = claim
    stored.save()
    return claim


def actor_create(*, name, kind, by):
    from briefings.api.serializers import unique_slug

    if not by.has_perm("briefings.add_actor"):
        raise PermissionDenied("You do not have permission to add actors.")
    actor = Actor(slug=unique_slug(Actor, name), name=name, kind=kind)
    actor.full_clean()
    actor._history_user = by
    actor.save()
    return actor


@transaction.atomic
def suggestion_reject(*, suggestion, by):
    stored = _decide(suggestion, by, SuggestionStatus.REJECTED)
    stored.save()
    return stored


def suggestions_accept(*, suggestions, by):
    """
    Accept each suggestion whose speaker is a stored actor, each in its own
    transaction; return the claims made and the suggestions left open, with why.
    """
    claims, left = [], []
    for suggestion in suggestions:
        try:
            claims.append(suggestion_accept(suggestion=suggestion, by=by))
        except ValidationError as error:
            left.append((suggestion, " ".join(error.messages)))
    return claims, left


def statement_join(claim, other, *, by):
    """
    Make two claims appearances of one statement (the other's, or a new one),
    through the claims' one write path: a public claim's link may wait for review.
    """
    statement = other.statement
    if statement is None:
        summary = " ".join(other.quote.split())
        statement = Statement.objects.create(
            summary=summary if len(summary) <= 300 else summary[:299] + "…",
            speaker=other.speaker,
            said_date=other.said_date,
        )
        editing.claim_save(claim=other, data={"statement": statement}, by=by)
    editing.claim_save(claim=claim, data={"statement": statement}, by=by)
    return statement
