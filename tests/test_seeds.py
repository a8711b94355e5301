import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from briefings.models import (
    Affiliation,
    AffiliationEvidence,
    Article,
    Briefing,
    BriefingClaim,
    Claim,
    ClaimActor,
    ReviewStatus,
    Statement,
)
from sco.models import Membership, Participation, Summit
from tests import factories

SEEDS = settings.BASE_DIR / "seeds"


def row_counts():
    """Rows per model of both apps, historical tables excluded."""
    return {
        model._meta.label: model.objects.count()
        for app in ("briefings", "sco")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.model_name.startswith("historical")
    }


def load(*files, update=False):
    out = StringIO()
    call_command("load_seeds", *map(str, files), update=update, stdout=out)
    return out.getvalue()


class SeedLoadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load()

    def test_article_body_is_the_seed_text_verbatim(self):
        article = Article.objects.get()
        self.assertEqual(
            article.body, (SEEDS / "sco-astana-summit-2024.txt").read_text(encoding="utf-8")
        )

    def test_every_claim_span_matches_its_quote(self):
        claims = Claim.objects.select_related("article")
        self.assertGreaterEqual(claims.count(), 12)
        for claim in claims:
            self.assertEqual(claim.article.body[claim.start : claim.end], claim.quote, claim)
            claim.full_clean()

    def test_attributions_are_recorded_as_a_chain(self):
        claim = Claim.objects.get(quote__startswith="The leaders of the SCO member countries")
        self.assertEqual(claim.speaker.slug, "the-kremlin")
        self.assertEqual(claim.cue, "stated")
        self.assertEqual(claim.quote_type, "direct")
        self.assertEqual(claim.channel.slug, "kremlin-release-sco-summit-2024")
        self.assertEqual(claim.channel.publisher.slug, "the-kremlin")

    def test_one_span_can_carry_claims_of_two_speakers(self):
        speakers = Claim.objects.filter(
            quote="the US-led post-Cold War era is collapsing"
        ).values_list("speaker__slug", flat=True)
        self.assertCountEqual(speakers, ["xi-jinping", "vladimir-putin"])

    def test_published_briefing_has_ordered_reviewed_key_claims(self):
        briefing = Briefing.objects.public().get()
        links = list(briefing.claim_links.select_related("claim"))
        self.assertEqual(links[0].claim.quote[:30], "Russian President Vladimir Put")
        self.assertEqual([link.position for link in links], list(range(len(links))))
        self.assertTrue(all(link.claim.review_status == ReviewStatus.REVIEWED for link in links))

    def test_sco_facts_link_to_the_claims_that_state_them(self):
        india = Participation.objects.get(participant__slug="india")
        self.assertEqual(india.status, "represented")
        self.assertEqual(india.representative.slug, "subrahmanyam-jaishankar")
        self.assertTrue(india.evidence.filter(speaker__slug="india").exists())
        astana = Summit.objects.get(slug="sco-summit-astana-2024")
        self.assertEqual((astana.start_date.isoformat(), astana.year), ("2024-07-03", 2024))
        self.assertEqual(astana.meetings.count(), 6)
        for membership in Membership.objects.all():
            self.assertTrue(membership.evidence.exists(), membership)

    def test_undated_facts_say_so_instead_of_inventing_a_date(self):
        india = Membership.objects.get(state__slug="india")
        self.assertIsNone(india.start_year)
        self.assertIsNone(india.start_date)
        self.assertEqual(india.date_text, "joined after 2001")

    def test_second_load_changes_nothing(self):
        before = row_counts()
        versions = dict(Claim.objects.values_list("pk", "version"))
        output = load()
        self.assertIn("0 created, 0 updated", output)
        self.assertEqual(row_counts(), before)
        self.assertEqual(dict(Claim.objects.values_list("pk", "version")), versions)

    def test_update_load_without_changes_changes_nothing(self):
        before = row_counts()
        self.assertIn("0 created, 0 updated", load(update=True))
        self.assertEqual(row_counts(), before)


