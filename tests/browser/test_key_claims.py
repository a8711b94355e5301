"""An editor reorders a briefing's key claims by drag and drop and from the keyboard."""

import pytest
from django.urls import reverse

from tests import editor_data, factories

# serialized_rollback restores the Editors and Reviewers groups the migrations made.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shown_order(page):
    return [
        int(claim)
        for claim in page.locator(".key-claim").evaluate_all(
            "items => items.map(item => item.dataset.claim)"
        )
    ]


def save(page):
    page.click('input[name="_continue"]')
    page.wait_for_selector(".messagelist .success")


def test_key_claims_are_reordered_by_drag_and_by_keyboard(live_server, page, login, screenshot):
    editor = factories.editor()
    briefing = editor_data.briefing_with_key_claims(4)
    first, second, third, fourth = editor_data.key_claim_order(briefing)
    login(page, editor)
    page.goto(live_server.url + reverse("admin:briefings_briefing_change", args=[briefing.pk]))

    # Drag the first key claim by its handle onto the lower half of the third.
    page.locator(".key-claims").evaluate("list => list.scrollIntoView()")
    target = page.locator(f'.key-claim[data-claim="{third}"]')
    page.drag_and_drop(
        f'.key-claim[data-claim="{first}"] .key-claim-handle',
        f'.key-claim[data-claim="{third}"]',
        target_position={"x": 5, "y": target.bounding_box()["height"] * 0.75},
    )
    assert shown_order(page) == [second, third, first, fourth]
    assert page.locator(f'.key-claim[data-claim="{first}"] .key-claim-position').inner_text() == "3"

    # From the keyboard: the fourth goes up one, then to the top.
    handle = page.locator(f'.key-claim[data-claim="{fourth}"] .key-claim-handle')
    handle.focus()
    page.keyboard.press("ArrowUp")
    assert shown_order(page) == [second, third, fourth, first]
    page.keyboard.press("Home")
    assert shown_order(page) == [fourth, second, third, first]
    # Focus stays on the moved row's handle, and the move is announced.
    assert page.evaluate("document.activeElement.closest('.key-claim').dataset.claim") == str(
        fourth
    )
    assert "is now 1 of 4" in page.inner_text(".key-claims-status")

    page.fill(f'.key-claim[data-claim="{third}"] textarea', "Read this one.")
    screenshot(page, "key-claims-reordered", full_page=True)
    save(page)
    assert editor_data.key_claim_order(briefing) == [fourth, second, third, first]
    assert briefing.claim_links.get(claim_id=third).comment == "Read this one."
    assert shown_order(page) == [fourth, second, third, first]

    # Removing one takes it out of the briefing on save.
    page.click(f'.key-claim[data-claim="{second}"] [data-action="remove"]')
    save(page)
    assert editor_data.key_claim_order(briefing) == [fourth, third, first]
