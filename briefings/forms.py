"""
Admin forms. The rules they check live in the models and services; a form
only carries the extra state a browser round trip needs (the version the
editor loaded, a correction's reason) and turns rule breaks into field errors.
"""

import datetime
import json
from collections import Counter

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from briefings import article_files, services
from briefings.api.serializers import unique_slug
from briefings.history import m2m_targets
from briefings.models import (
    Actor,
    ActorKind,
    Article,
    AttributionKind,
    Briefing,
    BriefingClaim,
    BriefingStatus,
    Claim,
    ClaimComment,
    QuoteType,
    ReviewStatus,
    Source,
)


class HistoryAdminForm(forms.ModelForm):
    """
    The admin form of a model with history. A revert form starts from the
    version's many-to-many links; a time the editor left alone is saved as
    stored, and text comes with LF line ends as stored (browsers send CRLF),
    so a version records only what the editor changed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = getattr(self.instance, "_history", None)
        if record is None:
            return
        for m2m_field in record._history_m2m_fields:
            if m2m_field.name in self.fields:
                self.initial[m2m_field.name] = sorted(m2m_targets(record, m2m_field))

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            value = cleaned_data.get(name)
            if isinstance(value, str) and "\r" in value:
                cleaned_data[name] = value.replace("\r\n", "\n").replace("\r", "\n")
            # The admin's split date-time widget shows and sends whole seconds,
            # so the form as sent would drop the stored microseconds.
            value = cleaned_data.get(name)
            if (
                isinstance(value, datetime.datetime | datetime.time)
                and not field.widget.supports_microseconds
                and name not in self.changed_data
            ):
                # Not get_initial_for_field(): it drops the microseconds too.
                stored = self.initial.get(name)
                if isinstance(stored, type(value)) and stored.replace(microsecond=0) == value:
                    cleaned_data[name] = stored
        return cleaned_data


class VersionedAdminForm(HistoryAdminForm):
    """
    Carry the version of the object the editor opened, so that a save from
    a stale form is refused with the editor's input kept, never applied.
    After a refusal the editor may save their input over the version they
    were shown then: the "reapply" button posts that version, and a change
    landing after it is refused in turn.
    """

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Text, read in clean(): a hidden field's own errors would show nowhere on the page.
    reapply = forms.CharField(widget=forms.HiddenInput, required=False)

    # The form's own fields, not the object's.
    version_fields = ("edit_version", "reapply")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored object a stale save was refused against, once clean() refused one.
        self.stale = None
        if self.instance.pk is None:
            return
        # A form reverting to a history record shows that record's old version;
        # the save is a change to what is stored now.
        if getattr(self.instance, "_history", None) is not None:
            stored = type(self.instance).objects.filter(pk=self.instance.pk)
            self.fields["edit_version"].initial = stored.values_list("version", flat=True).first()
        else:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        expected = cleaned_data.get("edit_version")
        reapply = cleaned_data.get("reapply")
        if reapply:
            if not reapply.isdigit():
                raise ValidationError(
                    f"“{reapply}” is not a version to save over; reload the page and try again.",
                    code="invalid",
                )
            expected = int(reapply)
        if expected is None:
            raise ValidationError(
                "This form did not say which version it edits; reload the page and try again.",
                code="stale",
            )
        try:
            services.check_version(self.instance, expected)
        except services.StaleEdit as error:
            self.stale = error.instance
            raise ValidationError(str(error), code="stale") from None
        # The save bumps the stored version, whatever version the instance held;
        # the write service checks the version again, the one this form stands for.
        self.instance.version = cleaned_data["edit_version"] = expected
        return cleaned_data


def key_claim_pairs(rows):
    """[(claim id, comment)] of key-claim rows whose claim is an id or a Claim."""
    return [(getattr(row["claim"], "pk", row["claim"]), row.get("comment", "")) for row in rows]


class KeyClaimsWidget(forms.Widget):
    """
    A briefing's key claims as one hidden field of ordered rows (JSON: claim
    id and comment), under the list editors reorder by drag or keyboard
    (static/briefings/admin/key_claims.js). An inline formset posts five
    fields a row, and Django refuses a form of more than 1,000 fields.
    """

    template_name = "admin/briefings/briefing/key_claims_widget.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        # Where the editor picks a claim to add; it has no name, so it posts nothing.
        self.add_widget = forms.ModelChoiceField(
            Claim.objects.all(),
            required=False,
            widget=AutocompleteSelect(BriefingClaim._meta.get_field("claim"), admin.site),
        ).widget

    @property
    def media(self):
        return self.add_widget.media + forms.Media(
            js=["briefings/admin/key_claims.js"],
            css={"all": ["briefings/admin/key_claims.css"]},
        )

    def format_value(self, value):
        if isinstance(value, str):
            return value
        pairs = key_claim_pairs(value or [])
        return json.dumps([{"claim": claim, "comment": comment} for claim, comment in pairs])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        try:
            pairs = key_claim_pairs(json.loads(context["widget"]["value"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            pairs = []  # The field's error says what is wrong with what was sent.
        ids = [claim for claim, _ in pairs if isinstance(claim, int)]
        claims = Claim.objects.select_related("speaker").in_bulk(ids)
        context["widget"]["rows"] = [
            {"claim": claims[claim], "comment": comment}
            for claim, comment in pairs
            if claim in claims
        ]
        # The admin's change URL of any object is <changelist>/<pk>/change/.
        context["widget"]["claim_changelist_url"] = reverse("admin:briefings_claim_changelist")
        field_id = context["widget"]["attrs"].setdefault("id", f"id_{name}")
        context["widget"]["add_html"] = self.add_widget.render(
            "", None, {"id": f"{field_id}_add", "class": "key-claims-add"}
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template directory, which the form renderer does not search.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class KeyClaimsField(forms.Field):
    """A briefing's key claims in order, as editing takes them: [{"claim", "comment"}]."""

    widget = KeyClaimsWidget

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, list):
            return value
        try:
            rows = json.loads(value)
        except ValueError:
            raise ValidationError(
                "The list of key claims could not be read; reload the page and try again.",
                code="invalid",
            ) from None
        if not isinstance(rows, list) or not all(
            isinstance(row, dict)
            and isinstance(row.get("claim"), int)
            and isinstance(row.get("comment", ""), str)
            for row in rows
        ):
            raise ValidationError(
                'Each key claim must be {"claim": <claim number>, "comment": <text>}.',
                code="invalid",
            )
        ids = [row["claim"] for row in rows]
        repeated = sorted(claim for claim, count in Counter(ids).items() if count > 1)
        if repeated:
            raise ValidationError(
                "A claim can be a key claim only once: "
                + ", ".join(f"#{claim}" for claim in repeated)
                + " is listed more than once.",
                code="repeated",
            )
        found = Claim.objects.in_bulk(ids)
        missing = [claim for claim in ids if claim not in found]
        if missing:
            raise ValidationError(
                "No such claim: "
                + ", ".join(f"#{claim}" for claim in missing)
                + ". Remove it from the key claims.",
                code="missing",
            )
        return [{"claim": found[row["claim"]], "comment": row.get("comment", "")} for row in rows]

    def comparable(self, value):
        """The rows as stale_changes compares them: (claim id, comment) pairs."""
        return key_claim_pairs(value or [])

    def display_text(self, value):
        pairs = key_claim_pairs(value or [])
        return (
            "; ".join(
                f"#{claim}" + (f" ({comment})" if comment else "") for claim, comment in pairs
            )
            or "—"
        )

    def has_changed(self, initial, data):
        try:
            sent = key_claim_pairs(json.loads(data) if isinstance(data, str) else data or [])
        except (ValueError, TypeError, KeyError, AttributeError):
            return True
        return key_claim_pairs(initial or []) != sent


