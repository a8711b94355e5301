"""
The briefing document, and the one loader that writes it.

A document holds a briefing and everything it references (articles and all
their claims, actors, sources, events, statements, affiliations). Actors,
sources, events and articles are named by slug; statements, affiliations and
claims by a `key` unique within the document (the export names a claim
"<article slug>@<start>-<end>"; a seed file, e.g. "putin-xi-to-convene").

Its field names are the API's: each section lists the fields of its
serializer in briefings.api.serializers, less what belongs to the site rather
than the content (ids, URLs, versions, timestamps, users, rendered HTML).

The same Loader writes a document POSTed to the import endpoint
(briefing_import) and the seed files (briefings.seeding reads the YAML and
hands the data over), validating every row like the admin (full_clean) and
naming each problem by its place, e.g. {"claims[3].quote": [...]}.
"""

import datetime
import re
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from briefings.anchoring import AnchorError, locate
from briefings.api.serializers import (
    ActorAliasSerializer,
    ActorSerializer,
    AffiliationSerializer,
    ArticleSerializer,
    BriefingClaimSerializer,
    BriefingSerializer,
    ClaimEvidenceSerializer,
    ClaimSerializer,
    EventSerializer,
    SourceSerializer,
)
from briefings.models import (
    Actor,
    ActorAlias,
    Affiliation,
    AffiliationEvidence,
    Article,
    AttributionKind,
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingClaim,
    BriefingStatus,
    Claim,
    ClaimActor,
    ClaimEvidence,
    Correction,
    Event,
    QuoteType,
    ReviewStatus,
    Source,
    Statement,
    can_preview,
)
from briefings.services import (
    REVIEW_CLAIM_PERMISSION,
    article_update_body,
    briefing_set_status,
    links_sync,
    rows_created_in_bulk,
)
from briefings.validators import text_problem, text_problems

FORMAT = "briefings.briefing"
FORMAT_VERSION = 1
# Rows per INSERT when claims and their links are created in bulk.
BULK_BATCH = 500

# The vocabulary ----------------------------------------------------------------

# Serializer fields that describe this site's copy, not the content.
SITE_FIELDS = {
    "id", "api_url", "page_url", "annotations_url", "wikidata_url", "version", "created_at",
    "updated_at", "rationale_html", "analysis_html", "attribution_text", "briefings", "authors",
    "affiliations", "pending_change", "correction_reason", "publish_despite_open_comments",
}  # fmt: skip


def content_fields(serializer, *, before=(), after=()):
    return [*before, *(name for name in serializer.Meta.fields if name not in SITE_FIELDS), *after]


SECTIONS = {
    "actors": (Actor, content_fields(ActorSerializer)),
    "sources": (Source, content_fields(SourceSerializer)),
    "events": (Event, content_fields(EventSerializer)),
    "articles": (Article, content_fields(ArticleSerializer)),
    # Statements have no API resource of their own (a claim names one by id).
    "statements": (Statement, ["key", "summary", "speaker", "said_date"]),
    # The API nests affiliations in their actor; standing alone, they name it.
    "affiliations": (
        Affiliation,
        content_fields(
            AffiliationSerializer, before=["key", "actor"], after=["source", "evidence"]
        ),
    ),
    "claims": (Claim, content_fields(ClaimSerializer, before=["key"])),
    # Corrections are shown on the briefing's page; the document carries them along.
    "briefing": (Briefing, content_fields(BriefingSerializer, after=["corrections"])),
}

# Lists of owned link rows: (section, field) → (link model, owner field, key field, row fields).
# A row given as a bare string stands for {key field: string}.
LINKS = {
    ("actors", "aliases"): (ActorAlias, "actor", "name", ActorAliasSerializer.Meta.fields),
    ("claims", "about"): (ClaimActor, "claim", "actor", ["actor"]),
    ("claims", "evidence"): (ClaimEvidence, "claim", "source", ClaimEvidenceSerializer.Meta.fields),
    ("affiliations", "evidence"): (AffiliationEvidence, "affiliation", "claim", ["claim"]),
    ("briefing", "articles"): (BriefingArticle, "briefing", "article", ["article"]),
    # The position of a key claim is its place in the list.
    ("briefing", "key_claims"): (
        BriefingClaim,
        "briefing",
        "claim",
        [
            name
            for name in BriefingClaimSerializer.Meta.fields
            if name not in BriefingClaimSerializer.Meta.read_only_fields
        ],
    ),
    ("briefing", "actors"): (BriefingActor, "briefing", "actor", ["actor"]),
    ("briefing", "corrections"): (
        Correction,
        "briefing",
        "created_at",
        ["created_at", "reason", "changed_fields"],
    ),  # fmt: skip
}

