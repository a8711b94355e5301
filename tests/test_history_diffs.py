"""History shows long texts whole, and the revert page shows what a revert changes."""

from django.test import TestCase
from django.urls import reverse

from briefings import editing
from briefings.history import word_diff
from tests import factories
from tests.test_history import actor_form_data

LONG = (
    "Eurasian security and defence club established in 2001 by China, Russia and four "
    "Central Asian states, which has since grown to include India, Pakistan and Iran."
)


class LongTextDiffTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()

    def setUp(self):
        self.client.force_login(self.editor)
        self.actor = factories.ActorFactory(name="SCO", description=LONG)
        change_url = reverse("admin:briefings_actor_change", args=[self.actor.pk])
        self.client.post(
            change_url,
            actor_form_data(self.actor, description=LONG.replace("Iran.", "Iran and Belarus.")),
        )
        self.actor.refresh_from_db()

    def test_history_shows_a_long_text_change_whole(self):
        response = self.client.get(reverse("admin:briefings_actor_history", args=[self.actor.pk]))
        self.assertContains(response, "<strong>Description:</strong>")
        self.assertContains(response, "Eurasian security and defence club established in 2001")
        self.assertContains(response, "<del>Iran.</del>", html=True)
        self.assertContains(response, "<ins>Iran and Belarus.</ins>", html=True)
        self.assertNotContains(response, "[...")

    def test_revert_page_shows_what_reverting_changes(self):
        first = self.actor.history.earliest()
        response = self.client.get(
            reverse("admin:briefings_actor_simple_history", args=[self.actor.pk, first.history_id])
        )
        self.assertContains(response, "What reverting changes")
        # Reverting takes Belarus out again: the current text is the old side.
        self.assertContains(response, "<del>Iran and Belarus.</del>", html=True)
        self.assertContains(response, "<ins>Iran.</ins>", html=True)

    def test_revert_page_of_the_current_version_says_nothing_changes(self):
        latest = self.actor.history.latest()
        response = self.client.get(
            reverse("admin:briefings_actor_simple_history", args=[self.actor.pk, latest.history_id])
        )
        self.assertContains(response, "This is the current version")


class RevertLinkDiffTests(TestCase):
    def test_revert_page_lists_the_link_rows_a_revert_adds_back_and_removes(self):
        editor = factories.editor()
        kept, dropped, added = factories.ClaimFactory.create_batch(3)
        briefing = factories.BriefingFactory(claims=[kept, dropped])
        editing.briefing_save(
            briefing=briefing,
            data={"lede": "First."},
            by=editor,
        )
        version = briefing.history.first()
        editing.briefing_save(
            briefing=briefing,
            data={"key_claims": [{"claim": kept}, {"claim": added}]},
            by=editor,
        )
        self.client.force_login(editor)
        response = self.client.get(
            reverse(
                "admin:briefings_briefing_simple_history", args=[briefing.pk, version.history_id]
            )
        )
        self.assertContains(response, f"+ key claim: #{dropped.pk}")
        self.assertContains(response, f"− key claim: #{added.pk}")
        self.assertNotContains(response, f"key claim: #{kept.pk}")


class WordDiffTests(TestCase):
    def test_segments_cover_both_texts(self):
        segments = word_diff("one two three", "one four three")
        self.assertEqual(
            segments,
            [("same", "one "), ("removed", "two"), ("added", "four"), ("same", " three")],
        )
        self.assertEqual("".join(t for kind, t in segments if kind != "added"), "one two three")
        self.assertEqual("".join(t for kind, t in segments if kind != "removed"), "one four three")
