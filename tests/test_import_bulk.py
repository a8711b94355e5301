"""
Large briefing imports: claims and their links are validated first and then
created in bulk, and give the same rows (history included) as saving them
one by one; the document's size is capped, naming the setting.
"""

import json
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from briefings.api.exchange import Loader
from briefings.models import Actor, Claim, ClaimActor, ClaimEvidence, ReviewStatus
from tests import factories
from tests.documents import large_document

# Row fields that differ between two imports of the same content.
VARYING = {"id", "created_at", "updated_at", "reviewed_at", "history_id", "history_date"}


def one_by_one(loader, model, rows):
    """Loader.bulk_create as the importer wrote rows before: save() each."""
    for row in rows:
        row._change_reason = loader.reason
        row.save()


def described(obj, prefix):
    """obj's field values, with related rows named by content (slugs less the document's prefix)."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in VARYING:
            continue
        value = getattr(obj, field.name)
        if field.many_to_one and value is not None:
            if isinstance(value, Claim):
                value = (value.article.slug.removeprefix(prefix), value.start)
            else:
                value = getattr(value, "slug", None) or str(value)
                value = value.removeprefix(prefix)
        values[field.name] = value
    return values


def imported_rows(prefix):
    """Every claim, link and history row of the document imported under prefix."""
    claims = Claim.objects.filter(article__slug__startswith=prefix)
    rows = {}
    for model, owner in ((Claim, "pk"), (ClaimActor, "claim"), (ClaimEvidence, "claim")):
        pks = claims.values("pk")
        for manager in (model.objects, model.history):
            found = manager.filter(**{f"{owner}__in": pks})
            rows[manager.model.__name__] = sorted(
                (described(row, prefix) for row in found), key=repr
            )
    return rows


class BulkImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = factories.editor()
        cls.reviewer = factories.reviewer()

    def import_(self, document, **headers):
        return self.client.post(
            "/api/v1/briefings/import/",
            json.dumps(document),
            content_type="application/json",
            **headers,
        )

    def test_bulk_rows_are_the_rows_saved_one_by_one(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.import_(large_document(30, slug="bulk")).status_code, 201)
        with mock.patch.object(Loader, "bulk_create", one_by_one):
            self.assertEqual(self.import_(large_document(30, slug="rows")).status_code, 201)
        bulk, rows = imported_rows("bulk"), imported_rows("rows")
        self.assertEqual(len(bulk["Claim"]), 30)
        self.assertEqual(len(bulk["HistoricalClaimEvidence"]), 30)
        self.assertEqual(bulk, rows)
        claim = Claim.objects.get(article__slug="bulk-article-0", quote="point 1 holds")
        self.assertEqual(claim.rationale_html, "<p>Checked against <em>record</em> 1.</p>")
        self.assertEqual(claim.version, 1)
        record = claim.history.get()
        self.assertEqual((record.history_user, record.history_change_reason),
                         (self.editor, "Imported"))  # fmt: skip

    def test_query_count_does_not_grow_with_claims(self):
        # Both sizes fit one INSERT per table (SQLite takes 999 parameters in one);
        # more claims add one INSERT per batch, never a query per claim.
        self.client.force_login(self.editor)
        counts = []
        for size in (10, 30):
            with CaptureQueriesContext(connection) as queries:
                response = self.import_(large_document(size, slug=f"size-{size}"))
            self.assertEqual(response.status_code, 201)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    def test_imported_published_claims_are_public_like_saved_ones(self):
        document = large_document(12)
        document["briefing"]["status"] = "published"
        for claim in document["claims"]:
            claim["review_status"] = ReviewStatus.REVIEWED
        self.client.force_login(self.reviewer)
        self.assertEqual(self.import_(document).status_code, 201)
        self.assertEqual(Claim.objects.public().count(), 12)
        self.client.logout()
        response = self.client.get("/api/v1/claims/?format=json")
        self.assertEqual(response.json()["count"], 12)

    def test_bulk_hook_is_told_of_every_row_created_in_bulk(self):
        self.client.force_login(self.editor)
        with mock.patch("briefings.api.exchange.rows_created_in_bulk") as hook:
            self.assertEqual(self.import_(large_document(5)).status_code, 201)
        told = {call.kwargs["model"]: len(call.kwargs["rows"]) for call in hook.call_args_list}
        self.assertEqual(told, {Claim: 5, ClaimActor: 5, ClaimEvidence: 5})

    def test_an_error_anywhere_writes_nothing_and_names_the_entry(self):
        self.client.force_login(self.editor)
        broken = [
            ("quote", "Not there", "claims[25].quote"),
            ("about", ["nobody"], "claims[25].about[0].actor"),
            ("attribution_kind", "assertion", "claims[25].speaker"),
            ("evidence", [{"source": "bulk-briefing-outlet", "note": "x" * 301}],
             "claims[25].evidence[0].note"),
        ]  # fmt: skip
        for field, value, place in broken:
            with self.subTest(field=field):
                document = large_document(40)
                document["claims"][25][field] = value
                response = self.import_(document)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(place, response.json())
                self.assertFalse(Actor.objects.exists())
                self.assertFalse(Claim.objects.exists())

    @override_settings(IMPORT_MAX_CLAIMS=20)
    def test_more_claims_than_the_limit_are_refused(self):
        self.client.force_login(self.editor)
        response = self.import_(large_document(21))
        self.assertEqual(response.status_code, 400)
        self.assertIn("IMPORT_MAX_CLAIMS", " ".join(response.json()["claims"]))
        self.assertFalse(Actor.objects.exists())
        self.assertEqual(self.import_(large_document(20)).status_code, 201)

    def test_a_larger_document_than_the_limit_is_refused(self):
        self.client.force_login(self.editor)
        document = large_document(20)
        size = len(json.dumps(document).encode())
        with override_settings(IMPORT_MAX_BYTES=size - 1):
            response = self.import_(document)
        self.assertEqual(response.status_code, 413)
        self.assertIn("IMPORT_MAX_BYTES", response.json()["detail"])
        self.assertFalse(Actor.objects.exists())
        with override_settings(IMPORT_MAX_BYTES=size):
            self.assertEqual(self.import_(document).status_code, 201)

    def test_documents_beyond_djangos_request_size_are_imported(self):
        self.client.force_login(self.editor)
        document = large_document(5)
        document["articles"][0]["body"] += "\nMore text." * 300_000
        body = json.dumps(document)
        self.assertGreater(len(body), 2.5 * 1024 * 1024)  # DATA_UPLOAD_MAX_MEMORY_SIZE
        response = self.client.post(
            "/api/v1/briefings/import/", body, content_type="application/json"
        )
        self.assertEqual(response.status_code, 201)
