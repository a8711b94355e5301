"""
What readers may see, kept as indexed state instead of derived per request.

Articles, claims, events, sources and actors carry `public_since`: the
earliest `published_at` of the published briefings that show the row, NULL
when none does. `public()` is then `public_since <= now`, an index lookup
that also lets a scheduled briefing appear at its time without a write.
A published briefing shows:
- the articles it draws on and those holding one of its key claims;
- its key claims and the claims on those articles, if reviewed;
- its event and the events of those claims;
- those articles' outlets, and those claims' channels and evidence;
- the actors it covers, and those claims' speakers and the actors they are about.

Every save, delete or new link of these models and of briefings, whichever
path it comes from (admin, API, import, revert, seeds), reaches `refresh()`
through the receivers `connect()` installs: the change names the rows it
touched before and after, and refresh recomputes them and what depends on
them with a few set-based UPDATEs. This module is the one place that writes
`public_since`. QuerySet.update() sends no signals: code that changes these
relations with it calls refresh() itself, or `refresh_all()` after bulk work
(also `manage.py refresh_visibility`).
"""

import datetime
import threading
from collections import defaultdict
from contextlib import contextmanager
from functools import reduce
from operator import or_

from django.apps import apps as global_apps
from django.db.models import Case, DateTimeField, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least, NullIf
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

PUBLISHED = "published"  # BriefingStatus.PUBLISHED; plain so migrations can use this module
REVIEWED = "reviewed"  # ReviewStatus.REVIEWED

# Stands in for "never" inside LEAST(): SQLite's MIN(a, b) is NULL if either is.
NEVER = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)

# The foreign keys whose old value a save must refresh too, per model (the
# rows it pointed at may lose their only reason to be public).
POINTERS = {
    "Briefing": {"event": "events"},
    "Article": {"source": "sources"},
    "Claim": {"article": "articles", "event": "events", "channel": "sources", "speaker": "actors"},
    "BriefingArticle": {"article": "articles"},
    "BriefingClaim": {"claim": "claims"},
    "BriefingActor": {"actor": "actors"},
    "ClaimActor": {"actor": "actors"},
    "ClaimEvidence": {"source": "sources"},
}
# Other fields whose change alters what is public; a save naming none of
# these nor a pointer in update_fields changes nothing here.
DECIDING = {"Briefing": {"status", "published_at"}, "Claim": {"review_status"}}
# Models whose own row carries public_since, and the refresh() argument naming them.
OWN = {
    "Article": "articles",
    "Claim": "claims",
    "Event": "events",
    "Source": "sources",
    "Actor": "actors",
}


def earliest(*values):
    """The earliest non-NULL of `values`, or NULL."""
    field = DateTimeField()
    never = Value(NEVER, output_field=field)
    least = Least(*(Coalesce(value, never, output_field=field) for value in values))
    return NullIf(least, never, output_field=field)


def first(rows, field, key):
    """
    Subquery: the smallest `field` of `rows`, which all share `key` (the
    column compared with OuterRef). MIN rather than ORDER BY … LIMIT 1, which
    PostgreSQL may answer by walking the public_since index row by row.
    """
    rows = rows.order_by().values(key).annotate(earliest=Min(field)).values("earliest")
    return Subquery(rows, output_field=DateTimeField())


def _set(queryset, value):
    """
    Set public_since to `value` on the rows of `queryset` where that changes
    it: rewriting a row with its own value still leaves a dead row version
    behind on PostgreSQL, and most refreshes change nothing.
    """
    never = Value(NEVER, output_field=DateTimeField())
    return (
        queryset.alias(old=Coalesce("public_since", never), new=Coalesce(value, never))
        .exclude(old=F("new"))
        .update(public_since=value)
    )


