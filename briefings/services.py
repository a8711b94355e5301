"""
Writes that span several rows or carry workflow rules. The admin, the API
and the management commands all go through these, so a rule lives once.
"""

import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from briefings import visibility
from briefings.anchoring import AnchorError, TextEdit
from briefings.cache import invalidate_public_pages
from briefings.history import (
    link_relations,
    link_state,
    m2m_fields,
    m2m_targets,
    record_m2m,
    unchanged_since,
)
from briefings.models import (
    Actor,
    ActorAlias,
    Article,
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingClaim,
    BriefingStatus,
    Claim,
    ClaimComment,
    Correction,
    ReviewStatus,
)

PUBLISH_PERMISSION = "briefings.publish_briefing"
REVIEW_CLAIM_PERMISSION = "briefings.review_claim"

# Which status a briefing may move to from each status.
TRANSITIONS = {
    BriefingStatus.DRAFT: {BriefingStatus.IN_REVIEW},
    BriefingStatus.IN_REVIEW: {BriefingStatus.DRAFT, BriefingStatus.PUBLISHED},
    BriefingStatus.PUBLISHED: {BriefingStatus.ARCHIVED},
    BriefingStatus.ARCHIVED: {BriefingStatus.PUBLISHED},
}
# Moving into these needs the publish permission (Reviewers); the rest, change.
REVIEWER_ONLY = {BriefingStatus.PUBLISHED, BriefingStatus.ARCHIVED}


class StaleEdit(Exception):
    """The object changed since the editor (or API client) loaded it."""

    def __init__(self, instance, expected):
        self.instance = instance
        self.expected = expected
        last = instance.history.select_related("history_user").first()
        self.changed_by = getattr(last, "history_user", None)
        self.changed_at = getattr(last, "history_date", None)
        who = f" by {self.changed_by}" if self.changed_by else ""
        when = f" at {self.changed_at:%H:%M:%S}" if self.changed_at else ""
        super().__init__(
            f"This {instance._meta.verbose_name} was changed{who}{when} after you opened it "
            f"(version {instance.version}, you had {expected}). Your input is kept below: "
            "review the current version and apply your changes again."
        )


def can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def can_edit(user):
    return user.is_active and user.has_perm("briefings.change_briefing")


def check_version(instance, expected):
    """Raise StaleEdit unless the stored row still has version `expected`; lock it meanwhile."""
    model = type(instance)
    current = model.objects.select_for_update().filter(pk=instance.pk).first()
    if current is None or current.version != int(expected):
        raise StaleEdit(current or instance, expected)


# Briefing workflow -----------------------------------------------------------


def briefing_transition_error(*, briefing, to, by):
    """Return why `by` may not move `briefing` to status `to`, or None if allowed."""
    problem = _transition_problem(briefing=briefing, to=to, by=by)
    return problem[1] if problem else None


def briefing_status_choices(*, briefing, by):
    """
    Return the statuses `by` may choose for `briefing`, in workflow order: its
    own and each move the workflow and their rights allow. A move refused only
    for the briefing's content (unreviewed key claims) stays on offer, so the
    form can say what is missing.
    """
    choices = []
    for status in BriefingStatus:
        if status != briefing.status:
            if status not in TRANSITIONS[briefing.status]:
                continue
            problem = _transition_problem(briefing=briefing, to=status, by=by)
            if problem and problem[0]:
                continue
        choices.append(status)
    return choices


def _transition_problem(*, briefing, to, by):
    """Return (is_permission_problem, message) or None."""
    if to == briefing.status:
        return None
    if to not in TRANSITIONS[briefing.status]:
        return False, (
            f"A {briefing.get_status_display().lower()} briefing cannot become "
            f"{BriefingStatus(to).label.lower()}."
        )
    if to in REVIEWER_ONLY and not can_publish(by):
        return True, "Only a reviewer can publish or archive a briefing."
    if not can_edit(by):
        return True, "You do not have permission to change briefings."
    if to == BriefingStatus.PUBLISHED:
        claims = [link.claim for link in briefing.claim_links.select_related("claim")]
        unreviewed = [claim for claim in claims if claim.review_status != ReviewStatus.REVIEWED]
        if unreviewed:
            names = "; ".join(f"#{claim.pk} {claim}" for claim in unreviewed)
            return False, f"These key claims are not reviewed yet: {names}."
    return None


