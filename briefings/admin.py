"""
The editors' workspace: every newsroom model in the admin, the briefing
workflow as actions, and the article page as an annotation workspace.

Workflow, anchoring and merging rules live in briefings.services; the admin
calls them so that the admin and the API follow one set of rules.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from simple_history.admin import SimpleHistoryAdmin

from briefings import services
from briefings.anchoring import AnchorError, locate
from briefings.forms import (
    ArticleAdminForm,
    BriefingAdminForm,
    BriefingClaimFormSet,
    ClaimAnnotationForm,
    ClaimCommentForm,
    ClaimCommentFormSet,
    PublishedBriefingLinksFormSet,
    VersionedAdminForm,
)
from briefings.history import link_entries
from briefings.models import (
    Actor,
    ActorAlias,
    Affiliation,
    AffiliationEvidence,
    Article,
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingAuthor,
    BriefingClaim,
    BriefingStatus,
    Claim,
    ClaimActor,
    ClaimComment,
    ClaimEvidence,
    Correction,
    Event,
    ReviewStatus,
    Source,
    Statement,
    Verdict,
)

admin.site.site_header = "Briefings newsroom"
admin.site.site_title = "Briefings admin"
admin.site.index_title = "Newsroom"

# A verdict is never told by colour alone: each has a marker too.
VERDICT_MARKERS = {
    Verdict.UNVERIFIED: "?",
    Verdict.ACCURATE: "✓",
    Verdict.MOSTLY_ACCURATE: "≈",
    Verdict.MISLEADING: "!",
    Verdict.FALSE: "✗",
    Verdict.UNVERIFIABLE: "∅",
    Verdict.OPINION: "✎",
}
# Nesting levels drawn distinctly; deeper ones share the last level's style.
MAX_MARK_LEVEL = 3


def admin_link(obj, text=None):
    """Link to obj's admin change page."""
    if obj is None:
        return "-"
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or obj)


def verdict_badge(verdict):
    return format_html(
        '<span class="verdict-badge verdict-{}" data-marker="{}">{}</span>',
        verdict,
        VERDICT_MARKERS[verdict],
        Verdict(verdict).label,
    )


def mark_levels(claims):
    """
    Give each anchored claim a drawing level so that overlapping claims get
    distinct underlines: the lowest level no overlapping earlier claim uses.
    """
    levels, placed = {}, []
    for claim in claims:
        used = {levels[other.pk] for other in placed if other.end > claim.start}
        level = next(n for n in range(len(placed) + 1) if n not in used)
        levels[claim.pk] = min(level, MAX_MARK_LEVEL)
        placed.append(claim)
    return levels


def annotated_body_html(body, claims):
    """
    Return body as HTML with a <mark> per claim around each stretch of text it
    covers; overlapping and nested claims nest their marks, outermost first.

    Only the body contributes text nodes (markers are CSS generated content),
    so the page's DOM text is exactly the body and selections map to offsets.
    """
    anchored = sorted(
        (claim for claim in claims if claim.start is not None),
        key=lambda claim: (claim.start, -claim.end, claim.pk),
    )
    levels = mark_levels(anchored)
    cuts = sorted({0, len(body), *(c.start for c in anchored), *(c.end for c in anchored)})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [claim for claim in anchored if claim.start <= start and end <= claim.end]
        for claim in covering:
            parts.append(
                format_html(
                    '<mark class="claim verdict-{} level-{}{}" data-claim="{}" data-marker="{}"'
                    ' title="{}">',
                    claim.verdict,
                    levels[claim.pk],
                    " claim-start" if claim.start == start else "",
                    claim.pk,
                    f"#{claim.pk} {VERDICT_MARKERS[claim.verdict]}",
                    f"Claim #{claim.pk} · {claim.get_verdict_display()} · {claim.attribution_text}",
                )
            )
        parts.append(escape(body[start:end]))
        parts.append("</mark>" * len(covering))
    return mark_safe("".join(parts))


def claim_payload(claim):
    """The claim as the annotation page's script edits it."""
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
        "about": [
            {"id": link.actor_id, "text": str(link.actor)} for link in claim.actor_links.all()
        ],
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "editor_note": claim.editor_note,
        "admin_url": reverse("admin:briefings_claim_change", args=[claim.pk]),
    }


