"""The annotation workspace on a 360 px phone: New claim by the selection, the form below it."""

import pytest
from django.urls import reverse

from briefings.models import Claim
from tests import factories
from tests.browser.test_annotate import (
    SEED_TEXT,
    SELECT_JS,
    SENTENCE,
    pick_autocomplete,
    save_claim,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The viewport box of `text` in the article text, found afresh (a selection may have moved on).
RECT_JS = """
(text) => {
  const body = document.querySelector('.annotator-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const start = body.textContent.indexOf(text);
  const range = document.createRange();
  let seen = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (start >= seen && start < seen + node.data.length) range.setStart(node, start - seen);
    const end = start + text.length;
    if (end > seen && end <= seen + node.data.length) range.setEnd(node, end - seen);
    seen += node.data.length;
  }
  const rect = range.getBoundingClientRect();
  return {top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right};
}
"""

# The text a new claim's open form is about, as marked in the text.
PENDING_JS = "() => CSS.highlights.get('annotator-pending')?.values().next().value.toString()"

WIDTH, HEIGHT = 360, 740


def box(page, selector):
    found = page.locator(selector).bounding_box()
    return {
        "top": found["y"],
        "bottom": found["y"] + found["height"],
        "left": found["x"],
        "right": found["x"] + found["width"],
    }


def in_viewport(rect):
    return (
        rect["top"] >= 0
        and rect["bottom"] <= HEIGHT
        and rect["left"] >= 0
        and rect["right"] <= WIDTH
    )


def overlap(a, b):
    return (
        a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
        and a["left"] < b["right"]
        and b["left"] < a["right"]
    )


def open_workspace(live_server, page, login, article):
    login(page, factories.editor())
    page.goto(live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))


def select_mid_page(page, text):
    """Select `text` and scroll it to a third of the screen's height, as a reader would."""
    page.evaluate(SELECT_JS, text)  # focusing the text scrolls to its top
    top = page.evaluate(RECT_JS, text)["top"]
    page.evaluate("(by) => window.scrollBy(0, by)", top - HEIGHT / 3)


def test_on_a_phone_new_claim_floats_by_the_selection_and_the_form_opens_below_it(
    live_server, phone_page, login, screenshot
):
    page = phone_page
    factories.ActorFactory(name="India", kind="state")
    article = factories.ArticleFactory(body=SEED_TEXT)
    open_workspace(live_server, page, login, article)
    float_button = page.locator(".annotator-float")
    assert float_button.is_hidden()

    select_mid_page(page, SENTENCE)
    float_button.wait_for()
    selected = page.evaluate(RECT_JS, SENTENCE)
    button = box(page, ".annotator-float")
    assert in_viewport(selected), selected
    assert in_viewport(button), button
    assert not overlap(button, selected), (button, selected)
    gap = max(button["top"] - selected["bottom"], selected["top"] - button["bottom"])
    assert gap <= 80, (button, selected)
    assert page.evaluate("window.scrollY") > 200  # the middle of the page, not its top
    screenshot(page, "phone-selection")

    selected_at = selected
    float_button.tap()
    page.wait_for_selector(".annotator-form:not([hidden])")
    assert page.input_value("#claim_quote") == SENTENCE
    form = box(page, ".annotator-form")
    assert in_viewport(form), form
    selected = page.evaluate(RECT_JS, SENTENCE)
    assert selected["top"] >= 0 and selected["bottom"] <= form["top"], (selected, form)
    assert float_button.is_hidden()
    assert page.evaluate(PENDING_JS) == SENTENCE  # still marked, though the focus moved
    screenshot(page, "phone-speaker-search")
    pick_autocomplete(page, "India")
    page.fill("#claim_cue", "stated that")
    page.select_option("#claim_claim_type", "announcement")
    screenshot(page, "phone-claim-form")
    save_claim(page)
    claim = Claim.objects.get(quote=SENTENCE)
    assert claim.speaker.name == "India"

    page.click(".annotator-form [data-action=close]")
    assert page.locator(".annotator-form").is_hidden()
    assert page.evaluate(PENDING_JS) is None
    # The text is back where the editor was reading (the page may have scrolled under it).
    assert page.evaluate(RECT_JS, SENTENCE)["top"] == pytest.approx(selected_at["top"], abs=2)

    # A highlighted claim opens the same way, its text above the form.
    page.evaluate("window.getSelection().removeAllRanges()")
    page.locator(f'mark[data-claim="{claim.pk}"]').tap()
    page.wait_for_selector(".annotator-form:not([hidden])")
    assert page.input_value("#claim_cue") == "stated that"
    mark = box(page, f'mark[data-claim="{claim.pk}"]')
    assert mark["top"] >= 0 and mark["bottom"] <= box(page, ".annotator-form")["top"]
    screenshot(page, "phone-open-claim")
    page.keyboard.press("Escape")
    assert page.locator(".annotator-form").is_hidden()


def test_on_a_desktop_no_button_floats_and_the_form_stays_in_the_panel(live_server, page, login):
    article = factories.ArticleFactory(body=SEED_TEXT)
    open_workspace(live_server, page, login, article)
    page.evaluate(SELECT_JS, SENTENCE)
    assert page.locator(".annotator-toolbar [data-action=new-claim]").is_enabled()
    assert page.locator(".annotator-float").is_hidden()
    page.click(".annotator-toolbar [data-action=new-claim]")
    form = page.locator(".annotator-form")
    assert form.evaluate("form => getComputedStyle(form).position") == "static"
    assert page.evaluate(PENDING_JS) == SENTENCE
    # The span set anew from the selection is the one marked.
    other = "Instead, he is sending Foreign Minister Subrahmanyam Jaishankar"
    page.evaluate(SELECT_JS, other)
    page.click("[data-action=use-selection]")
    assert page.input_value("#claim_quote") == other
    assert page.evaluate(PENDING_JS) == other
