"""FilterSets for the SCO's structured data; domain rules from the QuerySet methods."""

import django_filters as filters

from sco.models import (
    Meeting,
    MeetingKind,
    Membership,
    MembershipStatus,
    Milestone,
    Participation,
    ParticipationCapacity,
    ParticipationStatus,
    Summit,
    SummitFormat,
)


class MembershipFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=MembershipStatus.choices, help_text="Only memberships of this status."
    )
    state = filters.CharFilter(field_name="state__slug", help_text="Only this state (slug).")
    on = filters.DateFilter(
        method="filter_on", help_text="Only memberships in force on this date (YYYY-MM-DD)."
    )
    since_year = filters.NumberFilter(
        field_name="start_year", lookup_expr="gte", help_text="Began in or after this year."
    )
    until_year = filters.NumberFilter(
        field_name="start_year", lookup_expr="lte", help_text="Began in or before this year."
    )

    class Meta:
        model = Membership
        fields = ["status", "state", "on", "since_year", "until_year"]

    def filter_on(self, queryset, name, value):
        return queryset.current(on=value)


class SummitFilter(filters.FilterSet):
    year = filters.NumberFilter(help_text="Only summits of this year.")
    # Not "format": that query parameter picks the response's format in every API view.
    summit_format = filters.ChoiceFilter(
        field_name="format", choices=SummitFormat.choices, help_text="Only summits in this format."
    )

    class Meta:
        model = Summit
        fields = ["year", "summit_format"]


class ParticipationFilter(filters.FilterSet):
    summit = filters.CharFilter(field_name="summit__slug", help_text="Only this summit (slug).")
    participant = filters.CharFilter(
        field_name="participant__slug", help_text="Only this participant (slug)."
    )
    status = filters.ChoiceFilter(
        choices=ParticipationStatus.choices, help_text="Only participations of this status."
    )
    capacity = filters.ChoiceFilter(
        choices=ParticipationCapacity.choices, help_text="Only this capacity."
    )

    class Meta:
        model = Participation
        fields = ["summit", "participant", "status", "capacity"]


class MeetingFilter(filters.FilterSet):
    summit = filters.CharFilter(field_name="summit__slug", help_text="Only this summit (slug).")
    participant = filters.CharFilter(
        field_name="participant_links__actor__slug",
        distinct=True,
        help_text="Only meetings this actor took part in (slug).",
    )
    kind = filters.ChoiceFilter(choices=MeetingKind.choices, help_text="Only this kind.")

    class Meta:
        model = Meeting
        fields = ["summit", "participant", "kind"]


class MilestoneFilter(filters.FilterSet):
    since_year = filters.NumberFilter(
        field_name="year", lookup_expr="gte", help_text="In or after this year."
    )
    until_year = filters.NumberFilter(
        field_name="year", lookup_expr="lte", help_text="In or before this year."
    )

    class Meta:
        model = Milestone
        fields = ["since_year", "until_year"]