# What a reader who may not see an object learns of it: enough to resolve or create it.
BARE_FIELDS = {
    "actors": ["slug", "name", "kind"],
    "sources": ["slug", "name", "kind"],
    "events": ["slug", "name", "kind"],
    "articles": ["slug", "title", "source"],
}


def kind_of(value):
    """Name value's JSON (or YAML) type as an error message does: "text", "a list"…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return {str: "text", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


# What a field's value must be in a document, checked before the field parses it
# (so a list given for a date says so, instead of a parser's own complaint).
EXPECTED = [
    (models.BooleanField, bool, "true or false"),
    (models.IntegerField, int, "a whole number"),
    (models.DateTimeField, str, "a date and time as text (YYYY-MM-DDTHH:MM:SSZ)"),
    (models.DateField, str, "a date as text (YYYY-MM-DD)"),
    (models.CharField, str, "text"),
    (models.TextField, str, "text"),
]


def type_problem(field, value):
    """Return why value cannot be field's value by its type alone, or None."""
    for field_class, python_type, expected in EXPECTED:
        if isinstance(field, field_class):
            if isinstance(value, python_type) and not (
                python_type is int and isinstance(value, bool)
            ):
                return None
            return f"Expected {expected}, got {kind_of(value)}."
    return None


def model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


# Export ------------------------------------------------------------------------


def claim_order(claim):
    """Claims in reading order, article by article; orphans (no span) last."""
    start, end = claim.start or 0, claim.end or 0
    return (claim.article.slug, claim.start is None, start, end, claim.quote, claim.pk)


def claim_keys(claims):
    """Give each claim (in claim_order) its natural key, numbering repeats of the same span."""
    keys, seen = {}, Counter()
    for claim in claims:
        span = f"{claim.start}-{claim.end}" if claim.start is not None else "orphan"
        base = f"{claim.article.slug}@{span}"
        seen[base] += 1
        keys[claim.pk] = base if seen[base] == 1 else f"{base}#{seen[base]}"
    return keys


