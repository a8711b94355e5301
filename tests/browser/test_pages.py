"""
Readers' pages in headless Chromium at desktop and phone widths.

Screenshots land in var/screenshots/ (git-ignored) for a person to look at.
The session-wide `browser` fixture (Debian's Chromium) comes from
tests/browser/conftest.py, and so does `seeds`, which loads the real seed file.
"""

from pathlib import Path

import pytest

SLUG = "putin-and-xi-meet-at-sco-summit-in-astana"  # the seed briefing
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 360}
PAGES = {
    "home": "/",
    "briefing": f"/briefings/{SLUG}/",
    "actor": "/actors/xi-jinping/",
    "sco": "/sco/",
}

# Contrast of each element's text against its nearest opaque background (WCAG 2).
CONTRAST_SCRIPT = """
(selector) => {
  function rgb(value) { return value.match(/[\\d.]+/g).map(Number); }
  function luminance([r, g, b]) {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function background(el) {
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      const parts = rgb(bg);
      if (parts.length === 3 || parts[3] > 0.99) return parts.slice(0, 3);
    }
    return [255, 255, 255];
  }
  return [...document.querySelectorAll(selector)].filter(el => el.offsetParent).map(el => {
    const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    return {text: el.textContent.trim().slice(0, 40), ratio};
  });
}
"""


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"pages-{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("device", WIDTHS)
def test_reader_pages_fit_the_screen_and_are_screenshotted(live_server, seeds, browser, device):
    width = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": 900})
    for name, path in PAGES.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{path} scrolls sideways at {width}px ({overflow}px wide)"
        shoot(page, f"{name}-{device}")
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("device", WIDTHS)
def test_claim_expands_in_place_with_mouse_and_keyboard(live_server, seeds, browser, device):
    page = browser.new_page(viewport={"width": WIDTHS[device], "height": 900})
    page.goto(live_server.url + PAGES["briefing"])
    cards = page.locator("details.claim")
    first, second = cards.nth(0), cards.nth(1)
    assert not first.locator(".claim-body blockquote").is_visible()
    first.locator("summary").click()
    assert first.locator(".claim-body blockquote").is_visible()
    assert "Outlet not recorded" in first.locator(".source-line").inner_text()
    second.locator("summary").focus()
    page.keyboard.press("Enter")
    assert second.locator(".claim-body blockquote").is_visible()
    shoot(page, f"briefing-claim-open-{device}")
    page.close()


@pytest.mark.browser
def test_highlight_in_the_article_opens_its_claim_card(live_server, seeds, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + PAGES["briefing"])
    claim_id = seeds.key_claims.get(quote__startswith="Prime Minister Narendra Modi").pk
    page.locator(f'.article-body a[data-claim="{claim_id}"]').first.click()
    card = page.locator(f"#claim-{claim_id}")
    assert card.get_attribute("open") is not None
    assert page.url.endswith(f"#claim-{claim_id}")
    shoot(page, "briefing-highlight-opens-card")
    page.close()


@pytest.mark.browser
def test_text_and_verdicts_meet_contrast_minimum(live_server, seeds, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for path in (PAGES["briefing"], PAGES["sco"]):
        page.goto(live_server.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        selector = "p, li, dt, dd, .verdict, .claim-span, .kicker, .muted, th, td, a"
        low = [item for item in page.evaluate(CONTRAST_SCRIPT, selector) if item["ratio"] < 4.5]
        assert low == [], f"{path}: {low[:5]}"
    page.close()


@pytest.mark.browser
def test_skip_link_is_first_and_focus_is_visible(live_server, seeds, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + PAGES["briefing"])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.close()
