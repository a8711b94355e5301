"""
Articles and the annotation workspace on the article's change page.
"""

import html

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from briefings import editing, services, suggestions
from briefings.admin.base import (
    VersionedAdmin,
    admin_link,
    json_error,
    orphan_message,
    refusal_errors,
)
from briefings.admin.suggestions import SuggestionsAdminMixin, suggestions_context
from briefings.admin.workspace_briefing import (
    WorkspaceBriefingAdminMixin,
    briefing_form_context,
    can_brief,
)
from briefings.annotate import VERDICT_MARKERS, workspace_html
from briefings.article_files import ArticleFileError, article_import
from briefings.forms import ArticleFileForm, ClaimAnnotationForm
from briefings.models import (
    Article,
    Claim,
    PendingChange,
    ReviewStatus,
    Verdict,
)
from briefings.stale import stale_changes

# What a claim shows in the workspace: its text, speaker (with role), channel and about-actors.
WORKSPACE_RELATED = ("speaker", "speaker_role__organisation", "channel")
# Only the columns the workspace shows (a claim has many more): loading 1,000 claims
# costs about half as much. The query-count tests catch a column read but not loaded.
WORKSPACE_COLUMNS = (
    *WORKSPACE_RELATED,
    "article",
    "version",
    "start",
    "end",
    "quote",
    "attribution_kind",
    "cue",
    "quote_type",
    "claim_type",
    "verdict",
    "rationale",
    "editor_note",
    "review_status",
    "speaker__name",
    "speaker__name_article",
    "speaker_role__role",
    "speaker_role__kind",
    "speaker_role__organisation__name",
    "speaker_role__organisation__name_article",
    "channel__name",
    "channel__kind",
)
# The claim fields the workspace's marked text draws. Only a new span makes the server
# redraw the text; the page's script redraws a new verdict on the claim's own marks.
DRAWN_FIELDS = ("start", "end", "verdict")
SPAN_FIELDS = ("start", "end")


def can_annotate(user):
    return user.has_perm("briefings.add_claim") and user.has_perm("briefings.change_claim")


def workspace_claims(article, pk=None):
    """
    The article's claims (or only claim `pk`) as editors go on editing them,
    pending changes applied, in a fixed number of queries whatever their number.
    """
    claims = (
        article.claims.select_related(*WORKSPACE_RELATED)
        .only(*WORKSPACE_COLUMNS)
        .prefetch_related("actor_links__actor")
        .annotate(open_comment_count=Count("comments", filter=Q(comments__is_resolved=False)))
        .order_by("start", "pk")
    )
    pending = PendingChange.objects.filter(claim__article=article)
    public = Claim.objects.public().filter(article=article)
    if pk is not None:
        claims, pending, public = (
            claims.filter(pk=pk),
            pending.filter(claim=pk),
            public.filter(pk=pk),
        )
    claims = list(claims)
    pending = {change.claim_id: change for change in pending}
    public = set(public.values_list("pk", flat=True))
    for claim in claims:
        claim.is_public = claim.pk in public
        claim.has_pending = claim.pk in pending
        if claim.has_pending:
            claim.proposed_about = editing.apply_pending(claim, pending[claim.pk]).get("about")
    return claims


def workspace_body(article):
    """
    The workspace's marked text after a span moved or a claim was added: only
    the spans and verdicts it draws are read (with pending ones applied), so
    redrawing stays cheap however many claims the article has.
    """
    claims = list(article.claims.only("pk", "article_id", "start", "end", "verdict"))
    proposed = dict(
        PendingChange.objects.filter(claim__article=article).values_list("claim_id", "data")
    )
    for claim in claims:
        for name, value in proposed.get(claim.pk, {}).items():
            if name in DRAWN_FIELDS:
                setattr(claim, name, value)
    return workspace_html(article.body, claims)


def item_context(request, article):
    """What every claim item of the workspace shares: built once a page."""
    return {
        "article": article,
        "can_annotate": can_annotate(request.user),
        "can_brief": can_brief(request.user),
        "csrf_token": get_token(request),
        "claim_changelist_url": reverse("admin:briefings_claim_changelist"),
    }


def list_of(claim):
    """Which of the workspace's lists shows the claim: "anchored", "orphaned" or none (retired)."""
    if claim.start is not None:
        return "anchored"
    return "orphaned" if claim.review_status != ReviewStatus.RETIRED else None


