"""
Read-only API for the SCO's structured data, through the same visibility
rule as the /sco/ pages (visible_to): a summit readers cannot see is hidden
with its participations and meetings, and the claims that evidence a fact
are listed only where the reader may see them. They are edited in the admin.
"""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from briefings.api.conditional import ConditionalMixin
from briefings.api.views import ID_PATTERN, SLUG_PATTERN, Pagination, StableOrderingFilter
from briefings.models import Claim
from sco.api import filters, serializers
from sco.models import Meeting, Membership, Milestone, Participation, Summit


class SCOViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    model = None
    related = ()
    prefetched = ()

    def get_queryset(self):
        user = self.request.user
        claims = Claim.objects.visible_to(user)
        return (
            self.model.objects.visible_to(user)
            .select_related(*self.related)
            .prefetch_related(*self.prefetched)
            .prefetch_related(Prefetch("evidence", queryset=claims.only("pk").order_by("pk")))
        )


class MembershipViewSet(SCOViewSet):
    """Each state's status in the SCO over a period: member, observer, dialogue partner."""

    model = Membership
    serializer_class = serializers.MembershipSerializer
    filterset_class = filters.MembershipFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    related = ("state",)
    ordering_fields = ["start_year", "start_date", "status", "state__name"]
    ordering = ["status", "start_year", "state__name"]


class SummitViewSet(SCOViewSet):
    """Meetings of the SCO heads of state."""

    model = Summit
    serializer_class = serializers.SummitSerializer
    filterset_class = filters.SummitFilter
    related = ("country", "host")
    ordering_fields = ["year", "start_date", "name"]
    ordering = ["-year", "-start_date"]


class ParticipationViewSet(SCOViewSet):
    """Who took part in which summit, in what capacity, and who was sent in whose place."""

    model = Participation
    serializer_class = serializers.ParticipationSerializer
    filterset_class = filters.ParticipationFilter
    lookup_field = "pk"
    lookup_value_regex = ID_PATTERN
    related = ("summit", "participant", "representative")
    ordering_fields = ["capacity", "status", "participant__name"]
    ordering = ["summit__start_date", "capacity", "participant__name"]


class MeetingViewSet(SCOViewSet):
    """Bilateral and small meetings, e.g. on a summit's sidelines."""

    model = Meeting
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    related = ("summit", "host")
    prefetched = ("participants",)
    ordering_fields = ["date", "title"]
    ordering = ["date", "title"]


class MilestoneViewSet(SCOViewSet):
    """Dated events in the organisation's history."""

    model = Milestone
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filters.MilestoneFilter
    ordering_fields = ["year", "date", "title"]
    ordering = ["year", "date"]