def briefing_check_transition(*, briefing, to, by):
    """Raise PermissionDenied or ValidationError unless `by` may move `briefing` to `to`."""
    problem = _transition_problem(briefing=briefing, to=to, by=by)
    if problem:
        is_permission, message = problem
        if is_permission:
            raise PermissionDenied(message)
        raise ValidationError({"status": message})


def open_comments(briefing):
    """The unresolved comments on a briefing's key claims."""
    return ClaimComment.objects.filter(
        claim__briefing_links__briefing=briefing, is_resolved=False
    ).select_related("claim")


@transaction.atomic
def briefing_set_status(*, briefing, to, by, open_comments_ok=False):
    """
    Move a briefing through the workflow, enforcing roles and review of key
    claims. Publishing while comments on its key claims are open needs
    `open_comments_ok`: the reviewer has seen them and publishes anyway.
    """
    briefing_check_transition(briefing=briefing, to=to, by=by)
    if to == briefing.status:
        return briefing
    if to == BriefingStatus.PUBLISHED and not open_comments_ok:
        claims = sorted({comment.claim_id for comment in open_comments(briefing)})
        if claims:
            raise ValidationError(
                {
                    "status": ValidationError(
                        "Comments on key claims are still open (claims "
                        f"{', '.join(f'#{pk}' for pk in claims)}): resolve them, or confirm "
                        "that you publish anyway.",
                        code="open_comments",
                    )
                }
            )
    briefing.status = to
    if to == BriefingStatus.PUBLISHED and briefing.published_at is None:
        briefing.published_at = timezone.now()
    briefing._change_reason = f"Status set to {BriefingStatus(to).label}"
    briefing.save()
    return briefing


def briefing_submit(*, briefing, by):
    return briefing_set_status(briefing=briefing, to=BriefingStatus.IN_REVIEW, by=by)


def briefing_publish(*, briefing, by):
    return briefing_set_status(briefing=briefing, to=BriefingStatus.PUBLISHED, by=by)


def briefing_archive(*, briefing, by):
    return briefing_set_status(briefing=briefing, to=BriefingStatus.ARCHIVED, by=by)


# Reader-visible briefing fields: changing one after publication is a correction.
BRIEFING_PUBLIC_FIELDS = ("slug", "title", "lede", "analysis", "event", "published_at")


def briefing_record_correction(*, briefing, by, reason, changed_fields):
    """Record a public correction to a published briefing; its feed entry is updated with it."""
    if not reason.strip():
        raise ValidationError({"reason": "Say, for readers, why the briefing was corrected."})
    correction = Correction.objects.create(
        briefing=briefing, created_by=by, reason=reason.strip(), changed_fields=changed_fields
    )
    Briefing.objects.filter(pk=briefing.pk).update(updated_at=correction.created_at)
    return correction


# Articles and anchoring ------------------------------------------------------


@transaction.atomic
def article_update_body(*, article, body, orphan=True):
    """
    Replace an article's body and re-anchor every claim on it by quote and context.

    Claims whose quote can no longer be placed are orphaned (their offsets
    cleared, so they show up in the orphaned queue) when `orphan` is true;
    otherwise the change is refused with a ValidationError naming them.
    Return the list of orphaned claims.
    """
    claims = list(article.claims.exclude(start__isnull=True).select_related("article"))
    edit = TextEdit(article.body, body)
    lost = []
    for claim in claims:
        try:
            claim.anchor(
                edit.reanchor(claim.start, claim.end, claim.quote, claim.prefix, claim.suffix)
            )
        except AnchorError as error:
            lost.append((claim, str(error)))
    if lost and not orphan:
        raise ValidationError(
            {"body": [f"Claim #{claim.pk} no longer matches: {reason}" for claim, reason in lost]}
        )
    article.body = body
    article.save(reanchored=True)
    lost_ids = {claim.pk for claim, _ in lost}
    for claim in claims:
        if claim.pk in lost_ids:
            claim.start = claim.end = None
            claim._change_reason = "Orphaned: quote not found after the article text changed"
        else:
            claim._change_reason = "Re-anchored after the article text changed"
        claim.save()
    return [claim for claim, _ in lost]


# Link rows -------------------------------------------------------------------


