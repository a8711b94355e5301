"""An editor annotates an article, and the admin refuses what it must, in a real browser."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from briefings.models import ActorAlias, Briefing, BriefingStatus, Claim
from tests import factories

# serialized_rollback restores the Editors and Reviewers groups the migrations made.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEED_TEXT = (
    Path(__file__).resolve().parents[2] / "seeds" / "sco-astana-summit-2024.txt"
).read_text()
SENTENCE = (
    "India stated that Prime Minister Narendra Modi, who is anticipated in Moscow later this "
    "month, will not be in attendance."
)
EMOJI_TEXT = (
    "Флаги 🇷🇺 и 🇨🇳 над Астаной 🎌. Путин сказал: «Мы готовы к диалогу». "
    "Xi Jinping said the partnership “has no limits” and welcomed the guests."
)

# Select `text` in the article text as a user would, by DOM range (UTF-16 indexes).
SELECT_JS = """
(text) => {
  const body = document.querySelector('.annotator-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let total = 0;
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, total]);
    total += walker.currentNode.data.length;
  }
  const start = body.textContent.indexOf(text);
  const end = start + text.length;
  const at = (index) => {
    for (const [node, offset] of nodes) {
      if (index <= offset + node.data.length) return [node, index - offset];
    }
  };
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(end));
  body.focus();
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
"""


def pick_autocomplete(page, text):
    """Type into the open select2 search box and take the first result."""
    page.fill(".select2-container--open .select2-search__field", text)
    page.wait_for_selector(".select2-results__option--highlighted")
    page.keyboard.press("Enter")


def save_claim(page):
    page.click(".annotator-form button[type=submit]")
    # A locator assertion, not wait_for_function: that evaluates a string, which the CSP refuses.
    expect(page.locator(".annotator-status")).not_to_have_text(
        re.compile(r"^Saving"), timeout=10_000
    )
    status = page.inner_text(".annotator-status")
    errors = page.eval_on_selector_all(
        ".annotator-form .errorlist li", "items => items.map(i => i.textContent)"
    )
    assert status.startswith("Saved claim"), errors


def test_editor_selects_a_sentence_saves_a_claim_and_sees_it_highlighted(
    live_server, page, login, screenshot
):
    editor = factories.editor()
    putin = factories.ActorFactory(name="Vladimir Putin")
    india = factories.ActorFactory(name="India", kind="state")
    ActorAlias.objects.create(actor=india, name="Republic of India")
    article = factories.ArticleFactory(title="Putin and Xi meet in Astana", body=SEED_TEXT)
    factories.ClaimFactory(
        article=article,
        quote="“The leaders of the SCO member countries will discuss the current state",
        speaker=putin,
    )
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    page.evaluate(SELECT_JS, SENTENCE)
    page.click("[data-action=new-claim]")
    assert page.input_value("#claim_quote") == SENTENCE
    pick_autocomplete(page, "republic of")  # an alias finds India
    page.fill("#claim_cue", "stated")
    page.select_option("#claim_claim_type", "announcement")
    save_claim(page)

    claim = Claim.objects.get(quote=SENTENCE)
    assert (claim.start, claim.end) == (
        SEED_TEXT.index(SENTENCE),
        SEED_TEXT.index(SENTENCE) + len(SENTENCE),
    )
    assert claim.speaker == india
    mark = page.locator(f'mark[data-claim="{claim.pk}"]')
    assert mark.inner_text() == SENTENCE
    assert page.locator(f"#claim-{claim.pk}").is_visible()
    screenshot(page, "annotate-saved-claim-light", full_page=True)

    page.emulate_media(color_scheme="dark")
    page.reload()
    page.locator(f'mark[data-claim="{claim.pk}"]').click()
    page.wait_for_selector(".annotator-form:not([hidden])")
    assert page.input_value("#claim_cue") == "stated"
    screenshot(page, "annotate-open-claim-dark")


def test_offsets_are_code_points_after_emoji_and_cyrillic(live_server, page, login, screenshot):
    editor = factories.editor()
    factories.ActorFactory(name="Xi Jinping")
    article = factories.ArticleFactory(body=EMOJI_TEXT, language="ru")
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    quote = "“has no limits”"
    page.evaluate(SELECT_JS, quote)
    page.keyboard.press("Enter")  # the keyboard path to "New claim from selection"
    pick_autocomplete(page, "Xi")
    assert page.input_value("#claim_quote_type") == "direct"
    page.select_option("#claim_claim_type", "characterisation")
    save_claim(page)

    claim = Claim.objects.get()
    assert claim.start == EMOJI_TEXT.index(quote)
    assert EMOJI_TEXT[claim.start : claim.end] == quote
    assert claim.prefix == EMOJI_TEXT[: claim.start][-32:]
    assert page.locator(f'mark[data-claim="{claim.pk}"]').inner_text() == quote

    # A second, nested claim inside the first is shown and editable too.
    page.evaluate(SELECT_JS, "no limits")
    page.keyboard.press("Enter")
    pick_autocomplete(page, "Xi")
    page.select_option("#claim_claim_type", "opinion")
    page.select_option("#claim_verdict", "opinion")
    save_claim(page)
    nested = Claim.objects.get(quote="no limits")
    assert EMOJI_TEXT[nested.start : nested.end] == "no limits"
    assert (
        page.locator(f'mark[data-claim="{claim.pk}"] mark[data-claim="{nested.pk}"]').count() == 1
    )
    screenshot(page, "annotate-emoji-cyrillic-nested")


def test_a_refused_span_shows_the_message_on_the_field(live_server, page, login):
    editor = factories.editor()
    article = factories.ArticleFactory(body=EMOJI_TEXT)
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    page.evaluate(SELECT_JS, "Путин сказал")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # close the speaker search
    page.evaluate("document.querySelector('#claim_end').value = 9999")
    page.click(".annotator-form button[type=submit]")
    error = page.locator('[data-errors-for="end"]')
    error.wait_for()
    assert "past the end of the article body" in error.inner_text()
    assert not Claim.objects.exists()


def test_editor_publish_attempt_is_refused(live_server, page, login, screenshot):
    editor = factories.editor()
    briefing = factories.BriefingFactory(status=BriefingStatus.IN_REVIEW)
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_briefing_change", args=[briefing.pk]))
    # The menu offers an editor only the moves they may make.
    offered = page.locator("#id_status option").evaluate_all("options => options.map(o => o.value)")
    assert offered == ["draft", "in_review"]
    # A forged choice is refused by the workflow rule, with the input kept.
    page.evaluate(
        "() => { const o = document.createElement('option'); o.value = 'published';"
        " document.querySelector('#id_status').append(o); }"
    )
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_selector(".errornote")
    screenshot(page, "briefing-publish-refused")
    assert Briefing.objects.get().status == BriefingStatus.IN_REVIEW


def test_a_stale_save_is_refused_and_the_input_kept(live_server, page, login, screenshot):
    editor = factories.editor()
    other = factories.editor(username="olga", first_name="Olga")
    actor = factories.ActorFactory(name="Tayyip Erdogan")
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_actor_change", args=[actor.pk]))
    page.fill("#id_title", "President of Turkey")
    # Meanwhile another editor saves the actor.
    actor.title = "President of Türkiye"
    actor._history_user = other
    actor.save()
    page.click("input[name=_save]")
    page.wait_for_selector(".errornote")
    assert "changed by olga" in page.locator(".errorlist.nonfield").inner_text()
    assert page.input_value("#id_title") == "President of Turkey"
    screenshot(page, "stale-save-refused")
    actor.refresh_from_db()
    assert actor.title == "President of Türkiye"
