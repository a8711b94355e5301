"""
A refused stale save shows what changed since the editor opened the object,
and applies the editor's input on the current version in one step (issue 11).
"""

from django.urls import reverse

from briefings import editing
from briefings.models import Claim
from tests import factories
from tests.change_control import (
    EDITOR,
    REVIEWER,
    ChangeControlTestCase,
    messages_of,
)


class StaleSaveTestCase(ChangeControlTestCase):
    def change_meanwhile(self, **data):
        """Someone else's reviewed change to the claim; return its new version."""
        edit = editing.claim_save(
            claim=Claim.objects.get(pk=self.claim.pk),
            data=data,
            by=self.reviewer,
            reason="Checked again.",
        )
        return edit.obj.version

    def stored(self):
        return Claim.objects.get(pk=self.claim.pk)


class WorkspaceStaleSaveTests(StaleSaveTestCase):
    def setUp(self):
        super().setUp()
        self.login(REVIEWER)
        # The page as the editor opened it, before the other change.
        self.opened = self.workspace_data(self.claim)
        self.current_version = self.change_meanwhile(verdict="accurate", rationale="Theirs.")

    def test_a_stale_save_answers_409_with_the_current_claim_and_what_differs(self):
        response = self.workspace_save(
            {**self.opened, "cue": "announced", "rationale": "Mine <b>now</b>."}
        )
        self.assertEqual(response.status_code, 409)
        body = response.json()
        self.assertIn("was changed by reviewer", body["errors"]["__all__"][0])
        self.assertEqual(body["current"]["id"], self.claim.pk)
        self.assertEqual(body["current"]["version"], self.current_version)
        self.assertEqual(body["current"]["verdict"], "accurate")
        self.assertEqual(body["current"]["rationale"], "Theirs.")
        # Only the fields where the current version and the input differ: the verdict
        # the editor left alone, and the two they changed.
        changes = {change["field"]: change for change in body["changes"]}
        self.assertEqual(set(changes), {"cue", "verdict", "rationale"})
        self.assertEqual(
            {key: changes["verdict"][key] for key in ("label", "stored", "yours", "diff_html")},
            {"label": "Verdict", "stored": "Accurate", "yours": "False", "diff_html": None},
        )
        self.assertEqual(
            (changes["cue"]["stored"], changes["cue"]["yours"]), ("stated", "announced")
        )
        # Text fields come with a word diff, escaped.
        self.assertEqual(
            changes["rationale"]["diff_html"],
            "<del>Theirs.</del> <ins>Mine &lt;b&gt;now&lt;/b&gt;.</ins>",
        )
        # Nothing saved.
        stored = self.stored()
        self.assertEqual(
            (stored.version, stored.cue, stored.rationale, stored.verdict),
            (self.current_version, "stated", "Theirs.", "accurate"),
        )

    def test_reapplying_on_the_current_version_saves_and_bumps_it(self):
        refused = self.workspace_save({**self.opened, "cue": "announced"}).json()
        # What the page's script posts: the editor's changed field, the current values of
        # the rest, on the current version.
        current = refused["current"]
        merged = {
            **self.opened,
            "cue": "announced",
            "verdict": current["verdict"],
            "rationale": current["rationale"],
            "edit_version": current["version"],
        }
        response = self.workspace_save(merged)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["claim"]["version"], current["version"] + 1)
        stored = self.stored()
        self.assertEqual(
            (stored.version, stored.cue, stored.rationale, stored.verdict),
            (current["version"] + 1, "announced", "Theirs.", "accurate"),
        )

    def test_an_empty_about_list_left_alone_is_no_change(self):
        self.claim.actor_links.all().delete()
        opened = self.workspace_data(self.stored())
        self.change_meanwhile(cue="declared")
        response = self.workspace_save(opened)
        self.assertEqual(response.status_code, 409)
        self.assertEqual([change["field"] for change in response.json()["changes"]], ["cue"])

    def test_a_save_refused_for_other_reasons_is_still_a_400(self):
        response = self.workspace_save(
            {**self.opened, "edit_version": self.current_version, "speaker": ""}
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("current", response.json())


class AdminStaleSaveTests(StaleSaveTestCase):
    def setUp(self):
        super().setUp()
        self.url = reverse("admin:briefings_claim_change", args=[self.claim.pk])
        # The change page as the editor opened it, with their input.
        self.input = self.admin_page_data(self.claim, cue="announced")
        self.current_version = self.change_meanwhile(verdict="accurate", rationale="Theirs.")

    def refused(self, data):
        """Post the change form; assert it was refused as stale and return the page."""
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "after you opened it")
        self.assertContains(response, "Changed since you opened it")
        return response

    def test_a_stale_form_shows_what_changed_and_saves_over_the_current_version(self):
        self.login(REVIEWER)
        page = self.refused(self.input)
        self.assertEqual(
            [row["field"] for row in page.context["stale_changes"]],
            ["cue", "verdict", "rationale"],
        )
        self.assertContains(page, '<tr data-field="verdict"><th scope="row">Verdict</th>')
        self.assertContains(page, "<del>Theirs.</del> <ins>Checked against record 0.</ins>")
        self.assertContains(
            page,
            f'<button type="submit" class="button default" name="reapply" '
            f'value="{self.current_version}">Save my input over the current version</button>',
            html=True,
        )
        self.assertEqual(self.stored().version, self.current_version)

        response = self.client.post(self.url, {**self.input, "reapply": self.current_version})
        self.assertEqual(response.status_code, 302, messages_of(response))
        stored = self.stored()
        # The editor's input, as the table showed, over the current version.
        self.assertEqual(
            (stored.version, stored.cue, stored.verdict, stored.rationale),
            (self.current_version + 1, "announced", "false", "Checked against record 0."),
        )

    def test_an_editors_reapply_on_a_public_claim_stays_pending(self):
        self.login(EDITOR)
        self.refused(self.input)
        response = self.client.post(self.url, {**self.input, "reapply": self.current_version})
        self.assertEqual(response.status_code, 302)
        self.assertIn("your change waits for a reviewer", " ".join(messages_of(response)))
        stored = self.stored()
        # Readers keep the approved claim; the input waits for a reviewer.
        self.assertEqual((stored.cue, stored.verdict), ("stated", "accurate"))
        self.assertEqual(self.pending(self.claim).data["cue"], "announced")
        self.assertEqual(self.pending(self.claim).created_by, self.editor)

    def test_a_change_landing_between_refusal_and_reapply_is_refused_again(self):
        self.login(REVIEWER)
        self.refused(self.input)
        newest = self.change_meanwhile(cue="declared")
        page = self.refused({**self.input, "reapply": self.current_version})
        # The new refusal offers the newest version, and nothing was saved.
        self.assertEqual(page.context["stale_version"], newest)
        stored = self.stored()
        self.assertEqual((stored.version, stored.cue), (newest, "declared"))

    def test_a_reapply_version_that_is_not_a_number_is_refused(self):
        self.login(REVIEWER)
        response = self.client.post(self.url, {**self.input, "reapply": "latest"})
        self.assertContains(response, "“latest” is not a version to save over")
        self.assertEqual(self.stored().version, self.current_version)


