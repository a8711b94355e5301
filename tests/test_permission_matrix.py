"""
Who may change what readers see, by every path that can: anonymous users,
editors and reviewers against a published briefing and its reviewed key
claims. One row per (path, actor); each says the answer expected and what
readers see afterwards.
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from briefings import editing, suggestions
from briefings.models import Article, Claim, ReviewStatus
from tests import factories
from tests.change_control import (
    ANONYMOUS,
    EDITOR,
    PROPOSER,
    REVIEWER,
    ChangeControlTestCase,
    change_form_data,
    key_claim_rows,
    messages_of,
)


@dataclass(frozen=True)
class Outcome:
    """What a write leaves behind."""

    readers_see_change: bool
    # True: a pending change waits after the write; False: none does; None: as before.
    pending: bool | None
    correction: bool


REFUSED = Outcome(readers_see_change=False, pending=None, correction=False)
PENDING = Outcome(readers_see_change=False, pending=True, correction=False)
APPLIED = Outcome(readers_see_change=True, pending=False, correction=True)
DISCARDED = Outcome(readers_see_change=False, pending=False, correction=False)
# Written, but not for readers yet (a new claim waits for review).
UNSEEN = Outcome(readers_see_change=False, pending=None, correction=False)
# Readers no longer see the briefing, which is no correction of it.
ARCHIVED = Outcome(readers_see_change=True, pending=None, correction=False)
# Readers see something new that corrects nothing they saw (an imported briefing).
ADDED = Outcome(readers_see_change=True, pending=None, correction=False)

LOGIN = "login"  # the admin sends anonymous users to its login page
API_ANONYMOUS = (401, 403)

# path: (anonymous, editor, reviewer) as (status, outcome). Statuses: 302 is the
# admin's redirect after a save or action, 200 a page shown again with a message.
MATRIX = {
    # Claim change form and its inlines.
    "claim_form_fields": (LOGIN, (302, PENDING), (302, APPLIED)),
    "claim_form_about": (LOGIN, (302, PENDING), (302, APPLIED)),
    "claim_form_evidence": (LOGIN, (302, PENDING), (302, APPLIED)),
    # The annotation workspace's JSON endpoints.
    "workspace_existing_claim": (LOGIN, (200, PENDING), (200, APPLIED)),
    "workspace_new_claim": (LOGIN, (200, UNSEEN), (200, UNSEEN)),
    "workspace_retire": (LOGIN, (200, PENDING), (200, APPLIED)),
    "workspace_accept_suggestion": (LOGIN, (302, UNSEEN), (302, UNSEEN)),
    "workspace_add_to_briefing": (LOGIN, (302, PENDING), (302, APPLIED)),
    # Claim changelist actions (mark_* are reviewers' actions: editors are not offered them).
    "set_verdict_action": (LOGIN, (302, PENDING), (302, APPLIED)),
    "mark_reviewed_action": (LOGIN, (302, REFUSED), (302, APPLIED)),
    "mark_unreviewed_action": (LOGIN, (302, REFUSED), (302, APPLIED)),
    "retire_action": (LOGIN, (302, PENDING), (302, APPLIED)),
    "reanchor_by_quote_action": (LOGIN, (302, PENDING), (302, APPLIED)),
    # History reverts: an editor's would skip review.
    "revert_claim": (LOGIN, (403, REFUSED), (302, APPLIED)),
    "revert_briefing": (LOGIN, (403, REFUSED), (302, APPLIED)),
    # The API.
    "api_patch_claim": (API_ANONYMOUS, (202, PENDING), (200, APPLIED)),
    "api_put_claim": (API_ANONYMOUS, (202, PENDING), (200, APPLIED)),
    "api_post_claim": (API_ANONYMOUS, (201, UNSEEN), (201, UNSEEN)),
    "api_review_action": (API_ANONYMOUS, (403, REFUSED), (200, APPLIED)),
    "api_patch_lede": (API_ANONYMOUS, (202, PENDING), (200, APPLIED)),
    "api_add_key_claim": (API_ANONYMOUS, (202, PENDING), (200, APPLIED)),
    "api_remove_key_claim": (API_ANONYMOUS, (202, PENDING), (200, APPLIED)),
    "api_reorder_key_claims": (API_ANONYMOUS, (202, PENDING), (200, APPLIED)),
    "api_archive": (API_ANONYMOUS, (403, REFUSED), (200, ARCHIVED)),
    "api_import_reviewed_claims": (API_ANONYMOUS, (400, REFUSED), (201, ADDED)),
    # An article imported from a file waits for a briefing to draw on it.
    "admin_import_article_file": (LOGIN, (302, UNSEEN), (302, UNSEEN)),
    # Briefing change form and its key-claim inline.
    "briefing_form_lede": (LOGIN, (302, PENDING), (302, APPLIED)),
    "briefing_form_add_key_claim": (LOGIN, (302, PENDING), (302, APPLIED)),
    "briefing_form_remove_key_claim": (LOGIN, (302, PENDING), (302, APPLIED)),
    "briefing_form_reorder_key_claims": (LOGIN, (302, PENDING), (302, APPLIED)),
    # Archiving is the workflow, not a correction: only reviewers archive, and need no reason.
    "briefing_form_archive": (LOGIN, (200, REFUSED), (302, ARCHIVED)),
    # Approve and discard an editor's ("proposer"'s) pending change.
    "admin_approve_claim": (LOGIN, (302, REFUSED), (302, APPLIED)),
    "admin_discard_claim": (LOGIN, (302, REFUSED), (302, DISCARDED)),
    "admin_approve_briefing": (LOGIN, (302, REFUSED), (302, APPLIED)),
    "api_approve_claim": (API_ANONYMOUS, (403, REFUSED), (200, APPLIED)),
    "api_discard_claim": (API_ANONYMOUS, (403, REFUSED), (200, DISCARDED)),
    "api_approve_briefing": (API_ANONYMOUS, (403, REFUSED), (200, APPLIED)),
    "api_discard_briefing": (API_ANONYMOUS, (403, REFUSED), (200, DISCARDED)),
}
# The editor who proposed a change may take it back.
PROPOSER_ROWS = {
    "admin_discard_claim": (302, DISCARDED),
    "api_discard_claim": (200, DISCARDED),
    "api_discard_briefing": (200, DISCARDED),
}


@dataclass
class Step:
    """A write by the acting user, and what readers see that it would change."""

    act: object  # () -> response
    seen: object  # () -> what readers see
    changed: object  # what readers see once the change is applied
    target: object  # the claim or briefing whose pending change counts
    # For UNSEEN rows: () -> whether the write was stored (out of readers' sight).
    stored: object = None


class PermissionMatrixTests(ChangeControlTestCase):
    def rows(self):
        for path, expected in MATRIX.items():
            yield from zip((path,) * 3, (ANONYMOUS, EDITOR, REVIEWER), expected, strict=True)
        for path, expected in PROPOSER_ROWS.items():
            yield path, PROPOSER, expected

    def test_every_path_by_every_actor(self):
        for path, who, expected in self.rows():
            with self.subTest(path=path, actor=who), self.fresh():
                self.check_row(path, who, expected)

    def check_row(self, path, who, expected):
        step = getattr(self, path)()
        self.login(who)
        before = step.seen()
        had_pending = self.pending(step.target) is not None
        corrections = len(self.corrections())
        response = step.act()
        if expected == LOGIN:
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("admin:login"), response.url)
            status, outcome = None, REFUSED
        elif expected == API_ANONYMOUS:
            self.assertIn(response.status_code, API_ANONYMOUS)
            status, outcome = None, REFUSED
        else:
            status, outcome = expected
            self.assertEqual(response.status_code, status, getattr(response, "content", b"")[:600])
        after = step.seen()
        if outcome.readers_see_change:
            self.assertNotEqual(before, step.changed, "the step changes nothing readers see")
            self.assertEqual(after, step.changed)
        else:
            self.assertEqual(after, before)
        pending = self.pending(step.target) is not None
        self.assertEqual(pending, had_pending if outcome.pending is None else outcome.pending)
        self.assertEqual(len(self.corrections()) - corrections, int(outcome.correction))
        if outcome is PENDING:
            self.assertPendingSaid(response)
        if outcome is UNSEEN and status is not None:
            self.assertTrue(step.stored())

    def assertPendingSaid(self, response):
        """The editor is told the change waits: an admin message, or the API's pending_change."""
        if response.status_code == 302:
            said = " ".join(messages_of(response))
        elif response.status_code == 202:
            self.assertIsNotNone(response.json()["pending_change"])
            return
        else:
            said = response.json()["message"]
        self.assertIn("waits for a reviewer", said)

    # What readers see of the claim and briefing --------------------------------------

    def claim_seen(self, *names, claim=None):
        def seen():
            shown = self.public_claim(claim or self.claim)
            return None if shown is None else tuple(shown[name] for name in names)

        return seen

    def claim_verdict_step(self, act):
        return Step(act, self.claim_seen("verdict", "rationale"), ("accurate", "Re-checked."), None)

    # Claim change form -----------------------------------------------------------------

    def claim_form(self, **changes):
        data = self.admin_page_data(self.claim, **changes)
        return lambda: self.admin_post(self.claim, data)

    def with_target(self, step, target=None):
        step.target = target or self.claim
        return step

    def claim_form_fields(self):
        act = self.claim_form(verdict="accurate", rationale="Re-checked.")
        return self.with_target(self.claim_verdict_step(act))

    def claim_form_about(self):
        actor = factories.ActorFactory(slug="someone-else")
        act = self.claim_form(**{"actor_links-0-actor": actor.pk})

        def seen():
            shown = self.public_claim(self.claim)
            return [ref["slug"] for ref in shown["about"]]

        return Step(act, seen, ["someone-else"], self.claim)

    def claim_form_evidence(self):
        source = factories.SourceFactory(slug="the-record")
        data = self.admin_page_data(self.claim)
        data.update(
            {
                "evidence_links-TOTAL_FORMS": 1,
                "evidence_links-0-claim": self.claim.pk,
                "evidence_links-0-source": source.pk,
                "evidence_links-0-note": "Page 3.",
            }
        )

        def seen():
            shown = self.public_claim(self.claim)
            return [(item["source"]["slug"], item["note"]) for item in shown["evidence"]]

        return Step(
            lambda: self.admin_post(self.claim, data), seen, [("the-record", "Page 3.")], self.claim
        )

    # Workspace ----------------------------------------------------------------------

    def workspace_existing_claim(self):
        data = self.workspace_data(self.claim, verdict="accurate", rationale="Re-checked.")
        return self.with_target(self.claim_verdict_step(lambda: self.workspace_save(data)))

    def workspace_new_claim(self):
        quote = "Observers disagreed."
        start = self.article.body.index(quote)
        data = {
            "body_sha256": self.article.body_sha256,
            "start": start,
            "end": start + len(quote),
            "quote": quote,
            "attribution_kind": "assertion",
            "quote_type": "none",
            "claim_type": "factual",
            "verdict": "accurate",
            "cue": "",
        }
        return Step(
            lambda: self.workspace_save(data),
            self.article_claims_seen(),
            None,
            self.briefing,
            stored=self.new_claim_stored,
        )

    def new_claim_stored(self):
        claim = Claim.objects.filter(article=self.article, quote="Observers disagreed.").get()
        return claim.review_status == ReviewStatus.UNREVIEWED

    def article_claims_seen(self):
        url = reverse("api:claim-list")

        def seen():
            response = self.reader.get(url, {"article": self.article.slug})
            return sorted(item["id"] for item in response.json()["results"])

        return seen

    def workspace_accept_suggestion(self):
        quote = "Observers disagreed."
        start = self.article.body.index(quote)
        found = {"speaker": self.claim.speaker.name, "start": start, "end": start + len(quote)}
        (suggestion,) = suggestions.suggestions_store(
            article=self.article,
            found=[{**found, "quote": quote, "cue": "said", "quote_type": "indirect"}],
        )
        data = {
            "suggestion-TOTAL_FORMS": 1,
            "suggestion-INITIAL_FORMS": 1,
            "suggestion-0-suggestion": suggestion.pk,
            "suggestion-0-selected": "on",
            "suggestion-0-speaker": self.claim.speaker_id,
            "suggestion-0-cue": "said",
            "suggestion-0-quote_type": "indirect",
            "decision": "accept",
        }
        url = reverse("admin:briefings_article_suggestions_decide", args=[self.article.pk])
        return Step(
            lambda: self.client.post(url, data),
            self.article_claims_seen(),
            None,
            self.briefing,
            stored=self.new_claim_stored,
        )

    def workspace_add_to_briefing(self):
        added = self.new_key_claim()
        self.briefing.refresh_from_db(fields=["version"])
        data = {"claims": [added.pk], "briefing": f"{self.briefing.pk}-v{self.briefing.version}"}
        url = reverse("admin:briefings_article_claims_to_briefing", args=[self.article.pk])
        return Step(
            lambda: self.client.post(url, data),
            self.key_claims_seen(),
            [self.claim.pk, self.second.pk, added.pk],
            self.briefing,
        )

    def workspace_retire(self):
        url = reverse("admin:briefings_article_claim_retire", args=[self.article.pk, self.claim.pk])
        return Step(
            lambda: self.client.post(
                url, {"reason": "Misquoted."}, headers={"Accept": "application/json"}
            ),
            self.claim_seen("id"),
            None,
            self.claim,
        )

    # Claim actions -------------------------------------------------------------------

    def action(self, name, claim=None, **extra):
        url = reverse("admin:briefings_claim_changelist")
        data = {"action": name, "_selected_action": [(claim or self.claim).pk], **extra}
        return lambda: self.client.post(url, data)

    def set_verdict_action(self):
        step = self.claim_verdict_step(self.action("set_verdict", verdict="accurate"))
        step.seen, step.changed = self.claim_seen("verdict"), ("accurate",)
        return self.with_target(step)

    def mark_reviewed_action(self):
        self.propose(verdict="accurate")
        return Step(
            self.action("mark_reviewed"), self.claim_seen("verdict"), ("accurate",), self.claim
        )

    def mark_unreviewed_action(self):
        return Step(self.action("mark_unreviewed"), self.claim_seen("id"), None, self.claim)

    def retire_action(self):
        act = self.action("retire", confirm="yes", reason="Misquoted.")
        return Step(act, self.claim_seen("id"), None, self.claim)

    def reanchor_by_quote_action(self):
        span = (self.claim.start, self.claim.end)
        # The article text changed and lost the claim; readers still see it, unanchored.
        Claim.objects.filter(pk=self.claim.pk).update(start=None, end=None)
        return Step(
            self.action("reanchor_by_quote"), self.claim_seen("start", "end"), span, self.claim
        )

    # History reverts -----------------------------------------------------------------

    def revert_page(self, obj, record, **changes):
        opts = obj._meta
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[obj.pk, record.history_id],
        )
        data = change_form_data(self.staff_client.get(url), **changes)
        return lambda: self.client.post(url, data)

    def revert_claim(self):
        record = self.claim.history.first()
        editing.claim_save(
            claim=self.claim, data={"verdict": "accurate"}, by=self.reviewer, reason="Re-checked."
        )
        return Step(
            self.revert_page(self.claim, record),
            self.claim_seen("verdict"),
            ("false",),
            self.claim,
        )

    def revert_briefing(self):
        record = self.briefing.history.first()
        editing.briefing_save(
            briefing=self.briefing, data={"lede": "A new lede."}, by=self.reviewer, reason="Why."
        )
        return Step(
            self.revert_page(self.briefing, record, correction_reason="Back to the first lede."),
            self.briefing_seen("lede"),
            ("What happened, in a sentence.",),
            self.briefing,
        )

    # API: claims -----------------------------------------------------------------------

    def claim_url(self, claim=None, action=None):
        name = f"api:claim-{action}" if action else "api:claim-detail"
        return reverse(name, args=[(claim or self.claim).pk])

    def api_patch_claim(self):
        data = {"verdict": "accurate", "rationale": "Re-checked."}
        act = lambda: self.api("patch", self.claim_url(), data, obj=self.claim)  # noqa: E731
        return self.with_target(self.claim_verdict_step(act))

    def api_put_claim(self):
        claim = self.claim
        data = {
            "article": claim.article.slug,
            "quote": claim.quote,
            "start": claim.start,
            "end": claim.end,
            "speaker": claim.speaker.slug,
            "attribution_kind": claim.attribution_kind,
            "cue": claim.cue,
            "quote_type": claim.quote_type,
            "claim_type": claim.claim_type,
            "about": [actor.slug for actor in claim.about.all()],
            "verdict": "accurate",
            "rationale": "Re-checked.",
        }
        act = lambda: self.api("put", self.claim_url(), data, obj=self.claim)  # noqa: E731
        return self.with_target(self.claim_verdict_step(act))

    def api_post_claim(self):
        quote = "Observers disagreed."
        start = self.article.body.index(quote)
        data = {
            "article": self.article.slug,
            "quote": quote,
            "start": start,
            "end": start + len(quote),
            "attribution_kind": "assertion",
            "quote_type": "none",
            "claim_type": "factual",
            "verdict": "accurate",
        }
        return Step(
            lambda: self.api("post", reverse("api:claim-list"), data),
            self.article_claims_seen(),
            None,
            self.briefing,
            stored=self.new_claim_stored,
        )

    def api_review_action(self):
        act = lambda: self.api(  # noqa: E731
            "post", self.claim_url(action="review"), {"status": "unreviewed"}, obj=self.claim
        )
        return Step(act, self.claim_seen("id"), None, self.claim)

    # API: the briefing -----------------------------------------------------------------

    def briefing_seen(self, *names):
        def seen():
            shown = self.public_briefing()
            return None if shown is None else tuple(shown[name] for name in names)

        return seen

    def key_claims_seen(self):
        def seen():
            shown = self.public_briefing()
            return [link["claim"]["id"] for link in shown["key_claims"]]

        return seen

    def patch_briefing(self, data):
        url = reverse("api:briefing-detail", args=[self.briefing.slug])
        if self.client.session.get("_auth_user_id") == str(self.reviewer.pk):
            data = {**data, "correction_reason": "Corrected for readers."}
        return self.api("patch", url, data, obj=self.briefing)

    def api_patch_lede(self):
        return Step(
            lambda: self.patch_briefing({"lede": "A corrected lede."}),
            self.briefing_seen("lede"),
            ("A corrected lede.",),
            self.briefing,
        )

    def new_key_claim(self):
        return factories.ClaimFactory(article=self.article, quote="Observers disagreed.")

    def api_add_key_claim(self):
        added = self.new_key_claim()
        ids = [self.claim.pk, self.second.pk, added.pk]
        return Step(
            lambda: self.patch_briefing({"key_claims": [{"claim": pk} for pk in ids]}),
            self.key_claims_seen(),
            ids,
            self.briefing,
        )

    def api_remove_key_claim(self):
        return Step(
            lambda: self.patch_briefing({"key_claims": [{"claim": self.second.pk}]}),
            self.key_claims_seen(),
            [self.second.pk],
            self.briefing,
        )

    def api_reorder_key_claims(self):
        ids = [self.second.pk, self.claim.pk]
        return Step(
            lambda: self.patch_briefing({"key_claims": [{"claim": pk} for pk in ids]}),
            self.key_claims_seen(),
            ids,
            self.briefing,
        )

    def api_archive(self):
        url = reverse("api:briefing-detail", args=[self.briefing.slug])
        return Step(
            lambda: self.api("patch", url, {"status": "archived"}, obj=self.briefing),
            self.briefing_seen("slug"),
            None,
            self.briefing,
        )

    def api_import_reviewed_claims(self):
        document = self.staff_client.get(
            reverse("api:briefing-export", args=[self.briefing.slug])
        ).json()
        document["briefing"]["slug"] = "imported"
        return Step(
            lambda: self.api("post", reverse("api:briefing-import-document"), document),
            lambda: (self.public_briefing("imported") or {}).get("slug"),
            "imported",
            self.briefing,
        )

    def admin_import_article_file(self):
        upload = SimpleUploadedFile("new.txt", b"Title: Imported\nSource: Wire\n\nA new text.\n")
        url = reverse("admin:briefings_article_import_file")

        def seen():
            response = self.reader.get(reverse("api:article-list"))
            return sorted(item["slug"] for item in response.json()["results"])

        return Step(
            lambda: self.client.post(url, {"file": upload}),
            seen,
            None,
            self.briefing,
            stored=Article.objects.filter(title="Imported").exists,
        )

    # Briefing change form ----------------------------------------------------------------

    def briefing_form(self, changes, reason=True):
        data = self.admin_page_data(self.briefing, **changes)

        def act():
            sent = dict(data)
            if self.client.session.get("_auth_user_id") == str(self.reviewer.pk) and reason:
                sent["correction_reason"] = "Corrected for readers."
            return self.admin_post(self.briefing, sent)

        return act

    def briefing_form_lede(self):
        return Step(
            self.briefing_form({"lede": "A corrected lede."}),
            self.briefing_seen("lede"),
            ("A corrected lede.",),
            self.briefing,
        )

    def briefing_form_add_key_claim(self):
        added = self.new_key_claim()
        changes = {"key_claim_rows": key_claim_rows(self.claim, self.second, added)}
        return Step(
            self.briefing_form(changes),
            self.key_claims_seen(),
            [self.claim.pk, self.second.pk, added.pk],
            self.briefing,
        )

    def briefing_form_remove_key_claim(self):
        return Step(
            self.briefing_form({"key_claim_rows": key_claim_rows(self.second)}),
            self.key_claims_seen(),
            [self.second.pk],
            self.briefing,
        )

    def briefing_form_reorder_key_claims(self):
        return Step(
            self.briefing_form({"key_claim_rows": key_claim_rows(self.second, self.claim)}),
            self.key_claims_seen(),
            [self.second.pk, self.claim.pk],
            self.briefing,
        )

    def briefing_form_archive(self):
        return Step(
            self.briefing_form({"status": "archived"}, reason=False),
            self.briefing_seen("slug"),
            None,
            self.briefing,
        )

    # Approve and discard ---------------------------------------------------------------

    def admin_decide(self, obj, decision):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_pending", args=[obj.pk, decision])
        return lambda: self.client.post(url, {"approve_reason": "Checked again."})

    def admin_approve_claim(self):
        self.propose()
        return Step(
            self.admin_decide(self.claim, "approve"),
            self.claim_seen("verdict"),
            ("accurate",),
            self.claim,
        )

    def admin_discard_claim(self):
        self.propose()
        return Step(
            self.admin_decide(self.claim, "discard"), self.claim_seen("verdict"), None, self.claim
        )

    def propose_lede(self):
        edit = editing.briefing_save(
            briefing=self.briefing, data={"lede": "A proposed lede."}, by=self.proposer
        )
        self.assertTrue(edit.is_pending)

    def admin_approve_briefing(self):
        self.propose_lede()
        return Step(
            self.admin_decide(self.briefing, "approve"),
            self.briefing_seen("lede"),
            ("A proposed lede.",),
            self.briefing,
        )

    def api_decide(self, obj, decision):
        name = obj._meta.model_name
        key = obj.pk if name == "claim" else obj.slug
        url = reverse(f"api:{name}-{decision}", args=[key])
        return lambda: self.api("post", url, {}, obj=obj)

    def api_approve_claim(self):
        self.propose()
        return Step(
            self.api_decide(self.claim, "approve"),
            self.claim_seen("verdict"),
            ("accurate",),
            self.claim,
        )

    def api_discard_claim(self):
        self.propose()
        return Step(
            self.api_decide(self.claim, "discard"), self.claim_seen("verdict"), None, self.claim
        )

    def api_approve_briefing(self):
        self.propose_lede()
        return Step(
            self.api_decide(self.briefing, "approve"),
            self.briefing_seen("lede"),
            ("A proposed lede.",),
            self.briefing,
        )

    def api_discard_briefing(self):
        self.propose_lede()
        return Step(
            self.api_decide(self.briefing, "discard"),
            self.briefing_seen("lede"),
            None,
            self.briefing,
        )
