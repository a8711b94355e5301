"""
Briefings: key claims in order, the workflow as actions, corrections.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import capfirst

from briefings import services
from briefings.admin.base import VersionedAdmin
from briefings.forms import (
    BriefingAdminForm,
    BriefingClaimFormSet,
    PublishedBriefingLinksFormSet,
)
from briefings.models import (
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingAuthor,
    BriefingClaim,
    BriefingStatus,
    Correction,
)


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
