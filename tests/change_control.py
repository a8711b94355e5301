"""
Shared by the change-control tests: a published briefing with reviewed key
claims, the users who act on it, and what readers (an anonymous client) see.
"""

import json
from contextlib import contextmanager

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.forms import CheckboxInput, MultiWidget, SelectMultiple
from django.test import Client, TestCase
from django.urls import reverse

from briefings import editing
from briefings.models import Correction, PendingChange
from tests import factories

ANONYMOUS, EDITOR, REVIEWER, PROPOSER = "anonymous", "editor", "reviewer", "proposer"


def key_claim_rows(*rows):
    """The key claims field's POST value: rows are claims, or (claim, comment) pairs."""
    pairs = [row if isinstance(row, tuple) else (row, "") for row in rows]
    return json.dumps([{"claim": claim.pk, "comment": comment} for claim, comment in pairs])


def version_tag(obj):
    """An If-Match value for obj's stored version (ETags start "v<version>-")."""
    obj.refresh_from_db(fields=["version"])
    return f'"v{obj.version}-read"'


def _post_values(bound_field):
    """[(name, value)] a browser posts for one form field as the page renders it."""
    widget = bound_field.field.widget
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    value = bound_field.value()
    if isinstance(widget, CheckboxInput):
        return [(bound_field.html_name, "on")] if value else []
    context = widget.get_context(bound_field.html_name, value, {})["widget"]
    parts = context["subwidgets"] if isinstance(widget, MultiWidget) else [context]
    posted = []
    for part in parts:
        part_value = part["value"]
        if isinstance(part_value, list) and not isinstance(widget, SelectMultiple):
            part_value = part_value[0] if part_value else ""
        posted.append((part["name"], "" if part_value is None else part_value))
    return posted


def change_form_data(page, **changes):
    """
    The POST data of an admin change page as it loads (its form, its version
    and every inline's stored rows, no extra rows), with `changes`.
    """
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        data.update(_post_values(form[name]))
    # A revert form has no inlines: the revert restores the links as they were.
    inlines = (
        page.context["inline_admin_formsets"] if "inline_admin_formsets" in page.context else []
    )
    for inline in inlines:
        formset = inline.formset
        rows = formset.initial_forms
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{formset.prefix}-INITIAL_FORMS"] = len(rows)
        for row in rows:
            for name in row.fields:
                data.update(_post_values(row[name]))
    data.update(changes)
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def workspace_data(claim, article=None, **changes):
    """
    The annotation workspace's POST for an existing claim as stored, with
    `changes`; `article` is the claim's, passed to spare a query.
    """
    return {
        "body_sha256": (article or claim.article).body_sha256,
        "claim": claim.pk,
        "edit_version": claim.version,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "attribution_kind": claim.attribution_kind,
        "speaker": claim.speaker_id or "",
        "cue": claim.cue,
        "quote_type": claim.quote_type,
        "channel": claim.channel_id or "",
        "claim_type": claim.claim_type,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "editor_note": claim.editor_note,
        "about": [link.actor_id for link in claim.actor_links.all()],
        **changes,
    }


class RolledBack(Exception):
    pass


class ChangeControlTestCase(TestCase):
    """
    A published briefing whose two key claims readers see; `claim` is the
    first. `self.client` acts; `self.reader` is an anonymous reader.
    """

    @classmethod
    def setUpTestData(cls):
        cls.users = {
            ANONYMOUS: None,
            EDITOR: factories.editor(username="editor"),
            REVIEWER: factories.reviewer(username="reviewer"),
            PROPOSER: factories.editor(username="proposer"),
        }
        cls.editor, cls.reviewer = cls.users[EDITOR], cls.users[REVIEWER]
        cls.proposer = cls.users[PROPOSER]
        cls.staff = factories.UserFactory(username="staff", is_superuser=True)

    def setUp(self):
        self.briefing = factories.published_briefing(claims=2)
        self.article = self.briefing.articles.get()
        self.claim, self.second = [link.claim for link in self.briefing.claim_links.all()]
        self.reader = Client()
        self.staff_client = Client()
        self.staff_client.force_login(self.staff)

    @contextmanager
    def fresh(self):
        """Run the block from a new published briefing, and roll its writes back after."""
        try:
            with transaction.atomic():
                self.setUp()
                # Pages cached during an earlier block may show rolled-back writes.
                cache.clear()
                yield
                raise RolledBack
        except RolledBack:
            pass

    def login(self, who):
        self.client.logout()
        if self.users[who] is not None:
            self.client.force_login(self.users[who])

    # What readers see --------------------------------------------------------

    def public_claim(self, claim):
        """The claim as the API shows readers, or None when they cannot see it."""
        response = self.reader.get(reverse("api:claim-detail", args=[claim.pk]))
        if response.status_code == 404:
            return None
        self.assertEqual(response.status_code, 200)
        return response.json()

    def public_briefing(self, slug=None):
        response = self.reader.get(
            reverse("api:briefing-detail", args=[slug or self.briefing.slug])
        )
        if response.status_code == 404:
            return None
        self.assertEqual(response.status_code, 200)
        return response.json()

    def public_key_claims(self):
        return [link["claim"]["id"] for link in self.public_briefing()["key_claims"]]

    def public_page(self):
        response = self.reader.get(self.briefing.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assertReadersSee(self, claim=None, **fields):
        """Readers (the public API and the briefing page) see `fields` on the claim or briefing."""
        shown = self.public_claim(claim) if claim is not None else self.public_briefing()
        self.assertIsNotNone(shown, "Readers no longer see it.")
        self.assertEqual({name: shown[name] for name in fields}, fields)
        page = self.public_page()
        for name in ("lede", "rationale"):
            if name in fields and fields[name]:
                self.assertIn(fields[name], page)

    def assertReadersDoNotSee(self, claim):
        self.assertIsNone(self.public_claim(claim))
        self.assertNotIn(f'id="claim-{claim.pk}"', self.public_page())

    # Change control ------------------------------------------------------------

    def corrections(self):
        return list(Correction.objects.filter(briefing=self.briefing).order_by("pk"))

    def pending(self, obj):
        return PendingChange.objects.filter(**{obj._meta.model_name: obj}).first()

    def propose(self, claim=None, by=None, **data):
        """An editor's change to a public claim (by default its verdict), kept pending."""
        claim = claim or self.claim
        edit = editing.claim_save(
            claim=claim, data=data or {"verdict": "accurate"}, by=by or self.proposer
        )
        self.assertTrue(edit.is_pending)
        return edit.pending

    # Writing ---------------------------------------------------------------------

    def admin_page_data(self, obj, **changes):
        """The change page's POST data for obj as staff load it, with `changes`."""
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        return change_form_data(self.staff_client.get(url), **changes)

    def admin_post(self, obj, data):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        return self.client.post(url, data)

    def api(self, method, url, data=None, obj=None, headers=None):
        headers = dict(headers or {})
        if obj is not None:
            headers["If-Match"] = version_tag(obj)
        return getattr(self.client, method)(
            url, json.dumps(data or {}), content_type="application/json", headers=headers
        )

    def workspace_data(self, claim, **changes):
        return workspace_data(claim, **changes)

    def workspace_save(self, data):
        url = reverse("admin:briefings_article_claim_save", args=[self.article.pk])
        return self.client.post(url, data)
