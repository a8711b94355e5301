"""
The editor's whole job on the workspace, in a real browser: a new speaker made
from the annotation form, an article imported and its suggested claims confirmed.
"""

import json
import time

import pytest
from django.conf import settings
from django.urls import reverse

from briefings.models import Article, Briefing, Claim, SuggestionStatus
from tests import editor_data, factories
from tests.browser.test_annotate import (
    SEED_TEXT,
    SELECT_JS,
    SENTENCE,
    save_claim,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_new_speaker_is_added_from_the_annotation_form(live_server, page, login, screenshot):
    editor = factories.editor()
    article = factories.ArticleFactory(body=SEED_TEXT)
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    page.evaluate(SELECT_JS, SENTENCE)
    page.click("[data-action=new-claim]")
    page.keyboard.press("Escape")  # close the speaker search the form opened with
    page.click(".field-speaker .quick-add-open")
    page.fill("#quick-add-speaker-name", "Republic of India")
    page.select_option("#quick-add-speaker-kind", "state")
    page.fill("#quick-add-speaker-wikidata_qid", "Q668")
    screenshot(page, "quick-add-actor")
    page.click(".field-speaker .quick-add .button.default")
    page.wait_for_selector(".field-speaker .quick-add", state="hidden")
    assert "Republic of India" in page.inner_text(".field-speaker .select2-selection__rendered")
    page.fill("#claim_cue", "stated")
    page.select_option("#claim_claim_type", "announcement")
    save_claim(page)
    claim = Claim.objects.get(quote=SENTENCE)
    assert (claim.speaker.name, claim.speaker.wikidata_qid) == ("Republic of India", "Q668")


def test_an_editor_imports_an_article_and_confirms_its_suggestions(
    live_server, page, login, seeds, screenshot, tmp_path
):
    """
    Times the job as an editor does it: upload, check, accept all, then add
    every claim to a new briefing; prints clicks and seconds.
    """
    editor = factories.editor()
    story = tmp_path / "astana.txt"
    story.write_text(
        "Title: Putin and Xi meet in Astana (wire copy)\nSource: Wire service\n\n"
        f"{SEED_TEXT}\nThe summit ends on Thursday.\n"
    )
    login(page, editor)
    started = time.monotonic()
    page.goto(live_server.url + reverse("admin:briefings_article_changelist"))
    page.click("text=Import from a file")  # 1
    page.set_input_files("#id_file", str(story))  # 2
    page.click("input[type=submit][value=Import]")  # 3
    page.wait_for_selector("#suggestions")
    article = Article.objects.get(title="Putin and Xi meet in Astana (wire copy)")
    open_count = article.suggestions.count()
    assert open_count >= 15
    page.check("[data-action=select-all-suggestions]")  # 4
    page.click("button[name=decision][value=accept]")  # 5
    page.wait_for_selector(".messagelist")
    confirmed = time.monotonic() - started
    screenshot(page, "suggestions-accepted", full_page=True)
    accepted = article.suggestions.filter(status=SuggestionStatus.ACCEPTED).count()
    left = article.suggestions.filter(status=SuggestionStatus.OPEN).count()
    assert accepted == article.claims.count() >= open_count - left
    assert accepted + left == open_count
    # "New briefing" is the first choice: select all, name it, add.
    page.check("#to_briefing_all")  # 6
    page.click("#to_briefing_title")  # 7
    page.keyboard.type("The Astana summit in the wire copy")
    page.keyboard.press("Tab")
    page.keyboard.type("The two leaders met on the summit's sidelines.")
    page.click("#to-briefing button[type=submit]")  # 8
    page.wait_for_selector(".to-briefing-status a")
    seconds = time.monotonic() - started
    screenshot(page, "claims-added-to-briefing")
    briefing = Briefing.objects.get(title="The Astana summit in the wire copy")
    in_text_order = list(article.claims.order_by("start").values_list("pk", flat=True))
    assert editor_data.key_claim_order(briefing) == in_text_order
    assert "Created the draft briefing" in page.inner_text(".to-briefing-status")
    print(
        f"\nImport and confirm {open_count} suggestions: 5 clicks, {confirmed:.1f} s; "
        f"{accepted} claims made, {left} left for a new speaker; "
        f"and added to a new briefing: 8 clicks, {seconds:.1f} s in all"
    )


GOLD = json.loads(
    (settings.BASE_DIR / "tests" / "gold" / "sco-astana-summit-2024.json").read_text()
)


def test_an_editor_marks_the_seed_articles_claims_by_hand(live_server, page, login, seeds):
    """
    Times the same job done by hand, one gold claim of the seed article at a
    time: select, Enter, type the speaker and pick it, cue, quote type where the
    form guessed wrong, claim type, save. Playwright acts at once and never
    reads, so its seconds are a lower bound of an editor's.
    """
    article = factories.ArticleFactory(body=SEED_TEXT)
    login(page, factories.editor())
    started = time.monotonic()
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    actions = 0
    for gold in GOLD["claims"]:
        page.evaluate(SELECT_JS, gold["quote"])
        page.keyboard.press("Enter")  # the form opens with the speaker search open
        # Type key by key (select2 skips the first input after an Enter), then
        # take the speaker from the results.
        page.locator(".select2-container--open .select2-search__field").press_sequentially(
            gold["speaker"]
        )
        page.locator(".select2-results__option").get_by_text(gold["speaker"], exact=True).click()
        page.fill("#claim_cue", gold["cue"])
        actions += 5
        if page.input_value("#claim_quote_type") != gold["quote_type"]:
            page.select_option("#claim_quote_type", gold["quote_type"])
            actions += 1
        page.select_option("#claim_claim_type", "position")
        save_claim(page)
        actions += 2
    seconds = time.monotonic() - started

    made = {
        (claim.speaker.name, claim.quote, claim.cue, claim.quote_type)
        for claim in article.claims.select_related("speaker")
    }
    assert made == {(c["speaker"], c["quote"], c["cue"], c["quote_type"]) for c in GOLD["claims"]}
    print(f"\nBy hand: {len(made)} claims, {actions} actions, {seconds:.1f} s")
