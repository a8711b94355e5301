"""
Public pages for the SCO's structured data, through the models' visibility
rule (visible_to): a summit is shown as its event would be, a fact links only
to claims the reader may see, and an actor's name links only to an actor
page the reader may see.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, TemplateView

from briefings.cache import cache_public_page
from briefings.models import Actor, Briefing, Claim
from briefings.views import PublicObjectMixin
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


def visible_evidence(user):
    claims = Claim.objects.visible_to(user).only("pk", "quote", "verdict").order_by("pk")
    return Prefetch("evidence", queryset=claims)


def summits_with_details(user):
    """The summits `user` may see, with participation, meetings and evidence prefetched."""
    return (
        Summit.objects.visible_to(user)
        .select_related("country", "host")
        .prefetch_related(
            visible_evidence(user),
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related(
                    "participant", "representative"
                ).prefetch_related(visible_evidence(user)),
            ),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("host").prefetch_related(
                    visible_evidence(user),
                    Prefetch(
                        "participant_links",
                        queryset=MeetingParticipant.objects.select_related("actor").order_by(
                            "actor__name"
                        ),
                    ),
                ),
            ),
        )
    )


def visible_actor_ids(actor_ids, user):
    """Of actor_ids, those whose page `user` may see: the others are named but not linked."""
    actors = Actor.objects.visible_to(user).filter(pk__in=actor_ids)
    return set(actors.values_list("pk", flat=True))


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
        user = self.request.user
        memberships = sorted(
            Membership.objects.visible_to(user)
            .select_related("state")
            .prefetch_related(visible_evidence(user)),
            key=timeline.reading_order,
        )
        milestones = list(
            Milestone.objects.visible_to(user).prefetch_related(visible_evidence(user))
        )
        summits = list(summits_with_details(user))
        founded = min((m.year for m in milestones), default=None)
        founding = [m.start_year for m in memberships if m.is_founding and m.start_year]
        actor_ids = {m.state_id for m in memberships} | summit_actor_ids(summits)
        return super().get_context_data(
            memberships=memberships,
            timeline=timeline.build(memberships, founded_year=min(founding, default=founded)),
            milestones=milestones,
            summits=summits,
            public_actor_ids=visible_actor_ids(actor_ids, user),
            canonical_url=self.request.build_absolute_uri(reverse("sco:overview")),
            **kwargs,
        )


@cached
class SummitDetailView(PublicObjectMixin, DetailView):
    """A summit's page; staff previewing an unpublished one see it marked, as event pages are."""

    model = Summit

    def get_queryset(self):
        return summits_with_details(self.request.user)

    def get_context_data(self, **kwargs):
        summit, user = self.object, self.request.user
        return super().get_context_data(
            briefings=list(Briefing.objects.visible_to(user).filter(event=summit)),
            public_actor_ids=visible_actor_ids(summit_actor_ids([summit]), user),
            **kwargs,
        )
