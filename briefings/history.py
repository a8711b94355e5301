"""
A model's history together with its link rows' history.

Link rows (a claim's "about" actors, a briefing's key claims, an actor's
aliases…) have history tables of their own. A model names the ones that are
part of its own story in `history_links` ({related accessor: label}); this
module reads them, for the admin's history page (one timeline of field and
link changes) and for services.history_revert (links as of a version).

Plain many-to-many fields with auto-created through tables (the SCO facts'
evidence) are recorded by simple-history itself (`HistoricalRecords(m2m_fields=…)`):
each version stores the links as they were. This module writes and reads those
snapshots for versions services.history_write creates, and shows their changes.
"""

import difflib
import re
from bisect import bisect
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.db import models
from django.utils.text import capfirst
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

# How an added or removed link row reads; a changed one ("~") lists its changes.
SIGNS = {"+": "+", "-": "−"}


@dataclass(frozen=True)
class LinkRelation:
    """One kind of link row of a parent model: e.g. Claim → ClaimActor through "claim"."""

    label: str
    model: type[models.Model]
    parent_field: models.ForeignKey

    @property
    def parent_attname(self):
        return self.parent_field.attname

    @property
    def target_fields(self):
        """The foreign keys that say what the row links to (all but the parent)."""
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.many_to_one and f.name != self.parent_field.name
        ]

    @property
    def detail_fields(self):
        """The row's own values (position, note, role…), shown and compared."""
        return [f for f in self.model._meta.concrete_fields if not (f.primary_key or f.many_to_one)]

    def history_for(self, parent_pk):
        return self.model.history.filter(**{self.parent_attname: parent_pk})

    def as_of(self, parent_pk, date):
        """The link rows of the parent as they were at `date`, as model instances."""
        return self.model.history.as_of(date).filter(**{self.parent_attname: parent_pk})


def link_relations(model):
    """Return the LinkRelations `model` declares in `history_links`."""
    relations = []
    for accessor, label in getattr(model, "history_links", {}).items():
        rel = model._meta.get_field(_field_name(model, accessor))
        relations.append(LinkRelation(label, rel.related_model, rel.field))
    return relations


def _field_name(model, accessor):
    """The reverse relation's field name for its accessor (affiliationevidence_set → …)."""
    for rel in model._meta.related_objects:
        if rel.get_accessor_name() == accessor:
            return rel.name
    raise LookupError(f"{model.__name__} has no relation {accessor!r}.")


@dataclass
class LinkEntry:
    """Consecutive link changes by one person, shown as one row of the history."""

    history_date: datetime
    history_user: object
    history_change_reason: str
    lines: list = field(default_factory=list)
    is_link_entry = True


def link_entries(obj, versions=(), since=None, until=None):
    """
    Return the link changes of obj between two dates (either may be None, for
    open), newest first. Changes by one person with no version of obj (dates
    in `versions`) between them are grouped as one entry.
    Queries: one per link relation (targets come with select_related).
    """
    versions = sorted(versions)
    changes = []
    for relation in link_relations(type(obj)):
        rows = relation.history_for(obj.pk).select_related(
            "history_user", *(f.name for f in relation.target_fields)
        )
        # The previous state of each link row, to diff a change against.
        rows = sorted(rows, key=lambda row: (row.history_date, row.history_id))
        previous = {}
        for row in rows:
            before = previous.get(row.id)
            previous[row.id] = row
            if (since and row.history_date <= since) or (until and row.history_date > until):
                continue
            lines = describe_change(relation, row, before)
            if lines:
                changes.append((row, lines))
    changes.sort(key=lambda change: change[0].history_date)
    entries = []
    for (_, user, reason), group in groupby(
        changes,
        key=lambda change: (
            bisect(versions, change[0].history_date),
            change[0].history_user,
            change[0].history_change_reason,
        ),
    ):
        group = list(group)
        entries.append(
            LinkEntry(
                history_date=group[-1][0].history_date,
                history_user=user,
                history_change_reason=reason or "",
                lines=[line for _, lines in group for line in lines],
            )
        )
    entries.reverse()
    return entries