class Writer:
    """Turn rows into document entries, naming related objects by their document keys."""

    def __init__(self, keys):
        self.keys = keys  # model → {pk: key}, for objects named by key rather than slug

    def key(self, obj):
        if obj is None:
            return None
        table = self.keys.get(type(obj)._meta.concrete_model)
        return table.get(obj.pk) if table is not None else obj.slug

    def value(self, obj, name):
        value = getattr(obj, name)
        if model_field(type(obj), name).many_to_one:
            return self.key(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def entry(self, obj, section, fields):
        entry = {}
        for name in fields:
            if name == "key":
                entry[name] = self.key(obj)
            elif (section, name) in LINKS:
                entry[name] = self.links(obj, section, name)
            else:
                entry[name] = self.value(obj, name)
        return entry

    def links(self, obj, section, name):
        model, owner_field, key_field, fields = LINKS[section, name]
        accessor = model._meta.get_field(owner_field).remote_field.get_accessor_name()
        links = getattr(obj, accessor).all()
        if model_field(model, "position") is not None:
            links = sorted(links, key=lambda link: (link.position, link.pk))
        rows = [
            {field: self.value(link, field) for field in fields}
            for link in links
            # Links to what the document leaves out (claims the reader may not see).
            if not model_field(model, key_field).many_to_one
            or self.key(getattr(link, key_field)) is not None
        ]
        if model_field(model, "position") is None:
            rows.sort(key=lambda row: [str(value) for value in row.values()])
        return [row[key_field] for row in rows] if fields == [key_field] else rows


def briefing_document(briefing, *, user):
    """
    Return the exchange document of briefing as `user` may see it: claims
    visible to them; actors, sources, events and articles they may not see as
    bare references; editors' notes only for those who may preview claims.
    """
    articles = list(
        Article.objects.filter(briefing_links__briefing=briefing)
        .select_related("source")
        .order_by("briefing_links__position", "briefing_links__id")
    )
    claims = list(
        Claim.objects.visible_to(user)
        .filter(Q(article__in=articles) | Q(pk__in=briefing.claim_links.values("claim")))
        .select_related("article__source", "speaker", "channel", "event", "statement__speaker")
        .select_related("speaker_role__actor", "speaker_role__organisation")
        .prefetch_related("actor_links__actor", "evidence_links__source")
    )
    claims.sort(key=claim_order)
    keys = claim_keys(claims)
    for claim in claims:
        if claim.article not in articles:
            articles.append(claim.article)

    actors = {a.pk: a for a in Actor.objects.filter(briefing_links__briefing=briefing)}
    sources = {article.source.pk: article.source for article in articles}
    events = {briefing.event.pk: briefing.event} if briefing.event else {}
    statements = {}
    for claim in claims:
        for actor in [claim.speaker, *(link.actor for link in claim.actor_links.all())]:
            if actor:
                actors[actor.pk] = actor
        if claim.channel:
            sources[claim.channel.pk] = claim.channel
        for link in claim.evidence_links.all():
            sources[link.source.pk] = link.source
        if claim.event:
            events[claim.event.pk] = claim.event
        if claim.statement:
            statements[claim.statement.pk] = claim.statement
            if claim.statement.speaker:
                actors[claim.statement.speaker.pk] = claim.statement.speaker

    affiliations = list(
        Affiliation.objects.filter(actor__in=list(actors))
        .select_related("actor", "organisation", "source")
        .prefetch_related("affiliationevidence_set__claim__article")
    )
    for affiliation in affiliations:
        actors[affiliation.organisation.pk] = affiliation.organisation
        if affiliation.source:
            sources[affiliation.source.pk] = affiliation.source
    for source in Source.objects.filter(pk__in=list(sources)).select_related("publisher"):
        if source.publisher:
            actors[source.publisher.pk] = source.publisher
    for event in Event.objects.filter(pk__in=list(events), country__isnull=False):
        actors.setdefault(event.country_id, None)
    # Countries of countries, publishers' countries…: follow until nothing new appears.
    pending = set(actors)
    while pending:
        found = Actor.objects.filter(pk__in=pending).values_list("pk", "country")
        pending = {country for _, country in found if country and country not in actors}
        actors.update(dict.fromkeys(pending))

    statement_list = sorted(
        statements.values(),
        key=lambda s: (s.summary, str(s.said_date), s.speaker.slug if s.speaker else "", s.pk),
    )
    affiliations.sort(
        key=lambda a: (a.actor.slug, a.organisation.slug, a.kind, a.role, str(a.start_date), a.pk)
    )
    affiliation_keys, seen = {}, Counter()
    for affiliation in affiliations:
        start = affiliation.start_date.isoformat() if affiliation.start_date else ""
        base = (
            f"{affiliation.actor.slug}>{affiliation.organisation.slug}:{affiliation.kind}"
            f":{affiliation.role}:{start}"
        )
        seen[base] += 1
        affiliation_keys[affiliation.pk] = base if seen[base] == 1 else f"{base}#{seen[base]}"
    writer = Writer(
        {
            Claim: keys,
            Statement: {s.pk: f"statement-{n}" for n, s in enumerate(statement_list, 1)},
            Affiliation: affiliation_keys,
        }
    )

    def section(name, rows):
        model, fields = SECTIONS[name]
        visible = set(
            model.objects.visible_to(user)
            .filter(pk__in=[row.pk for row in rows])
            .values_list("pk", flat=True)
        )
        return [
            writer.entry(row, name, fields if row.pk in visible else BARE_FIELDS[name])
            for row in sorted(rows, key=lambda row: row.slug)
        ]

    claim_fields = SECTIONS["claims"][1]
    if not can_preview(user, Claim):
        claim_fields = [name for name in claim_fields if name != "editor_note"]
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "briefing": writer.entry(briefing, "briefing", SECTIONS["briefing"][1]),
        "actors": section(
            "actors",
            Actor.objects.filter(pk__in=list(actors))
            .select_related("country")
            .prefetch_related("aliases"),
        ),
        "sources": section(
            "sources", Source.objects.filter(pk__in=list(sources)).select_related("publisher")
        ),
        "events": section(
            "events", Event.objects.filter(pk__in=list(events)).select_related("country")
        ),
        "articles": section("articles", articles),
        "statements": [
            writer.entry(s, "statements", SECTIONS["statements"][1]) for s in statement_list
        ],
        "affiliations": [
            writer.entry(affiliation, "affiliations", SECTIONS["affiliations"][1])
            for affiliation in affiliations
        ],
        "claims": [writer.entry(claim, "claims", claim_fields) for claim in claims],
    }


# Loading -----------------------------------------------------------------------