def links_sync(*, owner, related_name, key, rows, by=None):
    """
    Make owner's link rows under `related_name` exactly `rows` (dicts of field
    values, told apart by the object under `key`; a `position` follows the
    list's order where the rows have one): delete missing ones, update changed
    ones, create new ones. Changed and deleted rows are saved one by one; new
    ones are inserted together, each with its history row naming `by`, so
    appending 500 key claims costs what appending one does.
    """
    manager = getattr(owner, related_name)
    model = manager.model
    attname = model._meta.get_field(key).attname
    ordered = any(field.name == "position" for field in model._meta.fields)
    existing = {getattr(link, attname): link for link in manager.all()}
    wanted = {}
    for position, row in enumerate(rows):
        row = {**row, **({"position": position} if ordered else {})}
        wanted[getattr(row[key], "pk", row[key])] = row
    with visibility.batched():
        for target, link in existing.items():
            if target not in wanted:
                link._history_user = by
                link.delete()
        created = []
        for target, row in wanted.items():
            link = existing.get(target)
            if link is None:
                created.append(model(**{manager.field.name: owner}, **row))
                continue
            if all(getattr(link, name) == value for name, value in row.items()):
                continue
            for name, value in row.items():
                setattr(link, name, value)
            link._history_user = by
            link.save()
        if created:
            bulk_create_with_history(created, model, default_user=by)
            rows_created_in_bulk(model=model, rows=created)


# Comments for the reviewer ---------------------------------------------------
#
# Anyone who may change claims may comment, reply and resolve; a comment's text,
# its place in the thread and its existence are its author's (and a Reviewer's).


def rows_created_in_bulk(*, model, rows):
    """
    The one hook for rows inserted without save() (the importer's bulk path),
    so they are exactly as visible as rows saved one by one: whatever a
    post_save receiver keeps for readers is brought up to date here, for all
    rows at once: what readers may see (briefings.visibility), and the readers'
    page cache, emptied once.
    """
    if rows:
        visibility.rows_created(model, rows)
        invalidate_public_pages(sender=model)


def can_comment(user):
    return user.is_active and user.has_perm("briefings.change_claim")


def comment_can_change(*, comment, by):
    """Return whether `by` may edit, move or delete the comment: its author or a Reviewer."""
    return by.is_active and (comment.author_id == by.pk or by.has_perm(REVIEW_CLAIM_PERMISSION))


def comment_change_error(*, comment, by, doing="change"):
    """Return why `by` may not edit (or, with `doing`, move or delete) the comment, or None."""
    if comment_can_change(comment=comment, by=by):
        return None
    return f"Only its author ({comment.author}) or a reviewer may {doing} comment #{comment.pk}."


def comment_thread(comment):
    """Return the comment and its replies at any depth, each after the one it answers."""
    thread, level = [comment], [comment]
    while level:
        level = list(ClaimComment.objects.filter(parent__in=level).select_related("author"))
        thread += level
    return thread


def comment_delete_error(*, comment, by):
    """
    Return why `by` may not delete the comment, or None. Deleting a comment
    deletes its replies, so replies by others need a Reviewer too.
    """
    error = comment_change_error(comment=comment, by=by, doing="delete")
    if error:
        return error
    others = [
        reply
        for reply in comment_thread(comment)[1:]
        if not comment_can_change(comment=reply, by=by)
    ]
    if others:
        authors = ", ".join(sorted({str(reply.author) for reply in others}))
        return (
            f"Comment #{comment.pk} has replies by others ({authors}); deleting it would "
            "delete them too, so only a reviewer may."
        )
    return None


def _stored_comment(comment):
    """The comment as stored, locked until the transaction ends (None if it is gone)."""
    return ClaimComment.objects.select_for_update().filter(pk=comment.pk).first()


@transaction.atomic
def comment_create(*, comment, by):
    """Save a new comment (its claim, parent, body and resolved state set) by `by`."""
    if not can_comment(by):
        raise PermissionDenied("You do not have permission to comment on claims.")
    comment.author = by
    comment.resolved_by = by if comment.is_resolved else None
    comment.full_clean()
    comment._history_user = by
    comment.save()
    return comment


@transaction.atomic
def comment_update(*, comment, by, body, parent):
    """
    Give the comment a new text and thread place; only its author or a Reviewer
    may. Leaving both as stored is no change, so anyone may (the claim page
    submits every comment, editable or not).
    """
    stored = _stored_comment(comment)
    if stored is None:
        raise ValidationError(f"Comment #{comment.pk} was deleted meanwhile.")
    if stored.body == body and stored.parent_id == getattr(parent, "pk", None):
        return comment
    doing = "edit" if stored.body != body else "move"
    error = comment_change_error(comment=stored, by=by, doing=doing)
    if error:
        raise PermissionDenied(error)
    # The claim stays the stored one: a comment is never moved to another claim.
    comment.claim_id, comment.author_id = stored.claim_id, stored.author_id
    comment.body, comment.parent = body, parent
    comment.full_clean()
    comment._history_user = by
    comment.save(update_fields=["body", "parent"])
    return comment


