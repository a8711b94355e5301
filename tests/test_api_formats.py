"""Standard formats: Web Annotation, ClaimReview, Popolo, and the briefing exchange document."""

import datetime
import json

from django.test import TestCase
from django.utils import timezone

from briefings.models import (
    Actor,
    ActorAlias,
    ActorKind,
    Affiliation,
    AffiliationEvidence,
    AffiliationKind,
    Article,
    Briefing,
    Claim,
    ClaimEvidence,
    Correction,
    Event,
    ReviewStatus,
    Source,
    Statement,
    Verdict,
)
from tests import factories

# Emoji, Cyrillic and Chinese before the span: offsets must count code points.
UNICODE_BODY = "🇷🇺 Путин и 习近平 met. “We will deepen cooperation,” the Kremlin stated."


class FormatData:
    @classmethod
    def setUpTestData(cls):
        cls.china = factories.ActorFactory(name="China", slug="china", kind=ActorKind.STATE)
        cls.xi = factories.ActorFactory(
            name="Xi Jinping", slug="xi-jinping", wikidata_qid="Q15031", country=cls.china
        )
        ActorAlias.objects.create(actor=cls.xi, name="习近平", language="zh")
        Affiliation.objects.create(
            actor=cls.xi,
            organisation=cls.china,
            kind=AffiliationKind.OFFICE,
            role="President",
            start_date=datetime.date(2013, 3, 14),
        )
        cls.kremlin = factories.ActorFactory(name="The Kremlin", slug="kremlin", kind="body")
        cls.article = factories.ArticleFactory(
            slug="astana", body=UNICODE_BODY, url="https://example.org/astana"
        )
        cls.claim = factories.ClaimFactory(
            article=cls.article,
            speaker=cls.kremlin,
            verdict=Verdict.MOSTLY_ACCURATE,
            rationale="The release says so.",
            said_date=datetime.date(2024, 7, 2),
        )
        cls.unjudged = factories.ClaimFactory(article=cls.article, quote="Путин и 习近平 met")
        cls.briefing = factories.BriefingFactory(
            published=True, slug="astana-briefing", claims=[cls.claim, cls.unjudged]
        )
        cls.briefing.actors.add(cls.xi)


class AnnotationTests(FormatData, TestCase):
    def test_claim_as_web_annotation_with_code_point_offsets(self):
        response = self.client.get(f"/api/v1/claims/{self.claim.pk}/annotation/")
        self.assertEqual(
            response.headers["Content-Type"],
            'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
        )
        annotation = response.json()
        self.assertEqual(annotation["@context"], "http://www.w3.org/ns/anno.jsonld")
        self.assertEqual(annotation["type"], "Annotation")
        quote, position = annotation["target"]["selector"]
        self.assertEqual(quote["type"], "TextQuoteSelector")
        self.assertEqual(quote["exact"], "We will deepen cooperation")
        self.assertEqual(position["type"], "TextPositionSelector")
        self.assertEqual(UNICODE_BODY[position["start"] : position["end"]], quote["exact"])
        self.assertEqual(position["start"], UNICODE_BODY.index("We will"))
        self.assertEqual(annotation["target"]["source"], "http://testserver/articles/astana/")
        assessing = [b for b in annotation["body"] if b.get("purpose") == "assessing"]
        self.assertEqual(assessing[0]["value"], "Mostly accurate: The release says so.")

    def test_plain_json_on_request(self):
        response = self.client.get(
            f"/api/v1/claims/{self.claim.pk}/annotation/", headers={"Accept": "application/json"}
        )
        self.assertEqual(response.headers["Content-Type"], "application/json")

    def test_article_annotation_collection(self):
        collection = self.client.get("/api/v1/articles/astana/annotations/").json()
        self.assertEqual(collection["type"], "AnnotationCollection")
        self.assertEqual(collection["total"], 2)
        page = collection["first"]
        self.assertEqual(page["type"], "AnnotationPage")
        exact = [item["target"]["selector"][0]["exact"] for item in page["items"]]
        self.assertEqual(exact, ["Путин и 习近平 met", "We will deepen cooperation"])