class Rules:
    """The rule, as one UPDATE value per model; `apps` lets a migration use it."""

    def __init__(self, apps=global_apps):
        def get(name):
            return apps.get_model("briefings", name)

        self.Briefing, self.Article, self.Claim = get("Briefing"), get("Article"), get("Claim")
        self.Event, self.Source, self.Actor = get("Event"), get("Source"), get("Actor")
        self.BriefingArticle, self.BriefingClaim = get("BriefingArticle"), get("BriefingClaim")
        self.BriefingActor, self.ClaimActor = get("BriefingActor"), get("ClaimActor")
        self.ClaimEvidence = get("ClaimEvidence")

    def article_since(self):
        shown = {"briefing__status": PUBLISHED}
        return earliest(
            first(
                self.BriefingArticle.objects.filter(article=OuterRef("pk"), **shown),
                "briefing__published_at",
                "article",
            ),
            first(
                self.BriefingClaim.objects.filter(claim__article=OuterRef("pk"), **shown),
                "briefing__published_at",
                "claim__article",
            ),
        )

    def claim_since(self):
        key_claim = first(
            self.BriefingClaim.objects.filter(claim=OuterRef("pk"), briefing__status=PUBLISHED),
            "briefing__published_at",
            "claim",
        )
        article = first(self.Article.objects.filter(pk=OuterRef("article")), "public_since", "pk")
        return Case(
            When(review_status=REVIEWED, then=earliest(key_claim, article)),
            default=None,
            output_field=DateTimeField(),
        )

    def event_since(self):
        return earliest(
            first(
                self.Briefing.objects.filter(event=OuterRef("pk"), status=PUBLISHED),
                "published_at",
                "event",
            ),
            first(self.Claim.objects.filter(event=OuterRef("pk")), "public_since", "event"),
        )

    def source_since(self):
        return earliest(
            first(self.Article.objects.filter(source=OuterRef("pk")), "public_since", "source"),
            first(self.Claim.objects.filter(channel=OuterRef("pk")), "public_since", "channel"),
            first(
                self.ClaimEvidence.objects.filter(source=OuterRef("pk")),
                "claim__public_since",
                "source",
            ),
        )

    def actor_since(self):
        return earliest(
            first(
                self.BriefingActor.objects.filter(actor=OuterRef("pk"), briefing__status=PUBLISHED),
                "briefing__published_at",
                "actor",
            ),
            first(self.Claim.objects.filter(speaker=OuterRef("pk")), "public_since", "speaker"),
            first(
                self.ClaimActor.objects.filter(actor=OuterRef("pk")), "claim__public_since", "actor"
            ),
        )

    def refresh(self, *, articles=(), claims=(), events=(), sources=(), actors=()):
        """
        Recompute public_since of the given rows and of every row that depends
        on them. Each argument is a list of ids or of querysets of ids.
        """
        scope = [articles, claims, events, sources, actors]
        if not any(scope):
            return
        articles, claims, events, sources, actors = (
            reduce(or_, (Q(pk__in=ids) for ids in given), Q(pk__in=[])) for given in scope
        )
        # In dependency order: articles, then their claims, then what claims show.
        changed_articles = self.Article.objects.filter(articles)
        _set(changed_articles, self.article_since())
        changed_claims = self.Claim.objects.filter(claims | Q(article__in=changed_articles))
        _set(changed_claims, self.claim_since())
        _set(
            self.Event.objects.filter(
                events | Q(pk__in=changed_claims.filter(event__isnull=False).values("event"))
            ),
            self.event_since(),
        )
        evidence = self.ClaimEvidence.objects.filter(claim__in=changed_claims)
        _set(
            self.Source.objects.filter(
                sources
                | Q(pk__in=changed_articles.values("source"))
                | Q(pk__in=changed_claims.filter(channel__isnull=False).values("channel"))
                | Q(pk__in=evidence.values("source"))
            ),
            self.source_since(),
        )
        about = self.ClaimActor.objects.filter(claim__in=changed_claims)
        _set(
            self.Actor.objects.filter(
                actors
                | Q(pk__in=changed_claims.filter(speaker__isnull=False).values("speaker"))
                | Q(pk__in=about.values("actor"))
            ),
            self.actor_since(),
        )

    def refresh_all(self):
        """
        Recompute every row: after bulk writes that send no signals, or to check
        the index. Return the number of rows whose public_since changed.
        """
        return (
            _set(self.Article.objects.all(), self.article_since())
            + _set(self.Claim.objects.all(), self.claim_since())
            + _set(self.Event.objects.all(), self.event_since())
            + _set(self.Source.objects.all(), self.source_since())
            + _set(self.Actor.objects.all(), self.actor_since())
        )

    def touched(self, name, pks, pointers):
        """
        The refresh() arguments for rows `pks` of model `name` whose foreign
        keys point at `pointers` (field name to a list of ids).
        """
        scope = {"articles": [], "claims": [], "events": [], "sources": [], "actors": []}
        if name in OWN:
            scope[OWN[name]].append(pks)
        if name == "Briefing":
            scope["articles"] += [
                self.BriefingArticle.objects.filter(briefing__in=pks).values("article"),
                self.BriefingClaim.objects.filter(briefing__in=pks).values("claim__article"),
            ]
            links = self.BriefingClaim.objects.filter(briefing__in=pks)
            scope["claims"].append(links.values("claim"))
            scope["actors"].append(
                self.BriefingActor.objects.filter(briefing__in=pks).values("actor")
            )
        for field, kind in POINTERS.get(name, {}).items():
            ids = [pk for pk in pointers.get(field, ()) if pk is not None]
            if ids:
                scope[kind].append(ids)
        if name == "BriefingClaim" and pointers.get("claim"):
            # A key claim shows its whole article.
            scope["articles"].append(
                self.Claim.objects.filter(pk__in=pointers["claim"]).values("article")
            )
        return scope


