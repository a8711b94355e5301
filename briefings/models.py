"""
The newsroom model: sources, actors, articles, the claims inside them, and
the briefings built from those claims.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from simple_history.models import HistoricalRecords

from briefings.anchoring import context_around
from briefings.markup import render_markdown
from briefings.reversing import reverse_one
from briefings.search import search as full_text_search

wikidata_qid_validator = RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id looks like Q1234.")


def can_preview(user, model):
    """
    Whether `user` may see the rows of `model` that readers cannot (drafts,
    unreviewed and retired claims): staff with the model's view permission.
    """
    opts = model._meta
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


class VisibleQuerySet(models.QuerySet):
    """
    The one visibility rule: each model's `public()` says what readers see,
    and `visible_to(user)` adds everything else for those who may preview.
    Pages, the API, feeds, the sitemap, search, exports and the SCO app call it.
    """

    def visible_to(self, user):
        return self.all() if can_preview(user, self.model) else self.public()

    def is_visible_to(self, obj, user):
        """Whether `user` may see `obj` (one query unless they may preview)."""
        return can_preview(user, self.model) or self.public().filter(pk=obj.pk).exists()


def choices_constraint(field, choices, name):
    """A CheckConstraint that keeps `field` within the TextChoices values."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class VersionedModel(models.Model):
    """
    A row whose `version` rises on every save, so a write from a stale form
    or API request can be detected and refused (see services.check_version).
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


# Sources ---------------------------------------------------------------------


class SourceKind(models.TextChoices):
    OUTLET = "outlet", "News outlet"
    RELEASE = "release", "Official release"
    STATEMENT = "statement", "Statement"
    DOCUMENT = "document", "Document"
    BROADCAST = "broadcast", "Broadcast"
    INTERVIEW = "interview", "Interview"
    BRIEFING = "briefing", "Press briefing"
    SOCIAL_POST = "social_post", "Social media post"
    OTHER = "other", "Other"


class SourceQuerySet(VisibleQuerySet):
    def public(self):
        """Sources shown through a published briefing: its articles' outlets, channels, evidence."""
        claims = Claim.objects.public()
        return self.filter(
            Q(pk__in=Article.objects.public().values("source"))
            | Q(pk__in=claims.filter(channel__isnull=False).values("channel"))
            | Q(pk__in=ClaimEvidence.objects.filter(claim__in=claims).values("source"))
        )


