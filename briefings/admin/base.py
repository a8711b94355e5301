"""
Shared admin bases: history with link rows and revert, versioned (stale-save-proof)
change forms with edit presence, and the reviewed models' write path.
"""

from contextvars import ContextVar

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from briefings import editing, services
from briefings.annotate import VERDICT_MARKERS
from briefings.forms import (
    HistoryAdminForm,
    VersionedAdminForm,
)
from briefings.history import HistoryChanges, link_entries, m2m_fields, revert_changes
from briefings.models import (
    PendingChange,
    Verdict,
)
from briefings.stale import stale_changes


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

    form = HistoryAdminForm
    object_history_list_template = "admin/history_list.html"
    object_history_form_template = "admin/versioned_history_form.html"
    # Links without a scheme are https, as they will be from Django 6.0 on.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # One transaction: the version check locks the row, and a revert
        # writes the object and its links together or not at all.
        record = self.model.history.filter(
            **{self.model._meta.pk.attname: object_id, "history_id": version_id}
        ).first()
        if record is not None:
            # What a revert would change, against the current version.
            extra_context = {**(extra_context or {}), "revert_changes": revert_changes(record)}
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
            m2m={
                f.name: form.cleaned_data[f.name]
                for f in m2m_fields(self.model)
                if f.name in form.cleaned_data
            },
            correction_reason=form.cleaned_data.get("correction_reason", ""),
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

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)

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
        # The version travels as a hidden input in form_top (or on the reapply button).
        return [
            name
            for name in super().get_fields(request, obj)
            if name not in VersionedAdminForm.version_fields
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        stored = getattr(context["adminform"].form, "stale", None)
        if stored is not None:
            context["stale_changes"] = stale_changes(context["adminform"].form)
            context["stale_version"] = stored.version
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


# A refusal a write service raised while saving a change form, shown on that form.
_refusal = ContextVar("refusal", default=None)


def refusal_errors(error):
    """[(field or None, messages)] of a ValidationError."""
    if hasattr(error, "error_dict"):
        return [(name, errors) for name, errors in error.message_dict.items()]
    return [(None, error.messages)]


class ReviewedAdmin(VersionedAdmin):
    """
    Claims and briefings, which readers see: the change form saves through
    briefings.editing (the one write path), shows the pending change an
    editor's save made, and gives reviewers Approve and Discard.
    """

    change_form_template = "admin/reviewed_change_form.html"
    # Subclasses define save_edit(request, form, formsets, change): save the form
    # and its inlines through the model's write service and return its Edit.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST":
                raise
            # Nothing was saved (the view is atomic): show the same input with the reason.
            token = _refusal.set(refusal)
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            finally:
                _refusal.reset(token)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = _refusal.get()
        if refusal is None:
            return form

        class RefusedForm(form):
            def clean(self):
                cleaned_data = super().clean()
                for name, errors in refusal_errors(refusal):
                    self.add_error(name if name in self.fields else None, errors)
                return cleaned_data

        return RefusedForm

    def get_object(self, request, object_id, from_field=None):
        """The object as its editors go on editing it: with its pending change applied."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and getattr(obj, "_history", None) is None:
            obj, _ = editing.with_pending(obj)
        return obj

    def save_model(self, request, obj, form, change):
        # A revert goes through services.history_revert; every other save
        # through editing, in save_related, once the inlines are known.
        if getattr(obj, "_history", None) is not None:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        edit = self.save_edit(request, form, formsets, change)
        if edit.is_pending:
            self.message_user(
                request,
                "Readers see this "
                f"{self.opts.verbose_name}: your change waits for a reviewer's approval, and "
                "readers keep seeing the approved version until then.",
                messages.WARNING,
            )
        for correction in edit.corrections:
            self.message_user(
                request, f"Correction recorded on “{correction.briefing}”.", messages.INFO
            )

    def construct_change_message(self, request, form, formsets, add=False):
        # Link inlines are written by the service, not saved as formsets.
        saved = [formset for formset in formsets if hasattr(formset, "new_objects")]
        return super().construct_change_message(request, form, saved, add)

    def form_data(self, form, names):
        return {name: form.cleaned_data[name] for name in form.changed_data if name in names}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            pending = PendingChange.objects.filter(**{self.opts.model_name: obj}).first()
            context["pending_change"] = pending
            if pending is not None:
                context["pending_rows"] = editing.pending_rows(pending)
            context["can_approve"] = editing.can_review(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/pending/<str:decision>/",
                self.admin_site.admin_view(self.pending_view),
                name="{}_{}_pending".format(*info),
            ),
            *super().get_urls(),
        ]

    def pending_view(self, request, object_id, decision):
        """Approve or discard the object's pending change (POST from its change page)."""
        if request.method != "POST" or decision not in ("approve", "discard"):
            return json_error("POST to …/pending/approve/ or …/pending/discard/.", 405)
        obj = self.get_object(request, unquote(object_id))
        change = obj and PendingChange.objects.filter(**{self.opts.model_name: obj}).first()
        url = (
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            if obj
            else None
        )
        if change is None:
            self.message_user(request, "There is no pending change here.", messages.ERROR)
            return HttpResponseRedirect(url or reverse("admin:index"))
        try:
            # The version of the page the reviewer decided on: a change since is refused.
            seen = request.POST.get("edit_version") or None
            if decision == "approve":
                edit = editing.change_approve(
                    change=change,
                    by=request.user,
                    reason=request.POST.get("approve_reason", ""),
                    expected_version=seen,
                )
                done = "Approved: readers now see this change"
                if edit.corrections:
                    done += f", recorded as a correction on {len(edit.corrections)} briefing(s)"
            else:
                editing.change_discard(change=change, by=request.user, expected_version=seen)
                done = "Discarded the pending change; readers keep the approved version"
        except (PermissionDenied, ValidationError, services.StaleEdit) as error:
            reason = "; ".join(getattr(error, "messages", None) or [str(error)])
            self.message_user(request, f"Not done — {reason}", messages.ERROR)
        else:
            self.message_user(request, f"{done}.", messages.SUCCESS)
        return HttpResponseRedirect(url)
