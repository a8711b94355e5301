"""
Suggestions: attributed claims the finder proposes in an article, waiting for an editor.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from briefings.models.actors import Actor
from briefings.models.articles import Article
from briefings.models.base import choices_constraint
from briefings.models.claims import Claim, QuoteType


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Suggestion(models.Model):
    """A claim the finder proposes: a span, who said it and how; not a claim until accepted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    speaker = models.ForeignKey(
        Actor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The stored actor the text's speaker resolves to, if any.",
    )
    speaker_name = models.CharField(
        max_length=200, help_text="The speaker at their fullest in the text (a new actor's name)."
    )
    cue = models.CharField(max_length=100, blank=True)
    quote_type = models.CharField(max_length=20, choices=QuoteType)
    channel_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=SuggestionStatus, default=SuggestionStatus.OPEN, db_index=True
    )
    claim = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="The claim it became.",
    )
    similar_claim = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A claim in another article with nearly the same wording: perhaps one statement.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article", "start", "end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="briefings_suggestion_span_order"
            ),
            models.UniqueConstraint(
                fields=["article", "start", "end", "speaker_name"],
                name="briefings_suggestion_one_per_span_and_speaker",
            ),
            choices_constraint("quote_type", QuoteType, "briefings_suggestion_quote_type_valid"),
            choices_constraint("status", SuggestionStatus, "briefings_suggestion_status_valid"),
        ]

    def __str__(self):
        return f"{self.speaker_name}: {self.quote[:60]}"