def claim_item_html(claim, *, article, can_annotate, can_brief, csrf_token, claim_changelist_url):
    """
    The claim's item in the workspace's list. Built here rather than with a
    template include, which costs about 0.2 ms a claim: a page lists 1,000.
    """
    orphaned = claim.start is None
    retire = ""
    if orphaned and can_annotate:
        reason = (
            mark_safe(
                "<label>Readers see it: why retire it? "
                '<input name="reason" required maxlength="500"></label>'
            )
            if claim.is_public
            else ""
        )
        retire = format_html(
            '<form class="claim-retire" method="post" action="{}">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}'
            '<button type="submit" class="button" title="Give up on this claim: its text is '
            'gone">Retire</button></form>',
            reverse("admin:briefings_article_claim_retire", args=[article.pk, claim.pk]),
            csrf_token,
            reason,
        )
    pending = (
        ' <span class="claim-pending">Changed since review</span>' if claim.has_pending else ""
    )
    count = claim.open_comment_count
    comments = (
        f' <span class="claim-comments">{count} open comment{pluralize(count)}</span>'
        if count
        else ""
    )
    who = claim.attribution_text + (f" · “{claim.cue}”" if claim.cue else "")
    # Checks the page's "Add to briefing" form (claims_to_briefing_form.html) posts.
    pick = (
        f'<input type="checkbox" class="claim-pick" name="claims" value="{claim.pk}" '
        f'form="to-briefing" aria-label="Select claim #{claim.pk}"> '
        if can_brief
        else ""
    )
    # Django's escape() and format_html() check every argument for lazy text,
    # which costs more than the rest of the item: these are plain strings.
    return mark_safe(
        f'<li id="claim-{claim.pk}" class="claim-item" data-claim="{claim.pk}">'
        f'<div class="claim-item-head">{pick}'
        f'<span class="verdict-badge verdict-{claim.verdict}" '
        f'data-marker="{VERDICT_MARKERS[claim.verdict]}">{claim.get_verdict_display()}</span>'
        f' <span class="claim-number">#{claim.pk}</span>'
        f' <span class="claim-review">{claim.get_review_status_display()}</span>'
        f"{pending}{comments}</div>"
        f'<div class="claim-who">{html.escape(who)}</div>'
        f'<q class="claim-quote">{html.escape(Truncator(claim.quote).chars(160))}</q>'
        '<div class="claim-item-actions">'
        f'<button type="button" class="button" data-action="edit-claim" data-claim="{claim.pk}">'
        f"{'Re-anchor' if orphaned else 'Edit here'}</button>"
        # The admin's change URL of any object is <changelist>/<pk>/change/.
        f' <a class="claim-page" href="{claim_changelist_url}{claim.pk}/change/">Claim page</a>'
        f"{retire}</div></li>"
    )


def claim_payload(claim):
    """The claim as the annotation page's script edits it (with its pending change, if any)."""
    about = getattr(claim, "proposed_about", None)
    if about is None:
        about = [link.actor for link in claim.actor_links.all()]
    return {
        "id": claim.pk,
        "version": claim.version,
        "start": claim.start,
        "end": claim.end,
        "quote": claim.quote,
        "attribution_kind": claim.attribution_kind,
        "speaker": {"id": claim.speaker_id, "text": str(claim.speaker)}
        if claim.speaker_id
        else None,
        "cue": claim.cue,
        "quote_type": claim.quote_type,
        "channel": {"id": claim.channel_id, "text": str(claim.channel)}
        if claim.channel_id
        else None,
        "claim_type": claim.claim_type,
        "about": [{"id": actor.pk, "text": str(actor)} for actor in about],
        "verdict": claim.verdict,
        "marker": f"#{claim.pk} {VERDICT_MARKERS[claim.verdict]}",
        "title": f"Claim #{claim.pk} · {claim.get_verdict_display()} · {claim.attribution_text}",
        "rationale": claim.rationale,
        "editor_note": claim.editor_note,
        "pending": getattr(claim, "has_pending", False),
    }


def duplicate_message(error):
    """The import error, with a link to the stored article when the file is a copy of one."""
    if error.duplicate is None:
        return str(error)
    url = reverse("admin:briefings_article_change", args=[error.duplicate.pk])
    return format_html('{} <a href="{}">Open it</a>.', str(error), url)


