"""
Events and articles: what happens, and the texts being curated.
"""

import hashlib
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from briefings.models.actors import Actor, ActorKind, Source
from briefings.models.base import (
    ShownQuerySet,
    VersionedModel,
    choices_constraint,
    public_since_field,
)
from briefings.reversing import reverse_one


class EventKind(models.TextChoices):
    SUMMIT = "summit", "Summit"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Visit"
    STATEMENT = "statement", "Statement or release"
    OTHER = "other", "Other"


class EventQuerySet(ShownQuerySet):
    """Public events: those a published briefing, or a public claim, is about."""


class Event(VersionedModel):
    """Something that happens at a place over dates; domain apps extend it (an SCO summit)."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind, default=EventKind.OTHER)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    date_text = models.CharField(
        max_length=100,
        blank=True,
        help_text="When, as the sources give it, if no exact date is known (“2023”, “later”).",
    )
    location = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events_hosted",
        limit_choices_to={"kind": ActorKind.STATE},
    )
    description = models.TextField(blank=True)
    public_since = public_since_field()

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(inherit=True, excluded_fields=["public_since"])

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            choices_constraint("kind", EventKind, "briefings_event_kind_valid"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="briefings_event_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("briefings:event-detail", self.slug)


# Articles --------------------------------------------------------------------


class ArticleQuerySet(ShownQuerySet):
    """Public articles: those a published briefing draws on, or that hold one of its key claims."""


# Curly, low and angle quotes, and primes, read as the straight quote they stand for.
QUOTES = str.maketrans("‘’‚‛′“”„‟″«»", "'" * 5 + '"' * 7)


def normalised_sha256(text):
    """
    The fingerprint two copies of one text share: Unicode compatibility forms,
    curly and straight quotes and runs of white space count as the same.
    """
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


class Article(VersionedModel):
    """
    One text being curated. Its body is the canonical plain text that claim
    spans point into; body_sha256 fingerprints exactly what was annotated.
    """

    slug = models.SlugField(max_length=160, unique=True)
    title = models.CharField(max_length=300)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    url = models.URLField(max_length=500, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, default="en")
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64, editable=False)
    text_sha256 = models.CharField(max_length=64, editable=False, db_index=True, default="")
    public_since = public_since_field()

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_sha256", "text_sha256", "public_since"])

    class Meta:
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="briefings_article_body_not_empty"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, reanchored=False, **kwargs):
        """
        Refuse a new body under anchored claims unless they were re-anchored
        (services.article_update_body): offsets must never silently drift.
        """
        digest = hashlib.sha256(self.body.encode()).hexdigest()
        if not (self._state.adding or reanchored) and digest != self.body_sha256:
            stored = Article.objects.filter(pk=self.pk).values_list("body_sha256", flat=True)
            if stored and stored[0] != digest and self.claims.anchored().exists():
                raise ValidationError(
                    {
                        "body": "This article has claims on its text; change it through "
                        "the re-anchoring editor so every claim follows its quote."
                    }
                )
        self.body_sha256 = digest
        self.text_sha256 = normalised_sha256(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("briefings:article-detail", self.slug)