@transaction.atomic
def claim_comment_resolve(*, comment, by, resolved=True):
    """Resolve a comment (or reopen it); anyone who may change claims can."""
    if not can_comment(by):
        raise PermissionDenied("You do not have permission to resolve comments.")
    stored = _stored_comment(comment)
    comment.is_resolved = resolved
    if stored is not None and stored.is_resolved == resolved:
        # Already so: keep who resolved it, and the history free of empty changes.
        comment.resolved_by_id = stored.resolved_by_id
        return comment
    comment.resolved_by = by if resolved else None
    comment._history_user = by
    comment._change_reason = "Resolved" if resolved else "Reopened"
    comment.save(update_fields=["is_resolved", "resolved_by"])
    return comment


@transaction.atomic
def comment_delete(*, comment, by):
    """Delete the comment and its replies, each deletion recorded as by `by`."""
    stored = _stored_comment(comment)
    if stored is None:  # Deleted already, with a comment it replied to.
        return
    error = comment_delete_error(comment=stored, by=by)
    if error:
        raise PermissionDenied(error)
    thread = comment_thread(stored)
    # Replies first: each deletion is then its own historical record, not a cascade.
    for reply in reversed(thread):
        reply._history_user = by
        reply.delete()


# Actors ----------------------------------------------------------------------


# Merging is an edit of both actors, not a deletion: everything citing the
# merged actor moves to the kept one, its names become aliases, and only then
# is the emptied record removed (PROTECT would refuse it were anything left).
# So it takes the right to change actors; deleting one outright stays with
# those who hold delete_actor (Reviewers).
MERGE_PERMISSION = "briefings.change_actor"


def can_merge_actors(user):
    return user.is_active and user.has_perm(MERGE_PERMISSION)


@transaction.atomic
def actor_merge(*, keep, merge, by):
    """
    Move everything that points at `merge` onto `keep`, keep its names as
    aliases, then delete it. Nothing that cited the merged actor is lost.
    """
    if not can_merge_actors(by):
        raise PermissionDenied("You do not have permission to merge actors.")
    if keep.pk == merge.pk:
        raise ValidationError("An actor cannot be merged into itself.")
    reason = f"Merged {merge.name} (#{merge.pk}) into {keep.name} (#{keep.pk})"
    for relation in Actor._meta.related_objects:
        if relation.related_model is ActorAlias:
            continue
        if relation.many_to_many:
            if not relation.through._meta.auto_created:
                # An explicit through model is moved below as a foreign key, row by
                # row, so its history shows the link re-pointed, not dropped.
                continue
            # Auto-created through tables hold no other data. None points at actors
            # today (sco evidence points at claims); rows written here bypass
            # m2m_fields history, so such a field would need the manager's add/remove.
            through = relation.through
            source_field = relation.field.m2m_reverse_field_name()
            owner_field = relation.field.m2m_field_name()
            for row in through.objects.filter(**{source_field: merge}):
                through.objects.get_or_create(
                    **{owner_field: getattr(row, owner_field), source_field: keep}
                )
            through.objects.filter(**{source_field: merge}).delete()
            continue
        field = relation.field.name
        rows = relation.related_model._default_manager.filter(**{field: merge})
        for row in rows:
            setattr(row, field, keep)
            row._history_user, row._change_reason = by, reason
            _save_or_drop_duplicate(row)
    names = {alias.name for alias in keep.aliases.all()} | {keep.name}
    for alias in merge.aliases.all():
        if alias.name not in names:
            ActorAlias.objects.create(actor=keep, name=alias.name, language=alias.language)
            names.add(alias.name)
    if merge.name not in names:
        ActorAlias.objects.create(actor=keep, name=merge.name)
    for actor in (keep, merge):
        actor._history_user, actor._change_reason = by, reason
    if not keep.wikidata_qid and merge.wikidata_qid:
        qid = merge.wikidata_qid
        merge.wikidata_qid = ""
        merge.save(update_fields=["wikidata_qid", "version"])
        keep.wikidata_qid = qid
    keep.save()
    merge.delete()
    return keep


