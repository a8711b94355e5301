"""
Atom feeds: the latest published briefings, and per actor or event the new
claims and briefings about them. Every item comes through the same
visibility rule as the pages (visible_to), and every entry names an author.
"""

from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from briefings.models import (
    Actor,
    Briefing,
    BriefingActor,
    BriefingAuthor,
    Claim,
    ClaimActor,
    Event,
)

FEED_LENGTH = 30
SITE_NAME = "Briefings"


def with_authors(briefings):
    """Briefings with their authors in `author_list`, in one more query."""
    return briefings.prefetch_related(
        Prefetch(
            "author_links",
            queryset=BriefingAuthor.objects.select_related("user"),
            to_attr="author_list",
        )
    )


def author_names(briefing):
    names = [
        link.user.get_full_name() or link.user.username
        for link in getattr(briefing, "author_list", [])
    ]
    return ", ".join(names) or SITE_NAME


class BriefingEntries:
    """What a feed says about a briefing."""

    author_name = SITE_NAME

    def item_title(self, item):
        if isinstance(item, Claim):
            speaker = item.speaker.name if item.speaker else "The article"
            quote = Truncator(item.quote).chars(120)
            return f"{speaker}: “{quote}”"
        return item.title

    def item_description(self, item):
        if isinstance(item, Claim):
            return f"Verdict: {item.get_verdict_display()}. {item.rationale}".strip()
        return item.lede

    def item_author_name(self, item):
        if isinstance(item, Claim):
            return SITE_NAME
        return author_names(item)

    def item_pubdate(self, item):
        if isinstance(item, Claim):
            return item.reviewed_at or item.created_at
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestBriefingsFeed(BriefingEntries, Feed):
    feed_type = Atom1Feed
    title = SITE_NAME
    subtitle = "Short, sourced briefings: who claimed what, and how much of it holds up."

    def link(self):
        return reverse("briefings:home")

    def items(self):
        return with_authors(Briefing.objects.public().order_by("-published_at"))[:FEED_LENGTH]


class FeedSubject(NamedTuple):
    """The actor or event a feed is about, and who reads it."""

    obj: object
    reader: object


class ObjectFeed(BriefingEntries, Feed):
    """
    New claims and briefings about one actor or event, newest first. The
    object itself answers 404 when the reader may not see it. Subclasses say
    which claims and briefings are about it (claims_filter, briefings_filter).
    """

    feed_type = Atom1Feed
    model = None

    def get_object(self, request, slug):
        # One Feed instance serves every request: the reader travels with the subject.
        obj = get_object_or_404(self.model.objects.visible_to(request.user), slug=slug)
        return FeedSubject(obj, request.user)

    def link(self, subject):
        return subject.obj.get_absolute_url()

    def title(self, subject):
        return f"{subject.obj.name} · {SITE_NAME}"

    def items(self, subject):
        obj, reader = subject
        claims = (
            Claim.objects.visible_to(reader)
            .filter(self.claims_filter(obj))
            .select_related("speaker")
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )
        briefings = with_authors(
            Briefing.objects.visible_to(reader)
            .filter(self.briefings_filter(obj))
            .order_by("-published_at", "-pk")
        )[:FEED_LENGTH]
        entries = [*claims, *briefings]
        entries.sort(key=self.item_pubdate, reverse=True)
        return entries[:FEED_LENGTH]


class ActorFeed(ObjectFeed):
    model = Actor

    def subtitle(self, subject):
        name = subject.obj.name
        return f"New claims by and about {name}, and the briefings that cover them."

    def claims_filter(self, obj):
        return Q(speaker=obj) | Q(pk__in=ClaimActor.objects.filter(actor=obj).values("claim"))

    def briefings_filter(self, obj):
        return Q(pk__in=BriefingActor.objects.filter(actor=obj).values("briefing"))


class EventFeed(ObjectFeed):
    model = Event

    def subtitle(self, subject):
        return f"New claims and briefings about {subject.obj.name}."

    def claims_filter(self, obj):
        return Q(event=obj)

    def briefings_filter(self, obj):
        return Q(event=obj)
