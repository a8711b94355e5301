"""
The site works under its Content-Security-Policy: reader pages, the
annotation workspace, Swagger UI and ReDoc load and run, and nothing on them
is refused. The `page` fixture (conftest.py) fails a test on any violation;
these tests also make sure each page's scripts really ran.
"""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLUG = "putin-and-xi-meet-at-sco-summit-in-astana"  # the seed briefing


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_reader_pages_load_without_violations(live_server, page, seeds):
    claim = seeds.key_claims.exclude(speaker=None).first()
    paths = [
        "/",
        seeds.get_absolute_url(),
        f"{seeds.get_absolute_url()}?group=speaker",
        claim.get_absolute_url(),
        claim.speaker.get_absolute_url(),
        claim.article.get_absolute_url(),
        claim.article.source.get_absolute_url(),
        "/actors/",
        "/articles/",
        "/sources/",
        "/events/",
        "/sco/",
        "/search/?q=Putin",
    ]
    for path in paths:
        visit(page, live_server.url + path)
    assert page.csp_violations == []


def test_annotation_workspace_runs_without_violations(live_server, page, login, seeds):
    article = seeds.articles.get()
    login(page, factories.editor())
    visit(page, live_server.url + reverse("admin:briefings_article_change", args=[article.pk]))
    # annotate.js ran: it drew the article's claims as highlights.
    page.wait_for_selector(".annotator-body mark[data-claim]")
    for path in (
        reverse("admin:index"),
        reverse("admin:briefings_claim_changelist"),
        "/admin/review/",
    ):
        visit(page, live_server.url + path)


def test_swagger_ui_runs_without_violations(live_server, page):
    visit(page, live_server.url + reverse("api:docs"))
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    page.click(".opblock-summary-get >> nth=0")
    page.wait_for_selector(".opblock-body")


def test_redoc_runs_from_local_assets_without_violations(live_server, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    visit(page, live_server.url + reverse("api:redoc"))
    page.wait_for_selector("#redoc-container .api-content h1", timeout=30_000)
    # ReDoc's credit logo is this site's copy, and it loaded.
    logo = page.locator("img[alt='redocly logo']")
    logo.wait_for()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    external = [
        url
        for url in requests
        if not url.startswith((live_server.url, "data:", "blob:" + live_server.url))
    ]
    assert external == []
