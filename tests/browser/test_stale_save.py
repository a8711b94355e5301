"""A save from a stale workspace page shows what changed and re-applies the editor's input."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from briefings import editing
from briefings.models import Claim, Verdict
from tests import factories
from tests.browser.test_annotate import SEED_TEXT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUOTE = "“The leaders of the SCO member countries will discuss the current state"


def test_a_stale_save_shows_the_diff_and_reapplies_in_one_click(
    live_server, page, login, screenshot
):
    editor, other = factories.editor(), factories.editor()
    article = factories.ArticleFactory(title="Putin and Xi meet in Astana", body=SEED_TEXT)
    claim = factories.ClaimFactory(article=article, quote=QUOTE, rationale="First reading.")
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    page.locator(f'mark[data-claim="{claim.pk}"]').first.click()
    page.wait_for_selector(".annotator-form:not([hidden])")

    # Someone else saves the claim while this page has it open…
    editing.claim_save(
        claim=Claim.objects.get(pk=claim.pk),
        data={"verdict": Verdict.ACCURATE, "rationale": "Their <reading>."},
        by=other,
    )
    # …and this editor changes the cue and the rationale, and saves.
    page.fill("#claim_cue", "announced")
    page.fill("#claim_rationale", "My reading.")
    page.click(".annotator-form button[type=submit]")

    stale = page.locator(".annotator-stale")
    expect(stale).to_be_visible()
    expect(page.locator(".annotator-status")).to_have_text(re.compile("^Not saved"))
    rows = stale.locator("tbody tr")
    assert rows.evaluate_all("rows => rows.map(row => row.dataset.field)") == [
        "cue",
        "verdict",
        "rationale",
    ]
    verdict_row = stale.locator('tr[data-field="verdict"] td')
    assert verdict_row.all_inner_texts() == ["Accurate", "Unverified"]
    # The word diff is the server's, escaped: their text shows as text, not as a tag.
    assert stale.locator('tr[data-field="rationale"] del').inner_text() == "Their <reading>."
    assert stale.locator('tr[data-field="rationale"] ins').inner_text() == "My reading."
    screenshot(page, "stale-save-diff")

    stale.get_by_role("button", name="Re-apply my changes on the current version").click()
    expect(page.locator(".annotator-status")).to_have_text(re.compile("^Saved claim"))
    expect(stale).to_be_hidden()

    stored = Claim.objects.get(pk=claim.pk)
    # Theirs where this editor left a field alone, this editor's where they changed it.
    assert (stored.verdict, stored.cue, stored.rationale) == (
        Verdict.ACCURATE,
        "announced",
        "My reading.",
    )
    assert stored.version == claim.version + 2
    # The form now shows the saved claim, on its new version.
    assert page.input_value("#claim_edit_version") == str(stored.version)
    assert page.input_value("#claim_verdict") == Verdict.ACCURATE
    screenshot(page, "stale-save-reapplied")


def test_a_stale_change_form_shows_the_table_and_saves_over_the_current_version(
    live_server, page, login, screenshot
):
    editor, other = factories.editor(), factories.editor()
    claim = factories.ClaimFactory(rationale="First reading.")
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_claim_change", args=[claim.pk]))
    editing.claim_save(
        claim=Claim.objects.get(pk=claim.pk), data={"rationale": "Their reading."}, by=other
    )
    page.fill("#id_cue", "announced")
    page.click("input[name=_save]")

    table = page.locator(".stale-changes")
    expect(table).to_be_visible()
    assert table.locator("tbody tr").evaluate_all("rows => rows.map(row => row.dataset.field)") == [
        "cue",
        "rationale",
    ]
    screenshot(page, "stale-save-change-form")

    table.get_by_role("button", name="Save my input over the current version").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.cue, stored.rationale, stored.version) == (
        "announced",
        "First reading.",
        claim.version + 2,
    )