class ClaimReviewTests(FormatData, TestCase):
    def test_judged_claim_as_claim_review(self):
        review = self.client.get(f"/api/v1/claims/{self.claim.pk}/claimreview/").json()
        self.assertEqual(review["@context"], "https://schema.org")
        self.assertEqual(review["@type"], "ClaimReview")
        self.assertEqual(review["claimReviewed"], "We will deepen cooperation")
        self.assertEqual(review["reviewRating"]["ratingValue"], 4)
        self.assertEqual(review["reviewRating"]["alternateName"], "Mostly accurate")
        self.assertEqual(review["itemReviewed"]["author"]["name"], "The Kremlin")
        self.assertEqual(review["itemReviewed"]["author"]["@type"], "Organization")
        self.assertEqual(review["itemReviewed"]["appearance"]["url"], "https://example.org/astana")
        self.assertEqual(review["url"], f"http://testserver/claims/{self.claim.pk}/")

    def test_unverified_claim_has_no_claim_review(self):
        response = self.client.get(f"/api/v1/claims/{self.unjudged.pk}/claimreview/")
        self.assertEqual(response.status_code, 404)

    def test_unratable_verdict_has_no_rating_value(self):
        self.claim.verdict = Verdict.OPINION
        self.claim.save()
        review = self.client.get(f"/api/v1/claims/{self.claim.pk}/claimreview/").json()
        self.assertNotIn("ratingValue", review["reviewRating"])


class PopoloTests(FormatData, TestCase):
    def test_actor_as_popolo(self):
        popolo = self.client.get("/api/v1/actors/xi-jinping/popolo/").json()
        (person,) = popolo["persons"]
        self.assertEqual(person["name"], "Xi Jinping")
        self.assertEqual(person["identifiers"], [{"scheme": "wikidata", "identifier": "Q15031"}])
        self.assertEqual(person["other_names"], [{"name": "习近平", "note": "zh"}])
        (membership,) = popolo["memberships"]
        self.assertEqual(membership["person_id"], "xi-jinping")
        self.assertEqual(membership["organization_id"], "china")
        self.assertEqual(membership["role"], "President")
        self.assertEqual(membership["start_date"], "2013-03-14")
        self.assertNotIn("end_date", membership)
        self.assertEqual([o["id"] for o in popolo["organizations"]], ["china"])


def entry_keys(document, section):
    return {name for row in document[section] for name in row}


def wipe():
    """Delete every newsroom row, as on a fresh site."""
    Briefing.objects.all().delete()
    AffiliationEvidence.objects.all().delete()
    Claim.objects.all().delete()
    Affiliation.objects.all().delete()
    Statement.objects.all().delete()
    Article.objects.all().delete()
    Event.objects.all().delete()
    Source.objects.all().delete()
    Actor.objects.filter(country__isnull=False).delete()
    Actor.objects.all().delete()


