"""Public pages. Readers only ever see what a published briefing shows."""

from django.db import connection
from django.http import JsonResponse
from django.views.generic import DetailView, ListView

from briefings.models import Actor, Article, Briefing, Claim, Event, Source


class HomeView(ListView):
    template_name = "briefings/home.html"
    context_object_name = "briefings"
    paginate_by = 20

    def get_queryset(self):
        return Briefing.objects.published().select_related("event")


class PublicMixin:
    """Serve only what readers may see: the model's public() queryset."""

    def get_queryset(self):
        return self.model.objects.public()


class BriefingDetailView(DetailView):
    model = Briefing

    def get_queryset(self):
        return Briefing.objects.published().select_related("event")


class ClaimDetailView(PublicMixin, DetailView):
    model = Claim


class ActorDetailView(PublicMixin, DetailView):
    model = Actor


class ArticleDetailView(PublicMixin, DetailView):
    model = Article


class SourceDetailView(PublicMixin, DetailView):
    model = Source


class EventDetailView(PublicMixin, DetailView):
    model = Event


def healthz(request):
    """Report whether the database answers; 503 if it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure is a failed health check
        return JsonResponse({"status": "error", "database": str(error)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