def describe_change(relation, row, before):
    """Return the lines that say what one historical link row changed."""
    target = describe_target(relation, row)
    if row.history_type in SIGNS:
        details = [
            f"{f.verbose_name}: {display(row, f)}"
            for f in relation.detail_fields
            if f.name not in _target_names(relation) and getattr(row, f.attname) not in ("", None)
        ]
        suffix = f" ({', '.join(details)})" if details else ""
        return [f"{SIGNS[row.history_type]} {relation.label}: {target}{suffix}"]
    if before is None:
        return []
    lines = []
    for f in relation.target_fields:
        if getattr(row, f.attname) != getattr(before, f.attname):
            lines.append(
                f"{relation.label} {describe_related(before, f)} → {describe_related(row, f)}"
            )
    for f in relation.detail_fields:
        old, new = display(before, f), display(row, f)
        if old == new:
            continue
        verb = "moved" if f.name == "position" else f"{f.verbose_name}:"
        lines.append(f"{relation.label} {target} {verb} {old or '–'} → {new or '–'}")
    return lines


def _target_names(relation):
    # Rows that link to nothing else (an alias) are named by their first text field.
    return set() if relation.target_fields else {relation.detail_fields[0].name}


def describe_target(relation, row):
    if relation.target_fields:
        return " · ".join(
            describe_related(row, f)
            for f in relation.target_fields
            if getattr(row, f.attname) is not None
        )
    return display(row, relation.detail_fields[0])


def describe_related(row, fk):
    """Name the object a historical row's foreign key points at, even if it is gone."""
    return describe_object(fk.related_model, getattr(row, fk.attname), getattr(row, fk.name))


def describe_object(model, pk, target):
    """Name a linked object; `target` is None if it no longer exists."""
    if target is None:
        return "–" if pk is None else f"{model._meta.verbose_name} #{pk} (deleted)"
    if model._meta.label == "briefings.Claim":
        # Claims have no name: their number is how editors refer to them.
        return f"#{target.pk} {target}"
    return str(target)


def display(row, f):
    value = getattr(row, f.attname)
    if f.choices and value:
        return str(dict(f.flatchoices).get(value, value))
    return "" if value is None else str(value)


def link_state(relation, rows):
    """A comparable snapshot of link rows: {pk: values of every concrete field}."""
    names = [f.attname for f in relation.model._meta.concrete_fields]
    return {row.pk: tuple(getattr(row, name) for name in names) for row in rows}


# Many-to-many fields recorded with each version --------------------------------


def m2m_fields(model):
    """Return the many-to-many fields whose links each version of `model` records."""
    return list(model.history.model._history_m2m_fields)


def m2m_targets(record, field):
    """Return the ids a version's snapshot of the many-to-many `field` links to."""
    target = field.m2m_reverse_field_name()
    return set(getattr(record, field.name).values_list(f"{target}_id", flat=True))


def current_targets(obj, field):
    return set(getattr(obj, field.name).values_list("pk", flat=True))


def record_m2m(record, obj):
    """
    Store obj's many-to-many links with its version `record`, as simple-history
    does for the versions it writes on save (services.history_write writes its own).
    """
    for m2m in record._history_m2m_fields:
        through = m2m.remote_field.through
        snapshot = getattr(type(record), m2m.name).model
        names = [f.attname for f in through._meta.concrete_fields]
        rows = through.objects.filter(**{m2m.m2m_field_name(): obj.pk})
        snapshot.objects.bulk_create(
            snapshot(history=record, **{name: getattr(row, name) for name in names}) for row in rows
        )


def unchanged_since(obj, record):
    """
    Return whether obj is as its version `record` recorded it: the same fields
    (those a diff compares), the same many-to-many links, and no link row
    (history_links) changed since. A new version would show no change.
    """
    for f in record.tracked_fields:
        if f.editable and getattr(obj, f.attname) != getattr(record, f.attname):
            return False
    for m2m in record._history_m2m_fields:
        if current_targets(obj, m2m) != m2m_targets(record, m2m):
            return False
    return not any(
        relation.history_for(obj.pk).filter(history_date__gt=record.history_date).exists()
        for relation in link_relations(type(obj))
    )


# Text values longer than this are shown as a word diff rather than old → new.
LONG_TEXT = 80


