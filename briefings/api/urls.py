"""
The API: one router for both apps' resources under v1/, and the OpenAPI
schema with its Swagger UI and ReDoc pages (assets from drf-spectacular-sidecar;
ReDoc's bundle through docs.py).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from briefings.api import docs, schema, views  # noqa: F401  (schema registers extensions)
from briefings.api.schema_cache import SchemaView
from sco.api import views as sco_views

app_name = "api"

router = DefaultRouter()
router.register("briefings", views.BriefingViewSet, basename="briefing")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("sources", views.SourceViewSet, basename="source")
router.register("events", views.EventViewSet, basename="event")
router.register("sco/memberships", sco_views.MembershipViewSet, basename="sco-membership")
router.register("sco/summits", sco_views.SummitViewSet, basename="sco-summit")
router.register("sco/participations", sco_views.ParticipationViewSet, basename="sco-participation")
router.register("sco/meetings", sco_views.MeetingViewSet, basename="sco-meeting")
router.register("sco/milestones", sco_views.MilestoneViewSet, basename="sco-milestone")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI's start-up script is served from the same URL (`?script`), not inline.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("redoc/", docs.redoc_page, name="redoc"),
    path("redoc/redoc.standalone.js", docs.redoc_bundle_view, name="redoc-bundle"),
]