class DocumentError(ValidationError):
    """Problems in a document, by place; `describe()` names each entry by its key or slug."""

    def __init__(self, errors, labels):
        super().__init__(errors)
        self.labels = labels

    def describe(self):
        lines = []
        for path, messages in self.message_dict.items():
            place = path
            for entry in sorted(self.labels, key=len, reverse=True):
                if path == entry or path.startswith((f"{entry}.", f"{entry}[")):
                    place = f"{entry} ({self.labels[entry]}){path[len(entry) :]}"
                    break
            lines.append(f"{place}: {' '.join(messages)}")
        return "\n".join(lines)


class Loader:
    """
    Write a document's rows, all validated with full_clean and saved through
    the model (so history records every row, links included). Claims and
    their links, the bulk of a large document, are all validated first and
    then inserted in batches with their history rows (upsert_many), so an
    import's query count does not grow with its claims.

    Rows that already exist here (by slug; statements, affiliations and claims
    by their natural key) are kept as they are: this site's curation prevails.
    With `update` (the seeds' --update) they are rewritten to match the
    document instead, links included. `by` is the user who imports; None is
    the operator loading seeds, who is bound by no role.
    """

    def __init__(self, document, *, by=None, update=False, reason="Imported"):
        self.document = document
        self.by = by
        self.update = update
        self.reason = reason
        self.errors, self.labels = {}, {}
        self.stats = Counter()
        self.tables = defaultdict(dict)  # model → {document key: row}
        self.created = set()
        self.written = set()  # rows created, or updated, whose links are written too

    # Reading the document, tolerating any JSON --------------------------------

    def error(self, path, message):
        self.errors.setdefault(path, []).append(message)

    def fail_if_errors(self):
        if self.errors:
            raise DocumentError(self.errors, self.labels)

    def check_text(self):
        """
        Refuse, by place, every string no database can store (before any is
        looked up, which on PostgreSQL would fail), and nesting deeper than any
        document has; label the entries first so each error names its entry.
        """
        for name, section in self.document.items():
            subsections = section.items() if isinstance(section, dict) else []
            for path, items in [(name, section), *((f"{name}.{k}", v) for k, v in subsections)]:
                for n, item in enumerate(items if isinstance(items, list) else []):
                    label = item.get("key") or item.get("slug") if isinstance(item, dict) else None
                    if isinstance(label, str) and not text_problem(label):
                        self.labels[f"{path}[{n}]"] = label
            for path, message in text_problems(section, str(name)):
                self.error(path, message[:1].upper() + message[1:])
        self.fail_if_errors()

    def has_errors(self, path):
        """Whether an error is recorded for the entry at path or inside it."""
        return any(
            place == path or place.startswith((f"{path}.", f"{path}[")) for place in self.errors
        )

    def list_of(self, item, name, path):
        """Return item[name] as a list (missing or null: empty), or None after an error."""
        value = item.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{path}.{name}", f"Expected a list, got {kind_of(value)}.")
            return None
        return value

    def entries(self, container, name, path, fields, required=()):
        """Yield (path, entry) for each object of container[name] with known fields only."""
        items = container.get(name) or []
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            self.error(path, "Expected a list of objects.")
            return
        for n, item in enumerate(items):
            entry = f"{path}[{n}]"
            if self.entry_ok(entry, item, fields, required):
                yield entry, item

    def entry_ok(self, path, item, fields, required=()):
        label = item.get("key") or item.get("slug")
        if isinstance(label, str):
            self.labels[path] = label
        unknown = sorted(set(item) - set(fields))
        if unknown:
            self.error(path, f"unknown field(s) {', '.join(map(str, unknown))}")
        missing = [name for name in required if item.get(name) in (None, "")]
        if missing:
            self.error(path, f"missing required field(s) {', '.join(missing)}")
        return not (unknown or missing)

    def ref(self, model, value, path, required=False):
        """Resolve a key of the document, or a slug already on this site."""
        if value in (None, ""):
            if required:
                self.error(path, "This reference is required.")
            return None
        if not isinstance(value, str):
            self.error(path, f"Expected a key (text), got {kind_of(value)}.")
            return None
        table = self.tables[model._meta.concrete_model]
        if value not in table and model_field(model, "slug") is not None:
            found = model.objects.filter(slug=value).first()
            if found is not None:
                table[value] = found
        if value not in table:
            field = re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])
            self.error(
                path,
                f"unknown {model._meta.verbose_name} {value!r} in {field}, "
                "neither in the document nor on this site",
            )
            return None
        return table[value]

    def values(self, model, item, names, path):
        """The model values of item's fields `names`: parsed, references resolved."""
        values = {}
        for name in names:
            field = model_field(model, name)
            if field is None or not field.concrete or field.many_to_many or not field.editable:
                continue
            value = item.get(name)
            if name not in item and field.has_default() and callable(field.default):
                continue  # a time of creation: the model sets it, an update keeps it
            if field.many_to_one:
                values[name] = self.ref(field.related_model, value, f"{path}.{name}")
            elif name not in item or (value is None and not field.null):
                values[name] = field.get_default()
            elif value is not None and type_problem(field, value):
                self.error(f"{path}.{name}", type_problem(field, value))
            else:
                try:
                    values[name] = field.to_python(value)
                except (ValidationError, TypeError, ValueError) as error:
                    message = getattr(error, "messages", [f"A value has the wrong type: {error}"])
                    self.error(f"{path}.{name}", " ".join(message))
        return values

    # Writing ------------------------------------------------------------------

    def save(self, obj, path):
        """full_clean and save obj; record its errors under path. Return obj or None."""
        if not self.check(obj, path):
            return None
        obj._change_reason = self.reason
        obj.save()
        return obj

    def check(self, obj, path, *, bulk=False):
        """
        full_clean obj and store its date-times as UTC; record its errors under
        path. Return whether obj may be written.

        In bulk, foreign keys and constraints are left out: the keys were
        resolved by this loader (so the rows exist), and Django checks each
        constraint by a query of its own, while the models' clean() says the
        same in words and the database enforces them all the same.
        """
        if self.has_errors(path):
            return False  # a reference in it is broken already
        # Users are this site's; a document never names them.
        excluded = [
            field.name
            for field in obj._meta.concrete_fields
            if field.is_relation
            and (bulk or field.related_model._meta.label == settings.AUTH_USER_MODEL)
        ]
        try:
            obj.full_clean(exclude=excluded, validate_constraints=not bulk)
        except ValidationError as error:
            messages = getattr(error, "message_dict", None) or {"__all__": error.messages}
            for field, field_messages in messages.items():
                self.errors[path if field == "__all__" else f"{path}.{field}"] = field_messages
            return False
        except (TypeError, ValueError) as error:
            self.error(path, f"A value has the wrong type: {error}")
            return False
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                # Databases refuse some UTC offsets that Python accepts; store UTC.
                try:
                    setattr(obj, field.attname, value.astimezone(datetime.UTC))
                except OverflowError:
                    self.error(f"{path}.{field.name}", "This date-time is out of range.")
                    return False
        return True

    def upsert(self, model, lookup, values, path, key=None, set_once=()):
        """
        Return the row matching lookup: created from values if missing, rewritten
        (with update) where it differs, else as it is. Fields in set_once are
        written on creation only. Record it in the table under key.
        """
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance = self.save(model(**lookup, **values), path)
            if instance is not None:
                self.stats["created"] += 1
                self.created.add(instance)
                self.written.add(instance)
        else:
            self.keep_or_update(instance, values, path, set_once)
        if instance is not None and key is not None:
            self.tables[model._meta.concrete_model][key] = instance
        return instance

    def keep_or_update(self, instance, values, path, set_once=()):
        """Rewrite an existing row to values (with update) where it differs."""
        changed = {
            name: value
            for name, value in values.items()
            if name not in set_once and getattr(instance, name) != value
        }
        if changed and self.update:
            for name, value in changed.items():
                setattr(instance, name, value)
            self.save(instance, path)
            self.stats["updated"] += 1
        else:
            self.stats["unchanged"] += 1
        if self.update:
            self.written.add(instance)

    def upsert_many(self, model, rows):
        """
        upsert() for many rows of one model at once: `rows` are (path, key,
        lookup, values, set_once) tuples whose lookups share their field names.
        Existing rows are found in one query; new ones are validated first and
        created in bulk, history included, only if no row has an error.
        Return the rows' instances (None for a row with errors), in order.
        """
        if not rows:
            return []
        names = list(rows[0][2])

        def identity(lookup):
            return tuple(getattr(value, "pk", value) for value in lookup.values())

        attnames = [model._meta.get_field(name).attname for name in names]
        candidates = model.objects.filter(
            **{f"{names[0]}__in": {identity(lookup)[0] for _, _, lookup, _, _ in rows}}
        )
        existing = {tuple(getattr(row, name) for name in attnames): row for row in candidates}
        instances, new = [], []
        for path, key, lookup, values, set_once in rows:
            instance = existing.get(identity(lookup))
            if instance is not None:
                if instance.pk is not None:
                    self.keep_or_update(instance, values, path, set_once)
                else:
                    self.stats["unchanged"] += 1  # the same row twice in the document
            else:
                instance = model(**lookup, **values)
                if self.check(instance, path, bulk=True):
                    existing[identity(lookup)] = instance
                    new.append(instance)
                else:
                    instance = None
            if instance is not None and key is not None:
                self.tables[model._meta.concrete_model][key] = instance
            instances.append(instance)
        self.fail_if_errors()
        self.bulk_create(model, new)
        self.created.update(new)
        self.written.update(new)
        return instances

    def bulk_create(self, model, rows):
        """Insert validated rows with their history rows, in batches, without save()."""
        for row in rows:
            # What save() would derive (a claim's rendered rationale).
            if hasattr(row, "set_derived_fields"):
                row.set_derived_fields()
        bulk_create_with_history(
            rows, model, batch_size=BULK_BATCH, default_user=self.by,
            default_change_reason=self.reason,
        )  # fmt: skip
        self.stats["created"] += len(rows)
        rows_created_in_bulk(model=model, rows=rows)

    def links(self, owner, section, name, item, path, bulk=None):
        """
        Write owner's link rows for item[name] if owner was written by this load.
        Those of an owner created by it are appended to the list `bulk`, if
        given, for the caller to create in bulk.
        """
        if owner not in self.written:
            return
        model, owner_field, key_field, fields = LINKS[section, name]
        value = self.list_of(item, name, path)
        if value is None:
            return
        rows = []
        for n, row in enumerate(value):
            row_path = f"{path}.{name}[{n}]"
            if isinstance(row, str):
                row = {key_field: row}
            if not isinstance(row, dict):
                self.error(row_path, "Expected an object or a key.")
            elif self.entry_ok(row_path, row, fields, required=[key_field]):
                values = self.values(model, row, fields, row_path)
                if values.get(key_field) is not None:
                    rows.append((row_path, values))
        if bulk is None or owner not in self.created:
            self.sync(model, owner_field, owner, key_field, rows)
            return
        for path, values in self.wanted(model, key_field, rows).values():
            link = model(**{owner_field: owner}, **values)
            if self.check(link, path, bulk=True):
                bulk.append(link)

    @staticmethod
    def wanted(model, key_field, rows):
        """Link rows ((path, values) pairs) by their key, the last of repeats kept, positioned."""
        ordered = model_field(model, "position") is not None
        wanted = {}
        for position, (path, values) in enumerate(rows):
            if ordered:
                values["position"] = position
            wanted[values[key_field]] = (path, values)
        return wanted

    def sync(self, model, owner_field, owner, key_field, rows):
        """Make owner's `model` rows exactly `rows` ((path, values) pairs, told apart by key)."""
        wanted = self.wanted(model, key_field, rows)
        links = model.objects.filter(**{owner_field: owner})
        if model_field(model, key_field).many_to_one:
            links = links.select_related(key_field)
        existing = {getattr(link, key_field): link for link in links}
        for value, link in existing.items():
            if value not in wanted:
                link._change_reason = self.reason
                link.delete()
                self.stats["updated"] += 1
        for value, (path, values) in wanted.items():
            link = existing.get(value)
            if link is None:
                if self.save(model(**{owner_field: owner}, **values), path) is not None:
                    self.stats["created"] += 1
            elif any(getattr(link, name) != new for name, new in values.items()):
                for name, new in values.items():
                    setattr(link, name, new)
                self.save(link, path)
                self.stats["updated"] += 1
            else:
                self.stats["unchanged"] += 1

    # The sections, in dependency order ------------------------------------------

    def load(self, *, extra_sections=(), after_events=None, after_claims=None):
        document = self.document
        if not isinstance(document, dict):
            raise ValidationError({"document": "Expected an object of sections."})
        known = {"format", "version", *SECTIONS, *extra_sections}
        unknown = sorted(set(document) - known)
        if unknown:
            raise ValidationError({"document": f"unknown section(s) {', '.join(unknown)}"})
        self.check_text()
        self.load_actors()
        self.load_slugged("sources")
        self.load_slugged("events")
        if after_events:
            after_events(self)
        self.fail_if_errors()
        self.load_articles()
        self.load_statements_and_affiliations()
        self.load_claims()
        if after_claims:
            after_claims(self)
        self.fail_if_errors()
        return self.load_briefing()

    def section(self, name, required=("slug",)):
        model, fields = SECTIONS[name]
        return model, fields, list(self.entries(self.document, name, name, fields, required))

    def load_slugged(self, name, later=()):
        model, fields, entries = self.section(name)
        for path, item in entries:
            values = self.values(model, item, [f for f in fields if f not in later], path)
            slug = values.pop("slug", None)
            self.upsert(model, {"slug": slug}, values, path, key=slug)
        return entries

    def load_actors(self):
        # Countries are actors that may come later in the list: set once all exist.
        entries = self.load_slugged("actors", later=["country"])
        self.fail_if_errors()
        for path, item in entries:
            actor = self.tables[Actor].get(item["slug"])
            if actor in self.written:
                country = self.ref(Actor, item.get("country"), f"{path}.country")
                if actor.country != country:
                    actor.country = country
                    self.save(actor, path)
                self.links(actor, "actors", "aliases", item, path)
        self.fail_if_errors()

    def load_articles(self):
        model, fields, entries = self.section("articles")
        for path, item in entries:
            values = self.values(Article, item, fields, path)
            existing = Article.objects.filter(slug=values.get("slug")).first()
            if existing is not None and existing.body != values.get("body"):
                if not self.update:
                    self.error(
                        f"{path}.body",
                        f"Article “{existing.slug}” exists on this site with a different text, "
                        "so the claim offsets would not match: import it under another slug "
                        "(or, loading seeds, run with --update to re-anchor its claims).",
                    )
                    continue
                try:
                    article_update_body(article=existing, body=values["body"], orphan=False)
                except ValidationError as error:
                    self.errors[f"{path}.body"] = error.messages
                    continue
            slug = values.pop("slug")
            self.upsert(Article, {"slug": slug}, values, path, key=slug)
        self.fail_if_errors()

    def load_statements_and_affiliations(self):
        model, fields, entries = self.section("statements", required=("key", "summary"))
        for path, item in entries:
            values = self.values(Statement, item, fields, path)
            lookup = {name: values.pop(name, None) for name in ("summary", "speaker")}
            self.upsert(Statement, lookup, values, path, key=item["key"])
        model, fields, entries = self.section(
            "affiliations", required=("key", "actor", "organisation", "kind")
        )
        self.affiliation_entries = []
        for path, item in entries:
            values = self.values(Affiliation, item, fields, path)
            names = ("actor", "organisation", "kind", "role")
            lookup = {name: values.pop(name, None) for name in names}
            if lookup["actor"] and lookup["organisation"]:
                affiliation = self.upsert(Affiliation, lookup, values, path, key=item["key"])
                self.affiliation_entries.append((affiliation, item, path))
        self.fail_if_errors()

    def load_claims(self):
        model, fields, entries = self.section("claims", required=("key", "article", "quote"))
        rows, items = [], {}
        for path, item in entries:
            if item["key"] in items:
                self.error(f"{path}.key", f"claim key {item['key']!r} is used twice")
                continue
            items[item["key"]] = item
            values = self.values(Claim, item, fields, path)
            article = values.pop("article")
            if article is None or self.has_errors(path):
                continue
            if "start" not in item and "end" not in item:
                # A quote with optional context (prefix/suffix): find its offsets.
                prefix, suffix = values.get("prefix", ""), values.get("suffix", "")
                try:
                    span = locate(article.body, values.get("quote", ""), prefix, suffix)
                except AnchorError as error:
                    self.error(f"{path}.quote", str(error))
                    continue
                if not (
                    article.body[: span.start].endswith(prefix)
                    and article.body[span.end :].startswith(suffix)
                ):
                    self.error(path, "the context given in prefix/suffix is not next to the quote")
                    continue
                values.update(
                    start=span.start, end=span.end, prefix=span.prefix, suffix=span.suffix
                )
            assertion = values.get("attribution_kind") == AttributionKind.ASSERTION
            if "quote_type" not in item and assertion:
                values["quote_type"] = QuoteType.NONE
            set_once = ()
            reviewed = values.get("review_status", ReviewStatus.UNREVIEWED)
            if reviewed != ReviewStatus.UNREVIEWED and not values.get("reviewed_at"):
                values["reviewed_at"], set_once = timezone.now(), {"reviewed_at"}
            if self.by is not None:
                values["created_by"] = self.by
                set_once = {*set_once, "created_by"}
            lookup = {"article": article}
            lookup.update({name: values.pop(name, None) for name in ("speaker", "start", "end")})
            rows.append((path, item["key"], lookup, values, set_once))
        self.fail_if_errors()
        claims = self.upsert_many(Claim, rows)
        about, evidence = [], []
        for claim, (path, key, *_) in zip(claims, rows, strict=True):
            item = items[key]
            self.links(claim, "claims", "about", item, path, bulk=about)
            self.links(claim, "claims", "evidence", item, path, bulk=evidence)
        self.fail_if_errors()
        self.bulk_create(ClaimActor, about)
        self.bulk_create(ClaimEvidence, evidence)
        for affiliation, item, path in self.affiliation_entries:
            self.links(affiliation, "affiliations", "evidence", item, path)
        self.fail_if_errors()

    def load_briefing(self):
        item = self.document.get("briefing")
        if item is None:
            return None
        model, fields = SECTIONS["briefing"]
        if not isinstance(item, dict):
            raise ValidationError({"briefing": "Expected an object."})
        if not self.entry_ok("briefing", item, fields, required=("slug", "title", "lede")):
            self.fail_if_errors()
        values = self.values(Briefing, item, fields, "briefing")
        status = values.get("status")
        if status not in BriefingStatus.values:
            self.error("briefing.status", f"Unknown status “{status}”.")
            self.fail_if_errors()
        set_once = ()
        if self.by is not None:
            # Reach the status by the workflow's last step below, so its rules apply here.
            values["status"] = {
                BriefingStatus.PUBLISHED: BriefingStatus.IN_REVIEW,
                BriefingStatus.ARCHIVED: BriefingStatus.PUBLISHED,
            }.get(status, BriefingStatus.DRAFT)
            values["created_by"] = self.by
            set_once = {"created_by"}
        slug = values.pop("slug")
        briefing = self.upsert(Briefing, {"slug": slug}, values, "briefing", set_once=set_once)
        self.fail_if_errors()
        for name in ("articles", "key_claims", "actors"):
            self.links(briefing, "briefing", name, item, "briefing")
        # Corrections have no natural key to match them by, so they are only ever added.
        if briefing in self.created:
            self.links(briefing, "briefing", "corrections", item, "briefing")
        self.fail_if_errors()
        if self.by is not None:
            briefing_set_status(briefing=briefing, to=status, by=self.by)
        return briefing


