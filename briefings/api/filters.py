"""
FilterSets for the newsroom resources. Related objects are named by slug;
an unknown slug simply matches nothing, so filters never reveal whether a
hidden object exists. Domain rules come from the models' QuerySet methods.
"""

import datetime

import django_filters as filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

from briefings.models import (
    Actor,
    ActorKind,
    Article,
    AttributionKind,
    Briefing,
    BriefingStatus,
    Claim,
    ClaimType,
    Event,
    EventKind,
    QuoteType,
    ReviewStatus,
    Source,
    SourceKind,
    Verdict,
)


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, turned to UTC: databases refuse some offsets Python accepts."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError("This date-time is out of range.", code="invalid") from None


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


def slug_filter(field_name, help_text):
    return filters.CharFilter(field_name=field_name, help_text=help_text)


class SourceFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SourceKind.choices, help_text="Only sources of this kind.")
    publisher = slug_filter("publisher__slug", "Only sources issued by this actor (slug).")

    class Meta:
        model = Source
        fields = ["kind", "publisher"]


class ActorFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ActorKind.choices, help_text="Only actors of this kind.")
    country = slug_filter("country__slug", "Only actors belonging to this state (slug).")
    q = filters.CharFilter(
        method="filter_q", help_text="Text contained in the actor's name or one of its aliases."
    )

    class Meta:
        model = Actor
        fields = ["kind", "country", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.matching(value)


class EventFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=EventKind.choices, help_text="Only events of this kind.")
    country = slug_filter("country__slug", "Only events in this state (slug).")
    starts_after = filters.DateFilter(
        field_name="start_date", lookup_expr="gte", help_text="Events starting on or after."
    )
    starts_before = filters.DateFilter(
        field_name="start_date", lookup_expr="lte", help_text="Events starting on or before."
    )

    class Meta:
        model = Event
        fields = ["kind", "country", "starts_after", "starts_before"]


class ArticleFilter(filters.FilterSet):
    source = slug_filter("source__slug", "Only articles from this source (slug).")
    language = filters.CharFilter(help_text="Only articles in this language (BCP 47 tag).")
    briefing = filters.CharFilter(
        method="filter_briefing", help_text="Only articles a briefing draws on (its slug)."
    )
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published at or after."
    )
    published_before = DateTimeFilter(
        field_name="published_at", lookup_expr="lte", help_text="Published at or before."
    )

    class Meta:
        model = Article
        fields = ["source", "language", "briefing", "published_after", "published_before"]

    def filter_briefing(self, queryset, name, value):
        briefings = visible_briefings(self.request).filter(slug=value)
        return queryset.filter(briefing_links__briefing__in=briefings)


class ClaimFilter(filters.FilterSet):
    speaker = slug_filter("speaker__slug", "Only claims attributed to this actor (slug).")
    about = filters.CharFilter(
        field_name="actor_links__actor__slug",
        distinct=True,
        help_text="Only claims about this actor (slug).",
    )
    article = slug_filter("article__slug", "Only claims in this article (slug).")
    briefing = filters.CharFilter(
        method="filter_briefing", help_text="Only key claims of this briefing (slug)."
    )
    event = slug_filter("event__slug", "Only claims about this event (slug).")
    channel = slug_filter("channel__slug", "Only claims made through this source (slug).")
    attribution_kind = filters.ChoiceFilter(
        choices=AttributionKind.choices, help_text="Only claims attributed this way."
    )
    quote_type = filters.ChoiceFilter(
        choices=QuoteType.choices, help_text="Only claims of this quote type."
    )
    claim_type = filters.ChoiceFilter(
        choices=ClaimType.choices, help_text="Only claims of this type."
    )
    verdict = filters.MultipleChoiceFilter(
        choices=Verdict.choices, help_text="Only claims with this verdict; repeat for several."
    )
    review_status = filters.ChoiceFilter(
        choices=ReviewStatus.choices, help_text="Only claims in this review state."
    )
    said_after = filters.DateFilter(
        field_name="said_date", lookup_expr="gte", help_text="Said on or after this date."
    )
    said_before = filters.DateFilter(
        field_name="said_date", lookup_expr="lte", help_text="Said on or before this date."
    )
    published_after = DateTimeFilter(
        field_name="article__published_at",
        lookup_expr="gte",
        help_text="Whose article was published at or after.",
    )
    published_before = DateTimeFilter(
        field_name="article__published_at",
        lookup_expr="lte",
        help_text="Whose article was published at or before.",
    )
    q = filters.CharFilter(
        method="filter_q",
        help_text="Words in the quote or rationale (full-text search on PostgreSQL); "
        "use `speaker` to select by who said it.",
    )

    class Meta:
        model = Claim
        fields = [
            "speaker",
            "about",
            "article",
            "briefing",
            "event",
            "channel",
            "attribution_kind",
            "quote_type",
            "claim_type",
            "verdict",
            "review_status",
            "said_after",
            "said_before",
            "published_after",
            "published_before",
            "q",
        ]

    def filter_briefing(self, queryset, name, value):
        briefings = visible_briefings(self.request).filter(slug=value)
        return queryset.filter(briefing_links__briefing__in=briefings)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class BriefingFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=BriefingStatus.choices,
        help_text="Only briefings in this workflow status (staff; others see published only).",
    )
    event = slug_filter("event__slug", "Only briefings about this event (slug).")
    actor = filters.CharFilter(
        field_name="actor_links__actor__slug",
        distinct=True,
        help_text="Only briefings covering this actor (slug).",
    )
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published at or after."
    )
    published_before = DateTimeFilter(
        field_name="published_at", lookup_expr="lte", help_text="Published at or before."
    )

    class Meta:
        model = Briefing
        fields = ["status", "event", "actor", "published_after", "published_before"]


def visible_briefings(request):
    """The briefings the requesting user may see, for filters that name one."""
    return Briefing.objects.visible_to(getattr(request, "user", None))