class SeedVocabularyTests(TestCase):
    """The seed file is a briefing document: the export's sections and field names."""

    @classmethod
    def setUpTestData(cls):
        load()
        cls.reviewer = factories.reviewer()

    def export(self):
        self.client.force_login(self.reviewer)
        slug = Briefing.objects.get().slug
        response = self.client.get(f"/api/v1/briefings/{slug}/export/")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_seed_fields_are_export_fields(self):
        data = yaml.safe_load((SEEDS / "astana.yaml").read_text(encoding="utf-8"))
        document = self.export()
        conveniences = {"body_file"}
        for section, entries in data.items():
            if section == "sco":
                continue
            with self.subTest(section=section):
                entries = entries if isinstance(entries, list) else [entries]
                exported = document[section]
                exported = exported if isinstance(exported, list) else [exported]
                names = {name for row in exported for name in row} | conveniences
                self.assertLessEqual({name for row in entries for name in row}, names)

    def test_an_export_loads_as_a_seed_file(self):
        document = self.export()
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (directory / "export.yaml").write_text(json.dumps(document), encoding="utf-8")
        for model in (Briefing, AffiliationEvidence, Claim, Affiliation, Statement):
            model.objects.all().delete()
        load(directory / "export.yaml")
        self.assertEqual(self.export(), document)