def reviewed_claims(document):
    """Keys of the document's claims marked reviewed."""
    claims = document.get("claims") if isinstance(document, dict) else None
    return [
        str(claim.get("key"))
        for claim in (claims if isinstance(claims, list) else [])
        if isinstance(claim, dict) and claim.get("review_status") == ReviewStatus.REVIEWED
    ]


@transaction.atomic
def briefing_import(*, document, by):
    """Create the briefing of an exchange document, and what it references; all or nothing."""
    if not isinstance(document, dict):
        raise ValidationError({"document": "Expected a JSON object."})
    if document.get("format") != FORMAT or document.get("version") != FORMAT_VERSION:
        raise ValidationError(
            {"format": f"Expected a “{FORMAT}” document, version {FORMAT_VERSION}."}
        )
    claims = document.get("claims")
    if isinstance(claims, list) and len(claims) > settings.IMPORT_MAX_CLAIMS:
        raise ValidationError(
            {
                "claims": f"The document holds {len(claims)} claims; one import takes at most "
                f"{settings.IMPORT_MAX_CLAIMS} (the site's IMPORT_MAX_CLAIMS)."
            }
        )
    data = document.get("briefing")
    if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
        raise ValidationError({"briefing": "Expected an object with a slug."})
    if Briefing.objects.filter(slug=data["slug"]).exists():
        raise ValidationError(
            {"briefing.slug": f"A briefing “{data['slug']}” already exists on this site."}
        )
    reviewed = reviewed_claims(document)
    if reviewed and not by.has_perm(REVIEW_CLAIM_PERMISSION):
        raise ValidationError(
            {
                "claims": "Only a reviewer may import claims marked reviewed; mark these "
                f"unreviewed or ask a reviewer to import the document: {', '.join(reviewed)}."
            }
        )
    return Loader(document, by=by).load()


# Link rows written through the API -----------------------------------------------


def save_links(owner, links, values, by=None):
    """Save link lists popped from a serializer: `links` maps name → (related name, key)."""
    for name, items in values.items():
        related_name, key = links[name]
        rows = [dict(item) if isinstance(item, dict) else {key: item} for item in items]
        links_sync(owner=owner, related_name=related_name, key=key, rows=rows, by=by)
