"""
Claims: the change form, the review actions, the orphaned queue, comments.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from briefings import editing, services
from briefings.admin.base import HistoryAdmin, ReviewedAdmin, admin_link, verdict_badge
from briefings.anchoring import AnchorError, locate
from briefings.forms import (
    ClaimCommentForm,
    ClaimCommentFormSet,
)
from briefings.models import (
    Claim,
    ClaimActor,
    ClaimComment,
    ClaimEvidence,
    ReviewStatus,
    Verdict,
)


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


class PendingChangeFilter(admin.SimpleListFilter):
    """Claims readers see in their approved version while an editor's change waits."""

    title = "pending change"
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", "Changed since review")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pending_change__isnull=False)
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
class ClaimAdmin(ReviewedAdmin):
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
        PendingChangeFilter,
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

    def save_edit(self, request, form, formsets, change):
        data = self.form_data(form, editing.CLAIM_FIELDS)
        if not change:
            form.instance.created_by = request.user
        for formset in formsets:
            rows = [
                row.cleaned_data
                for row in formset.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE")
            ]
            if formset.model is ClaimActor and formset.has_changed():
                data["about"] = [row["actor"] for row in rows]
            elif formset.model is ClaimEvidence and formset.has_changed():
                data["evidence"] = [{"source": row["source"], "note": row["note"]} for row in rows]
        edit = editing.claim_save(
            claim=form.instance,
            data=data,
            by=request.user,
            expected_version=form.cleaned_data.get("edit_version"),
        )
        for formset in formsets:
            if formset.model is ClaimComment:
                formset.instance = edit.obj
                self.save_comments(request, formset)
        return edit

    def save_comments(self, request, formset):
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

    def has_review_permission(self, request):
        return request.user.has_perm(services.REVIEW_CLAIM_PERMISSION)

    def _each(self, request, queryset, write, done):
        """
        Apply write (returning an editing.Edit) to each claim; report how many
        were changed, how many wait for a reviewer, and why others were refused.
        """
        count, waiting, refused = 0, 0, []
        for claim in queryset:
            try:
                edit = write(claim)
            except (PermissionDenied, ValidationError, AnchorError) as error:
                reason = "; ".join(getattr(error, "messages", None) or [str(error)])
                refused.append(f"#{claim.pk}: {reason}")
            else:
                if getattr(edit, "is_pending", False):
                    waiting += 1
                else:
                    count += 1
        if count:
            self.message_user(request, f"{done} {count} claim(s).", messages.SUCCESS)
        if waiting:
            self.message_user(
                request,
                f"{waiting} claim(s) that readers see: your change waits for a reviewer.",
                messages.WARNING,
            )
        if refused:
            self.message_user(request, "Not changed — " + " · ".join(refused), messages.ERROR)

    @admin.action(description="Mark selected claims reviewed", permissions=["review"])
    def mark_reviewed(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda claim: editing.claim_review(claim=claim, by=request.user),
            "Marked reviewed:",
        )

    @admin.action(description="Mark selected claims unreviewed", permissions=["review"])
    def mark_unreviewed(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda claim: editing.claim_review(
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
        self._each(
            request,
            queryset,
            lambda claim: editing.claim_save(
                claim=claim, data={"verdict": verdict}, by=request.user
            ),
            f"Verdict “{Verdict(verdict).label}” set on",
        )

    @admin.action(description="Re-anchor orphaned claims by their quote", permissions=["change"])
    def reanchor_by_quote(self, request, queryset):
        def write(claim):
            span = locate(claim.article.body, claim.quote, claim.prefix, claim.suffix)
            return editing.claim_reanchor(
                claim=claim, start=span.start, end=span.end, by=request.user
            )

        self._each(request, queryset.orphaned().select_related("article"), write, "Re-anchored")

    @admin.action(description="Retire selected claims…", permissions=["change"])
    def retire(self, request, queryset):
        """
        Retire after a confirmation page; claims readers see need a reason,
        which becomes the correction shown on their briefings.
        """
        claims = list(queryset.select_related("speaker").order_by("pk"))
        public = {
            claim.pk for claim in Claim.objects.public().filter(pk__in=[c.pk for c in claims])
        }
        if request.POST.get("confirm"):
            reason = request.POST.get("reason", "")
            self._each(
                request,
                claims,
                lambda claim: editing.claim_retire(claim=claim, by=request.user, reason=reason),
                "Retired",
            )
            return None
        for claim in claims:
            claim.is_public = claim.pk in public
        context = {
            **self.admin_site.each_context(request),
            "title": "Retire claims",
            "opts": self.model._meta,
            "claims": claims,
            "any_public": bool(public),
            "can_review": editing.can_review(request.user),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/briefings/claim/retire_confirm.html", context)


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