class Source(VersionedModel):
    """Where information comes from: an outlet, a release, a statement, a document…"""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SourceKind, db_index=True)
    publisher = models.ForeignKey(
        "Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="Who issued it, e.g. the Kremlin for a Kremlin release.",
    )
    url = models.URLField(max_length=500, blank=True)
    published_date = models.DateField(null=True, blank=True)
    date_text = models.CharField(
        max_length=100, blank=True, help_text="When, as the text gives it (“last year”)."
    )
    description = models.TextField(blank=True)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [choices_constraint("kind", SourceKind, "briefings_source_kind_valid")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("briefings:source-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def in_words(self):
        """How a claim came through this source: “an official release”, or an outlet's name."""
        if self.kind in (SourceKind.OUTLET, SourceKind.OTHER):
            return self.name
        label = self.get_kind_display().lower()
        return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


# Actors ----------------------------------------------------------------------


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    BODY = "body", "Government body"
    STATE = "state", "State"
    ORGANISATION = "organisation", "International organisation"
    GROUP = "group", "Group of states"


class ActorQuerySet(VisibleQuerySet):
    def public(self):
        """Actors shown through a published briefing: covered, speaking or spoken about."""
        claims = Claim.objects.public()
        return self.filter(
            Q(
                pk__in=BriefingActor.objects.filter(briefing__in=Briefing.objects.public()).values(
                    "actor"
                )
            )
            | Q(pk__in=claims.filter(speaker__isnull=False).values("speaker"))
            | Q(pk__in=ClaimActor.objects.filter(claim__in=claims).values("actor"))
        )

    def search(self, text):
        """Actors matching text by name, title or description, or by one of their aliases."""

        def by_alias(words):
            aliases = ActorAlias.objects.all()
            for word in words:
                aliases = aliases.filter(name__icontains=word)
            return Q(pk__in=aliases.values("actor"))

        return full_text_search(self, text, also=by_alias)

    def matching(self, text):
        """Actors whose name or one of whose aliases contains `text`."""
        return self.filter(Q(name__icontains=text) | Q(aliases__name__icontains=text)).distinct()


class Actor(VersionedModel):
    """Anyone who can say something or be its subject: a person, body, state or organisation."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ActorKind, db_index=True)
    title = models.CharField(max_length=200, blank=True, help_text="Role or title, in words.")
    country = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nationals",
        limit_choices_to={"kind": ActorKind.STATE},
        help_text="The state a person or body belongs to.",
    )
    wikidata_qid = models.CharField(
        "Wikidata id", max_length=20, blank=True, validators=[wikidata_qid_validator]
    )
    description = models.TextField(blank=True)

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()
    # Link rows whose history is part of this model's history (see briefings.history).
    history_links = {"aliases": "alias", "affiliations": "affiliation"}

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_constraint("kind", ActorKind, "briefings_actor_kind_valid"),
            models.UniqueConstraint(
                fields=["wikidata_qid"],
                condition=~Q(wikidata_qid=""),
                name="briefings_actor_wikidata_qid_unique",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_qid="") | Q(wikidata_qid__regex=r"^Q[1-9][0-9]*$"),
                name="briefings_actor_wikidata_qid_format",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("briefings:actor-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def wikidata_url(self):
        return f"https://www.wikidata.org/wiki/{self.wikidata_qid}" if self.wikidata_qid else ""


class ActorAlias(models.Model):
    """Another name an actor goes by in text, in any script (“Xi”, “Си Цзиньпин”)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, db_index=True)
    language = models.CharField(max_length=20, blank=True, help_text="BCP 47 tag, e.g. ru, zh.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(fields=["actor", "name"], name="briefings_actoralias_unique")
        ]

    def __str__(self):
        return self.name


class AffiliationKind(models.TextChoices):
    OFFICE = "office", "Office held"
    MEMBERSHIP = "membership", "Member of"
    PART_OF = "part_of", "Part of"


class Affiliation(models.Model):
    """An actor's tie to another over a period: an office held, a membership, part-of."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="affiliated")
    kind = models.CharField(max_length=20, choices=AffiliationKind)
    role = models.CharField(
        max_length=200, blank=True, help_text="e.g. President, Foreign Minister"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="affiliations"
    )
    evidence = models.ManyToManyField(
        "Claim", blank=True, related_name="affiliations_evidenced", through="AffiliationEvidence"
    )

    history = HistoricalRecords()
    history_links = {"affiliationevidence_set": "evidence"}

    class Meta:
        ordering = ["actor__name", "-start_date"]
        constraints = [
            choices_constraint("kind", AffiliationKind, "briefings_affiliation_kind_valid"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="briefings_affiliation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(actor=F("organisation")), name="briefings_affiliation_not_self"
            ),
        ]

    def __str__(self):
        role = self.role or self.get_kind_display()
        return f"{self.actor} — {role}, {self.organisation}"

    @property
    def role_text(self):
        """The role in words, e.g. “President of Russia”."""
        if self.role:
            return f"{self.role} of {self.organisation}"
        return f"{self.get_kind_display().lower()} {self.organisation}"

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return (self.start_date is None or self.start_date <= on) and (
            self.end_date is None or on <= self.end_date
        )


class AffiliationEvidence(models.Model):
    """A claim that states an affiliation (“Prime Minister Narendra Modi”)."""

    affiliation = models.ForeignKey(Affiliation, on_delete=models.CASCADE)
    claim = models.ForeignKey("Claim", on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["affiliation", "claim"], name="briefings_affiliationevidence_unique"
            )
        ]

    def __str__(self):
        return f"Claim {self.claim_id} for {self.affiliation}"


# Events ----------------------------------------------------------------------


class EventKind(models.TextChoices):
    SUMMIT = "summit", "Summit"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Visit"
    STATEMENT = "statement", "Statement or release"
    OTHER = "other", "Other"


class EventQuerySet(VisibleQuerySet):
    def public(self):
        """Events a published briefing, or one of its claims, is about."""
        return self.filter(
            Q(pk__in=Briefing.objects.public().filter(event__isnull=False).values("event"))
            | Q(pk__in=Claim.objects.public().filter(event__isnull=False).values("event"))
        )


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

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

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

    def natural_key(self):
        return (self.slug,)


# Articles --------------------------------------------------------------------


class ArticleQuerySet(VisibleQuerySet):
    def public(self):
        """Articles a published briefing draws on, or that hold one of its key claims."""
        published = Briefing.objects.public()
        return self.filter(
            Q(pk__in=BriefingArticle.objects.filter(briefing__in=published).values("article"))
            | Q(
                pk__in=BriefingClaim.objects.filter(briefing__in=published).values("claim__article")
            )
        )


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

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_sha256"])

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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("briefings:article-detail", self.slug)

    def natural_key(self):
        return (self.slug,)


# Claims ----------------------------------------------------------------------


class QuoteType(models.TextChoices):
    DIRECT = "direct", "Direct quote"
    INDIRECT = "indirect", "Indirect (paraphrase)"
    MIXED = "mixed", "Mixed (paraphrase around a quoted fragment)"
    NONE = "none", "None (the article's own assertion)"


class AttributionKind(models.TextChoices):
    DIRECT_QUOTE = "direct_quote", "Direct quote"
    PARAPHRASE = "paraphrase", "Paraphrase"
    REPORTED = "reported", "Reported statement"
    ASSERTION = "assertion", "The article's own assertion"


class ClaimType(models.TextChoices):
    FACTUAL = "factual", "Factual"
    OPINION = "opinion", "Opinion"
    PREDICTION = "prediction", "Prediction"
    ANNOUNCEMENT = "announcement", "Announcement"
    CHARACTERISATION = "characterisation", "Characterisation"
    POSITION = "position", "Position"


class Verdict(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    ACCURATE = "accurate", "Accurate"
    MOSTLY_ACCURATE = "mostly_accurate", "Mostly accurate"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    OPINION = "opinion", "Opinion — not checkable"


class ReviewStatus(models.TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    REVIEWED = "reviewed", "Reviewed"
    RETIRED = "retired", "Retired"


# Where a sentence ends in an article body, for showing a claim in context.
SENTENCE_ENDS = (". ", "? ", "! ", "\n")


class Statement(models.Model):
    """One remark as made once, which several claims in several articles may report."""

    summary = models.CharField(max_length=300)
    speaker = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    said_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["summary"]

    def __str__(self):
        return self.summary


class ClaimQuerySet(VisibleQuerySet):
    def public(self):
        """
        Reviewed claims shown through a published briefing: its key claims and
        the claims on its articles. Unreviewed and retired claims never are.

        Written as subqueries rather than joins so the result needs no
        DISTINCT and stays composable with annotations, ordering and search.
        """
        published = Briefing.objects.public()
        return self.filter(review_status=ReviewStatus.REVIEWED).filter(
            Q(pk__in=BriefingClaim.objects.filter(briefing__in=published).values("claim"))
            | Q(article__in=Article.objects.public())
        )

    def anchored(self):
        return self.filter(start__isnull=False)

    def search(self, text):
        """Claims whose quote or rationale matches text, best first."""
        return full_text_search(self, text)

    def orphaned(self):
        """Claims whose quote could not be found again after their article changed."""
        return self.filter(start__isnull=True).exclude(review_status=ReviewStatus.RETIRED)

    def for_actor(self, actor):
        """Claims the actor made or that are about the actor."""
        return self.filter(Q(speaker=actor) | Q(actor_links__actor=actor)).distinct()


class Claim(VersionedModel):
    """
    A statement inside an article, anchored to body[start:end] (code points)
    and attributed through a chain: speaker, role, cue, quote type, channel.

    An orphaned claim (its quote no longer found after an article edit) has
    no offsets at all, never stale ones.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    quote = models.TextField()
    prefix = models.CharField(max_length=200, blank=True, help_text="Text just before the quote.")
    suffix = models.CharField(max_length=200, blank=True, help_text="Text just after the quote.")

    speaker = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_made",
        help_text="Empty when the claim is the article's own assertion.",
    )
    speaker_role = models.ForeignKey(
        Affiliation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="The speaker's office at the time, where known.",
    )
    attribution_kind = models.CharField(max_length=20, choices=AttributionKind)
    cue = models.CharField(
        max_length=100, blank=True, help_text="The reporting verb or phrase: stated, labeled…"
    )
    quote_type = models.CharField(max_length=20, choices=QuoteType)
    channel = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_channelled",
        help_text="What it was said through: a release, an interview…",
    )
    claim_type = models.CharField(max_length=20, choices=ClaimType)
    about = models.ManyToManyField(
        Actor, through="ClaimActor", blank=True, related_name="claims_about"
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    statement = models.ForeignKey(
        Statement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appearances",
        help_text="Links claims in different articles that report the same remark.",
    )
    said_date = models.DateField(null=True, blank=True)
    said_date_text = models.CharField(max_length=100, blank=True)

    verdict = models.CharField(
        max_length=20, choices=Verdict, default=Verdict.UNVERIFIED, db_index=True
    )
    rationale = models.TextField(blank=True, help_text="Markdown.")
    rationale_html = models.TextField(blank=True, editable=False)
    evidence = models.ManyToManyField(
        Source, through="ClaimEvidence", blank=True, related_name="evidenced_claims"
    )
    editor_note = models.TextField(blank=True, help_text="Internal; never shown to readers.")

    review_status = models.CharField(
        max_length=20,
        choices=ReviewStatus,
        default=ReviewStatus.UNREVIEWED,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["rationale_html"])
    history_links = {"actor_links": "about", "evidence_links": "evidence"}

    class Meta:
        ordering = ["article_id", "start"]
        indexes = [
            models.Index(fields=["article", "start"], name="briefings_claim_article_start"),
            models.Index(fields=["quote_type"], name="briefings_claim_quote_type"),
            models.Index(fields=["claim_type"], name="briefings_claim_claim_type"),
            models.Index(fields=["said_date"], name="briefings_claim_said_date"),
        ]
        constraints = [
            choices_constraint("quote_type", QuoteType, "briefings_claim_quote_type_valid"),
            choices_constraint("claim_type", ClaimType, "briefings_claim_claim_type_valid"),
            choices_constraint("verdict", Verdict, "briefings_claim_verdict_valid"),
            choices_constraint(
                "attribution_kind", AttributionKind, "briefings_claim_attribution_kind_valid"
            ),
            choices_constraint(
                "review_status", ReviewStatus, "briefings_claim_review_status_valid"
            ),
            models.CheckConstraint(
                # Both offsets or neither: a comparison with NULL would pass a CHECK.
                condition=(Q(start__isnull=True) & Q(end__isnull=True))
                | (
                    Q(start__isnull=False)
                    & Q(end__isnull=False)
                    & Q(start__gte=0)
                    & Q(end__gt=F("start"))
                ),
                name="briefings_claim_span_ordered",
            ),
            # LENGTH counts code points on PostgreSQL and SQLite alike.
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(Exact(Length("quote"), F("end") - F("start"))),
                name="briefings_claim_quote_fits_span",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="briefings_claim_quote_not_empty"),
            # The article's own assertion has no speaker and no quote; anything
            # attributed has a speaker.
            models.CheckConstraint(
                condition=(
                    Q(attribution_kind=AttributionKind.ASSERTION)
                    & Q(speaker__isnull=True)
                    & Q(quote_type=QuoteType.NONE)
                )
                | (
                    ~Q(attribution_kind=AttributionKind.ASSERTION)
                    & Q(speaker__isnull=False)
                    & ~Q(quote_type=QuoteType.NONE)
                ),
                name="briefings_claim_attribution_consistent",
            ),
            models.CheckConstraint(
                condition=~Q(attribution_kind=AttributionKind.DIRECT_QUOTE)
                | Q(quote_type__in=[QuoteType.DIRECT, QuoteType.MIXED]),
                name="briefings_claim_direct_quote_is_quoted",
            ),
            models.CheckConstraint(
                condition=Q(review_status=ReviewStatus.UNREVIEWED) | Q(reviewed_at__isnull=False),
                name="briefings_claim_reviewed_has_time",
            ),
        ]

    def __str__(self):
        quote = self.quote if len(self.quote) <= 80 else self.quote[:79] + "…"
        return f"{self.speaker or 'Article'}: “{quote}”"

    def save(self, *args, **kwargs):
        self.rationale_html = render_markdown(self.rationale)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("briefings:claim-detail", self.pk)

    def clean(self):
        errors = {}
        if self.speaker_id is None and self.attribution_kind != AttributionKind.ASSERTION:
            errors["speaker"] = "An attributed claim needs a speaker."
        if self.speaker_id is not None and self.attribution_kind == AttributionKind.ASSERTION:
            errors["speaker"] = "The article's own assertion has no speaker."
        if (self.attribution_kind == AttributionKind.ASSERTION) != (
            self.quote_type == QuoteType.NONE
        ):
            errors["quote_type"] = (
                "Quote type “none” goes with the article's own assertion, and only with it."
            )
        elif self.attribution_kind == AttributionKind.DIRECT_QUOTE and self.quote_type not in (
            QuoteType.DIRECT,
            QuoteType.MIXED,
        ):
            errors["quote_type"] = "A direct quote is quoted directly or mixed."
        if (
            self.speaker_role_id
            and self.speaker_id
            and self.speaker_role.actor_id != self.speaker_id
        ):
            errors["speaker_role"] = "The role must be one of the speaker's affiliations."
        if self.article_id and (self.start is not None or self.end is not None):
            errors.update(self.span_errors(self.article.body))
        if errors:
            raise ValidationError(errors)

    def span_errors(self, body):
        """Return field errors if start/end/quote do not point at the same text of body."""
        if self.start is None or self.end is None:
            return {"start": "Give both start and end, or neither for an orphaned claim."}
        if self.start < 0 or self.end <= self.start:
            return {
                "end": f"The span must end after it starts (start {self.start}, end {self.end})."
            }
        if self.end > len(body):
            return {
                "end": f"The span ends at {self.end}, past the end of the article body "
                f"({len(body)} characters)."
            }
        if body[self.start : self.end] != self.quote:
            return {
                "quote": f"The text at {self.start}–{self.end} is “{body[self.start : self.end]}”, "
                "not the quote."
            }
        return {}

    def anchor(self, span):
        """Point the claim at span (an anchoring.Span) of its article's body."""
        self.start, self.end, self.prefix, self.suffix = (
            span.start,
            span.end,
            span.prefix,
            span.suffix,
        )

    def refresh_context(self):
        self.prefix, self.suffix = context_around(self.article.body, self.start, self.end)

    @property
    def is_orphaned(self):
        return self.start is None

    @property
    def attribution_text(self):
        """
        Return the attribution chain in words: speaker, role at the time, cue
        and channel, e.g. “Vladimir Putin, President of Russia, stated in a
        Kremlin release” or “according to the Kremlin”.

        Reads speaker, speaker_role (with its organisation) and channel: load
        them with select_related on lists so each claim costs no query.
        """
        if self.speaker_id is None:
            return "The article's own assertion"
        who = str(self.speaker)
        if self.speaker_role_id:
            who += f", {self.speaker_role.role_text}"
            if self.cue:
                who += ","
        # “stated that” reads as a dangling clause once the quote is not beside it.
        cue = self.cue.strip().removesuffix(" that")
        if cue.lower().startswith("according to") or cue.lower().endswith(" by"):
            # “according to the Kremlin”, “as announced by the Kremlin”
            words = f"{cue} {who.rstrip(',')}"
        elif cue:
            words = f"{who} {cue}"
        else:
            words = who.rstrip(",")
        if self.channel_id:
            words += f", in {self.channel.in_words()}"
        return words[0].upper() + words[1:]

    def source_sentence(self):
        """
        Return (before, quote, after): the sentence(s) of the article body
        holding the span, split around it. Reads self.article.body.
        """
        if self.is_orphaned:
            return "", self.quote, ""
        body = self.article.body
        start = max(body.rfind(mark, 0, self.start) for mark in SENTENCE_ENDS)
        start = 0 if start < 0 else start + 1
        ends = [index for mark in SENTENCE_ENDS if (index := body.find(mark, self.end)) >= 0]
        end = min(ends) + 1 if ends else len(body)
        return (
            body[start : self.start].lstrip(),
            body[self.start : self.end],
            body[self.end : end].rstrip(),
        )