class HistoryChanges(HistoricalRecordContextHelper):
    """
    A version's changes for the history page; links as lines added and
    removed. Nothing is cut off: long texts come as a word diff (`segments`)
    of the whole text, short values as old → new in full.
    """

    def __init__(self, model, historical_record):
        # simple-history shortens values to 100 characters; editors need all of it.
        super().__init__(model, historical_record, max_displayed_delta_change_chars=10**9)

    def context_for_delta_changes(self, delta):
        context = []
        for change in delta.changes:
            field = self.model._meta.get_field(change.field)
            if field.many_to_many:
                context.append(
                    {"field": capfirst(field.verbose_name), "lines": m2m_lines(field, change)}
                )
            elif is_long_text(change.old, change.new):
                context.append(
                    {
                        "field": capfirst(field.verbose_name),
                        "segments": word_diff(change.old or "", change.new or ""),
                    }
                )
            else:
                shown = self.format_delta_change(change)
                context.append({"field": shown.field, "old": shown.old, "new": shown.new})
        return context


def is_long_text(old, new):
    values = [value for value in (old, new) if value]
    return all(isinstance(value, str) for value in values) and any(
        len(value) > LONG_TEXT for value in values
    )


def word_diff(old, new):
    """
    Return new's text against old's as segments (kind, text), kind one of
    "same", "removed", "added", covering both texts whole.
    """
    before, after = re.findall(r"\s+|\S+", old), re.findall(r"\s+|\S+", new)
    segments = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(("added", "".join(after[j1:j2])))
    return segments


def revert_changes(record):
    """
    Return what reverting to `record` changes, against the object's latest
    version, as the history page words changes (HistoryChanges).
    """
    pk_name = record.instance_type._meta.pk.attname
    latest = (
        type(record)
        .objects.filter(**{pk_name: getattr(record, pk_name)})
        .order_by("-history_date", "-history_id")
        .first()
    )
    changes = []
    if latest.pk != record.pk:
        changes = HistoryChanges(record.instance_type, record).context_for_delta_changes(
            record.diff_against(latest, foreign_keys_are_objs=True)
        )
    lines = revert_link_lines(record)
    return [*changes, LinkLines(lines)] if lines else changes


@dataclass
class LinkLines:
    """Link rows a revert adds back, removes or changes, worded as on the history page."""

    lines: list


def revert_link_lines(record):
    """Return how reverting to `record` changes the object's link rows (history_links)."""
    parent_pk = record.instance.pk
    lines = []
    for relation in link_relations(record.instance_type):
        then = {row.pk: row for row in relation.as_of(parent_pk, record.history_date)}
        now = {
            row.pk: row
            for row in relation.model.objects.filter(**{relation.parent_attname: parent_pk})
        }
        then_state, now_state = (
            link_state(relation, then.values()),
            link_state(relation, now.values()),
        )
        for pk in sorted(then.keys() - now.keys()):
            lines.append(f"{SIGNS['+']} {relation.label}: {describe_target(relation, then[pk])}")
        for pk in sorted(now.keys() - then.keys()):
            lines.append(f"{SIGNS['-']} {relation.label}: {describe_target(relation, now[pk])}")
        for pk in sorted(then.keys() & now.keys()):
            if then_state[pk] != now_state[pk]:
                before, after = now[pk], then[pk]
                for f in relation.detail_fields:
                    old, new = display(before, f), display(after, f)
                    if old != new:
                        verb = "moved" if f.name == "position" else f"{f.verbose_name}:"
                        target = describe_target(relation, after)
                        lines.append(
                            f"{relation.label} {target} {verb} {old or '–'} → {new or '–'}"
                        )
    return lines


def m2m_lines(field, change):
    """Return the lines, as link_entries words them, for the links a change added and removed."""
    target = field.m2m_reverse_field_name()

    def by_pk(rows):
        # Rows hold the linked objects, or DeletedObjects for those gone since.
        return {row[target].pk: row[target] for row in rows}

    old, new = by_pk(change.old), by_pk(change.new)
    model = field.related_model
    return [
        f"{sign} {field.verbose_name}: {describe_object(model, pk, _existing(objects[pk]))}"
        for sign, objects, pks in [
            (SIGNS["+"], new, sorted(new.keys() - old.keys())),
            (SIGNS["-"], old, sorted(old.keys() - new.keys())),
        ]
        for pk in pks
    ]


def _existing(obj):
    return None if isinstance(obj, DeletedObject) else obj