class BriefingAdminForm(VersionedAdminForm):
    """
    Status changes go through the workflow rule, whatever the path: this form
    serves the change page, the changelist's bulk edit and history reverts.
    What a published briefing's change needs (a reviewer, a correction's
    reason, reviewed key claims) is briefings.editing's to say.
    """

    correction_reason = forms.CharField(
        label="Correction for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="This briefing is published: a reviewer's change is a correction; say, for "
        "readers, what you corrected and why. An editor's change waits for a reviewer.",
    )

    publish_despite_open_comments = forms.BooleanField(
        label="Publish although comments are open",
        required=False,
        help_text="Publishing asks for this when comments on key claims are still open.",
    )

    key_claim_rows = KeyClaimsField(
        label="Key claims",
        required=False,
        help_text="Drag a claim by its handle, or focus the handle and press the up and down "
        "arrow keys (Home and End for the top and bottom), to set the order readers see.",
    )

    # Set by BriefingAdmin.get_form: the user whose rights the workflow checks.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self.instance, "_history", None) is not None:
            # A revert restores the key claims as they were (services.history_revert).
            self.fields.pop("key_claim_rows", None)
        elif "key_claim_rows" in self.fields and self.instance.pk is not None:
            self.initial["key_claim_rows"] = list(
                self.instance.claim_links.order_by("position", "pk").values("claim", "comment")
            )
        status = self.fields.get("status")
        if status is not None and self.user is not None:
            # Offer only the moves this person may make: an editor never sees
            # Published or Archived. The menu (the widget) shrinks, the field
            # does not, so a forged choice still gets the workflow's reason.
            allowed = services.briefing_status_choices(briefing=self.instance, by=self.user)
            status.widget.choices = [
                (value, label) for value, label in status.choices if value in allowed
            ]

    def clean_status(self):
        to = self.cleaned_data["status"]
        error = services.briefing_transition_error(briefing=self.instance, to=to, by=self.user)
        if error:
            raise ValidationError(error, code="workflow")
        return to

    def clean(self):
        cleaned_data = super().clean()
        # Publishing stamps the date (services.briefing_set_status does it again
        # after the save); the model's constraint wants it already here.
        if cleaned_data.get("status") == BriefingStatus.PUBLISHED and not cleaned_data.get(
            "published_at"
        ):
            cleaned_data["published_at"] = timezone.now()
        return cleaned_data