def _save_or_drop_duplicate(row):
    """Save a re-pointed link row; if it now duplicates an existing link, drop it."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        row.delete()


# History ---------------------------------------------------------------------


def history_defer(obj):
    """
    Make obj's next save skip its historical record; history_write writes it
    once obj's link rows are saved too. A version's date then follows the
    links saved with it, so reverting to it restores them, and one save is
    one entry in the history.
    """
    obj.skip_history_when_saving = True


def history_write(*, obj, by, created=False):
    """
    Write the historical record history_defer held back (if it still is),
    with obj's many-to-many links; none if obj is as its last version left it,
    so the history holds one entry per real change.
    """
    if obj.__dict__.pop("skip_history_when_saving", None) is None:
        return
    last = None if created else obj.history.first()
    if last is not None and unchanged_since(obj, last):
        return
    obj._history_user = by
    [record] = type(obj).history.bulk_history_create([obj], update=not created)
    record_m2m(record, obj)


# A revert restores what was written, not where a briefing or claim stands in
# the workflow: moving that is a step with its own rules (briefing_set_status,
# editing.claim_review).
REVERT_KEEPS = {
    Briefing: ("status", "published_at"),
    Claim: ("review_status", "reviewed_by", "reviewed_at"),
}
# Link rows readers see: changing them on a published briefing is a correction.
BRIEFING_PUBLIC_LINKS = (BriefingClaim, BriefingArticle, BriefingActor)


@dataclass
class Revert:
    obj: models.Model
    # Link rows that could not come back because what they linked to is gone.
    skipped: list = field(default_factory=list)
    # Claims orphaned because a reverted article text no longer holds their quote.
    orphaned: list = field(default_factory=list)


@transaction.atomic
def history_revert(*, record, by, obj=None, m2m=None, correction_reason=""):
    """
    Restore a historical record's object, its link rows (history_links,
    recursively) and its recorded many-to-many links to what they were at the
    record's date, as one recorded change.

    `obj` is the object as the editor adjusted it on the revert form, and `m2m`
    ({field name: objects}) the many-to-many links chosen there; by default,
    the record's own. A published briefing's revert that changes what readers
    see is a correction and needs `correction_reason`.
    """
    model = record.instance_type
    stored = model._default_manager.select_for_update().get(pk=record.instance.pk)
    _check_may_revert(stored, by)
    # editing builds on this module; a claim readers see gets its corrections from there.
    from briefings import editing

    seen = editing.claim_state(stored) if model is Claim and editing.is_public(stored) else None
    obj = record.instance if obj is None else obj
    obj._state.adding = False
    for name in REVERT_KEEPS.get(model, ()) + (("version",) if hasattr(stored, "version") else ()):
        setattr(obj, name, getattr(stored, name))
    reason = (
        f"Reverted to the version of {timezone.localtime(record.history_date):%Y-%m-%d %H:%M:%S}"
    )
    obj._change_reason = reason
    result = Revert(obj)
    history_defer(obj)
    if isinstance(obj, Article) and obj.body != stored.body:
        result.orphaned = article_update_body(article=obj, body=obj.body)
    else:
        obj.save()
    changed = _restore_links(obj, record.history_date, by, reason, result.skipped)
    _restore_m2m(obj, record, m2m or {}, result.skipped)
    if isinstance(obj, Briefing) and stored.status == BriefingStatus.PUBLISHED:
        _check_published_revert(stored, obj, changed, by, correction_reason)
    if seen is not None:
        editing.claim_corrections_since(claim=obj, before=seen, by=by, reason=correction_reason)
    history_write(obj=obj, by=by)
    return result


def _check_may_revert(stored, by):
    """What readers see changes only through a reviewer: an editor's revert would skip review."""
    reviewer_only = {Claim: REVIEW_CLAIM_PERMISSION, Briefing: PUBLISH_PERMISSION}
    permission = reviewer_only.get(type(stored))
    if permission and not by.has_perm(permission):
        if type(stored).objects.public().filter(pk=stored.pk).exists():
            raise PermissionDenied(
                f"Readers see this {stored._meta.verbose_name}: only a reviewer can revert it. "
                "Edit it instead, and your change will wait for review."
            )


