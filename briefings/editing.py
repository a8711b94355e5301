"""
The one write path for claims and briefings, with change control after
publication (as Wagtail keeps a live and a latest revision).

Every path that changes a claim or a briefing (admin forms and inlines, bulk
actions, the annotation workspace, the API, imports, revert) calls
`claim_save` or `briefing_save` with explicit arguments. Readers always see
the row, which holds the last approved state:

- a change by someone who may not review, to something readers see now, is
  kept as a PendingChange; staff see the claim as "changed since review";
- a reviewer's change (or approval of a pending one) is written to the row,
  and when readers already saw what it changes it is a public Correction on
  every published briefing that shows it; reviewers edit the proposed
  version, so their save approves the pending change with their own;
- a change to a reviewed claim readers do not see yet sends it back to review.

`data` holds field values by name (related objects as instances) and, for
links, "about" (actors), "evidence" (dicts of source and note) on claims and
"key_claims" (dicts of claim and comment), "articles", "actors", "authors" on
briefings, lists in the editor's order. Only the names given are changed.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from briefings import services
from briefings.anchoring import context_around
from briefings.models import (
    Briefing,
    BriefingStatus,
    Claim,
    PendingChange,
    ReviewStatus,
)

# What readers see of a claim: changing it after review needs a reviewer.
CLAIM_REVIEWED_FIELDS = (
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "speaker",
    "speaker_role",
    "attribution_kind",
    "cue",
    "quote_type",
    "channel",
    "claim_type",
    "event",
    "statement",
    "said_date",
    "said_date_text",
    "verdict",
    "rationale",
)
# Each list of link rows a claim or briefing has: the rows' related name and
# the field naming what a row links to (rows with more fields are dicts).
LINK_ROWS = {
    Claim: {"about": ("actor_links", "actor"), "evidence": ("evidence_links", "source")},
    Briefing: {
        "key_claims": ("claim_links", "claim"),
        "articles": ("article_links", "article"),
        "actors": ("actor_links", "actor"),
        "authors": ("author_links", "user"),
    },
}
CLAIM_LINKS = tuple(LINK_ROWS[Claim])
BRIEFING_LINKS = tuple(LINK_ROWS[Briefing])
# Internal, and written at once whoever writes it.
CLAIM_INTERNAL_FIELDS = ("editor_note",)
# Everything a claim's editors write: the article only when the claim is made.
CLAIM_FIELDS = ("article", *CLAIM_REVIEWED_FIELDS, *CLAIM_INTERNAL_FIELDS, *CLAIM_LINKS)
# Retiring a public claim is a change readers see, so it can wait for review too.
RETIRE = "retire"

BRIEFING_PUBLIC_FIELDS = services.BRIEFING_PUBLIC_FIELDS


@dataclass
class Edit:
    """What a save did: the object as stored now, and the change still awaiting review."""

    obj: models.Model
    pending: PendingChange | None = None
    corrections: tuple = ()

    @property
    def is_pending(self):
        return self.pending is not None


def can_review(user):
    return user.is_active and user.has_perm(services.REVIEW_CLAIM_PERMISSION)


def is_public(obj):
    """Whether readers see obj now (the model's one visibility rule)."""
    return obj.pk is not None and type(obj).objects.public().filter(pk=obj.pk).exists()


# Encoding values for a pending change ------------------------------------------


def _encode_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def encode(data):
    """Return data with related objects as ids and dates as ISO text (JSON-safe)."""
    encoded = {}
    for name, value in data.items():
        if isinstance(value, list | tuple | models.QuerySet):
            encoded[name] = [
                {key: _encode_value(v) for key, v in item.items()}
                if isinstance(item, dict)
                else _encode_value(item)
                for item in value
            ]
        else:
            encoded[name] = _encode_value(value)
    return encoded


def _link_model(model, name):
    """The model of the rows behind link list `name`, and the field naming their target."""
    related_name, key = LINK_ROWS[model][name]
    return model._meta.get_field(related_name).related_model, key


def _related(model, pk, name, found=None):
    """The model's object `pk` (looked up in `found` where given) for field `name`."""
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk).first() if found is None else found.get(pk)
    if obj is None:
        raise ValidationError(
            {name: f"The {model._meta.verbose_name} #{pk} no longer exists; edit the change."}
        )
    return obj


