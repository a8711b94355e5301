"""
Sources and actors: where information comes from, who speaks and is spoken about.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from briefings.models.base import (
    ShownQuerySet,
    VersionedModel,
    choices_constraint,
    public_since_field,
    wikidata_qid_validator,
)
from briefings.reversing import reverse_one
from briefings.search import all_words
from briefings.search import search as full_text_search


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


class SourceQuerySet(ShownQuerySet):
    """Public sources: public articles' outlets, public claims' channels and evidence."""


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
    public_since = public_since_field()

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["public_since"])

    class Meta:
        ordering = ["name"]
        constraints = [choices_constraint("kind", SourceKind, "briefings_source_kind_valid")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("briefings:source-detail", self.slug)

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


# How a list of actors of each kind is headed (the index page groups them so).
ACTOR_KIND_PLURALS = {
    ActorKind.PERSON: "People",
    ActorKind.BODY: "Government bodies",
    ActorKind.STATE: "States",
    ActorKind.ORGANISATION: "International organisations",
    ActorKind.GROUP: "Groups of states",
}


class ActorQuerySet(ShownQuerySet):
    """Public actors: covered by a published briefing, or speaker or subject of a public claim."""

    def search(self, text):
        """Actors matching text by name, title or description, or by one of their aliases."""

        def by_alias(words):
            aliases = ActorAlias.objects.filter(all_words("name", words))
            return Q(pk__in=aliases.values("actor"))

        return full_text_search(self, text, also=by_alias)

    def named(self, words):
        """Actors whose name, or one of whose aliases, holds every word (any case, any script)."""
        aliases = ActorAlias.objects.filter(all_words("name", words))
        return self.filter(all_words("name", words) | Q(pk__in=aliases.values("actor")))

    def matching(self, text):
        """Actors whose name or one of whose aliases contains `text`."""
        return self.filter(Q(name__icontains=text) | Q(aliases__name__icontains=text)).distinct()


class Actor(VersionedModel):
    """Anyone who can say something or be its subject: a person, body, state or organisation."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    name_article = models.CharField(
        max_length=10,
        blank=True,
        help_text="The article English puts before the name in a sentence, if any: "
        "“the” for the Kremlin, the United States.",
    )
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
    public_since = public_since_field()

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["public_since"])
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

    @property
    def name_in_text(self):
        """The name as a sentence uses it mid-way: “the Kremlin”, “Joe Biden”."""
        return f"{self.name_article} {self.name}" if self.name_article else self.name

    @property
    def wikidata_url(self):
        return f"https://www.wikidata.org/wiki/{self.wikidata_qid}" if self.wikidata_qid else ""

    @property
    def kind_plural(self):
        return ACTOR_KIND_PLURALS[self.kind]


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
            return f"{self.role} of {self.organisation.name_in_text}"
        return f"{self.get_kind_display().lower()} {self.organisation.name_in_text}"

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
