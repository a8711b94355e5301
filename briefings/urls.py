from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from briefings import views
from briefings.admin.queue import review_queue
from briefings.admin.token import api_token
from briefings.cache import cache_public_page
from briefings.feeds import ActorFeed, EventFeed, LatestBriefingsFeed
from briefings.sitemaps import SITEMAPS

public_patterns = (
    [
        path("", views.HomeView.as_view(), name="home"),
        path("briefings/<slug:slug>/", views.BriefingDetailView.as_view(), name="briefing-detail"),
        path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
        path("actors/", views.ActorIndexView.as_view(), name="actor-index"),
        path("actors/<slug:slug>/", views.ActorDetailView.as_view(), name="actor-detail"),
        path("actors/<slug:slug>/feed.atom", cache_public_page(ActorFeed()), name="actor-feed"),
        path("articles/", views.ArticleIndexView.as_view(), name="article-index"),
        path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
        path("sources/", views.SourceIndexView.as_view(), name="source-index"),
        path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
        path("events/", views.EventIndexView.as_view(), name="event-index"),
        path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
        path("events/<slug:slug>/feed.atom", cache_public_page(EventFeed()), name="event-feed"),
        path("search/", views.search, name="search"),
        path("feed.atom", cache_public_page(LatestBriefingsFeed()), name="feed"),
    ],
    "briefings",
)

handler500 = "briefings.outage.server_error"

urlpatterns = [
    path("", include(public_patterns)),
    path("sco/", include("sco.urls")),
    path("admin/review/", admin.site.admin_view(review_queue), name="review-queue"),
    path("admin/token/", admin.site.admin_view(api_token), name="api-token"),
    path("admin/", admin.site.urls),
    path("api/", include("briefings.api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # A sitemap index of sections, each in pages of at most 50,000 URLs (?p=2…).
    path(
        "sitemap.xml",
        cache_public_page(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_public_page(sitemaps.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