def refresh(**scope):
    """Recompute public_since of the given rows and what depends on them (see Rules.refresh)."""
    Rules().refresh(**scope)


def refresh_all():
    return Rules().refresh_all()


# Keeping it current -------------------------------------------------------------

TRACKED = set(POINTERS) | set(OWN)
# Where pre_save leaves the stored pointers for post_save, on the instance
# being saved (the one object both signals see).
PRIOR = "_visibility_prior_pointers"


def _name(model):
    """The tracked model name of `model` (a Summit is an Event), or None."""
    for candidate in [model, *model._meta.get_parent_list()]:
        if candidate._meta.app_label == "briefings" and candidate.__name__ in TRACKED:
            return candidate.__name__
    return None


def _deciding(name):
    return set(POINTERS.get(name, ())) | DECIDING.get(name, set())


def _stored_pointers(model, name, pks):
    """{field: [ids]} of the rows `pks` as stored."""
    fields = list(POINTERS.get(name, ()))
    if not fields:
        return {}
    rows = list(model._base_manager.filter(pk__in=pks).values_list(*(f"{f}_id" for f in fields)))
    return {field: [row[i] for row in rows] for i, field in enumerate(fields)}


def _refresh_rows(name, pks, *pointer_sets):
    rules = Rules()
    scope = rules.touched(name, pks, {})
    for pointers in pointer_sets:
        for kind, ids in rules.touched(name, [], pointers).items():
            scope[kind] += ids
    batch = getattr(_batch, "scope", None)
    if batch is None:
        rules.refresh(**scope)
    else:
        for kind, ids in scope.items():
            batch[kind] += ids


_batch = threading.local()


@contextmanager
def batched():
    """
    Refresh once, at the end, for all the rows the writes inside touch: a save
    of many link rows (a briefing's 1,000 key claims reordered) would otherwise
    recompute the same article's claims once per row. Code inside must not
    read public() for the rows it writes.
    """
    if getattr(_batch, "scope", None) is not None:
        yield  # already inside a batch: the outer one refreshes
        return
    _batch.scope = defaultdict(list)
    try:
        yield
        scope = _batch.scope
    finally:
        _batch.scope = None
    if scope:
        Rules().refresh(**scope)