class ExchangeTests(FormatData, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.reviewer = factories.reviewer()
        cls.editor = factories.editor()
        release = factories.SourceFactory(
            slug="kremlin-release", kind="release", publisher=cls.kremlin
        )
        cls.claim.channel = release
        cls.claim.speaker_role = Affiliation.objects.create(
            actor=cls.kremlin, organisation=cls.china, kind=AffiliationKind.PART_OF
        )
        cls.claim.statement = Statement.objects.create(summary="Cooperation", speaker=cls.kremlin)
        cls.claim.review_status = ReviewStatus.REVIEWED
        cls.claim.reviewed_at = timezone.now()
        cls.claim.editor_note = "Check the Russian text."
        cls.claim.event = factories.EventFactory(slug="summit", country=cls.china)
        cls.claim.save()
        cls.claim.about.add(cls.xi)
        ClaimEvidence.objects.create(claim=cls.claim, source=release, note="Release text")
        cls.unjudged.review_status = ReviewStatus.REVIEWED
        cls.unjudged.reviewed_at = timezone.now()
        cls.unjudged.save()
        cls.briefing.claim_links.filter(claim=cls.claim).update(comment="The key line.")
        cls.briefing.event = cls.claim.event
        cls.briefing.analysis = "Some *analysis*."
        cls.briefing.save()
        Correction.objects.create(briefing=cls.briefing, reason="Fixed a name.")
        cls.other = factories.ClaimFactory(article=cls.article, quote="the Kremlin stated")

    def export(self):
        response = self.client.get("/api/v1/briefings/astana-briefing/export/")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def import_(self, document):
        return self.client.post(
            "/api/v1/briefings/import/", json.dumps(document), content_type="application/json"
        )

    def test_export_holds_everything_the_briefing_references(self):
        self.client.force_login(self.reviewer)
        document = self.export()
        # The briefing's actors, every speaker on its article (key claim or not), countries.
        speakers = {self.unjudged.speaker.slug, self.other.speaker.slug}
        self.assertEqual(
            {a["slug"] for a in document["actors"]}, {"china", "kremlin", "xi-jinping", *speakers}
        )
        self.assertEqual(len(document["claims"]), 3)
        self.assertEqual({s["slug"] for s in document["sources"]},
                         {"kremlin-release", self.article.source.slug})  # fmt: skip
        self.assertEqual(document["briefing"]["key_claims"][0]["comment"], "The key line.")
        self.assertEqual(document["claims"][0]["key"], f"astana@{UNICODE_BODY.index('Путин')}-"
                         f"{UNICODE_BODY.index(' met') + 4}")  # fmt: skip

    def test_internal_notes_are_exported_for_staff_only(self):
        self.assertNotIn("editor_note", self.export()["claims"][0])
        self.client.force_login(self.reviewer)
        self.assertIn("editor_note", self.export()["claims"][0])

    def test_round_trip_reproduces_every_field(self):
        self.client.force_login(self.reviewer)
        document = self.export()
        wipe()
        self.assertFalse(Claim.objects.exists())
        response = self.import_(document)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["status"], "published")
        self.assertEqual(self.export(), document)

    def test_import_is_all_or_nothing_with_errors_naming_the_place(self):
        self.client.force_login(self.reviewer)
        document = self.export()
        wipe()
        document["claims"][1]["quote"] = "Not in the text"
        response = self.import_(document)
        self.assertEqual(response.status_code, 400)
        self.assertIn("claims[1].quote", response.json())
        self.assertFalse(Actor.objects.exists())

    def test_editor_cannot_import_a_published_briefing(self):
        self.client.force_login(self.reviewer)
        document = self.export()
        wipe()
        for claim in document["claims"]:
            claim.update(review_status="unreviewed", reviewed_at=None)
        self.client.force_login(self.editor)
        self.assertEqual(self.import_(document).status_code, 403)
        self.assertFalse(Actor.objects.exists())
        document["briefing"]["status"] = "draft"
        self.assertEqual(self.import_(document).status_code, 201)

    def test_editor_cannot_import_reviewed_claims(self):
        self.client.force_login(self.reviewer)
        document = self.export()
        document["briefing"]["status"] = "draft"
        wipe()
        self.client.force_login(self.editor)
        response = self.import_(document)
        self.assertEqual(response.status_code, 400)
        message = " ".join(response.json()["claims"])
        self.assertIn("Only a reviewer may import claims marked reviewed", message)
        reviewed = [c["key"] for c in document["claims"] if c["review_status"] == "reviewed"]
        self.assertTrue(reviewed)
        for key in reviewed:
            self.assertIn(key, message)
        self.assertFalse(Actor.objects.exists())
        self.client.force_login(self.reviewer)
        self.assertEqual(self.import_(document).status_code, 201)
        self.assertEqual(Claim.objects.filter(review_status="reviewed").count(), len(reviewed))

    def test_export_shows_readers_only_bare_references_to_what_they_may_not_see(self):
        # China has no public page: it is only the organisation of the speaker's
        # role, the event's country and a country, never covered, quoted or spoken about.
        Actor.objects.filter(pk=self.china.pk).update(
            description="Secret dossier.", wikidata_qid="Q148"
        )
        ActorAlias.objects.create(actor=self.china, name="Middle Kingdom")
        hidden = factories.SourceFactory(slug="hidden-source", url="https://example.org/hidden")
        Affiliation.objects.filter(actor=self.kremlin).update(source=hidden)
        self.assertFalse(Actor.objects.public().filter(pk=self.china.pk).exists())
        self.assertFalse(Source.objects.public().filter(pk=hidden.pk).exists())

        def entry(document, section, slug):
            return next(row for row in document[section] if row["slug"] == slug)

        document = self.export()
        self.assertEqual(
            entry(document, "actors", "china"), {"slug": "china", "name": "China", "kind": "state"}
        )
        self.assertEqual(
            entry(document, "sources", "hidden-source"),
            {"slug": "hidden-source", "name": hidden.name, "kind": hidden.kind},
        )
        self.assertNotIn("Secret dossier.", json.dumps(document))
        self.assertNotIn("Middle Kingdom", json.dumps(document))
        self.assertIn("Q15031", json.dumps(document))  # Xi is public: all of him
        self.client.force_login(self.reviewer)
        document = self.export()
        self.assertEqual(entry(document, "actors", "china")["description"], "Secret dossier.")
        self.assertEqual(entry(document, "actors", "china")["aliases"], [
            {"name": "Middle Kingdom", "language": ""}
        ])  # fmt: skip
        self.assertEqual(entry(document, "sources", "hidden-source")["url"], hidden.url)

    def test_export_leaves_out_claims_the_reader_may_not_see(self):
        retired = factories.ClaimFactory(article=self.article, quote="met")
        Claim.objects.filter(pk=retired.pk).update(
            review_status=ReviewStatus.RETIRED, reviewed_at=timezone.now()
        )
        public = Claim.objects.public()
        self.assertNotIn(retired, public)
        exported = {(c["start"], c["quote"]) for c in self.export()["claims"]}
        self.assertEqual(exported, {(c.start, c.quote) for c in public})
        self.client.force_login(self.reviewer)
        self.assertEqual(len(self.export()["claims"]), 4)

    def test_document_fields_are_the_api_fields(self):
        self.client.force_login(self.reviewer)
        document = self.export()
        api = self.client.get(f"/api/v1/claims/{self.claim.pk}/?format=json").json()
        self.assertEqual(
            set(document["claims"][0]) - {"key"}, set(api) & set(document["claims"][0])
        )
        api = self.client.get("/api/v1/actors/xi-jinping/?format=json").json()
        self.assertLessEqual(set(entry_keys(document, "actors")), set(api))

    def test_existing_briefing_slug_is_refused(self):
        self.client.force_login(self.reviewer)
        response = self.import_(self.export())
        self.assertEqual(response.status_code, 400)
        self.assertIn("briefing.slug", response.json())

    def test_malformed_documents_are_400s(self):
        self.client.force_login(self.reviewer)
        document = self.export()
        wipe()
        broken = [
            [],
            {"format": "something else"},
            {**document, "actors": "nope"},
            {**document, "claims": [{"article": ["astana"], "start": [1]}]},
            {**document, "articles": [{**document["articles"][0], "published_at": [2024]}]},
        ]
        for bad in broken:
            with self.subTest(document=str(bad)[:60]):
                response = self.import_(bad)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertNotIn("briefing.slug", response.json())
        # An offset Python accepts but PostgreSQL refuses is stored as UTC.
        document["articles"][0]["retrieved_at"] = "2024-07-03T04:00:16-19:50"
        self.assertEqual(self.import_(document).status_code, 201)
