"""The Atom feed, sitemap.xml and robots.txt."""

from unittest import mock
from xml.etree import ElementTree

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from briefings.sitemaps import SITEMAPS, ClaimSitemap
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published = factories.published_briefing(claims=2)
        cls.draft = factories.BriefingFactory(title="Draft briefing")

    def test_atom_feed_lists_published_briefings_only(self):
        response = self.client.get(reverse("briefings:feed"))
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        feed = ElementTree.fromstring(response.content)
        titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
        self.assertEqual(titles, [self.published.title])
        link = next(feed.iter(f"{ATOM}entry")).find(f"{ATOM}link").get("href")
        self.assertTrue(link.endswith(self.published.get_absolute_url()))

    def test_every_page_advertises_the_feed(self):
        response = self.client.get(self.published.get_absolute_url())
        self.assertContains(
            response,
            '<link rel="alternate" type="application/atom+xml" title="Briefings (Atom)" '
            f'href="{reverse("briefings:feed")}">',
        )


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published = factories.published_briefing(claims=2)
        cls.draft = factories.BriefingFactory(claims=[factories.ClaimFactory()])

    def locs(self, path):
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200)
        tree = ElementTree.fromstring(response.content)
        return [loc.text for loc in tree.iter(f"{SITEMAP_NS}loc")]

    def locations(self):
        """Every URL of every sitemap the index lists."""
        sections = self.locs("/sitemap.xml")
        return [url for section in sections for url in self.locs(section)]

    def test_the_index_lists_one_sitemap_per_kind_of_page(self):
        self.assertEqual(
            self.locs("/sitemap.xml"),
            [f"http://testserver/sitemap-{section}.xml" for section in SITEMAPS],
        )

    def test_a_section_is_paged_at_its_limit(self):
        with mock.patch.object(ClaimSitemap, "limit", 1):
            cache.clear()
            index = self.locs("/sitemap.xml")
            self.assertIn("http://testserver/sitemap-claims.xml?p=2", index)
            first = self.locs("/sitemap-claims.xml")
            second = self.locs("/sitemap-claims.xml?p=2")
        self.assertEqual(len(first), 1)
        self.assertEqual(len(second), 1)
        self.assertNotEqual(first, second)

    def test_lists_public_pages(self):
        locations = self.locations()
        claim = self.published.key_claims.first()
        for path in (
            "/",
            "/sco/",
            self.published.get_absolute_url(),
            claim.get_absolute_url(),
            claim.article.get_absolute_url(),
            claim.speaker.get_absolute_url(),
            claim.article.source.get_absolute_url(),
        ):
            self.assertIn(f"http://testserver{path}", locations)

    def test_leaves_out_drafts_and_what_only_they_show(self):
        locations = self.locations()
        claim = self.draft.key_claims.get()
        for path in (
            self.draft.get_absolute_url(),
            claim.get_absolute_url(),
            claim.article.get_absolute_url(),
            claim.speaker.get_absolute_url(),
        ):
            self.assertNotIn(f"http://testserver{path}", locations)


class RobotsTests(TestCase):
    def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertContains(response, "Disallow: /admin/")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")
