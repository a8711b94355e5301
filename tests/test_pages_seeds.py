"""Every public URL renders with the real seeds loaded (manage.py load_seeds)."""

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from briefings.models import Actor, Article, Briefing, Claim, Event, Source

SLUG = "putin-and-xi-meet-at-sco-summit-in-astana"


class SeedPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_seeds", verbosity=0)
        cls.briefing = Briefing.objects.get(slug=SLUG)

    def test_seed_briefing_page_shows_claims_article_and_summit(self):
        response = self.client.get(self.briefing.get_absolute_url())
        self.assertContains(response, f"<h1>{self.briefing.title}</h1>", html=False)
        self.assertContains(response, '<details class="claim"')
        self.assertContains(response, '<mark class="claim-span')
        self.assertContains(response, '<span class="verdict verdict-')

    def test_every_public_object_of_the_seeds_has_a_page(self):
        objects = [
            *Claim.objects.public(),
            *Actor.objects.public(),
            *Article.objects.public(),
            *Source.objects.public(),
            *Event.objects.public(),
        ]
        self.assertGreater(len(objects), 20)
        for obj in objects:
            with self.subTest(obj=str(obj)):
                self.assertEqual(self.client.get(obj.get_absolute_url()).status_code, 200)

    def test_site_pages_render_with_the_seeds(self):
        for path in (
            reverse("briefings:home"),
            reverse("sco:overview"),
            reverse("briefings:search") + "?q=Putin",
            reverse("briefings:feed"),
            "/sitemap.xml",
            "/robots.txt",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 200)
        self.assertContains(self.client.get(reverse("sco:overview")), "<svg")