class ClaimActor(models.Model):
    """An actor a claim is about."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="actor_links")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="claim_links")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "actor"], name="briefings_claimactor_unique")
        ]

    def __str__(self):
        return f"{self.claim_id} about {self.actor}"


class ClaimEvidence(models.Model):
    """A source an editor relied on to judge a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence_links")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claim_evidence")
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "claim evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"], name="briefings_claimevidence_unique"
            )
        ]

    def __str__(self):
        return f"{self.source} for claim {self.claim_id}"


class ClaimComment(models.Model):
    """An editor's comment on a claim, for the reviewer; threaded and resolvable."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_comments"
    )
    body = models.TextField()
    is_resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Comment by {self.author} on claim {self.claim_id}"

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.claim_id != self.claim_id:
            raise ValidationError(
                {"parent": "A reply must be on the same claim as the comment it answers."}
            )
        # A comment replying to one of its own replies would drop out of every thread.
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "A comment cannot reply to itself or to one of its replies."}
                )
            ancestor = ancestor.parent


# Briefings -------------------------------------------------------------------


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

    slug = models.SlugField(max_length=160, unique=True)
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
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.analysis_html = render_markdown(self.analysis)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("briefings:briefing-detail", self.slug)

    def natural_key(self):
        return (self.slug,)


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
    comment = models.TextField(blank=True, help_text="Editor's comment shown with the claim.")

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