def decode(model, encoded):
    """The inverse of encode, for `model`'s fields and links."""
    data = {}
    for name, value in encoded.items():
        if name == RETIRE:
            data[name] = value
        elif name in LINK_ROWS[model]:
            rows, key = _link_model(model, name)
            target = rows._meta.get_field(key).related_model
            pks = [item[key] if isinstance(item, dict) else item for item in value]
            # One query for the whole list: a briefing can have 1,000 key claims.
            found = target._default_manager.in_bulk(pks)
            data[name] = [
                {**item, key: _related(target, item[key], name, found)}
                if isinstance(item, dict)
                else _related(target, item, name, found)
                for item in value
            ]
        else:
            field = model._meta.get_field(name)
            if field.is_relation:
                data[name] = _related(field.related_model, value, name)
            else:
                data[name] = field.to_python(value)
    return data


# What is stored now ------------------------------------------------------------


def claim_state(claim):
    """What readers see of a claim, as stored, encoded."""
    return stored_state(claim, CLAIM_REVIEWED_FIELDS)


def stored_state(obj, fields):
    """obj's values of `fields` and its link lists as stored, encoded."""
    model = type(obj)
    state = {
        name: _encode_value(getattr(obj, model._meta.get_field(name).attname)) for name in fields
    }
    for name, (related_name, key) in LINK_ROWS[model].items():
        rows, _ = _link_model(model, name)
        extra = [
            f.name
            for f in rows._meta.concrete_fields
            if not (f.primary_key or f.is_relation or f.name == "position")
        ]
        ordering = ["position", "pk"] if _is_ordered(model, name) else [f"{key}_id"]
        values = getattr(obj, related_name).order_by(*ordering).values(f"{key}_id", *extra)
        state[name] = [
            {key: row[f"{key}_id"], **{e: row[e] for e in extra}} if extra else row[f"{key}_id"]
            for row in values
        ]
    return state


def _is_ordered(model, name):
    rows, _ = _link_model(model, name)
    return any(field.name == "position" for field in rows._meta.fields)


def _normalise(model, name, value):
    """Compare link lists as sets where their order carries no meaning."""
    if name not in LINK_ROWS[model] or _is_ordered(model, name) or not value:
        return value
    _, key = _link_model(model, name)
    return sorted(value, key=lambda item: item[key] if isinstance(item, dict) else item)


def _changes(model, proposed, base):
    return {
        name: value
        for name, value in proposed.items()
        if _normalise(model, name, value) != _normalise(model, name, base.get(name))
    }


def with_pending(obj):
    """Return obj's values overlaid with its pending change, for editors to go on editing."""
    change = PendingChange.objects.filter(**{obj._meta.model_name: obj}).first()
    if change is not None:
        apply_pending(obj, change)
    return obj, change


def apply_pending(obj, change):
    """Set obj's fields (in memory) to the change's proposed values; return its proposed links."""
    links = {}
    for name, value in decode(type(obj), change.data).items():
        if name in LINK_ROWS[type(obj)] or name == RETIRE:
            links[name] = value
        else:
            setattr(obj, name, value)
    return links


def pending_rows(change):
    """[(field label, approved value, proposed value)] in words, for reviewers to compare."""
    obj = type(change.target)._default_manager.get(pk=change.target.pk)
    model = type(obj)
    fields = CLAIM_REVIEWED_FIELDS if model is Claim else BRIEFING_PUBLIC_FIELDS
    state = stored_state(obj, fields)
    rows = []
    for name, proposed in change.data.items():
        if name == RETIRE:
            rows.append(("Status", obj.get_review_status_display(), "Retired"))
            continue
        label = name.replace("_", " ").capitalize()
        rows.append((label, _words(model, name, state.get(name)), _words(model, name, proposed)))
    return rows


