"""
sitemap.xml: an index of one sitemap per kind of page, each paged at
Sitemap.limit (50,000) URLs, listing every public page through the same
public() rules as the pages.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from briefings.models import Actor, Article, Briefing, Claim, Event, Source, Statement


class PublicSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.public().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class BriefingSitemap(PublicSitemap):
    model = Briefing
    changefreq = "daily"
    priority = 0.8


class ClaimSitemap(PublicSitemap):
    model = Claim

    def items(self):
        return super().items().only("pk", "updated_at")


class ActorSitemap(PublicSitemap):
    model = Actor


class ArticleSitemap(PublicSitemap):
    model = Article

    def items(self):
        return super().items().only("pk", "slug", "updated_at")


class SourceSitemap(PublicSitemap):
    model = Source


class EventSitemap(PublicSitemap):
    model = Event


class StatementSitemap(PublicSitemap):
    model = Statement
    lastmod = None  # a statement has no time of its own; its claims do


class PageSitemap(Sitemap):
    """Pages that are not one object: the home page, the indexes and the SCO overview."""

    def items(self):
        return [
            "briefings:home",
            "briefings:actor-index",
            "briefings:article-index",
            "briefings:source-index",
            "briefings:event-index",
            "sco:overview",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "briefings": BriefingSitemap,
    "claims": ClaimSitemap,
    "statements": StatementSitemap,
    "actors": ActorSitemap,
    "articles": ArticleSitemap,
    "sources": SourceSitemap,
    "events": EventSitemap,
}
