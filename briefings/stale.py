"""
What changed under a refused stale save: the stored version's values against
the editor's input, field by field, so the editor can see what they would
overwrite and apply their input again without retyping it.
"""

from django import forms
from django.db import models

from briefings.differences import marked_differences

EMPTY = "—"


def stale_changes(form):
    """
    Return [{field, label, stored, yours, diff_html}] for the fields of a
    bound form whose input differs from the stored version it was built on
    (its initial values, as loaded for this request). `diff_html` marks the
    words of text fields (escaped), else it is None. Fields with errors of
    their own, and form-only fields the object does not hold, are left out.
    A field whose values need their own reading (KeyClaimsField) says how
    they compare and read with `comparable()` and `display_text()`.
    """
    model_fields = {field.name for field in form._meta.model._meta.get_fields()}
    rows = []
    for name, field in form.fields.items():
        if name in form.version_fields or name not in form.cleaned_data:
            continue
        if name not in model_fields and name not in form.initial:
            continue
        stored = form.get_initial_for_field(field, name)
        yours = form.cleaned_data[name]
        if _comparable(field, stored) == _comparable(field, yours):
            continue
        rows.append(
            {
                "field": name,
                "label": str(field.label or name.replace("_", " ").capitalize()),
                "stored": _text(field, stored),
                "yours": _text(field, yours),
                "diff_html": marked_differences(stored or "", yours or "")
                if isinstance(field, forms.CharField)
                else None,
            }
        )
    return rows


def _comparable(field, value):
    """The value reduced to what decides equality: ids for objects, LF line ends for text."""
    if hasattr(field, "comparable"):
        return field.comparable(value)
    if isinstance(field, forms.ModelMultipleChoiceField):
        # An empty choice is an empty QuerySet, which equals no empty value.
        return sorted(str(getattr(item, "pk", item)) for item in value or [])
    if value in field.empty_values:
        return None
    if isinstance(field, forms.ModelChoiceField):
        return str(getattr(value, "pk", value))
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _text(field, value):
    """The value as an editor reads it: names, choice labels, Yes/No."""
    if hasattr(field, "display_text"):
        return field.display_text(value)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return "; ".join(str(item) for item in _objects(field, value or [])) or EMPTY
    if value in field.empty_values:
        return EMPTY
    if isinstance(field, forms.ModelChoiceField):
        return str(next(iter(_objects(field, [value])), value))
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _objects(field, values):
    """The objects among `values` (objects or ids), loading only those given as ids."""
    ids = [value for value in values if not isinstance(value, models.Model)]
    loaded = {str(pk): obj for pk, obj in field.queryset.in_bulk(ids).items()} if ids else {}
    return [
        value if isinstance(value, models.Model) else loaded.get(str(value), value)
        for value in values
    ]
