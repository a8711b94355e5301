"""
Shared pieces of the newsroom model: the one visibility rule, versioned rows, choices.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

wikidata_qid_validator = RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id looks like Q1234.")


def can_preview(user, model):
    """
    Whether `user` may see the rows of `model` that readers cannot (drafts,
    unreviewed and retired claims): staff with the model's view permission.
    """
    opts = model._meta
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


class VisibleQuerySet(models.QuerySet):
    """
    The one visibility rule: each model's `public()` says what readers see,
    and `visible_to(user)` adds everything else for those who may preview.
    Pages, the API, feeds, the sitemap, search, exports and the SCO app call it.
    A public() that reads models of a later module imports them when it runs,
    since that module imports this one's models.
    """

    def visible_to(self, user):
        return self.all() if can_preview(user, self.model) else self.public()

    def is_visible_to(self, obj, user):
        """Whether `user` may see `obj` (one query unless they may preview)."""
        return can_preview(user, self.model) or self.public().filter(pk=obj.pk).exists()

    def update(self, **kwargs):
        """Update the rows, then what readers may see if a field it depends on changed."""
        from briefings import visibility

        return visibility.update(self, kwargs, super().update)


class ShownQuerySet(VisibleQuerySet):
    """Rows readers see only through a published briefing (see briefings.visibility)."""

    def public(self):
        """Rows a briefing published by now shows: an index lookup on public_since."""
        return self.filter(public_since__lte=timezone.now())


def public_since_field():
    """When a published briefing first showed the row; kept by briefings.visibility only."""
    return models.DateTimeField(null=True, blank=True, editable=False, db_index=True)


def choices_constraint(field, choices, name):
    """A CheckConstraint that keeps `field` within the TextChoices values."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class VersionedModel(models.Model):
    """
    A row whose `version` rises on every save, so a write from a stale form
    or API request can be detected and refused (see services.check_version).
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)
