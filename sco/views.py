"""
Public pages for the SCO's structured data.

SCO facts have no draft state of their own, so the overview and summit pages
are public; what stays private is the evidence: a fact links only to claims
a published briefing shows, and an actor's name links only to a public
actor page.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, TemplateView

from briefings.cache import cache_public_page
from briefings.models import Actor, Briefing, Claim
from sco import timeline
from sco.models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Milestone,
    Participation,
    Summit,
)

cached = method_decorator(cache_public_page, name="dispatch")


def public_evidence():
    return Prefetch(
        "evidence", queryset=Claim.objects.public().only("pk", "quote", "verdict").order_by("pk")
    )


def summits_with_details(queryset):
    """Summits with participation, sideline meetings and public evidence prefetched."""
    return queryset.select_related("country", "host").prefetch_related(
        public_evidence(),
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related(
                "participant", "representative"
            ).prefetch_related(public_evidence()),
        ),
        Prefetch(
            "meetings",
            queryset=Meeting.objects.select_related("host").prefetch_related(
                public_evidence(),
                Prefetch(
                    "participant_links",
                    queryset=MeetingParticipant.objects.select_related("actor").order_by(
                        "actor__name"
                    ),
                ),
            ),
        ),
    )


def public_actor_ids(actor_ids):
    """Of actor_ids, those with a public page: the others are named but not linked."""
    return set(Actor.objects.public().filter(pk__in=actor_ids).values_list("pk", flat=True))


def summit_actor_ids(summits):
    ids = set()
    for summit in summits:
        ids.update(filter(None, [summit.host_id, summit.country_id]))
        for participation in summit.participations.all():
            ids.update(
                filter(None, [participation.participant_id, participation.representative_id])
            )
        for meeting in summit.meetings.all():
            ids.update(link.actor_id for link in meeting.participant_links.all())
    return ids


@cached
class OverviewView(TemplateView):
    template_name = "sco/overview.html"

    def get_context_data(self, **kwargs):
        memberships = sorted(
            Membership.objects.select_related("state").prefetch_related(public_evidence()),
            key=timeline.reading_order,
        )
        milestones = list(Milestone.objects.prefetch_related(public_evidence()))
        summits = list(summits_with_details(Summit.objects.all()))
        founded = min((m.year for m in milestones), default=None)
        founding = [m.start_year for m in memberships if m.is_founding and m.start_year]
        actor_ids = {m.state_id for m in memberships} | summit_actor_ids(summits)
        return super().get_context_data(
            memberships=memberships,
            timeline=timeline.build(memberships, founded_year=min(founding, default=founded)),
            milestones=milestones,
            summits=summits,
            public_actor_ids=public_actor_ids(actor_ids),
            canonical_url=self.request.build_absolute_uri(reverse("sco:overview")),
            **kwargs,
        )


@cached
class SummitDetailView(DetailView):
    model = Summit

    def get_queryset(self):
        return summits_with_details(Summit.objects.all())

    def get_context_data(self, **kwargs):
        summit = self.object
        return super().get_context_data(
            briefings=list(Briefing.objects.published().filter(event=summit)),
            public_actor_ids=public_actor_ids(summit_actor_ids([summit])),
            canonical_url=self.request.build_absolute_uri(summit.get_absolute_url()),
            **kwargs,
        )
