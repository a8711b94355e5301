"""Headless Debian Chromium through Playwright, and logged-in admin pages for the browser tests."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make beside it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def browser():
    # A missing browser fails the run: it never silently skips.
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy refused on the console,
# where the `page` fixture collects it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.URL}:${event.lineNumber}`);
});
"""


def is_csp_violation(message):
    # Chromium's own message names the hash that would allow a refused inline element.
    return "Content Security Policy" in message.text or message.text.startswith("CSP violation:")


def open_page(browser, **context_options):
    """Yield a fresh page; fail the test if anything on it broke the Content-Security-Policy."""
    context = browser.new_context(**context_options)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: is_csp_violation(message) and page.csp_violations.append(message.text),
    )
    yield page
    leave_quietly(page)
    context.close()
    assert not page.csp_violations, "\n".join(page.csp_violations)


@pytest.fixture
def page(browser):
    yield from open_page(browser, viewport={"width": 1440, "height": 1000})


@pytest.fixture
def phone_page(browser):
    """A page on a 360 × 740 touch screen, as on a small phone."""
    yield from open_page(
        browser,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def leave_quietly(page):
    """
    Leave a change page without its presence "leave" beacon: the live server
    would answer it while the test database is being flushed under it
    (Playwright does not report a beacon sent while unloading, so there is
    no waiting for it). The heartbeat's own test checks the beacon.
    """
    if not page.is_closed() and page.locator(".edit-presence").count():
        page.evaluate("navigator.sendBeacon = () => true")
        page.goto("about:blank")


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, **kwargs):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **kwargs)

    return take


@pytest.fixture
def login(live_server):
    def log_in(page, user):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#user-tools")

    return log_in


@pytest.fixture
def seeds(transactional_db):
    """Load the real seed file (seeds/astana.yaml and its article); return its one briefing."""
    from django.core.management import call_command

    from briefings.models import Briefing

    call_command("load_seeds", verbosity=0)
    return Briefing.objects.get()


@pytest.fixture(autouse=True)
def staff_groups(transactional_db):
    """Transactional tests flush the groups the data migration made: bring them back."""
    from tests.factories import ensure_staff_groups

    ensure_staff_groups()
