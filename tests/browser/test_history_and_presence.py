"""History with links and revert, retiring orphans and edit presence, in a real browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from briefings import editing, services
from briefings.models import Claim, ClaimEvidence, ReviewStatus
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_orphan_is_retired_from_the_workspace(live_server, page, login, screenshot):
    editor = factories.editor()
    article = factories.ArticleFactory()
    orphan = factories.ClaimFactory(article=article)
    Claim.objects.filter(pk=orphan.pk).update(start=None, end=None)
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    screenshot(page, "workspace-orphan", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#claim-{orphan.pk} form.claim-retire button").click()
    expect(page.locator(".annotator-status")).to_have_text(re.compile(r"^Retired"), timeout=10_000)
    assert page.locator(".claim-list-orphaned").is_hidden()
    orphan.refresh_from_db()
    assert orphan.review_status == ReviewStatus.RETIRED


def test_history_shows_link_changes_and_revert_restores_them(live_server, page, login, screenshot):
    editor = factories.editor(username="ana")
    xi = factories.ActorFactory(name="Xi Jinping")
    putin = factories.ActorFactory(name="Vladimir Putin")
    claim = factories.ClaimFactory()
    editing.claim_save(claim=claim, data={"about": [xi]}, by=editor)
    version = claim.history.first()
    editing.claim_save(claim=claim, data={"cue": "announced", "about": [putin]}, by=editor)
    ClaimEvidence.objects.create(
        claim=claim, source=factories.SourceFactory(name="Kremlin release")
    )
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_claim_history", args=[claim.pk]))
    changes = page.locator("#change-history").inner_text()
    assert "+ about: Vladimir Putin" in changes
    assert "− about: Xi Jinping" in changes
    assert "+ evidence: Kremlin release" in changes
    screenshot(page, "history-claim-links", full_page=True)

    revert_url = reverse(
        "admin:briefings_claim_simple_history", args=[claim.pk, version.history_id]
    )
    page.locator(f'a[href="{revert_url}"]').click()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert list(claim.about.all()) == [xi]
    assert not claim.evidence_links.exists()
    page.goto(live_server.url + reverse("admin:briefings_claim_history", args=[claim.pk]))
    assert "Reverted to the version of" in page.locator("#change-history").inner_text()
    screenshot(page, "history-claim-reverted", full_page=True)


def test_presence_is_refreshed_while_open_and_cleared_on_leave(
    live_server, browser, page, login, monkeypatch, screenshot
):
    monkeypatch.setattr(services, "PRESENCE_PING_SECONDS", 1)
    ana = factories.editor(username="ana", first_name="Ana")
    ben = factories.editor(username="ben", first_name="Ben")
    actor = factories.ActorFactory(name="Kassym-Jomart Tokayev")
    url = live_server.url + reverse("admin:briefings_actor_change", args=[actor.pk])
    login(page, ana)
    page.goto(url)
    other_context = browser.new_context()
    other = other_context.new_page()
    try:
        login(other, ben)
        other.goto(url)
        assert "Also editing this actor: Ana" in other.locator(".messagelist").first.inner_text()
        # Ana's page learns from its heartbeat that Ben came in…
        notice = page.locator(".edit-presence")
        notice.wait_for(state="visible")
        assert "Also editing now: Ben" in notice.inner_text()
        screenshot(page, "presence-also-editing")
        # …and that he left.
        other.goto(live_server.url + reverse("admin:index"))
        notice.wait_for(state="hidden")
    finally:
        other_context.close()
