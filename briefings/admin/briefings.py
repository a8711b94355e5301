"""
Briefings: key claims in order, the workflow as actions, corrections.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from briefings import editing, services
from briefings.admin.base import ReviewedAdmin
from briefings.forms import BriefingAdminForm
from briefings.models import (
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingAuthor,
    BriefingStatus,
    Correction,
)


class BriefingLinkInline(admin.TabularInline):
    extra = 0


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


def link_rows(formset):
    """The rows an inline formset asks for, as briefings.editing takes them, in order."""
    rows = [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    if any("position" in row for row in rows):
        rows = sorted(rows, key=lambda row: row.get("position") or 0)
    target = {BriefingArticle: "article", BriefingActor: "actor", BriefingAuthor: "user"}
    return [row[target[formset.model]] for row in rows]


LINKS = {
    BriefingArticle: "articles",
    BriefingActor: "actors",
    BriefingAuthor: "authors",
}
# Key claims are one form field, not an inline (forms.KeyClaimsField): a briefing
# may have 1,000 of them, and a formset posts five fields a row.
KEY_CLAIMS_FIELDSET = (
    "Key claims",
    {
        "fields": ["key_claim_rows"],
        "description": "The claims the briefing is built on, in the order readers see them, "
        "each with an optional note for readers.",
    },
)


@admin.register(Briefing)
class BriefingAdmin(ReviewedAdmin):
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
                "fields": [
                    "status",
                    "publish_despite_open_comments",
                    "published_at",
                    "created_by",
                    "public_link",
                ],
                "description": "Draft → in review → published → archived. Editors submit "
                "for review; only reviewers publish or archive, once every key claim is "
                "reviewed.",
            },
        ),
    ]
    inlines = [
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

    @admin.display(description="Key claims")
    def key_claim_rows(self, briefing):
        """The key claims in order, for those who may only view the briefing."""
        links = briefing.claim_links.select_related("claim__speaker").order_by("position", "pk")
        items = format_html_join(
            "",
            "<li>{}{}</li>",
            ((link.claim, f" — {link.comment}" if link.comment else "") for link in links),
        )
        return format_html("<ol>{}</ol>", items) if items else "-"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if getattr(obj, "_history", None) is None:
            # A revert restores the key claims itself (services.history_revert).
            fieldsets = [fieldsets[0], KEY_CLAIMS_FIELDSET, *fieldsets[1:]]
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

    def save_edit(self, request, form, formsets, change):
        names = editing.BRIEFING_PUBLIC_FIELDS
        data = (
            self.form_data(form, names)
            if change
            else {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        )
        if "key_claim_rows" in form.cleaned_data and (
            "key_claim_rows" in form.changed_data or not change
        ):
            data["key_claims"] = form.cleaned_data["key_claim_rows"]
        for formset in formsets:
            if formset.model in LINKS and (formset.has_changed() or not change):
                data[LINKS[formset.model]] = link_rows(formset)
        return editing.briefing_save(
            briefing=form.instance,
            data=data,
            by=request.user,
            expected_version=form.cleaned_data.get("edit_version"),
            reason=form.cleaned_data.get("correction_reason", ""),
            status=form.cleaned_data.get("status"),
            open_comments_ok=form.cleaned_data.get("publish_despite_open_comments", False),
        )

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def _move(self, request, queryset, to, **workflow):
        moved, refused = [], []
        for briefing in queryset:
            try:
                services.briefing_set_status(briefing=briefing, to=to, by=request.user, **workflow)
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
        """Publish; where comments on key claims are open, first show them and ask."""
        if request.POST.get("confirm"):
            return self._move(request, queryset, BriefingStatus.PUBLISHED, open_comments_ok=True)
        briefings = list(queryset)
        waiting = [(b, list(services.open_comments(b))) for b in briefings]
        waiting = [(briefing, comments) for briefing, comments in waiting if comments]
        if not waiting:
            return self._move(request, queryset, BriefingStatus.PUBLISHED)
        context = {
            **self.admin_site.each_context(request),
            "title": "Publish with open comments?",
            "opts": self.model._meta,
            "briefings": briefings,
            "waiting": waiting,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/briefings/briefing/publish_confirm.html", context)

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