class SeedFileMixin:
    """A copy of the seeds in a temporary directory, to break and load."""

    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))
        shutil.copy(SEEDS / "sco-astana-summit-2024.txt", self.dir)
        self.data = yaml.safe_load((SEEDS / "astana.yaml").read_text(encoding="utf-8"))

    def write(self, data=None, text=None):
        path = self.dir / "broken.yaml"
        path.write_text(text if text is not None else yaml.safe_dump(data, allow_unicode=True))
        return path

    def assertRefused(self, path, *fragments):
        before = row_counts()
        with self.assertRaises(CommandError) as caught:
            load(path)
        message = str(caught.exception)
        self.assertIn(str(path), message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertEqual(row_counts(), before, "a broken file must load nothing")

    def claim(self, key):
        return next(item for item in self.data["claims"] if item["key"] == key)


class BrokenSeedTests(SeedFileMixin, TestCase):
    """A broken file is refused with a message naming file, entry and problem; nothing loads."""

    def test_unknown_actor_is_named(self):
        self.claim("india-sending-jaishankar")["speaker"] = "narendra-mody"
        self.assertRefused(
            self.write(self.data),
            "claims[9] (india-sending-jaishankar)",
            "unknown actor 'narendra-mody' in speaker",
        )

    def test_quote_not_in_body_is_named(self):
        self.claim("biden-labeled-xi-dictator")["quote"] = "Biden has labelled Xi a dictator"
        self.assertRefused(
            self.write(self.data), "(biden-labeled-xi-dictator)", "is not in the article body"
        )

    def test_quote_found_twice_without_context_is_refused(self):
        self.claim("xi-putin-strengthened-alliance")["quote"] = "Putin"
        self.assertRefused(
            self.write(self.data), "(xi-putin-strengthened-alliance)", "times in the article body"
        )

    def test_context_picks_one_of_several_occurrences(self):
        claim = self.claim("xi-putin-strengthened-alliance")
        claim["quote"], claim["prefix"] = "Putin", "Since then, Xi and "
        load(self.write(self.data))
        loaded = Claim.objects.get(quote="Putin")
        body = Article.objects.get().body
        self.assertEqual(body[loaded.start - len("Since then, Xi and ") : loaded.end],
                         "Since then, Xi and Putin")  # fmt: skip

    def test_invalid_choice_is_named_with_its_field(self):
        self.claim("guterres-expected")["verdict"] = "true-ish"
        self.assertRefused(self.write(self.data), "(guterres-expected)", "verdict:")

    def test_unknown_field_is_named(self):
        self.claim("guterres-expected")["speakr"] = "antonio-guterres"
        self.assertRefused(self.write(self.data), "unknown field(s) speakr")

    def test_failure_late_in_the_file_rolls_back_everything(self):
        self.data["briefing"]["key_claims"].append({"claim": "no-such-claim"})
        self.assertRefused(self.write(self.data), "unknown claim 'no-such-claim'")
        self.assertFalse(Article.objects.exists())
        self.assertFalse(ClaimActor.objects.exists())

    def test_malformed_yaml_is_refused(self):
        self.assertRefused(self.write(text="claims: [unclosed"), "not valid YAML")

    def test_missing_body_file_is_refused(self):
        self.data["articles"][0]["body_file"] = "missing.txt"
        self.assertRefused(self.write(self.data), "cannot read body_file")

    def test_changed_body_refused_without_update(self):
        load(self.write(self.data))
        text = (self.dir / "sco-astana-summit-2024.txt").read_text(encoding="utf-8")
        (self.dir / "sco-astana-summit-2024.txt").write_text("Editor's note. " + text)
        self.assertRefused(self.write(self.data), "run with --update")

    def test_update_records_the_history_of_link_rows(self):
        load(self.write(self.data))
        self.data["briefing"]["key_claims"][0]["comment"] = "Now with a comment."
        self.claim("guterres-expected")["about"] = ["antonio-guterres"]
        load(self.write(self.data), update=True)
        link = BriefingClaim.objects.get(comment="Now with a comment.")
        self.assertEqual(link.history.first().comment, "Now with a comment.")
        self.assertEqual(link.history.first().history_change_reason, "Loaded from seeds")
        removed = ClaimActor.history.filter(history_type="-", actor__slug="united-nations")
        self.assertEqual(removed.count(), 1)

    def test_unknown_statement_key_is_named(self):
        self.claim("biden-labeled-xi-dictator")["statement"] = "Biden calls Xi a dictator"
        self.assertRefused(
            self.write(self.data),
            "claims[23] (biden-labeled-xi-dictator).statement",
            "unknown statement 'Biden calls Xi a dictator'",
        )

    def test_update_reanchors_claims_to_a_corrected_body(self):
        load(self.write(self.data))
        text = (self.dir / "sco-astana-summit-2024.txt").read_text(encoding="utf-8")
        (self.dir / "sco-astana-summit-2024.txt").write_text("Editor’s note: updated. " + text)
        load(self.write(self.data), update=True)
        article = Article.objects.get()
        self.assertTrue(article.body.startswith("Editor’s note"))
        for claim in Claim.objects.all():
            self.assertEqual(article.body[claim.start : claim.end], claim.quote)


class MistypedSeedTests(SeedFileMixin, TestCase):
    """Each wrong value is named by file, entry and field, with what was expected."""

    def test_impossible_date_is_named(self):
        text = (SEEDS / "astana.yaml").read_text(encoding="utf-8")
        broken = text.replace("published_date: 2001-06-15", "published_date: 2024-13-45")
        self.assertRefused(
            self.write(text=broken),
            "sources[3] (sco-founding-declaration-2001).published_date:",
            "“2024-13-45” value has the correct format (YYYY-MM-DD) but it is an invalid date.",
        )

    def test_list_or_boolean_for_a_date_is_named_by_type(self):
        for value, kind in (([2001], "a list"), (True, "true/false")):
            with self.subTest(value=value):
                self.data["sources"][3]["published_date"] = value
                self.assertRefused(
                    self.write(self.data),
                    "sources[3] (sco-founding-declaration-2001).published_date: "
                    f"Expected a date as text (YYYY-MM-DD), got {kind}.",
                )

    def test_number_for_aliases_is_named_by_type(self):
        self.data["actors"][0]["aliases"] = 5
        self.assertRefused(
            self.write(self.data), "actors[0] (russia).aliases: Expected a list, got a number."
        )

    def test_text_for_a_list_of_references_is_not_read_letter_by_letter(self):
        self.claim("guterres-expected")["about"] = "russia"
        meeting = self.data["sco"]["meetings"][0]
        meeting["participants"] = "russia"
        path = self.write(self.data)
        self.assertRefused(path, "(guterres-expected).about: Expected a list, got text.")
        self.claim("guterres-expected")["about"] = ["russia"]
        self.assertRefused(
            self.write(self.data),
            f"sco.meetings[0] ({meeting['slug']}).participants: Expected a list, got text.",
        )
        with self.assertRaises(CommandError) as caught:
            load(path)
        self.assertNotIn("unknown actor 'r'", str(caught.exception))

    def test_number_for_a_quote_is_named_by_type(self):
        self.claim("guterres-expected")["quote"] = 5
        self.assertRefused(
            self.write(self.data), "(guterres-expected).quote: Expected text, got a number."
        )

    def test_null_character_is_named_and_never_reaches_the_database(self):
        self.data["actors"][0]["name"] = "Rus\x00sia"
        self.data["sources"][4]["publisher"] = "rus\x00sia"
        self.assertRefused(
            self.write(self.data),
            "actors[0] (russia).name: Null characters are not allowed.",
            "sources[4] (russia-china-joint-statement-2022).publisher: "
            "Null characters are not allowed.",
        )
