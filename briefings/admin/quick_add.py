"""
New actors and sources made from the annotation form without leaving it:
GET describes the fields to ask for, POST creates the row and answers its
id and label in JSON, or the errors by field.
"""

from django import forms
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.urls import path

from briefings.admin.base import json_error
from briefings.models import Actor, Source


class QuickActorForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["name", "kind", "wikidata_qid"]

    def clean_wikidata_qid(self):
        qid = self.cleaned_data["wikidata_qid"]
        holder = Actor.objects.filter(wikidata_qid=qid).first() if qid else None
        if holder:
            raise forms.ValidationError(f"{holder.name} already has the Wikidata id {qid}.")
        return qid


class QuickSourceForm(forms.ModelForm):
    url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["name", "kind", "url"]


def field_spec(field):
    spec = {"name": field.name, "label": str(field.label), "required": field.field.required}
    choices = getattr(field.field, "choices", None)
    if choices is not None:
        spec["choices"] = [[str(value), str(label)] for value, label in choices]
    return spec


class QuickAddMixin:
    """A ModelAdmin's quick-add endpoint, for the model of `quick_add_form`."""

    quick_add_form = None

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "quick-add/",
                self.admin_site.admin_view(self.quick_add_view),
                name="{}_{}_quick_add".format(*info),
            ),
            *super().get_urls(),
        ]

    def quick_add_view(self, request):
        name = self.opts.verbose_name
        if not self.has_add_permission(request):
            return json_error(f"You do not have permission to add a {name}.", 403)
        if request.method == "GET":
            form = self.quick_add_form()
            return JsonResponse({"model": str(name), "fields": [field_spec(f) for f in form]})
        if request.method != "POST":
            return json_error("Use GET or POST.", 405)
        form = self.quick_add_form(request.POST)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors}, status=400)
        from briefings.api.serializers import unique_slug

        obj = form.save(commit=False)
        obj.slug = unique_slug(self.model, obj.name)
        obj._history_user = request.user
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:  # another editor took the slug meanwhile
            return json_error(f"Another {name} was just added with this name; try again.", 409)
        return JsonResponse({"id": obj.pk, "text": str(obj)}, status=201)
