"""
Change control against a running server, outside any test transaction: the
annotation workspace, an editor's change to what readers see waiting for a
reviewer (API and admin), and editors and a reviewer racing on one pending
change. Each request runs in a transaction of its own, so the row locks the
write path takes are real (see test_live_server.py).
"""

import re
import threading
from html.parser import HTMLParser

from django.urls import reverse

from briefings.models import Claim, Correction, PendingChange, ReviewStatus, Verdict
from tests import factories
from tests.test_live_server import TIMEOUT_SECONDS, LiveServerTests

ROUNDS = 12
# Each round of the approval race sets up its own pending change first.
APPROVAL_ROUNDS = 6


class FormFields(HTMLParser):
    """
    The fields a browser would submit from the form with id `form_id`:
    name → list of values (inputs, checked boxes, selected options, textareas).
    """

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields = {}
        self.inside = False
        self.select = None
        self.textarea = None

    def add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "image", "reset", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            # Browsers drop the newline that follows <textarea>.
            if self.textarea:
                value = self.fields[self.textarea][-1]
                self.fields[self.textarea][-1] = value.removeprefix("\n")
            self.textarea = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    assert parser.fields, f"no form #{form_id} on the page"
    return parser.fields


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


class LiveChangeControlTests(LiveServerTests):
    def reader_page(self, live, briefing):
        """The briefing's public page as an anonymous reader gets it (through the page cache)."""
        status, _, html = live.page("GET", briefing.get_absolute_url(), signed_in=False)
        self.assertEqual(status, 200)
        return html

    def etag(self, live, url):
        status, headers, body = live.request("GET", url)
        self.assertEqual(status, 200, body)
        return headers["ETag"]

    # The annotation workspace ---------------------------------------------------

    def test_workspace_creates_edits_and_retires_claims_over_http(self):
        editor, reviewer = factories.editor(), factories.reviewer()
        briefing = factories.published_briefing(claims=2)
        public, public_orphan = (link.claim for link in briefing.claim_links.order_by("position"))
        article = public.article
        live = self.client_for(editor)
        save_url = reverse("admin:briefings_article_claim_save", args=[article.pk])
        quote = "Observers disagreed"
        start = article.body.index(quote)
        form = {
            "body_sha256": article.body_sha256,
            "start": start,
            "end": start + len(quote),
            "quote": quote,
            "attribution_kind": "reported",
            "quote_type": "indirect",
            "claim_type": public.claim_type,
            "speaker": public.speaker_id,
            "verdict": Verdict.UNVERIFIED,
            "cue": "argued",
        }

        status, _, body = live.request("POST", save_url, form=form)
        self.assertEqual(status, 200, body)
        made = Claim.objects.get(pk=body["claim"]["id"])
        self.assertEqual(
            (made.quote, made.review_status, made.created_by, made.cue),
            (quote, ReviewStatus.UNREVIEWED, editor, "argued"),
        )

        # Readers do not see it yet: the change is written at once.
        edit = {**form, "claim": made.pk, "edit_version": made.version, "cue": "insisted"}
        status, _, body = live.request("POST", save_url, form=edit)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["message"], "")
        made.refresh_from_db()
        self.assertEqual((made.cue, made.version), ("insisted", 2))
        # The same form again names a version that is gone: refused, not applied.
        status, _, body = live.request("POST", save_url, form={**edit, "cue": "stale"})
        self.assertEqual(status, 409, body)
        self.assertIn("after you opened it", body["errors"]["__all__"][0])
        self.assertEqual(body["current"]["version"], 2)
        self.assertEqual([change["field"] for change in body["changes"]], ["cue"])
        status, _, body = live.request(
            "POST", save_url, form={**form, "claim": made.pk, "edit_version": 2, "end": start + 3}
        )
        self.assertEqual(status, 400, body)
        made.refresh_from_db()
        self.assertEqual((made.cue, made.end, made.version), ("insisted", start + len(quote), 2))

        # Readers see this one: the change waits for a reviewer, the row keeps the approved verdict.
        approved_verdict = public.verdict
        status, _, body = live.request(
            "POST",
            save_url,
            form={
                "body_sha256": article.body_sha256,
                "claim": public.pk,
                "edit_version": public.version,
                "start": public.start,
                "end": public.end,
                "quote": public.quote,
                "attribution_kind": public.attribution_kind,
                "speaker": public.speaker_id,
                "quote_type": public.quote_type,
                "claim_type": public.claim_type,
                "cue": public.cue,
                "rationale": public.rationale,
                "verdict": Verdict.MISLEADING,
                "about": [actor.pk for actor in public.about.all()],
            },
        )
        self.assertEqual(status, 200, body)
        self.assertIn("waits for a reviewer", body["message"])
        self.assertEqual((body["claim"]["verdict"], body["claim"]["pending"]), ("misleading", True))
        public.refresh_from_db()
        self.assertEqual((public.verdict, public.version), (approved_verdict, 2))
        self.assertEqual(public.pending_change.data, {"verdict": "misleading"})

        # An orphan readers never saw is retired at once.
        orphan = factories.ClaimFactory(
            article=article, start=None, end=None, quote="A sentence since removed", unreviewed=True
        )
        retire_url = reverse("admin:briefings_article_claim_retire", args=[article.pk, orphan.pk])
        json_answer = {"Accept": "application/json"}
        status, _, body = live.request("POST", retire_url, form={}, headers=json_answer)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["message"], f"Retired claim #{orphan.pk}.")
        orphan.refresh_from_db()
        self.assertEqual(orphan.review_status, ReviewStatus.RETIRED)

        # A public claim whose text is gone: an editor's retirement waits for a reviewer…
        Claim.objects.filter(pk=public_orphan.pk).update(start=None, end=None)
        retire_url = reverse(
            "admin:briefings_article_claim_retire", args=[article.pk, public_orphan.pk]
        )
        status, _, body = live.request("POST", retire_url, form={}, headers=json_answer)
        self.assertEqual(status, 200, body)
        self.assertIn("waits for a reviewer", body["message"])
        public_orphan.refresh_from_db()
        self.assertEqual(public_orphan.review_status, ReviewStatus.REVIEWED)
        self.assertEqual(public_orphan.pending_change.data, {"retire": True})
        # …and a reviewer's needs a reason for readers, shown as a correction.
        checker = self.client_for(reviewer)
        status, _, body = checker.request("POST", retire_url, form={}, headers=json_answer)
        self.assertEqual(status, 400, body)
        self.assertIn("reason", body["errors"])
        status, _, body = checker.request(
            "POST", retire_url, form={"reason": "The quote was misattributed."}, headers=json_answer
        )
        self.assertEqual(status, 200, body)
        public_orphan.refresh_from_db()
        self.assertEqual(public_orphan.review_status, ReviewStatus.RETIRED)
        self.assertFalse(PendingChange.objects.filter(claim=public_orphan).exists())
        self.assertEqual(
            list(briefing.corrections.values_list("reason", flat=True)),
            ["The quote was misattributed."],
        )

    # Approval ---------------------------------------------------------------------

    def test_editors_changes_to_a_public_claim_merge_and_a_reviewer_approves_them(self):
        briefing = factories.published_briefing(claims=1)
        claim = briefing.claim_links.get().claim
        url = reverse("api:claim-detail", args=[claim.pk])
        first, second = (self.client_for(factories.editor()) for _ in range(2))
        checker = self.client_for(factories.reviewer())
        page = self.reader_page(first, briefing)
        self.assertIn(f"Why “{claim.get_verdict_display()}”", page)

        status, _, body = first.request(
            "PATCH",
            url,
            json_data={"verdict": "misleading"},
            headers={"If-Match": self.etag(first, url)},
        )
        self.assertEqual(status, 202, body)
        self.assertEqual(
            (body["verdict"], body["pending_change"]["data"]), ("false", {"verdict": "misleading"})
        )
        change = PendingChange.objects.get(claim=claim)

        status, _, body = second.request(
            "PATCH",
            url,
            json_data={"rationale": "The record says otherwise."},
            headers={"If-Match": self.etag(second, url)},
        )
        self.assertEqual(status, 202, body)
        both = {"verdict": "misleading", "rationale": "The record says otherwise."}
        self.assertEqual(body["pending_change"]["data"], both)
        self.assertEqual(list(PendingChange.objects.values_list("pk", "data")), [(change.pk, both)])
        # Readers still see the approved claim (and the page cache did not keep it by mistake).
        self.assertEqual(self.reader_page(first, briefing), page)

        approve = reverse("api:claim-approve", args=[claim.pk])
        status, _, body = checker.request(
            "POST", approve, json_data={"reason": "The record was misread."}
        )
        self.assertEqual(status, 428, body)
        status, _, body = checker.request(
            "POST",
            approve,
            json_data={"reason": "The record was misread."},
            headers={"If-Match": self.etag(checker, url)},
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(
            (body["verdict"], body["rationale"], body["pending_change"]),
            ("misleading", "The record says otherwise.", None),
        )
        page = self.reader_page(first, briefing)
        self.assertIn("Why “Misleading”", page)
        self.assertIn("The record says otherwise.", page)
        self.assertIn("The record was misread.", page)
        self.assertEqual(briefing.corrections.count(), 1)

    def test_an_editors_lede_waits_for_the_admin_approve_button(self):
        briefing = factories.published_briefing(claims=1, lede="The approved lede.")
        change_url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
        writer = self.client_for(factories.editor())
        status, _, html = writer.page("GET", change_url)
        self.assertEqual(status, 200)
        form = form_fields(html, "briefing_form")
        self.assertEqual(form["edit_version"], [str(briefing.version)])

        status, headers, html = writer.page(
            "POST", change_url, form={**form, "lede": "The corrected lede."}
        )
        self.assertEqual(status, 302, html)
        briefing.refresh_from_db()
        self.assertEqual((briefing.lede, briefing.version), ("The approved lede.", 2))
        self.assertEqual(briefing.pending_change.data, {"lede": "The corrected lede."})
        self.assertIn("The approved lede.", self.reader_page(writer, briefing))
        # The form the editor saved from is stale now: shown again with the reason, not applied.
        status, _, html = writer.page("POST", change_url, form={**form, "lede": "A third lede."})
        self.assertEqual(status, 200)
        self.assertIn("after you opened it", html)
        self.assertEqual(
            PendingChange.objects.get(briefing=briefing).data, {"lede": "The corrected lede."}
        )

        checker = self.client_for(factories.reviewer())
        status, _, html = checker.page("GET", change_url)
        self.assertEqual(status, 200)
        approve = reverse("admin:briefings_briefing_pending", args=[briefing.pk, "approve"])
        self.assertIn(approve, html)
        status, headers, html = checker.page(
            "POST",
            approve,
            form={"csrfmiddlewaretoken": csrf_token(html), "approve_reason": "The lede was vague."},
        )
        self.assertEqual((status, headers["Location"]), (302, change_url), html)
        briefing.refresh_from_db()
        self.assertEqual(briefing.lede, "The corrected lede.")
        self.assertFalse(PendingChange.objects.filter(briefing=briefing).exists())
        page = self.reader_page(writer, briefing)
        self.assertIn("The corrected lede.", page)
        self.assertIn("The lede was vague.", page)

    # Concurrency on a pending change ----------------------------------------------

    def start_threads(self, *targets):
        """Run each target in a thread of its own, all at once; wait for them to end."""
        start = threading.Barrier(len(targets))

        def run(target):
            start.wait(timeout=TIMEOUT_SECONDS)
            target()

        threads = [threading.Thread(target=run, args=[target]) for target in targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIMEOUT_SECONDS * 4)
            self.assertFalse(thread.is_alive(), "a client hung")

    def test_editors_racing_on_one_pending_change_lose_no_write(self):
        briefing = factories.published_briefing(claims=1)
        claim = briefing.claim_links.get().claim
        approved = {"rationale": claim.rationale, "said_date_text": claim.said_date_text}
        url = reverse("api:claim-detail", args=[claim.pk])
        writers = [
            (self.client_for(factories.editor()), "rationale"),
            (self.client_for(factories.editor()), "said_date_text"),
        ]
        results = {field: [] for _, field in writers}

        def writer(live, field):
            def write():
                etag = None
                for round_ in range(ROUNDS):
                    if etag is None:
                        status, headers, _ = live.request("GET", url)
                        assert status == 200, status
                        etag = headers["ETag"]
                    value = f"{field} {round_}"
                    status, headers, body = live.request(
                        "PATCH", url, json_data={field: value}, headers={"If-Match": etag}
                    )
                    results[field].append((status, value, body))
                    # Accepted, the answer's ETag names the version it made (so the
                    # editor writes on without reading); refused, read again.
                    etag = headers["ETag"] if status == 202 else None
                    if status not in (202, 412) or status == 202 and not etag:
                        return

            return write

        self.start_threads(*(writer(live, field) for live, field in writers))

        answers = {field: [status for status, _, _ in writes] for field, writes in results.items()}
        # A writer that stopped early (an unexpected answer) made fewer attempts.
        self.assertEqual([len(writes) for writes in answers.values()], [ROUNDS, ROUNDS], answers)
        statuses = [status for writes in answers.values() for status in writes]
        self.assertLessEqual(set(statuses), {202, 412}, answers)
        accepted = sorted(
            (body["version"], field, value, body)
            for field, writes in results.items()
            for status, value, body in writes
            if status == 202
        )
        # A refusal means the other editor's write landed since the last read.
        self.assertGreaterEqual(len(accepted), ROUNDS)
        stored = Claim.objects.get(pk=claim.pk)
        self.assertEqual(
            [version for version, *_ in accepted],
            list(range(claim.version + 1, stored.version + 1)),
        )
        latest = {}
        for _version, field, value, body in accepted:
            latest[field] = value
            self.assertEqual(body["pending_change"]["data"], latest)
            self.assertEqual({name: body[name] for name in approved}, approved)
        self.assertEqual(stored.pending_change.data, latest)
        self.assertEqual({name: getattr(stored, name) for name in approved}, approved)

    def test_a_reviewer_approving_while_an_editor_writes(self):
        """
        Each round an editor proposes a rationale, then writes the cue while a
        reviewer approves. With the version the reviewer read, one of the two
        wins and the other gets 412; with "*", the approval takes whatever is
        pending when it runs, so the editor's write is approved or refused, never
        left behind.
        """
        briefing = factories.published_briefing(claims=1)
        claim = briefing.claim_links.get().claim
        url = reverse("api:claim-detail", args=[claim.pk])
        approve = reverse("api:claim-approve", args=[claim.pk])
        writer = self.client_for(factories.editor())
        checker = self.client_for(factories.reviewer())
        row = {"rationale": claim.rationale, "cue": claim.cue}
        pending = {}
        approvals = 0
        for round_ in range(APPROVAL_ROUNDS):
            proposal = {"rationale": f"Proposal {round_}."}
            status, _, body = writer.request(
                "PATCH", url, json_data=proposal, headers={"If-Match": self.etag(writer, url)}
            )
            self.assertEqual(status, 202, body)
            pending.update(proposal)
            editor_etag = self.etag(writer, url)
            reviewer_match = self.etag(checker, url) if round_ % 2 else "*"
            answers = {}

            def write(round_=round_, editor_etag=editor_etag, answers=answers):
                answers["editor"] = writer.request(
                    "PATCH",
                    url,
                    json_data={"cue": f"cue {round_}"},
                    headers={"If-Match": editor_etag},
                )

            def approve_(reviewer_match=reviewer_match, answers=answers):
                answers["reviewer"] = checker.request(
                    "POST", approve, json_data={}, headers={"If-Match": reviewer_match}
                )

            self.start_threads(write, approve_)

            wrote, approved = answers["editor"][0], answers["reviewer"][0]
            self.assertIn(wrote, (202, 412), answers)
            self.assertIn(approved, (200, 412), answers)
            if reviewer_match == "*":
                self.assertEqual(approved, 200, answers)
            else:
                # Both named the same version: exactly one of them wins.
                self.assertEqual(sorted([wrote, approved]), [202 if wrote == 202 else 200, 412])
            if wrote == 202:
                pending["cue"] = f"cue {round_}"
            if approved == 200:
                row.update(pending)
                pending = {}
                approvals += 1
                # What the approval wrote is exactly what it answered.
                self.assertEqual({name: answers["reviewer"][2][name] for name in row}, row)
            stored = Claim.objects.select_related("pending_change").get(pk=claim.pk)
            self.assertEqual({name: getattr(stored, name) for name in row}, row, answers)
            stored_pending = getattr(stored, "pending_change", None)
            self.assertEqual(stored_pending.data if stored_pending else {}, pending, answers)
        self.assertEqual(Correction.objects.filter(briefing=briefing).count(), approvals)
        self.assertGreater(approvals, 0)
