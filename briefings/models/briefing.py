"""
Briefings: the public product, its key claims in order, corrections and pending changes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from briefings.markup import render_markdown
from briefings.models.actors import Actor
from briefings.models.articles import Article, Event
from briefings.models.base import VersionedModel, VisibleQuerySet, choices_constraint
from briefings.models.claims import Claim
from briefings.reversing import reverse_one
from briefings.search import search as full_text_search
from briefings.validators import ReservedSlugValidator

# Route words of the API's briefings list (POST /api/v1/briefings/import/): a
# briefing with one of them as its slug could never be read or changed there.
RESERVED_SLUGS = ["import"]


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class BriefingQuerySet(VisibleQuerySet):
    def public(self):
        """The briefings readers may see: published ones whose publish time has come."""
        return self.filter(status=BriefingStatus.PUBLISHED, published_at__lte=timezone.now())

    def search(self, text):
        """Briefings whose title, lede or analysis matches text, best first."""
        return full_text_search(self, text)


class Briefing(VersionedModel):
    """The public product: a short, sourced page on what happened and who claimed what."""

    slug = models.SlugField(
        max_length=160,
        unique=True,
        validators=[ReservedSlugValidator(RESERVED_SLUGS, "/api/v1/briefings/")],
    )
    title = models.CharField(max_length=300)
    lede = models.TextField(help_text="One or two sentences: the gist.")
    analysis = models.TextField(blank=True, help_text="Markdown.")
    analysis_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=20, choices=BriefingStatus, default=BriefingStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="briefings"
    )
    articles = models.ManyToManyField(
        Article, through="BriefingArticle", blank=True, related_name="briefings"
    )
    key_claims = models.ManyToManyField(
        Claim, through="BriefingClaim", blank=True, related_name="briefings"
    )
    actors = models.ManyToManyField(
        Actor, through="BriefingActor", blank=True, related_name="briefings"
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BriefingAuthor", blank=True, related_name="briefings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = BriefingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["analysis_html"])
    history_links = {
        "claim_links": "key claim",
        "article_links": "article",
        "actor_links": "actor",
        "author_links": "author",
    }

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="briefings_briefing_status_pub")
        ]
        permissions = [
            ("publish_briefing", "Can publish and archive briefings"),
            ("review_claim", "Can mark claims as reviewed"),
        ]
        constraints = [
            choices_constraint("status", BriefingStatus, "briefings_briefing_status_valid"),
            models.CheckConstraint(
                condition=Q(status__in=[BriefingStatus.DRAFT, BriefingStatus.IN_REVIEW])
                | Q(published_at__isnull=False),
                name="briefings_briefing_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_SLUGS),
                name="briefings_briefing_slug_not_reserved",
                violation_error_message="This slug is reserved for another address.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.analysis_html = render_markdown(self.analysis)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("briefings:briefing-detail", self.slug)


class BriefingArticle(models.Model):
    """An article a briefing draws on."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="article_links")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="briefing_links")
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "article"], name="briefings_briefingarticle_unique"
            )
        ]

    def __str__(self):
        return f"{self.article} in {self.briefing}"


class BriefingClaim(models.Model):
    """A key claim of a briefing, in the editor's order, with an optional comment."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="claim_links")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="briefing_links")
    position = models.PositiveIntegerField(default=0)
    comment = models.TextField(
        "note for readers",
        blank=True,
        help_text="Published with the claim on the briefing's page.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "claim"], name="briefings_briefingclaim_unique"
            )
        ]

    def __str__(self):
        return f"Key claim {self.position} of {self.briefing}"


class BriefingActor(models.Model):
    """An actor a briefing covers."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="actor_links")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="briefing_links")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "actor"], name="briefings_briefingactor_unique"
            )
        ]

    def __str__(self):
        return f"{self.actor} in {self.briefing}"


class BriefingAuthor(models.Model):
    """A staff member credited as an author of a briefing."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="author_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="briefing_author_links"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "user"], name="briefings_briefingauthor_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.briefing}"


class Correction(models.Model):
    """A change made to a briefing after publication, with the editor's public reason."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="corrections")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField(help_text="Shown to readers.")
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Correction to {self.briefing} at {self.created_at:%Y-%m-%d %H:%M}"


# Change control after publication ---------------------------------------------


class PendingChange(models.Model):
    """
    An editor's change to a claim or briefing that readers see, waiting for a
    reviewer. The row itself keeps the approved state, so every reader path
    shows what was approved; `data` holds the proposed values (field names as
    in the API, related objects by id) until a reviewer approves or discards it.
    """

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="pending_change"
    )
    briefing = models.OneToOneField(
        Briefing, on_delete=models.CASCADE, null=True, blank=True, related_name="pending_change"
    )
    data = models.JSONField(default=dict)
    note = models.TextField(blank=True, help_text="The editor's note for the reviewer.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=True, briefing__isnull=False)
                | Q(claim__isnull=False, briefing__isnull=True),
                name="briefings_pendingchange_one_target",
            )
        ]

    def __str__(self):
        return f"Pending change to {self.target}"

    @property
    def target(self):
        return self.claim if self.claim_id else self.briefing
