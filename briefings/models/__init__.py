"""
The newsroom model: sources, actors, articles, the claims inside them, and
the briefings built from those claims; one module per part, all importable
from here.
"""

from briefings.models.actors import (
    Actor,
    ActorAlias,
    ActorKind,
    ActorQuerySet,
    Affiliation,
    AffiliationEvidence,
    AffiliationKind,
    Source,
    SourceKind,
    SourceQuerySet,
)
from briefings.models.articles import (
    Article,
    ArticleQuerySet,
    Event,
    EventKind,
    EventQuerySet,
)
from briefings.models.base import (
    VersionedModel,
    VisibleQuerySet,
    can_preview,
    choices_constraint,
    wikidata_qid_validator,
)
from briefings.models.briefing import (
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingAuthor,
    BriefingClaim,
    BriefingQuerySet,
    BriefingStatus,
    Correction,
    PendingChange,
)
from briefings.models.claims import (
    SENTENCE_ENDS,
    AttributionKind,
    Claim,
    ClaimActor,
    ClaimComment,
    ClaimEvidence,
    ClaimQuerySet,
    ClaimType,
    QuoteType,
    ReviewStatus,
    Statement,
    Verdict,
)
from briefings.models.suggestions import Suggestion, SuggestionStatus

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorKind",
    "ActorQuerySet",
    "Affiliation",
    "AffiliationEvidence",
    "AffiliationKind",
    "Article",
    "ArticleQuerySet",
    "AttributionKind",
    "Briefing",
    "BriefingActor",
    "BriefingArticle",
    "BriefingAuthor",
    "BriefingClaim",
    "BriefingQuerySet",
    "BriefingStatus",
    "Claim",
    "ClaimActor",
    "ClaimComment",
    "ClaimEvidence",
    "ClaimQuerySet",
    "ClaimType",
    "Correction",
    "Event",
    "EventKind",
    "EventQuerySet",
    "PendingChange",
    "QuoteType",
    "ReviewStatus",
    "SENTENCE_ENDS",
    "Source",
    "SourceKind",
    "SourceQuerySet",
    "Statement",
    "Suggestion",
    "SuggestionStatus",
    "Verdict",
    "VersionedModel",
    "VisibleQuerySet",
    "can_preview",
    "choices_constraint",
    "wikidata_qid_validator",
]
