"""reverse_one gives exactly what reverse() gives, only faster."""

from django.test import SimpleTestCase
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from briefings.reversing import reverse_one


class ReverseOneTests(SimpleTestCase):
    def test_matches_reverse_for_slugs_and_ids(self):
        for name, value in [
            ("briefings:actor-detail", "xi-jinping"),
            ("briefings:claim-detail", 42),
            ("sco:summit-detail", "sco_summit_2024"),
        ]:
            self.assertEqual(reverse_one(name, value), reverse(name, args=[value]))

    def test_values_a_converter_would_refuse_still_fail_like_reverse(self):
        for name, value in [
            ("briefings:claim-detail", None),  # an unsaved claim
            ("briefings:actor-detail", ""),
            ("briefings:actor-detail", "two words"),
        ]:
            with self.subTest(value=value), self.assertRaises(NoReverseMatch):
                reverse_one(name, value)

    def test_follows_the_script_prefix(self):
        set_script_prefix("/news/")
        self.addCleanup(clear_script_prefix)
        self.assertEqual(reverse_one("briefings:claim-detail", 7), "/news/claims/7/")
