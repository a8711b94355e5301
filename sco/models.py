"""
The Shanghai Cooperation Organisation as structured, sourced data.

Every fact links to the briefings claims that state it. Where the sources
give no exact date, the year or the words they do give are stored instead
(`*_year`, `*_text`): precision is never invented.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from briefings.models import Actor, Event, VisibleQuerySet, choices_constraint
from briefings.reversing import reverse_one


def _period_end_key(end_date, end_year):
    """Comparable end of a period: open-ended periods run forever."""
    if end_date:
        return (end_date.year, end_date.month, end_date.day)
    if end_year:
        return (end_year, 12, 31)
    return (9999, 12, 31)


def _period_start_key(start_date, start_year):
    if start_date:
        return (start_date.year, start_date.month, start_date.day)
    if start_year:
        return (start_year, 1, 1)
    return (0, 1, 1)


class MembershipStatus(models.TextChoices):
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"
    DIALOGUE_PARTNER = "dialogue_partner", "Dialogue partner"
    FORMER_MEMBER = "former_member", "Former member"


class FactQuerySet(VisibleQuerySet):
    """
    Memberships and milestones have no draft state of their own: they are
    public, and the claims evidencing them are shown only where visible.
    """

    def public(self):
        return self.all()


class MembershipQuerySet(FactQuerySet):
    def current(self, on=None):
        """Memberships in force on a date (today by default); undated starts count as begun."""
        on = on or timezone.localdate()
        started = (
            Q(start_date__lte=on)
            | Q(start_date__isnull=True, start_year__lte=on.year)
            | Q(start_date__isnull=True, start_year__isnull=True)
        )
        not_ended = (
            Q(end_date__gte=on)
            | Q(end_date__isnull=True, end_year__gte=on.year)
            | Q(end_date__isnull=True, end_year__isnull=True)
        )
        return self.filter(started & not_ended)


class Membership(models.Model):
    """A state's status in the SCO over a period."""

    state = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="sco_memberships")
    status = models.CharField(max_length=20, choices=MembershipStatus, db_index=True)
    start_date = models.DateField(null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    end_date = models.DateField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    date_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the sources say of the dates when they give none exactly (“later”).",
    )
    is_founding = models.BooleanField(default=False)
    evidence = models.ManyToManyField("briefings.Claim", blank=True, related_name="sco_memberships")

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "start_year", "state__name"]
        constraints = [
            choices_constraint("status", MembershipStatus, "sco_membership_status_valid"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="sco_membership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="sco_membership_years_ordered",
            ),
            # A state holds at most one open-ended status at a time.
            models.UniqueConstraint(
                fields=["state"],
                condition=Q(end_date__isnull=True, end_year__isnull=True),
                name="sco_membership_one_open_per_state",
            ),
        ]

    def __str__(self):
        return f"{self.state} — {self.get_status_display()} ({self.period_text})"

    def save(self, *args, **kwargs):
        # A full date also fixes the year, so year filters see every row.
        if self.start_date:
            self.start_year = self.start_date.year
        if self.end_date:
            self.end_year = self.end_date.year
        super().save(*args, **kwargs)

    def clean(self):
        start = _period_start_key(self.start_date, self.start_year)
        end = _period_end_key(self.end_date, self.end_year)
        if end < start:
            raise ValidationError({"end_year": "The period must end after it starts."})
        if not self.state_id:
            return
        for other in Membership.objects.filter(state_id=self.state_id).exclude(pk=self.pk):
            other_start = _period_start_key(other.start_date, other.start_year)
            other_end = _period_end_key(other.end_date, other.end_year)
            if start <= other_end and other_start <= end:
                raise ValidationError(
                    f"{self.state} already has an overlapping period: {other.get_status_display()} "
                    f"({other.period_text})."
                )

    @property
    def period_text(self):
        start = self.start_date or self.start_year or self.date_text or "date not given"
        end = self.end_date or self.end_year
        return f"{start}–{end}" if end else f"since {start}"


class SummitFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid"


class Summit(Event):
    """The meeting of the SCO heads of state: an Event with a host and a format."""

    format = models.CharField(max_length=20, choices=SummitFormat, default=SummitFormat.IN_PERSON)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, db_index=True, help_text="Filled from the start date when known."
    )
    host = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sco_summits_hosted",
        help_text="The host (chairing state or its leader).",
    )
    evidence = models.ManyToManyField("briefings.Claim", blank=True, related_name="sco_summits")

    class Meta:
        ordering = ["-year", "-start_date"]
        constraints = [
            choices_constraint("format", SummitFormat, "sco_summit_format_valid"),
        ]

    def save(self, *args, **kwargs):
        if self.start_date:
            self.year = self.start_date.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("sco:summit-detail", self.slug)


