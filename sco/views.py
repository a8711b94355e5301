"""Public pages for the SCO's structured data."""

from django.views.generic import DetailView, TemplateView

from sco.models import Membership, Milestone, Summit


class OverviewView(TemplateView):
    template_name = "sco/overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=Membership.objects.select_related("state"),
            summits=Summit.objects.select_related("country", "host"),
            milestones=Milestone.objects.all(),
            **kwargs,
        )


class SummitDetailView(DetailView):
    model = Summit

    def get_queryset(self):
        return Summit.objects.select_related("country", "host")