class ClaimCommentForm(forms.ModelForm):
    """
    A comment's text and thread place are its author's (and a Reviewer's):
    for anyone else they show but do not change. Everyone may resolve it.
    """

    # Set by the admin (ClaimCommentAdmin.get_form, ClaimCommentInline.get_formset).
    user = None

    class Meta:
        model = ClaimComment
        fields = ["parent", "body", "is_resolved"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            self.fields["parent"].label = "In reply to"
        comment = self.instance
        if comment.pk is None:
            return
        if self.user is None or not services.comment_can_change(comment=comment, by=self.user):
            for name in ("body", "parent"):
                if name in self.fields:
                    self.fields[name].disabled = True
            if "body" in self.fields:
                note = f"Only its author ({comment.author}) or a reviewer may edit or delete it."
                self.fields["body"].help_text = note
        if "parent" in self.fields and comment.claim_id:
            self.fields["parent"].queryset = (
                ClaimComment.objects.filter(claim_id=comment.claim_id)
                .exclude(pk=comment.pk)
                .select_related("author")
            )


class ClaimCommentFormSet(forms.BaseInlineFormSet):
    """The claim page's comments: replies stay on the claim, deletions are the author's."""

    # Set by ClaimCommentInline.get_formset.
    user = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A new comment's instance learns its claim only after this; the formset knows it.
        if form.instance.pk is None:
            form.fields["parent"].queryset = ClaimComment.objects.filter(
                claim_id=self.instance.pk
            ).select_related("author")

    def clean(self):
        super().clean()
        errors = [
            services.comment_delete_error(comment=form.instance, by=self.user)
            for form in self.deleted_forms
            if form.instance.pk is not None
        ]
        errors = [error for error in errors if error]
        if errors:
            raise ValidationError(["Not deleted — " + error for error in errors])


class ClaimAnnotationForm(VersionedAdminForm):
    """The annotation page's claim form: a span of the article and its attribution."""

    about = forms.ModelMultipleChoiceField(
        queryset=Actor.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Claim._meta.get_field("about"), admin.site),
        help_text="The actors the claim is about.",
    )

    class Meta:
        model = Claim
        fields = [
            "start",
            "end",
            "quote",
            "attribution_kind",
            "speaker",
            "cue",
            "quote_type",
            "channel",
            "claim_type",
            "verdict",
            "rationale",
            "editor_note",
        ]
        widgets = {
            "start": forms.HiddenInput,
            "end": forms.HiddenInput,
            "quote": forms.HiddenInput,
            "speaker": AutocompleteSelect(Claim._meta.get_field("speaker"), admin.site),
            "channel": AutocompleteSelect(Claim._meta.get_field("channel"), admin.site),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "editor_note": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = [
        "attribution_kind",
        "speaker",
        "cue",
        "quote_type",
        "channel",
        "claim_type",
        "about",
        "verdict",
        "rationale",
        "editor_note",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new span is an offer to be filled in, not an error waiting to happen.
        self.fields["attribution_kind"].initial = AttributionKind.REPORTED
        self.fields["quote_type"].initial = QuoteType.INDIRECT
        for name in ("start", "end", "quote"):
            self.fields[name].required = True
        self.fields["start"].error_messages["required"] = "Select the text of the claim first."
        if self.instance.pk:
            self.fields["about"].initial = [link.actor for link in self.instance.actor_links.all()]


class ArticleFileForm(forms.Form):
    """An article file to import, and the source it came from where the file names none."""

    file = forms.FileField(
        help_text="A .txt file (first line the title, or a header block of “Title:”, “URL:”, "
        "“Source:”, “Published:” lines and a blank line), a saved web page (.html) or a "
        ".json object with title, url, source, published_at and body."
    )
    source = forms.ModelChoiceField(
        Source.objects.all(),
        required=False,
        widget=AutocompleteSelect(Article._meta.get_field("source"), admin.site),
        help_text="Leave empty to use the source the file names (created if new).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > article_files.MAX_BYTES:
            raise ValidationError(
                f"{upload.name}: the file has {upload.size:,} bytes; "
                f"the limit is {article_files.MAX_BYTES:,}."
            )
        try:
            return article_files.read_article_file(upload.name, upload.read())
        except article_files.ArticleFileError as error:
            raise ValidationError(str(error)) from None


class KnownAutocompleteSelect(AutocompleteSelect):
    """
    An admin autocomplete whose selected option's label is given in `labels`
    (pk -> text), so a list of many forms renders without a query per form.
    """

    labels = {}

    def optgroups(self, name, value, attr=None):
        options = [self.create_option(name, "", "", False, 0)]
        for index, pk in enumerate(value, start=1):
            if str(pk) in self.labels:
                options.append(self.create_option(name, pk, self.labels[str(pk)], True, index))
        return [(None, options, 0)]


class SuggestionForm(forms.Form):
    """One suggested claim as the editor confirms it: who said it, with which cue, how quoted."""

    suggestion = forms.IntegerField(widget=forms.HiddenInput)
    selected = forms.BooleanField(required=False, label="Select")
    speaker = forms.ModelChoiceField(
        Actor.objects.all(),
        required=False,
        widget=KnownAutocompleteSelect(Claim._meta.get_field("speaker"), admin.site),
    )
    new_actor_kind = forms.ChoiceField(
        choices=[("", "—"), *ActorKind.choices],
        required=False,
        label="Accepting adds the speaker as a new",
    )
    cue = forms.CharField(max_length=100, required=False)
    quote_type = forms.ChoiceField(choices=[c for c in QuoteType.choices if c[0] != QuoteType.NONE])
    same_statement = forms.BooleanField(required=False, label="Same statement as the claim shown")

    def __init__(self, *args, speaker_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].widget.labels = speaker_labels or {}


SuggestionFormSet = forms.formset_factory(SuggestionForm, extra=0)


# The statuses a briefing takes claims from the workspace in, in the order offered.
OPEN_FOR_CLAIMS = [BriefingStatus.DRAFT, BriefingStatus.IN_REVIEW, BriefingStatus.PUBLISHED]
NEW_BRIEFING = "new"


class ClaimsToBriefingForm(forms.Form):
    """
    Claims chosen in an article's workspace, for a briefing chosen by id and
    the version the editor saw (value "<id>-v<version>"), or a new one.
    """

    claims = forms.ModelMultipleChoiceField(
        Claim.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": "Claim #%(value)s is not on this article.",
            "invalid_pk_value": "“%(pk)s” is not a claim number.",
        },
    )
    all = forms.BooleanField(required=False, label="Select all")
    # Not a ChoiceField: a stale choice (the briefing changed since) deserves its own error.
    briefing = forms.CharField(label="Add to", widget=forms.Select)
    title = forms.CharField(max_length=300, required=False, label="New briefing’s title")
    lede = forms.CharField(
        required=False,
        label="Its lede",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or two sentences: the gist.",
    )
    slug = forms.SlugField(
        max_length=160, required=False, help_text="Leave empty to make one from the title."
    )
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Note",
        help_text="For the reviewer, or for readers if the briefing is published.",
    )

    def __init__(self, *args, article, user, **kwargs):
        # Its own ids: the article's change form on the same page has a title and a slug.
        kwargs.setdefault("auto_id", "to_briefing_%s")
        super().__init__(*args, **kwargs)
        self.article, self.user = article, user
        self.fields["claims"].queryset = article.claims.all()
        # Each value carries the version shown, so a save over a later change is refused.
        self.briefings = {}
        groups = {status: [] for status in OPEN_FOR_CLAIMS}
        if user.has_perm("briefings.change_briefing"):
            rows = Briefing.objects.filter(status__in=OPEN_FOR_CLAIMS).only(
                "pk", "title", "status", "version"
            )
            for briefing in rows.order_by("-updated_at"):
                self.briefings[briefing.pk] = briefing
                groups[briefing.status].append((f"{briefing.pk}-v{briefing.version}", briefing))
        published = (
            "Published: readers see the change"
            if user.has_perm(services.PUBLISH_PERMISSION)
            else "Published: your change waits for a reviewer"
        )
        labels = {
            BriefingStatus.DRAFT: "Drafts",
            BriefingStatus.IN_REVIEW: "In review",
            BriefingStatus.PUBLISHED: published,
        }
        choices = (
            [(NEW_BRIEFING, "New briefing")] if user.has_perm("briefings.add_briefing") else []
        )
        choices += [(labels[status], rows) for status, rows in groups.items() if rows]
        self.fields["briefing"].widget.choices = choices

    def clean_briefing(self):
        """The briefing chosen (None for a new one) and the version the editor saw."""
        value = self.cleaned_data["briefing"]
        if value == NEW_BRIEFING:
            if not self.user.has_perm("briefings.add_briefing"):
                raise ValidationError("You may not create briefings.")
            return None, None
        pk, _, version = value.partition("-v")
        briefing = self.briefings.get(int(pk)) if pk.isdigit() else None
        if briefing is None or not version.isdigit():
            raise ValidationError(
                f"“{value}” is no briefing you may add claims to: choose a draft, one in "
                "review or a published one."
            )
        return briefing, int(version)

    def clean(self):
        cleaned_data = super().clean()
        claims = cleaned_data.get("claims")
        if cleaned_data.get("all"):
            claims = self.article.claims.exclude(review_status=ReviewStatus.RETIRED)
        if claims is not None:
            claims = sorted(claims, key=lambda claim: (claim.start is None, claim.start, claim.pk))
            retired = [f"#{c.pk}" for c in claims if c.review_status == ReviewStatus.RETIRED]
            if retired:
                self.add_error(
                    "claims", f"Retired claims cannot be key claims: {', '.join(retired)}."
                )
            elif not claims:
                self.add_error("claims", "Select the claims to add.")
            cleaned_data["claims"] = claims
        if cleaned_data.get("briefing") == (None, None):
            self.clean_new_briefing(cleaned_data)
        return cleaned_data

    def clean_new_briefing(self, cleaned_data):
        title = cleaned_data.get("title", "").strip()
        for name in ("title", "lede"):
            if name in cleaned_data and not cleaned_data[name].strip():
                self.add_error(name, f"A new briefing needs a {name}.")
        slug = cleaned_data.get("slug") or slugify(title)[:160].strip("-")
        if not slug:
            if title:
                self.add_error("slug", f"“{title}” makes no slug: give one.")
            return
        try:
            Briefing._meta.get_field("slug").run_validators(slug)
        except ValidationError as error:
            self.add_error("slug" if cleaned_data.get("slug") else "title", error)
            return
        if Briefing.objects.filter(slug=slug).exists():
            if cleaned_data.get("slug"):
                self.add_error("slug", f"A briefing has the slug “{slug}” already.")
                return
            slug = unique_slug(Briefing, title)
        cleaned_data["slug"] = slug