@admin.register(Article)
class ArticleAdmin(SuggestionsAdminMixin, WorkspaceBriefingAdminMixin, VersionedAdmin):
    change_form_template = "admin/briefings/article/change_form.html"
    list_display = ["title", "source", "published_at", "language", "claim_count", "orphan_count"]
    list_filter = ["source__kind", "language", "published_at"]
    list_select_related = ["source"]
    search_fields = ["title", "slug", "byline", "url", "source__name"]
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["body_sha256", "briefing_links"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "source", "url", "byline", "language"]}),
        ("Dates", {"fields": ["published_at", "retrieved_at"]}),
        (
            "Text",
            {
                "fields": ["body", "body_sha256"],
                "description": "Changing the text re-anchors every claim by its quote and "
                "context; claims that cannot be found again go to the orphaned claims queue.",
            },
        ),
        ("Used in", {"fields": ["briefing_links"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                claim_count=Count("claims", distinct=True),
                orphan_count=Count(
                    "claims",
                    filter=Q(claims__start__isnull=True)
                    & ~Q(claims__review_status=ReviewStatus.RETIRED),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="Claims", ordering="claim_count")
    def claim_count(self, article):
        return article.claim_count

    @admin.display(description="Orphaned", ordering="orphan_count")
    def orphan_count(self, article):
        if not article.orphan_count:
            return 0
        url = reverse("admin:briefings_claim_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}&anchoring=orphaned">{}</a>',
            url,
            article.pk,
            article.orphan_count,
        )

    @admin.display(description="Briefings")
    def briefing_links(self, article):
        return (
            format_html_join(
                mark_safe("<br>"), "{}", ((admin_link(b),) for b in article.briefings.all())
            )
            or "-"
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import-file/",
                self.admin_site.admin_view(self.import_file_view),
                name="{}_{}_import_file".format(*info),
            ),
            path(
                "<path:object_id>/claims/save/",
                self.admin_site.admin_view(self.claim_save_view),
                name="{}_{}_claim_save".format(*info),
            ),
            path(
                "<path:object_id>/claims/<int:claim_id>/retire/",
                self.admin_site.admin_view(self.claim_retire_view),
                name="{}_{}_claim_retire".format(*info),
            ),
            *self.suggestion_urls(),
            *self.briefing_urls(),
            *super().get_urls(),
        ]

    def import_file_view(self, request):
        """Create an article from an uploaded file and open its workspace."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleFileForm(request.POST or None, request.FILES or None)
        if form.is_valid():
            try:
                article = article_import(
                    document=form.cleaned_data["file"],
                    source=form.cleaned_data["source"],
                    by=request.user,
                )
            except ArticleFileError as error:
                form.add_error("file", duplicate_message(error))
            else:
                found = len(suggestions.suggestions_find(article=article))
                messages.success(
                    request,
                    f"Imported “{article.title}”: {found} suggested claim{pluralize(found)} "
                    "to confirm beside the text, or mark claims in it yourself.",
                )
                return HttpResponseRedirect(
                    reverse("admin:briefings_article_change", args=[article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import an article from a file",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/briefings/article/import_file.html", context)

    def save_model(self, request, obj, form, change):
        # A revert re-anchors a restored text itself (services.history_revert).
        reverting = getattr(obj, "_history", None) is not None
        if reverting or not (change and "body" in form.changed_data):
            return super().save_model(request, obj, form, change)
        obj._history_user = request.user
        obj._change_reason = "Text changed; claims re-anchored"
        orphaned = services.article_update_body(article=obj, body=obj.body)
        if orphaned:
            orphan_message(request, obj, orphaned)

    def workspace_context(self, request, article, claims):
        item_options = item_context(request, article)
        lists = {"anchored": [], "orphaned": []}
        for claim in claims:
            place = list_of(claim)
            if place:
                lists[place].append(claim_item_html(claim, **item_options))
        return {
            "article": article,
            "body_html": workspace_html(article.body, claims),
            "anchored_items": lists["anchored"],
            "orphaned_items": lists["orphaned"],
            "claims_payload": {claim.pk: claim_payload(claim) for claim in claims},
            "verdict_markers": [(v, VERDICT_MARKERS[v], v.label) for v in Verdict],
            "can_annotate": item_options["can_annotate"],
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            claim_form = ClaimAnnotationForm(auto_id="claim_%s")
            context.update(self.workspace_context(request, obj, workspace_claims(obj)))
            context["claim_form"] = claim_form
            context.update(suggestions_context(request, obj))
            context.update(briefing_form_context(request, obj))
            context["media"] = context["media"] + claim_form.media
        return super().render_change_form(request, context, add, change, form_url, obj)

    def claim_save_view(self, request, object_id):
        """Create or update one claim on the article from the workspace; answer in JSON."""
        if request.method != "POST":
            return json_error("Use POST.", 405)
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return json_error("This article does not exist.", 404)
        if request.POST.get("body_sha256") != article.body_sha256:
            return json_error(
                "The article's text changed since you opened this page; reload it and "
                "select the text again (your form input is still here).",
                409,
            )
        claim_id = request.POST.get("claim")
        initial = {}
        if claim_id:
            claim = article.claims.filter(pk=claim_id).first() if claim_id.isdigit() else None
            if claim is None:
                return json_error("No such claim here.", 404)
            allowed = request.user.has_perm("briefings.change_claim")
            change = PendingChange.objects.filter(claim=claim).first()
            proposed = editing.apply_pending(claim, change) if change else {}
            if "about" in proposed:
                initial["about"] = proposed["about"]
        else:
            claim = Claim(article=article, created_by=request.user)
            allowed = request.user.has_perm("briefings.add_claim")
        if not allowed:
            return json_error("You may not edit claims.", 403)
        claim.article = article
        with transaction.atomic():
            # The form's version check locks the row until the save is done.
            form = ClaimAnnotationForm(request.POST, instance=claim, initial=initial)
            if not form.is_valid():
                errors = {field: list(messages_) for field, messages_ in form.errors.items()}
                if form.stale is None:
                    return JsonResponse({"errors": errors}, status=400)
                # What the editor would overwrite, and the version to apply their input on.
                current = workspace_claims(article, pk=claim.pk)[0]
                return JsonResponse(
                    {
                        "errors": errors,
                        "current": claim_payload(current),
                        "changes": stale_changes(form),
                    },
                    status=409,
                )
            names = form.changed_data if claim.pk else list(form.cleaned_data)
            data = {name: form.cleaned_data[name] for name in names if name in editing.CLAIM_FIELDS}
            try:
                edit = editing.claim_save(
                    claim=claim,
                    data=data,
                    by=request.user,
                    expected_version=form.cleaned_data.get("edit_version"),
                )
            except ValidationError as error:
                return JsonResponse({"errors": dict(refusal_errors(error))}, status=400)
        redraw = not claim_id or any(name in SPAN_FIELDS for name in names)
        return self.workspace_response(
            request, article, claim=edit.obj, pending=edit.is_pending, redraw=redraw
        )

    def claim_retire_view(self, request, object_id, claim_id):
        """
        Retire a claim (an orphan whose text is gone) from the workspace; answer
        in JSON to the page's script, or go back to the page without it.
        """
        if request.method != "POST":
            return json_error("Use POST.", 405)
        article = self.get_object(request, unquote(object_id))
        claim = article and article.claims.filter(pk=claim_id).first()
        if claim is None:
            return json_error("No such claim on this article.", 404)
        try:
            edit = editing.claim_retire(
                claim=claim, by=request.user, reason=request.POST.get("reason", "")
            )
        except PermissionDenied as error:
            return json_error(str(error), 403)
        except ValidationError as error:
            return JsonResponse({"errors": dict(refusal_errors(error))}, status=400)
        done = (
            f"Claim #{claim.pk}: readers see it, so its retirement waits for a reviewer."
            if edit.is_pending
            else f"Retired claim #{claim.pk}."
        )
        if "application/json" in request.headers.get("Accept", ""):
            return self.workspace_response(request, article, claim=claim, message=done)
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:briefings_article_change", args=[article.pk]) + "#annotator"
        )

    def workspace_response(self, request, article, claim, pending=False, message="", redraw=False):
        """
        The one claim a write changed, for the page's script to put in place:
        its data, its list item (and which list it goes in), and the marked
        text only when spans or verdicts changed (`redraw`). Nothing else on
        the article is read again, so a save costs the same with 10 claims or 1,000.
        """
        claim = workspace_claims(article, pk=claim.pk)[0]
        if pending:
            message = (
                f"Claim #{claim.pk}: readers see it, so your change waits for a reviewer; "
                "they keep seeing the approved version until then."
            )
        place = list_of(claim)
        item = claim_item_html(claim, **item_context(request, article))
        return JsonResponse(
            {
                "message": message,
                "claim": claim_payload(claim),
                "list": place,
                "item_html": item if place else "",
                "body_html": workspace_body(article) if redraw else None,
            }
        )
