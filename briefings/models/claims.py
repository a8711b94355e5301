"""
Claims: statements inside articles, their attribution chain, assessment and discussion.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from simple_history.models import HistoricalRecords

from briefings.anchoring import context_around
from briefings.markup import render_markdown
from briefings.models.actors import Actor, Affiliation, Source
from briefings.models.articles import Article, Event
from briefings.models.base import (
    ShownQuerySet,
    VersionedModel,
    VisibleQuerySet,
    choices_constraint,
    public_since_field,
)
from briefings.reversing import reverse_one
from briefings.search import search as full_text_search


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


# Attribution kinds whose name already says the quote type.
SAME_MANNER = {
    (AttributionKind.DIRECT_QUOTE, QuoteType.DIRECT),
    (AttributionKind.PARAPHRASE, QuoteType.INDIRECT),
    (AttributionKind.ASSERTION, QuoteType.NONE),
}


class StatementQuerySet(VisibleQuerySet):
    def public(self):
        """Statements with an appearance readers may see."""
        return self.filter(pk__in=Claim.objects.public().values("statement"))


class Statement(models.Model):
    """One remark as made once, which several claims in several articles may report."""

    summary = models.CharField(max_length=300)
    speaker = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    said_date = models.DateField(null=True, blank=True)

    objects = StatementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["summary"]

    def __str__(self):
        return self.summary

    def get_absolute_url(self):
        return reverse_one("briefings:statement-detail", self.pk)


class ClaimQuerySet(ShownQuerySet):
    """
    Public claims: reviewed ones shown through a published briefing, as its
    key claims or on its articles. Unreviewed and retired claims never are.
    """

    def for_display(self, user=None):
        """
        Load everything a claim shows, so a list of claims costs the same few
        queries whatever its length, and attribution_text none at all: its
        article with the article's source, speaker, speaker role with its
        organisation, channel and event; and as lists (no related manager
        made per claim, which costs more than the query on long lists)
        `about_list` (the actors it is about), `evidence_list` (evidence
        links with their sources) and `briefing_list` (the briefings
        featuring it that `user` may see, newest first).
        """
        from briefings.models import Briefing

        briefings = (
            Briefing.objects.visible_to(user)
            .defer("analysis", "analysis_html")
            .order_by("-published_at", "pk")
        )
        return self.select_related(
            "article__source",
            "speaker",
            "speaker_role__organisation",
            "channel",
            "event",
        ).prefetch_related(
            models.Prefetch("about", to_attr="about_list"),
            models.Prefetch(
                "evidence_links",
                queryset=ClaimEvidence.objects.select_related("source"),
                to_attr="evidence_list",
            ),
            models.Prefetch("briefings", queryset=briefings, to_attr="briefing_list"),
        )

    def anchored(self):
        return self.filter(start__isnull=False)

    def search(self, text):
        """
        Claims whose quote or rationale matches text, or whose speaker or an
        actor they are about is named by it (name or alias); quote matches first.
        """
        from briefings.models import Actor, ClaimActor

        def by_actor(words):
            named = Actor.objects.named(words)
            return Q(speaker__in=named) | Q(
                pk__in=ClaimActor.objects.filter(actor__in=named).values("claim")
            )

        return full_text_search(self, text, also=by_actor)

    def orphaned(self):
        """Claims whose quote could not be found again after their article changed."""
        return self.filter(start__isnull=True).exclude(review_status=ReviewStatus.RETIRED)


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
    editor_note = models.TextField(
        "internal note (staff only)", blank=True, help_text="Never shown to readers."
    )

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
    public_since = public_since_field()

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["rationale_html", "public_since"])
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
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("briefings:claim-detail", self.pk)

    def set_derived_fields(self):
        """Render the rationale; the importer's bulk path calls this where save() is not."""
        self.rationale_html = render_markdown(self.rationale)

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
    def manner_text(self):
        """
        Return how the claim is reported, e.g. “Reported statement; indirect
        (paraphrase)”, naming the quote type only where the kind does not
        already say it (never “Direct quote; direct quote”).
        """
        kind = self.get_attribution_kind_display()
        if (self.attribution_kind, self.quote_type) in SAME_MANNER:
            return kind
        return f"{kind}; {self.get_quote_type_display().lower()}"

    @property
    def quote_text(self):
        """
        Return the quote as readers see it: a direct quote in one pair of
        quotation marks, whether or not the selection took in the article's own.
        """
        if self.quote_type != QuoteType.DIRECT:
            return self.quote
        quote = self.quote
        if quote[:1] in '“"' and quote[-1:] in '”"' and len(quote) > 1:
            quote = quote[1:-1]
        return f"“{quote}”"

    @property
    def attribution_text(self):
        """
        Return the attribution chain as an editor would write it: speaker (with
        its article: “the Kremlin”), role at the time, cue and channel, e.g.
        “Joe Biden, President of the United States, has labeled”, “In an
        official release, the Kremlin stated” or “According to the Kremlin”.

        Reads speaker, speaker_role (with its organisation) and channel: load
        them with select_related on lists so each claim costs no query.
        """
        if self.speaker_id is None:
            return "The article's own assertion"
        who = self.speaker.name_in_text
        if self.speaker_role_id:
            who += f", {self.speaker_role.role_text},"
        # “stated that” reads as a dangling clause once the quote is not beside it.
        cue = self.cue.strip().removesuffix(" that")
        channel = f"in {self.channel.in_words()}" if self.channel_id else ""
        if cue.lower().startswith("according to") or cue.lower().endswith(" by"):
            # “according to the Kremlin”, “as announced by the Kremlin”
            words = f"{cue} {who.rstrip(',')}" + (f", {channel}" if channel else "")
        elif cue and channel:
            # The channel goes first so the verb ends the sentence, as it
            # would before the quote: “In a statement, the SCO called”.
            words = f"{channel}, {who} {cue}"
        elif cue:
            words = f"{who} {cue}"
        else:
            words = who.rstrip(",") + (f", {channel}" if channel else "")
        return words[0].upper() + words[1:]

    def source_sentence(self):
        """
        Return (before, quote, after): the sentence(s) of the article body
        holding the span, split around it. Reads self.article.body.

        When the sentence does not carry the claim's cue (“He is set to meet
        Xi…” after “…, as announced by the Kremlin.”), the sentence before it
        is included, so readers see who said it.
        """
        if self.is_orphaned:
            return "", self.quote, ""
        body = self.article.body
        start = sentence_start(body, self.start)
        ends = [index for mark in SENTENCE_ENDS if (index := body.find(mark, self.end)) >= 0]
        end = min(ends) + 1 if ends else len(body)
        if self.cue and start > 0 and not mentions_cue(body[start:end], self.cue):
            start = sentence_start(body, start - 1)
        return (
            body[start : self.start].lstrip(),
            body[self.start : self.end],
            body[self.end : end].rstrip(),
        )


def sentence_start(body, index):
    """Return where the sentence holding body[index] starts."""
    start = max(body.rfind(mark, 0, index) for mark in SENTENCE_ENDS)
    return 0 if start < 0 else start + 1


# Words of a cue that say nothing about whether a sentence reports it.
CUE_FILLER = {"is", "are", "was", "were", "has", "have", "had", "will", "that", "as", "by", "to"}


def mentions_cue(sentence, cue):
    """
    Return whether sentence holds the cue's reporting word, in any inflection:
    the cue is stored in the singular (“considers”) while the text may use
    the plural (“Russia and China consider”), so words are compared on their
    first six letters.
    """
    text = sentence.lower()
    words = [word for word in cue.lower().split() if word not in CUE_FILLER]
    return not words or any(word[:6] in text for word in words)


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