def _words(model, name, encoded):
    """An encoded value as a reviewer reads it: names, not ids."""
    if encoded in (None, "", []):
        return "—"
    value = decode(model, {name: encoded})[name]
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                target = item.get("claim") or item.get("source")
                extra = item.get("comment") or item.get("note")
                parts.append(f"{target}" + (f" ({extra})" if extra else ""))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    field = model._meta.get_field(name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return str(value)


# Claims ------------------------------------------------------------------------


def _check_can_change_claims(by, creating=False):
    action = "add" if creating else "change"
    if not (by.is_active and by.has_perm(f"briefings.{action}_claim")):
        raise PermissionDenied(f"You do not have permission to {action} claims.")


def _lock(model, pk, expected_version):
    stored = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and stored.version != int(expected_version):
        raise services.StaleEdit(stored, expected_version)
    return stored


@transaction.atomic
def claim_save(*, claim, data, by, expected_version=None, reason="", note=""):
    """
    Create the claim (no pk yet: `claim` carries its article) or change it
    with `data`; see the module docstring for who changes what, and when.
    Return an Edit.
    """
    creating = claim.pk is None
    _check_can_change_claims(by, creating)
    if creating:
        return _claim_create(claim=claim, data=data, by=by)
    stored = _lock(Claim, claim.pk, expected_version)
    if "article" in data and data["article"] != stored.article:
        raise ValidationError({"article": "A claim stays on its article; make a new claim there."})
    data = _with_context(stored, {k: v for k, v in data.items() if k != "article"})
    pending = PendingChange.objects.filter(claim=stored).first()
    approved = claim_state(stored)
    base = {**approved, **(pending.data if pending else {})}
    internal = {name: data[name] for name in CLAIM_INTERNAL_FIELDS if name in data}
    changes = _changes(Claim, encode({k: v for k, v in data.items() if k not in internal}), base)
    public = is_public(stored)
    if public and not can_review(by):
        if not (changes or internal or note):
            return Edit(stored, pending=pending)
        return _stage(stored, pending, changes, approved, by, note, internal)
    applied = {**(pending.data if pending else {}), **changes}
    if pending:
        pending.delete()
    corrections = _claim_apply(stored, applied, internal, by, public, reason or note)
    return Edit(stored, corrections=corrections)


def _with_context(stored, data):
    """A span moved without its context gets it from the body, to be found again after edits."""
    if not {"start", "end"} & set(data) or {"prefix", "suffix"} & set(data):
        return data
    start, end = data.get("start", stored.start), data.get("end", stored.end)
    body = stored.article.body
    if start is None or end is None or not (0 <= start < end <= len(body)):
        return data
    prefix, suffix = context_around(body, start, end)
    return {**data, "prefix": prefix, "suffix": suffix}


def _claim_create(*, claim, data, by):
    fields = {k: v for k, v in data.items() if k not in CLAIM_LINKS}
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.created_by = claim.created_by or by
    claim.review_status, claim.reviewed_by, claim.reviewed_at = ReviewStatus.UNREVIEWED, None, None
    if claim.start is not None and claim.end is not None and not ({"prefix", "suffix"} & set(data)):
        claim.refresh_context()
    claim.full_clean(validate_unique=False, validate_constraints=False)
    services.history_defer(claim)
    claim.save()
    _save_links(claim, data, by)
    services.history_write(obj=claim, by=by, created=True)
    return Edit(claim)


def _stage(stored, pending, changes, approved, by, note, internal=None):
    """Keep the changes readers would see as a pending change; write internal ones now."""
    model = type(stored)
    if RETIRE not in changes:
        _validate(stored, decode(model, changes))
    pending = pending or PendingChange(**{model._meta.model_name: stored}, created_by=by)
    proposed = {**pending.data, **changes}
    # A value set back to the approved one is no longer a change.
    pending.data = {k: v for k, v in proposed.items() if k == RETIRE or v != approved.get(k)}
    pending.updated_by = by
    if note:
        pending.note = note
    if pending.data:
        pending.save()
    elif pending.pk:
        pending.delete()
        pending = None
    else:
        pending = None
    if internal:
        for name, value in internal.items():
            setattr(stored, name, value)
        stored._change_reason = "Internal note changed"
        stored.save()
    else:
        # Editors who loaded the object before this change must reload it.
        model.objects.filter(pk=stored.pk).update(version=F("version") + 1)
        stored.version += 1
    return Edit(stored, pending=pending)


def _validate(stored, values):
    """Check the object as it would be with `values`, without saving it."""
    model = type(stored)
    candidate = model.objects.get(pk=stored.pk)
    for name, value in values.items():
        if name not in LINK_ROWS[model]:
            setattr(candidate, name, value)
    candidate.full_clean(validate_unique=False, validate_constraints=False)


def _claim_apply(stored, applied, internal, by, public, reason):
    """Write approved changes to the row; record corrections where readers saw it."""
    if RETIRE in applied:
        return _claim_retire_now(stored, by, public, reason)
    values = decode(Claim, applied)
    for name, value in {**values, **internal}.items():
        if name not in CLAIM_LINKS:
            setattr(stored, name, value)
    reviewed_change = [name for name in applied if name in CLAIM_REVIEWED_FIELDS + CLAIM_LINKS]
    if not (applied or internal):
        return ()
    if reviewed_change and not can_review(by) and stored.review_status == ReviewStatus.REVIEWED:
        # Not public yet, but reviewed: a change means another review.
        stored.review_status, stored.reviewed_by, stored.reviewed_at = (
            ReviewStatus.UNREVIEWED,
            None,
            None,
        )
    stored.full_clean(validate_unique=False, validate_constraints=False)
    services.history_defer(stored)
    stored.save()
    _save_links(stored, values, by)
    services.history_write(obj=stored, by=by)
    if public and reviewed_change:
        return _claim_corrections(stored, by, reason, reviewed_change)
    return ()


def _save_links(obj, values, by):
    """Write the link lists among `values` (as decoded) through services.links_sync."""
    for name, (related_name, key) in LINK_ROWS[type(obj)].items():
        if name in values:
            rows = [item if isinstance(item, dict) else {key: item} for item in values[name]]
            services.links_sync(owner=obj, related_name=related_name, key=key, rows=rows, by=by)


def _claim_corrections(claim, by, reason, changed):
    """A public Correction on each published briefing that shows the claim as a key claim."""
    briefings = Briefing.objects.public().filter(claim_links__claim=claim)
    reason = reason.strip() or (
        f"Claim #{claim.pk} (“{_short(claim.quote)}”) was corrected: {', '.join(changed)}."
    )
    return tuple(
        services.briefing_record_correction(
            briefing=briefing,
            by=by,
            reason=reason,
            changed_fields=[f"key claim #{claim.pk}: {name}" for name in changed],
        )
        for briefing in briefings
    )


def claim_corrections_since(*, claim, before, by, reason=""):
    """
    Record the corrections readers are owed for a change to a public claim
    written outside claim_save (a revert): `before` is claim_state() of the
    claim as readers saw it.
    """
    after = claim_state(claim)
    changed = [name for name in after if _changes(Claim, {name: after[name]}, before)]
    if not changed:
        return ()
    return _claim_corrections(claim, by, reason, changed)


def _short(text, length=60):
    return text if len(text) <= length else text[: length - 1] + "…"


@transaction.atomic
def claim_retire(*, claim, by, reason="", expected_version=None):
    """
    Retire a claim an editor gives up on (e.g. an orphan whose text is gone).
    Readers saw a public claim: an editor's retirement waits for a reviewer,
    and a reviewer's needs a reason, shown as a correction.
    """
    _check_can_change_claims(by)
    stored = _lock(Claim, claim.pk, expected_version)
    public = is_public(stored)
    if public and not can_review(by):
        pending = PendingChange.objects.filter(claim=stored).first()
        return _stage(stored, pending, {RETIRE: True}, {}, by, reason)
    if public and not reason.strip():
        raise ValidationError(
            {"reason": "Readers see this claim: say, for them, why it is retired."}
        )
    PendingChange.objects.filter(claim=stored).delete()
    return Edit(stored, corrections=_claim_retire_now(stored, by, public, reason))


def _claim_retire_now(stored, by, public, reason):
    stored.review_status = ReviewStatus.RETIRED
    stored.reviewed_by, stored.reviewed_at = by, timezone.now()
    stored._change_reason, stored._history_user = "Retired", by
    stored.save()
    if public:
        reason = reason.strip() or f"Claim #{stored.pk} (“{_short(stored.quote)}”) was withdrawn."
        return _claim_corrections(stored, by, reason, ["retired"])
    return ()


# Briefings ---------------------------------------------------------------------


@transaction.atomic
def briefing_save(
    *, briefing, data, by, expected_version=None, reason="", note="", status=None, **workflow
):
    """
    Create the briefing (no pk yet) or change it with `data`. A published
    briefing's change waits for a reviewer when made by an editor; a
    reviewer's is a correction and needs a `reason` for readers. Key claims
    of a published briefing must be reviewed. A new `status` is reached
    through the workflow (services.briefing_set_status, which takes the
    `workflow` options) once the links are saved, in the same history entry.
    """
    if not services.can_edit(by):
        raise PermissionDenied("You do not have permission to change briefings.")
    if briefing.pk is None:
        return _briefing_create(briefing=briefing, data=data, by=by, status=status, **workflow)
    stored = _lock(Briefing, briefing.pk, expected_version)
    if status is not None:
        services.briefing_check_transition(briefing=stored, to=status, by=by)
    pending = PendingChange.objects.filter(briefing=stored).first()
    approved = stored_state(stored, BRIEFING_PUBLIC_FIELDS)
    base = {**approved, **(pending.data if pending else {})}
    changes = _changes(Briefing, encode(data), base)
    public = is_public(stored)
    if public:
        # The pending key claims too: one may have gone back to review since it was proposed.
        proposed = {**(pending.data if pending else {}), **changes}
        _check_key_claims_reviewed(stored, decode(Briefing, proposed).get("key_claims"))
    if public and not services.can_publish(by):
        if not (changes or note) and status in (None, stored.status):
            return Edit(stored, pending=pending)
        return _stage(stored, pending, changes, approved, by, note)
    applied = {**(pending.data if pending else {}), **changes}
    if public and applied and not (reason or "").strip():
        raise ValidationError(
            {
                "correction_reason": "The briefing is published and you changed what readers "
                f"see ({', '.join(applied)}): give a reason for the correction."
            }
        )
    if pending:
        pending.delete()
    if not applied and status in (None, stored.status):
        return Edit(stored)
    _briefing_apply(stored, decode(Briefing, applied), by, status=status, **workflow)
    corrections = ()
    # A status change alone (archiving) is the workflow, not a correction of what readers saw.
    if public and applied:
        corrections = (
            services.briefing_record_correction(
                briefing=stored, by=by, reason=reason, changed_fields=list(applied)
            ),
        )
    return Edit(stored, corrections=corrections)


def _briefing_create(*, briefing, data, by, status, **workflow):
    briefing.created_by = briefing.created_by or by
    briefing.status = BriefingStatus.DRAFT
    _briefing_apply(briefing, data, by, created=True, status=status, **workflow)
    return Edit(briefing)


def _check_key_claims_reviewed(briefing, key_claims):
    """Readers see only reviewed claims: a published briefing takes no other key claim."""
    if key_claims is None:
        return
    unreviewed = [
        item["claim"] for item in key_claims if item["claim"].review_status != ReviewStatus.REVIEWED
    ]
    if unreviewed:
        names = "; ".join(f"#{claim.pk} {claim}" for claim in unreviewed)
        raise ValidationError(
            {
                "key_claims": "The briefing is published; these key claims are not "
                f"reviewed: {names}."
            }
        )


def _briefing_apply(briefing, values, by, created=False, status=None, **workflow):
    for name, value in values.items():
        if name not in BRIEFING_LINKS:
            setattr(briefing, name, value)
    briefing.full_clean(validate_unique=False, validate_constraints=False)
    services.history_defer(briefing)
    briefing.save()
    _save_links(briefing, values, by)
    if status is not None and status != briefing.status:
        services.briefing_set_status(briefing=briefing, to=status, by=by, **workflow)
    services.history_write(obj=briefing, by=by, created=created)


@transaction.atomic
def briefing_add_claims(*, briefing, claims, by, expected_version=None, reason=""):
    """
    Append `claims` to the briefing's key claims in the order given, after
    those it has (its pending change applied, as editors go on editing it),
    and their articles to the ones it draws on, through briefing_save. Claims
    it already has are skipped. Return the Edit (None when every claim was
    already there, so nothing is saved) and the claims added.
    """
    if briefing.pk is not None:
        _lock(Briefing, briefing.pk, expected_version)
        pending = PendingChange.objects.filter(briefing=briefing).first()
        current = {**stored_state(briefing, ()), **(pending.data if pending else {})}
    else:
        current = {"key_claims": [], "articles": []}
    present = {row["claim"] for row in current["key_claims"]}
    added = [claim for claim in claims if claim.pk not in present]
    if not added:
        return None, added
    articles = list(dict.fromkeys([*current["articles"], *(c.article_id for c in added)]))
    rows = [*current["key_claims"], *({"claim": claim.pk, "comment": ""} for claim in added)]
    data = decode(Briefing, {"key_claims": rows, "articles": articles})
    numbers = ", ".join(f"#{claim.pk}" for claim in added)
    reason = reason.strip() or f"Key claims added: {numbers}."
    edit = briefing_save(
        briefing=briefing,
        data=data,
        by=by,
        expected_version=expected_version,
        reason=reason,
        note=reason,
    )
    return edit, added


# Approval ----------------------------------------------------------------------


@transaction.atomic
def change_approve(*, change, by, reason="", expected_version=None):
    """
    A reviewer approves a pending change: it is written to the row, and if
    readers saw what it changes, recorded as a correction with `reason` (by
    default the editor's note, or a sentence naming what changed).
    `expected_version` is the version of the object the reviewer looked at:
    a change made since is refused (StaleEdit), never approved unseen.
    """
    if not can_review(by):
        raise PermissionDenied("Only a reviewer can approve a change.")
    change = _locked_change(change, expected_version)
    reason = reason.strip() or change.note.strip()
    if change.claim_id:
        return claim_save(claim=change.claim, data={}, by=by, reason=reason)
    reason = reason or f"Updated: {', '.join(change.data)}."
    return briefing_save(briefing=change.briefing, data={}, by=by, reason=reason)


@transaction.atomic
def change_discard(*, change, by, expected_version=None):
    """A reviewer, or the editor who proposed it, drops a pending change; readers never saw it."""
    if not (can_review(by) or change.created_by_id == by.pk):
        raise PermissionDenied("Only a reviewer or the change's author can discard it.")
    change = _locked_change(change, expected_version)
    change._history_user = by
    change.delete()


def _locked_change(change, expected_version):
    """Lock the change's object (checking the version seen) and read the change as it is now."""
    target = change.target
    _lock(type(target), target.pk, expected_version)
    change = PendingChange.objects.select_related("claim", "briefing").filter(pk=change.pk).first()
    if change is None:
        raise ValidationError("Another reviewer approved or discarded this change meanwhile.")
    return change


# Review and anchoring ----------------------------------------------------------


@transaction.atomic
def claim_review(*, claim, by, status=ReviewStatus.REVIEWED, reason=""):
    """
    Set a claim's review state; reviewers only. Marking a claim with a pending
    change reviewed approves that change. Taking a public claim back out of
    review hides it from readers, which is a correction too.
    """
    if not can_review(by):
        raise PermissionDenied("Only a reviewer can review claims.")
    if status == ReviewStatus.RETIRED:
        return claim_retire(claim=claim, by=by, reason=reason).obj
    change = PendingChange.objects.filter(claim=claim).first()
    if change and status == ReviewStatus.REVIEWED:
        change_approve(change=change, by=by, reason=reason)
    stored = _lock(Claim, claim.pk, None)
    public = is_public(stored)
    stored.review_status = status
    if status == ReviewStatus.UNREVIEWED:
        stored.reviewed_by, stored.reviewed_at = None, None
    else:
        stored.reviewed_by, stored.reviewed_at = by, timezone.now()
    stored._change_reason = f"Review: {ReviewStatus(status).label}"
    stored.save()
    if public and status == ReviewStatus.UNREVIEWED:
        reason = (
            reason.strip() or f"Claim #{stored.pk} (“{_short(stored.quote)}”) is being re-checked."
        )
        _claim_corrections(stored, by, reason, ["withdrawn for review"])
    return stored


def claim_reanchor(*, claim, start, end, by, expected_version=None):
    """Anchor a claim (an orphan, or one being moved) to body[start:end] of its article."""
    body = claim.article.body
    if not (0 <= start < end <= len(body)):
        raise ValidationError(
            {"end": f"The span {start}–{end} is not inside the article's {len(body)} characters."}
        )
    prefix, suffix = context_around(body, start, end)
    data = {
        "start": start,
        "end": end,
        "quote": body[start:end],
        "prefix": prefix,
        "suffix": suffix,
    }
    return claim_save(claim=claim, data=data, by=by, expected_version=expected_version)
