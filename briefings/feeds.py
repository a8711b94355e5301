"""The Atom feed of published briefings."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from briefings.models import Briefing

FEED_LENGTH = 30


class LatestBriefingsFeed(Feed):
    feed_type = Atom1Feed
    title = "Briefings"
    subtitle = "Short, sourced briefings: who claimed what, and how much of it holds up."

    def link(self):
        return reverse("briefings:home")

    def items(self):
        return Briefing.objects.public().order_by("-published_at")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lede

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