def update(queryset, values, run):
    """
    QuerySet.update() for a tracked model: `run(**values)`, then refresh the
    rows it changed if `values` sets a field visibility depends on.
    """
    name = _name(queryset.model)
    if name is None or not set(values) & _deciding(name):
        return run(**values)
    pks = list(queryset.values_list("pk", flat=True))
    before = _stored_pointers(queryset.model, name, pks)
    count = run(**values)
    _refresh_rows(name, pks, before, _stored_pointers(queryset.model, name, pks))
    return count


def rows_created(model, rows):
    """Refresh what rows inserted without save() (bulk_create, a restore) make public."""
    name = _name(model)
    if name is None or not rows:
        return
    pointers = {
        field: [getattr(row, f"{field}_id") for row in rows] for field in POINTERS.get(name, ())
    }
    _refresh_rows(name, [row.pk for row in rows], pointers)


def before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    name = _name(sender)
    if name not in POINTERS or instance._state.adding or raw:
        return
    if update_fields is None or set(update_fields) & _deciding(name):
        instance.__dict__[PRIOR] = _stored_state(sender, name, instance)


def _stored_state(model, name, instance):
    """
    The row's stored pointers and deciding fields, to tell after the save
    whether anything readers may see could have changed. The instance takes
    the stored public_since, so the save cannot write back a stale one.
    """
    deciding = sorted(DECIDING.get(name, ()))
    own = ["public_since"] if name in OWN else []
    fields = [f"{field}_id" for field in POINTERS[name]] + deciding + own
    row = model._base_manager.filter(pk=instance.pk).values(*fields).first() or {}
    if own and row:
        instance.public_since = row["public_since"]
    pointers = {field: [row.get(f"{field}_id")] for field in POINTERS[name]} if row else {}
    return pointers, {field: row.get(field) for field in deciding}


def after_save(sender, instance, created=False, update_fields=None, **kwargs):
    name = _name(sender)
    if name is None:
        return
    prior, prior_deciding = instance.__dict__.pop(PRIOR, ({}, None))
    # A save writes the instance's public_since too, which may be stale.
    if update_fields is not None and not set(update_fields) & (_deciding(name) | {"public_since"}):
        return
    current = {field: [getattr(instance, f"{field}_id")] for field in POINTERS.get(name, ())}
    deciding = {field: getattr(instance, field) for field in sorted(DECIDING.get(name, ()))}
    if not created and prior and prior == current and prior_deciding == deciding:
        return  # nothing readers may see moved, and public_since was kept as stored
    _refresh_rows(name, [instance.pk], prior, current)


def after_delete(sender, instance, **kwargs):
    """
    Refresh what a deleted briefing, claim or link pointed at. An article,
    event, source or actor that others point at cannot be deleted (PROTECT),
    so deleting one changes no other row.
    """
    name = _name(sender)
    if name in POINTERS:
        pointers = {field: [getattr(instance, f"{field}_id")] for field in POINTERS[name]}
        _refresh_rows(name, [], pointers)


def after_link(sender, instance, action, reverse, pk_set, **kwargs):
    """Links made by a many-to-many add() are bulk-created: no post_save tells of them."""
    name = _name(sender)
    if action != "post_add" or name not in POINTERS or not pk_set:
        return
    field = next(iter(POINTERS[name]))
    _refresh_rows(name, [], {field: [instance.pk] if reverse else list(pk_set)})


def connect():
    for signal, receiver in (
        (pre_save, before_save),
        (post_save, after_save),
        (post_delete, after_delete),
        (m2m_changed, after_link),
    ):
        signal.connect(receiver, dispatch_uid=f"visibility-{receiver.__name__}")