class BriefingStaleSaveTests(ChangeControlTestCase):
    """Every versioned change form offers the same, here a draft briefing with key claims."""

    def test_only_the_changed_fields_are_listed_and_the_reapply_saves(self):
        self.login(REVIEWER)
        draft = factories.BriefingFactory(claims=[self.claim, self.second])
        url = reverse("admin:briefings_briefing_change", args=[draft.pk])
        data = self.admin_page_data(draft, title="My title")
        version = editing.briefing_save(
            briefing=draft, data={"lede": "Their lede."}, by=self.reviewer
        ).obj.version

        page = self.client.post(url, data)
        self.assertContains(page, "Changed since you opened it")
        rows = page.context["stale_changes"]
        self.assertEqual(
            [(row["field"], row["stored"], row["yours"]) for row in rows],
            [
                ("title", draft.title, "My title"),
                ("lede", "Their lede.", "What happened, in a sentence."),
            ],
        )

        response = self.client.post(url, {**data, "reapply": version})
        self.assertEqual(response.status_code, 302, messages_of(response))
        draft.refresh_from_db()
        self.assertEqual(
            (draft.version, draft.title, draft.lede),
            (version + 1, "My title", "What happened, in a sentence."),
        )
        self.assertEqual(
            list(draft.claim_links.order_by("position").values_list("claim", flat=True)),
            [self.claim.pk, self.second.pk],
        )