def json_error(message, status):
    return JsonResponse({"errors": {"__all__": [message]}}, status=status)


def orphan_message(request, article, orphaned):
    """Tell the editor which claims a new article text lost, and where they went."""
    url = reverse("admin:briefings_claim_changelist")
    messages.warning(
        request,
        format_html(
            "{} claim(s) could no longer be found in the new text: {}. They are in the "
            '<a href="{}?article__id__exact={}&anchoring=orphaned">orphaned claims '
            "queue</a>; re-anchor or retire them.",
            len(orphaned),
            ", ".join(f"#{claim.pk}" for claim in orphaned),
            url,
            article.pk,
        ),
    )


class HistoryAdmin(SimpleHistoryAdmin):
    """
    History with a diff of each change, link rows (the model's history_links)
    interleaved, and a revert that restores the links too (services.history_revert).
    """

    object_history_list_template = "admin/history_list.html"
    object_history_form_template = "admin/versioned_history_form.html"
    # Links without a scheme are https, as they will be from Django 6.0 on.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # One transaction: the version check locks the row, and a revert
        # writes the object and its links together or not at all.
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except ValidationError as error:
            self.message_user(request, "Not reverted — " + " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        record = getattr(obj, "_history", None)
        if record is None:
            services.history_defer(obj)
            return super().save_model(request, obj, form, change)
        revert = services.history_revert(
            record=record,
            by=request.user,
            obj=obj,
            correction_reason=getattr(obj, "_correction_reason", ""),
        )
        for text in revert.skipped:
            self.message_user(request, f"Not restored — {text}.", messages.WARNING)
        if revert.orphaned:
            orphan_message(request, obj, revert.orphaned)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.save_version(request, form.instance, change)

    def save_version(self, request, obj, change):
        """Write obj's historical record now that its link rows are saved too."""
        services.history_write(obj=obj, by=request.user, created=not change)

    def render_history_view(self, request, template, context, **kwargs):
        page = context.get("page_obj")
        if page is not None:
            context["history_entries"] = self.history_entries(context["object"], page)
        return super().render_history_view(request, template, context, **kwargs)

    def history_entries(self, obj, page):
        """The page's versions with the link changes made between them, newest first."""
        records = list(page.object_list)
        if not records:
            return []
        since = records[-1].history_date if page.has_next() else None
        until = records[0].history_date if page.has_previous() else None
        versions = [record.history_date for record in records]
        entries = records + link_entries(obj, versions, since=since, until=until)
        return sorted(entries, key=lambda entry: entry.history_date, reverse=True)


class VersionedAdmin(HistoryAdmin):
    """
    For models with a `version`: refuse stale saves (the form carries the
    version) and tell an editor who else has the object open.
    """

    form = VersionedAdminForm
    change_form_template = "admin/versioned_change_form.html"

    def get_fields(self, request, obj=None):
        # The version travels as a hidden input in form_top, not as a row.
        return [name for name in super().get_fields(request, obj) if name != "edit_version"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            # The page keeps the presence fresh (presence_view) until the editor leaves.
            context["presence_ping_seconds"] = services.PRESENCE_PING_SECONDS
            others = services.edit_presence_join(obj=obj, user=request.user)
            if others:
                messages.warning(
                    request,
                    f"Also editing this {obj._meta.verbose_name}: {', '.join(others)}. Saves "
                    "are checked: if theirs lands first, yours is refused with your input kept.",
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        services.edit_presence_leave(obj=obj, user=request.user)
        return super().response_change(request, obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="{}_{}_presence".format(*info),
            ),
            *super().get_urls(),
        ]

    def presence_view(self, request, object_id):
        """
        The change page's heartbeat: POST "ping" while it is open (answering
        who else has it open), "leave" when the editor goes away.
        """
        if request.method != "POST":
            return json_error("Use POST.", 405)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return json_error(f"This {self.opts.verbose_name} does not exist.", 404)
        if not self.has_change_permission(request, obj):
            return json_error(f"You may not edit this {self.opts.verbose_name}.", 403)
        action = request.POST.get("action")
        if action == "leave":
            services.edit_presence_leave(obj=obj, user=request.user)
            return JsonResponse({"others": []})
        if action != "ping":
            return json_error("Say “ping” or “leave” in the action field.", 400)
        return JsonResponse({"others": services.edit_presence_join(obj=obj, user=request.user)})


# Sources and actors ----------------------------------------------------------


@admin.register(Source)
class SourceAdmin(VersionedAdmin):
    list_display = ["name", "kind", "publisher_link", "published_date", "url"]
    list_filter = ["kind", "published_date"]
    list_select_related = ["publisher"]
    search_fields = ["name", "slug", "url", "publisher__name", "publisher__aliases__name"]
    autocomplete_fields = ["publisher"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "published_date"

    @admin.display(description="Publisher", ordering="publisher__name")
    def publisher_link(self, source):
        return admin_link(source.publisher)


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "actor"
    extra = 0
    autocomplete_fields = ["organisation", "source"]
    fields = ["kind", "role", "organisation", "start_date", "end_date", "source"]


@admin.register(Actor)
class ActorAdmin(VersionedAdmin):
    list_display = ["name", "kind", "title", "country_link", "alias_list", "wikidata"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "aliases__name", "title", "wikidata_qid"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline, AffiliationInline]
    actions = ["merge_actors"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="Country", ordering="country__name")
    def country_link(self, actor):
        return admin_link(actor.country)

    @admin.display(description="Aliases")
    def alias_list(self, actor):
        return ", ".join(alias.name for alias in actor.aliases.all())

    @admin.display(description="Wikidata", ordering="wikidata_qid")
    def wikidata(self, actor):
        if not actor.wikidata_qid:
            return "-"
        return format_html(
            '<a href="{}" rel="noopener">{}</a>', actor.wikidata_url, actor.wikidata_qid
        )

    def has_merge_permission(self, request):
        # Editors merge: see services.MERGE_PERMISSION for why change suffices.
        return services.can_merge_actors(request.user)

    @admin.action(description="Merge selected actors into one…", permissions=["merge"])
    def merge_actors(self, request, queryset):
        actors = list(queryset.annotate(claim_count=Count("claims_made")).order_by("name"))
        if len(actors) < 2:
            self.message_user(request, "Select at least two actors to merge.", messages.ERROR)
            return None
        keep_id = request.POST.get("keep")
        if keep_id:
            keep = next((actor for actor in actors if str(actor.pk) == keep_id), None)
            if keep is None:
                self.message_user(
                    request, "Choose one of the selected actors to keep.", messages.ERROR
                )
                return None
            for actor in actors:
                if actor is not keep:
                    services.actor_merge(keep=keep, merge=actor, by=request.user)
            merged = ", ".join(actor.name for actor in actors if actor is not keep)
            self.message_user(request, f"Merged {merged} into {keep.name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge actors",
            "opts": self.model._meta,
            "actors": actors,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/briefings/actor/merge_confirm.html", context)


class AffiliationEvidenceInline(admin.TabularInline):
    model = AffiliationEvidence
    extra = 0
    autocomplete_fields = ["claim"]


@admin.register(Affiliation)
class AffiliationAdmin(HistoryAdmin):
    list_display = ["actor", "kind", "role", "organisation", "start_date", "end_date"]
    list_filter = ["kind"]
    list_select_related = ["actor", "organisation"]
    search_fields = ["actor__name", "actor__aliases__name", "organisation__name", "role"]
    autocomplete_fields = ["actor", "organisation", "source"]
    inlines = [AffiliationEvidenceInline]
    date_hierarchy = "start_date"


@admin.register(Event)
class EventAdmin(VersionedAdmin):
    list_display = ["name", "kind", "start_date", "end_date", "location", "country"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "location", "date_text"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"


@admin.register(Statement)
class StatementAdmin(HistoryAdmin):
    list_display = ["summary", "speaker", "said_date", "appearance_count"]
    list_select_related = ["speaker"]
    search_fields = ["summary", "speaker__name", "speaker__aliases__name"]
    autocomplete_fields = ["speaker"]
    readonly_fields = ["appearance_links"]
    date_hierarchy = "said_date"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(appearance_count=Count("appearances"))

    @admin.display(description="Appearances", ordering="appearance_count")
    def appearance_count(self, statement):
        return statement.appearance_count

    @admin.display(description="Claims reporting it")
    def appearance_links(self, statement):
        claims = statement.appearances.select_related("article__source", "speaker")
        return format_html_join(
            mark_safe("<br>"),
            "{} — {}",
            ((admin_link(claim), claim.article.source) for claim in claims),
        )


# Articles and the annotation workspace --------------------------------------


@admin.register(Article)
class ArticleAdmin(VersionedAdmin):
    form = ArticleAdminForm
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
                "<path:object_id>/claims/save/",
                self.admin_site.admin_view(self.claim_save_view),
                name="{}_{}_claim_save".format(*info),
            ),
            path(
                "<path:object_id>/claims/<int:claim_id>/retire/",
                self.admin_site.admin_view(self.claim_retire_view),
                name="{}_{}_claim_retire".format(*info),
            ),
            *super().get_urls(),
        ]

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

    def workspace_claims(self, article):
        claims = list(
            article.claims.select_related("speaker", "channel")
            .prefetch_related("actor_links__actor")
            .annotate(open_comment_count=Count("comments", filter=Q(comments__is_resolved=False)))
            .order_by("start", "pk")
        )
        for claim in claims:
            claim.verdict_marker = VERDICT_MARKERS[claim.verdict]
        return claims

    def workspace_context(self, request, article, claims):
        anchored = [claim for claim in claims if claim.start is not None]
        return {
            "article": article,
            "body_html": annotated_body_html(article.body, claims),
            "anchored_claims": anchored,
            "orphaned_claims": [
                claim
                for claim in claims
                if claim.start is None and claim.review_status != ReviewStatus.RETIRED
            ],
            "claims_payload": {claim.pk: claim_payload(claim) for claim in claims},
            "verdict_markers": [(v, VERDICT_MARKERS[v], v.label) for v in Verdict],
            "can_annotate": request.user.has_perm("briefings.add_claim")
            and request.user.has_perm("briefings.change_claim"),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            claim_form = ClaimAnnotationForm(auto_id="claim_%s")
            context.update(self.workspace_context(request, obj, self.workspace_claims(obj)))
            context["claim_form"] = claim_form
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
        if claim_id:
            claim = article.claims.filter(pk=claim_id).first() if claim_id.isdigit() else None
            if claim is None:
                return json_error("No such claim here.", 404)
            allowed = request.user.has_perm("briefings.change_claim")
        else:
            claim = Claim(article=article, created_by=request.user)
            allowed = request.user.has_perm("briefings.add_claim")
        if not allowed:
            return json_error("You may not edit claims.", 403)
        claim.article = article
        form = ClaimAnnotationForm(request.POST, instance=claim)
        if not form.is_valid():
            errors = {field: list(messages_) for field, messages_ in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        claim = form.save(commit=False)
        claim.refresh_context()
        claim._change_reason = "Annotated on the article page"
        services.claim_annotate(claim=claim, about=form.cleaned_data["about"], by=request.user)
        return self.workspace_response(request, article, claim=claim)

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
            services.claim_retire(claim=claim, by=request.user)
        except PermissionDenied as error:
            return json_error(str(error), 403)
        if "application/json" in request.headers.get("Accept", ""):
            return self.workspace_response(request, article, claim=claim)
        self.message_user(request, f"Retired claim #{claim.pk}.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:briefings_article_change", args=[article.pk]) + "#annotator"
        )

    def workspace_response(self, request, article, claim):
        """The workspace after a write, for the page's script to redraw itself."""
        claims = self.workspace_claims(article)
        context = self.workspace_context(request, article, claims)
        return JsonResponse(
            {
                "claim": context["claims_payload"][claim.pk],
                "claims": context["claims_payload"],
                "body_html": context["body_html"],
                "list_html": render_to_string(
                    "admin/briefings/article/claim_list.html", context, request
                ),
            }
        )


# Claims ----------------------------------------------------------------------


class AnchoringFilter(admin.SimpleListFilter):
    """The orphaned claims queue: claims whose quote was lost when their article changed."""

    title = "anchoring"
    parameter_name = "anchoring"

    def lookups(self, request, model_admin):
        return [("anchored", "Anchored"), ("orphaned", "Orphaned (needs re-anchoring)")]

    def queryset(self, request, queryset):
        if self.value() == "anchored":
            return queryset.anchored()
        if self.value() == "orphaned":
            return queryset.orphaned()
        return queryset


class OpenCommentsFilter(admin.SimpleListFilter):
    title = "comments"
    parameter_name = "comments"

    def lookups(self, request, model_admin):
        return [("open", "Has open comments")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_comment_count__gt=0)
        return queryset


class ClaimActorInline(admin.TabularInline):
    model = ClaimActor
    extra = 1
    autocomplete_fields = ["actor"]
    verbose_name = "actor the claim is about"
    verbose_name_plural = "actors the claim is about"


class ClaimEvidenceInline(admin.TabularInline):
    model = ClaimEvidence
    extra = 0
    autocomplete_fields = ["source"]


class ClaimCommentInline(admin.StackedInline):
    model = ClaimComment
    form = ClaimCommentForm
    formset = ClaimCommentFormSet
    extra = 1
    fields = ["parent", "body", "is_resolved", "byline"]
    readonly_fields = ["byline"]
    verbose_name = "comment for the reviewer"
    verbose_name_plural = "comments for the reviewer"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "resolved_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = formset.form.user = request.user
        return formset

    @admin.display(description="By")
    def byline(self, comment):
        if comment.pk is None:
            return "You, on save"
        resolved = f" · resolved by {comment.resolved_by}" if comment.is_resolved else ""
        return f"{comment.author}, {timesince(comment.created_at)} ago{resolved}"


class ClaimActionForm(ActionForm):
    verdict = forms.ChoiceField(
        choices=[("", "verdict…"), *Verdict.choices],
        required=False,
        help_text="For “Set verdict”.",
    )


@admin.register(Claim)
class ClaimAdmin(VersionedAdmin):
    action_form = ClaimActionForm
    list_display = [
        "__str__",
        "speaker_link",
        "article_link",
        "verdict_display",
        "review_status",
        "quote_type",
        "claim_type",
        "is_anchored",
        "open_comment_count",
    ]
    list_filter = [
        AnchoringFilter,
        "verdict",
        "review_status",
        OpenCommentsFilter,
        "quote_type",
        "attribution_kind",
        "claim_type",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("article__source", admin.RelatedOnlyFieldListFilter),
        "article",
        "said_date",
    ]
    list_select_related = ["speaker", "article"]
    search_fields = [
        "quote",
        "cue",
        "speaker__name",
        "speaker__aliases__name",
        "article__title",
        "editor_note",
    ]
    autocomplete_fields = ["article", "speaker", "speaker_role", "channel", "event", "statement"]
    readonly_fields = [
        "prefix",
        "suffix",
        "review_status",
        "reviewed_by",
        "reviewed_at",
        "created_by",
        "workspace_link",
        "briefing_links",
        "discussion",
    ]
    fieldsets = [
        (
            "Span",
            {
                "fields": [
                    "article",
                    "workspace_link",
                    "quote",
                    "start",
                    "end",
                    "prefix",
                    "suffix",
                ],
                "description": "Offsets count Unicode code points. An orphaned claim has "
                "neither start nor end; give both (or re-anchor it on the article page).",
            },
        ),
        (
            "Attribution",
            {
                "fields": [
                    "attribution_kind",
                    "speaker",
                    "speaker_role",
                    "cue",
                    "quote_type",
                    "channel",
                ]
            },
        ),
        (
            "What it is",
            {"fields": ["claim_type", "event", "statement", "said_date", "said_date_text"]},
        ),
        ("Assessment", {"fields": ["verdict", "rationale", "editor_note"]}),
        (
            "Review",
            {
                "fields": [
                    "review_status",
                    "reviewed_by",
                    "reviewed_at",
                    "created_by",
                    "briefing_links",
                ]
            },
        ),
        ("Discussion", {"fields": ["discussion"]}),
    ]
    inlines = [ClaimActorInline, ClaimEvidenceInline, ClaimCommentInline]
    actions = ["mark_reviewed", "mark_unreviewed", "set_verdict", "reanchor_by_quote", "retire"]
    date_hierarchy = "created_at"

    class Media:
        css = {"all": ["briefings/admin/annotate.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_comment_count=Count("comments", filter=Q(comments__is_resolved=False)))
        )

    @admin.display(description="Speaker", ordering="speaker__name")
    def speaker_link(self, claim):
        return admin_link(claim.speaker) if claim.speaker_id else "The article"

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, claim):
        return admin_link(claim.article)

    @admin.display(description="Verdict", ordering="verdict")
    def verdict_display(self, claim):
        return verdict_badge(claim.verdict)

    @admin.display(description="Anchored", boolean=True, ordering="start")
    def is_anchored(self, claim):
        return claim.start is not None

    @admin.display(description="Open comments", ordering="open_comment_count")
    def open_comment_count(self, claim):
        return claim.open_comment_count

    @admin.display(description="On the article")
    def workspace_link(self, claim):
        if not claim.article_id:
            return "-"
        url = reverse("admin:briefings_article_change", args=[claim.article_id])
        return format_html(
            '<a href="{}#claim-{}">Open in the annotation workspace</a>', url, claim.pk
        )

    @admin.display(description="Key claim of")
    def briefing_links(self, claim):
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} ({})",
                ((admin_link(b), b.get_status_display()) for b in claim.briefings.all()),
            )
            or "-"
        )

    @admin.display(description="Thread")
    def discussion(self, claim):
        if claim.pk is None:
            return "-"
        comments = list(claim.comments.select_related("author", "resolved_by"))
        return render_to_string(
            "admin/briefings/claim/discussion.html", {"threads": comment_threads(comments)}
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ClaimComment:
            return super().save_formset(request, form, formset, change)
        for comment in formset.save(commit=False):
            if comment.pk is None:
                services.comment_create(comment=comment, by=request.user)
            else:
                services.comment_update(
                    comment=comment, by=request.user, body=comment.body, parent=comment.parent
                )
                services.claim_comment_resolve(
                    comment=comment, by=request.user, resolved=comment.is_resolved
                )
        for comment in formset.deleted_objects:
            services.comment_delete(comment=comment, by=request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_review_permission(self, request):
        return request.user.has_perm(services.REVIEW_CLAIM_PERMISSION)

    def _each(self, request, queryset, write, done):
        """Apply write to each claim; report how many succeeded and why others did not."""
        count, refused = 0, []
        for claim in queryset:
            try:
                write(claim)
            except (PermissionDenied, ValidationError, AnchorError) as error:
                reason = "; ".join(getattr(error, "messages", None) or [str(error)])
                refused.append(f"#{claim.pk}: {reason}")
            else:
                count += 1
        if count:
            self.message_user(request, f"{done} {count} claim(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not changed — " + " · ".join(refused), messages.ERROR)

    @admin.action(description="Mark selected claims reviewed", permissions=["review"])
    def mark_reviewed(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda claim: services.claim_review(claim=claim, by=request.user),
            "Marked reviewed:",
        )

    @admin.action(description="Mark selected claims unreviewed", permissions=["review"])
    def mark_unreviewed(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda claim: services.claim_review(
                claim=claim, by=request.user, status=ReviewStatus.UNREVIEWED
            ),
            "Marked unreviewed:",
        )

    @admin.action(description="Set verdict (choose it beside the action)", permissions=["change"])
    def set_verdict(self, request, queryset):
        verdict = request.POST.get("verdict", "")
        if verdict not in Verdict.values:
            self.message_user(request, "Choose the verdict to set.", messages.ERROR)
            return

        def write(claim):
            claim.verdict = verdict
            claim._change_reason = f"Verdict set to {Verdict(verdict).label}"
            claim.save()

        self._each(request, queryset, write, f"Verdict “{Verdict(verdict).label}” set on")

    @admin.action(description="Re-anchor orphaned claims by their quote", permissions=["change"])
    def reanchor_by_quote(self, request, queryset):
        def write(claim):
            span = locate(claim.article.body, claim.quote, claim.prefix, claim.suffix)
            services.claim_reanchor(claim=claim, start=span.start, end=span.end)

        self._each(request, queryset.orphaned().select_related("article"), write, "Re-anchored")

    @admin.action(description="Retire selected claims", permissions=["change"])
    def retire(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda claim: services.claim_retire(claim=claim, by=request.user),
            "Retired",
        )


def comment_threads(comments):
    """Return [(comment, replies-as-threads)] for the top-level comments, in order."""
    children = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)

    def thread(parent_id):
        return [(comment, thread(comment.pk)) for comment in children.get(parent_id, [])]

    return thread(None)


@admin.register(ClaimComment)
class ClaimCommentAdmin(HistoryAdmin):
    """
    Others' comments are read-only here and cannot be deleted (the rule is
    services.comment_can_change); anyone may resolve them with the action.
    """

    form = ClaimCommentForm
    list_display = ["short_body", "claim_link", "author", "created_at", "is_resolved"]
    list_filter = ["is_resolved", "created_at"]
    list_select_related = ["claim__speaker", "author"]
    search_fields = ["body", "claim__quote", "author__username"]
    autocomplete_fields = ["claim", "parent"]
    fields = ["claim", "parent", "body", "is_resolved", "author", "resolved_by", "created_at"]
    readonly_fields = ["author", "resolved_by", "created_at"]
    date_hierarchy = "created_at"
    actions = ["resolve", "delete_selected"]

    @admin.display(description="Comment")
    def short_body(self, comment):
        return comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"

    @admin.display(description="Claim", ordering="claim")
    def claim_link(self, comment):
        return admin_link(comment.claim)

    def get_readonly_fields(self, request, obj=None):
        # A comment stays on the claim it was written about.
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else ["claim", *readonly]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.comment_can_change(comment=obj, by=request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.comment_delete_error(comment=obj, by=request.user) is None

    def save_model(self, request, obj, form, change):
        # Also a revert from the history page, whose form may change any field.
        if not change:
            services.comment_create(comment=obj, by=request.user)
            return
        services.comment_update(comment=obj, by=request.user, body=obj.body, parent=obj.parent)
        services.claim_comment_resolve(comment=obj, by=request.user, resolved=obj.is_resolved)

    def delete_view(self, request, object_id, extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        error = comment and services.comment_delete_error(comment=comment, by=request.user)
        if error and super().has_delete_permission(request, comment):
            self.message_user(request, f"Not deleted — {error}", messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:briefings_claimcomment_change", args=[comment.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.comment_delete(comment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for comment in queryset:
            services.comment_delete(comment=comment, by=request.user)

    @admin.action(description="Delete selected claim comments", permissions=["delete"])
    def delete_selected(self, request, queryset):
        # Django's action asks for the delete permission without the object;
        # refuse the whole selection, saying why, if any comment is not the user's to delete.
        refused = [
            error
            for comment in queryset.select_related("author")
            if (error := services.comment_delete_error(comment=comment, by=request.user))
        ]
        if refused:
            self.message_user(request, "Nothing deleted — " + " · ".join(refused), messages.ERROR)
            return None
        return django_delete_selected(self, request, queryset)

    @admin.action(description="Resolve selected comments", permissions=["change"])
    def resolve(self, request, queryset):
        for comment in queryset:
            services.claim_comment_resolve(comment=comment, by=request.user)
        self.message_user(request, "Resolved.", messages.SUCCESS)


# Briefings -------------------------------------------------------------------


class BriefingLinkInline(admin.TabularInline):
    formset = PublishedBriefingLinksFormSet
    extra = 0


class BriefingClaimInline(BriefingLinkInline):
    model = BriefingClaim
    formset = BriefingClaimFormSet
    autocomplete_fields = ["claim"]
    fields = ["position", "claim", "review_state", "comment"]
    readonly_fields = ["review_state"]
    verbose_name = "key claim"
    verbose_name_plural = "key claims (in order)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim__speaker")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset

    @admin.display(description="Review")
    def review_state(self, link):
        return link.claim.get_review_status_display() if link.claim_id else "-"


class BriefingArticleInline(BriefingLinkInline):
    model = BriefingArticle
    autocomplete_fields = ["article"]


class BriefingActorInline(BriefingLinkInline):
    model = BriefingActor
    autocomplete_fields = ["actor"]


class BriefingAuthorInline(admin.TabularInline):
    model = BriefingAuthor
    extra = 0
    autocomplete_fields = ["user"]


class CorrectionInline(admin.TabularInline):
    """Corrections are written by saving the briefing with a reason, never edited after."""

    model = Correction
    extra = 0
    fields = ["created_at", "created_by", "reason", "changed_fields"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Briefing)
class BriefingAdmin(VersionedAdmin):
    form = BriefingAdminForm
    list_display = ["title", "status", "published_at", "event", "key_claim_count", "updated_at"]
    list_filter = ["status", "event", "published_at"]
    list_select_related = ["event"]
    search_fields = ["title", "slug", "lede", "analysis"]
    autocomplete_fields = ["event"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by", "public_link"]
    date_hierarchy = "published_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "lede", "analysis", "event"]}),
        (
            "Workflow",
            {
                "fields": ["status", "published_at", "created_by", "public_link"],
                "description": "Draft → in review → published → archived. Editors submit "
                "for review; only reviewers publish or archive, once every key claim is "
                "reviewed.",
            },
        ),
    ]
    inlines = [
        BriefingClaimInline,
        BriefingArticleInline,
        BriefingActorInline,
        BriefingAuthorInline,
        CorrectionInline,
    ]
    actions = ["submit_for_review", "return_to_draft", "publish", "archive"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(key_claim_count=Count("claim_links"))

    @admin.display(description="Key claims", ordering="key_claim_count")
    def key_claim_count(self, briefing):
        return briefing.key_claim_count

    @admin.display(description="Public page")
    def public_link(self, briefing):
        if not briefing.pk or not Briefing.objects.public().filter(pk=briefing.pk).exists():
            return "Not public"
        return format_html('<a href="{0}">{0}</a>', briefing.get_absolute_url())

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status == BriefingStatus.PUBLISHED:
            fieldsets = [
                ("Correction", {"fields": ["correction_reason"], "classes": ["correction"]}),
                *fieldsets,
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if getattr(obj, "_history", None) is not None:
            # A revert keeps the workflow state (services.REVERT_KEEPS).
            fields = [*fields, "status", "published_at"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if getattr(obj, "_history", None) is not None:
            stored = Briefing.objects.filter(pk=obj.pk).values("status", "published_at").get()
            obj.status, obj.published_at = stored["status"], stored["published_at"]
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_form(self, request, form, change):
        briefing = super().save_form(request, form, change)
        # The link formsets validate against these (see PublishedBriefingLinksFormSet).
        briefing._original_status = form.original_status
        briefing._correction_reason = form.cleaned_data.get("correction_reason", "").strip()
        return briefing

    def save_model(self, request, obj, form, change):
        # The status moves through the workflow after the key claims are saved.
        obj._target_status = obj.status
        obj.status = form.original_status
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_version(self, request, obj, change):
        # The status moves after the key claims are saved; its save and the
        # form's other changes make one entry, with the move as its reason.
        if obj._target_status != obj.status:
            services.briefing_set_status(briefing=obj, to=obj._target_status, by=request.user)
        super().save_version(request, obj, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        briefing = form.instance
        changed = list(form.public_changes) + [
            str(formset.model._meta.verbose_name_plural)
            for formset in formsets
            if formset.has_changed() and isinstance(formset, PublishedBriefingLinksFormSet)
        ]
        if form.original_status == BriefingStatus.PUBLISHED and changed:
            services.briefing_record_correction(
                briefing=briefing,
                by=request.user,
                reason=briefing._correction_reason,
                changed_fields=changed,
            )

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def _move(self, request, queryset, to):
        moved, refused = [], []
        for briefing in queryset:
            try:
                services.briefing_set_status(briefing=briefing, to=to, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                reason = "; ".join(getattr(error, "messages", None) or [str(error)])
                refused.append(f"“{briefing}”: {reason}")
            else:
                moved.append(briefing)
        label = capfirst(BriefingStatus(to).label.lower())
        if moved:
            self.message_user(request, f"{label}: {len(moved)} briefing(s).", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not {label.lower()} — {reason}", messages.ERROR)

    @admin.action(description="Submit selected briefings for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, BriefingStatus.IN_REVIEW)

    @admin.action(description="Return selected briefings to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._move(request, queryset, BriefingStatus.DRAFT)

    @admin.action(description="Publish selected briefings", permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, BriefingStatus.PUBLISHED)

    @admin.action(description="Archive selected briefings", permissions=["publish"])
    def archive(self, request, queryset):
        self._move(request, queryset, BriefingStatus.ARCHIVED)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Read-only: corrections are recorded by saving a published briefing with a reason."""

    list_display = ["briefing", "created_at", "created_by", "reason"]
    list_select_related = ["briefing", "created_by"]
    search_fields = ["reason", "briefing__title"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