def _restore_links(parent, date, by, reason, skipped):
    """Make parent's link rows what they were at `date`; return the link models changed."""
    changed = set()
    for relation in link_relations(type(parent)):
        wanted = list(relation.as_of(parent.pk, date))
        gone = _rows_with_missing_targets(relation, wanted)
        skipped += [f"{relation.label}: {text}" for text in gone.values()]
        wanted = [row for row in wanted if row.pk not in gone]
        current = relation.model.objects.filter(**{relation.parent_attname: parent.pk})
        now, then = link_state(relation, current), link_state(relation, wanted)
        # Deletions first, so a row coming back does not collide with its replacement.
        for row in current:
            if row.pk not in then and row.pk not in gone:
                row._history_user, row._change_reason = by, reason
                row.delete()
                changed.add(relation.model)
        for row in wanted:
            if now.get(row.pk) != then[row.pk]:
                row._history_user, row._change_reason = by, reason
                row.save()
                changed.add(relation.model)
            changed |= _restore_links(row, date, by, reason, skipped)
    return changed


def _restore_m2m(obj, record, chosen, skipped):
    """Set obj's recorded many-to-many links to the record's, or to those `chosen`."""
    for m2m_field in m2m_fields(type(obj)):
        model = m2m_field.related_model
        then = m2m_targets(record, m2m_field)
        existing = set(model._base_manager.filter(pk__in=then).values_list("pk", flat=True))
        skipped += [
            f"{m2m_field.verbose_name}: {model._meta.verbose_name} #{pk} no longer exists"
            for pk in sorted(then - existing)
        ]
        # obj's history is deferred: its version records the links (history_write).
        getattr(obj, m2m_field.name).set(chosen.get(m2m_field.name, existing))


def _rows_with_missing_targets(relation, rows):
    """Return {pk: description} of rows pointing at an object deleted since (a merged actor)."""
    gone = {}
    for fk in relation.target_fields:
        ids = {getattr(row, fk.attname) for row in rows} - {None}
        existing = set(
            fk.related_model._base_manager.filter(pk__in=ids).values_list("pk", flat=True)
        )
        for row in rows:
            target = getattr(row, fk.attname)
            if target is not None and target not in existing:
                name = fk.related_model._meta.verbose_name
                gone[row.pk] = f"{name} #{target} no longer exists"
    return gone


def _check_published_revert(stored, briefing, changed, by, correction_reason):
    """A published briefing stays publishable, and a change readers see is a correction."""
    claims = [link.claim for link in briefing.claim_links.select_related("claim")]
    unreviewed = [claim for claim in claims if claim.review_status != ReviewStatus.REVIEWED]
    if unreviewed:
        names = "; ".join(f"#{claim.pk} {claim}" for claim in unreviewed)
        raise ValidationError(
            f"The briefing is published and these key claims are not reviewed: {names}."
        )
    public = [
        name for name in BRIEFING_PUBLIC_FIELDS if getattr(briefing, name) != getattr(stored, name)
    ]
    public += [
        str(model._meta.verbose_name_plural) for model in BRIEFING_PUBLIC_LINKS if model in changed
    ]
    if public:
        briefing_record_correction(
            briefing=briefing, by=by, reason=correction_reason, changed_fields=public
        )


# Edit presence ---------------------------------------------------------------

# An open change page pings every PRESENCE_PING_SECONDS; a presence not
# refreshed for PRESENCE_SECONDS (a closed tab, a lost network) expires.
PRESENCE_PING_SECONDS = 60
PRESENCE_SECONDS = 150


def _presence_key(obj):
    return f"presence:{obj._meta.label_lower}:{obj.pk}"


def edit_presence_join(*, obj, user):
    """
    Note that `user` has `obj` open and return the names of the others who
    opened it in the last PRESENCE_SECONDS, longest-present first.

    The cache holds it (Redis in production), so it spans processes; a lost
    entry only costs a missing warning, never a lost edit (versions do that).
    """
    now = time.time()
    seen = {
        user_id: (name, at)
        for user_id, (name, at) in cache.get(_presence_key(obj), {}).items()
        if now - at < PRESENCE_SECONDS and user_id != user.pk
    }
    others = [name for name, _ in sorted(seen.values(), key=lambda entry: entry[1])]
    seen[user.pk] = (user.get_full_name() or user.get_username(), now)
    cache.set(_presence_key(obj), seen, PRESENCE_SECONDS)
    return others


def edit_presence_leave(*, obj, user):
    """Forget that `user` has `obj` open (they saved or left)."""
    seen = cache.get(_presence_key(obj), {})
    if seen.pop(user.pk, None) is not None:
        cache.set(_presence_key(obj), seen, PRESENCE_SECONDS)