class ParticipationStatus(models.TextChoices):
    IN_PERSON = "in_person", "Attends in person"
    REPRESENTED = "represented", "Represented by someone else"
    VIRTUAL = "virtual", "Attends virtually"
    ABSENT = "absent", "Absent"


class ParticipationCapacity(models.TextChoices):
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"
    DIALOGUE_PARTNER = "dialogue_partner", "Dialogue partner"
    GUEST = "guest", "Guest"


class ParticipationQuerySet(VisibleQuerySet):
    def public(self):
        """Participations in summits readers may see."""
        return self.filter(summit__in=Summit.objects.public())


class Participation(models.Model):
    """Who takes part in a summit, in what capacity and how; who was sent in whose place."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="participations")
    participant = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="sco_participations"
    )
    capacity = models.CharField(max_length=20, choices=ParticipationCapacity)
    status = models.CharField(max_length=20, choices=ParticipationStatus)
    is_expected = models.BooleanField(
        default=False, help_text="Announced ahead of the summit, not yet confirmed."
    )
    representative = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sco_representations",
        help_text="Who attends for the participant: its leader in person, or whoever is sent "
        "instead.",
    )
    note = models.CharField(max_length=300, blank=True)
    evidence = models.ManyToManyField(
        "briefings.Claim", blank=True, related_name="sco_participations"
    )

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["summit_id", "capacity", "participant__name"]
        constraints = [
            choices_constraint("status", ParticipationStatus, "sco_participation_status_valid"),
            choices_constraint(
                "capacity", ParticipationCapacity, "sco_participation_capacity_valid"
            ),
            models.UniqueConstraint(
                fields=["summit", "participant"], name="sco_participation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status=ParticipationStatus.REPRESENTED)
                | Q(representative__isnull=False),
                name="sco_participation_represented_has_representative",
            ),
            models.CheckConstraint(
                condition=~Q(representative=F("participant")),
                name="sco_participation_not_self_represented",
            ),
        ]

    def __str__(self):
        return f"{self.participant} at {self.summit}: {self.get_status_display()}"


class MeetingKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral"
    MULTILATERAL = "multilateral", "Small group"
    INFORMAL = "informal", "Informal (dinner, reception)"


class MeetingQuerySet(VisibleQuerySet):
    def public(self):
        """Meetings on their own, or on the sidelines of a summit readers may see."""
        return self.filter(Q(summit__isnull=True) | Q(summit__in=Summit.objects.public()))


class Meeting(models.Model):
    """A bilateral or small meeting, e.g. on a summit's sidelines."""

    slug = models.SlugField(max_length=160, unique=True)
    title = models.CharField(max_length=200)
    summit = models.ForeignKey(
        Summit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The summit on whose sidelines it happens.",
    )
    kind = models.CharField(max_length=20, choices=MeetingKind)
    date = models.DateField(null=True, blank=True)
    date_text = models.CharField(max_length=100, blank=True)
    is_planned = models.BooleanField(
        default=False, help_text="Announced, not yet reported as held."
    )
    host = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="sco_meetings_hosted"
    )
    participants = models.ManyToManyField(
        Actor, through="MeetingParticipant", related_name="sco_meetings"
    )
    evidence = models.ManyToManyField("briefings.Claim", blank=True, related_name="sco_meetings")

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()
    history_links = {"participant_links": "participant"}

    class Meta:
        ordering = ["date", "title"]
        constraints = [choices_constraint("kind", MeetingKind, "sco_meeting_kind_valid")]

    def __str__(self):
        return self.title


class MeetingParticipant(models.Model):
    """An actor taking part in a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participant_links")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="sco_meeting_links")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "actor"], name="sco_meetingparticipant_unique"
            )
        ]

    def __str__(self):
        return f"{self.actor} at {self.meeting}"


class Milestone(models.Model):
    """A dated event in the organisation's history."""

    slug = models.SlugField(max_length=160, unique=True)
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(db_index=True)
    date = models.DateField(null=True, blank=True)
    date_text = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    evidence = models.ManyToManyField("briefings.Claim", blank=True, related_name="sco_milestones")

    objects = FactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "date"]

    def __str__(self):
        return f"{self.year}: {self.title}"

    def save(self, *args, **kwargs):
        if self.date:
            self.year = self.date.year
        super().save(*args, **kwargs)
