"""
Writes of owned link rows, and the briefing exchange document.

A briefing document holds a briefing and everything it references (articles
and all their claims, actors, sources, events, statements, affiliations), each
named by its natural key: slugs, and for claims "<article slug>@<start>-<end>".
Importing it into another site reproduces every content field. Left out, as
they belong to the site rather than the content: database ids, versions,
created/updated times, and users (authors, reviewers, who created what).
"""

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from briefings.models import (
    Actor,
    ActorAlias,
    Affiliation,
    AffiliationEvidence,
    Article,
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
    Source,
    Statement,
    can_preview,
)
from briefings.services import briefing_set_status

FORMAT = "briefings.briefing"
FORMAT_VERSION = 1


# Link rows -------------------------------------------------------------------


def sync_links(owner, related_name, key, rows):
    """
    Make owner's link rows under related_name exactly `rows` (dicts of field
    values, identified by `key`): delete missing ones, update changed ones,
    create new ones. Rows are saved one by one so history records each change.
    """
    manager = getattr(owner, related_name)
    existing = {getattr(link, key): link for link in manager.all()}
    wanted = {row[key]: row for row in rows}
    for value, link in existing.items():
        if value not in wanted:
            link.delete()
    for value, row in wanted.items():
        link = existing.get(value)
        if link is None:
            manager.create(**row)
        elif any(getattr(link, field) != new for field, new in row.items()):
            for field, new in row.items():
                setattr(link, field, new)
            link.save()


def save_links(owner, links, values):
    """Save link lists popped from a serializer: `links` maps name → (related name, key)."""
    for name, items in values.items():
        related_name, key = links[name]
        model = getattr(type(owner), related_name).rel.related_model
        ordered = any(field.name == "position" for field in model._meta.fields)
        rows = []
        for position, item in enumerate(items):
            row = dict(item) if isinstance(item, dict) else {key: item}
            if ordered:
                row["position"] = position
            rows.append(row)
        sync_links(owner, related_name, key, rows)


# Export ----------------------------------------------------------------------


def _date(value):
    return value.isoformat() if value else None


def _slug(obj):
    return obj.slug if obj else None


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


def briefing_document(briefing, *, user):
    """Return the exchange document with what `user` may see (editors' notes for staff)."""
    internal = can_preview(user, Claim)
    articles = list(
        Article.objects.filter(briefing_links__briefing=briefing)
        .select_related("source")
        .order_by("briefing_links__position", "briefing_links__id")
    )
    claims = Claim.objects.visible_to(user).filter(
        Q(article__in=articles) | Q(briefing_links__briefing=briefing)
    )
    claims = list(
        claims.distinct()
        .select_related("article", "speaker", "channel", "event", "statement__speaker")
        .select_related("speaker_role__actor", "speaker_role__organisation")
        .prefetch_related("actor_links__actor", "evidence_links__source")
    )
    claims.sort(key=claim_order)
    keys = claim_keys(claims)
    for claim in claims:
        if claim.article not in articles:
            articles.append(claim.article)

    key_links = list(briefing.claim_links.select_related("claim").filter(claim__pk__in=keys))
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
        .prefetch_related("evidence")
    )
    for affiliation in affiliations:
        actors[affiliation.organisation.pk] = affiliation.organisation
        if affiliation.source:
            sources[affiliation.source.pk] = affiliation.source
    for source in Source.objects.filter(pk__in=list(sources)).select_related("publisher"):
        if source.publisher:
            actors[source.publisher.pk] = source.publisher
    for event in events.values():
        if event.country_id:
            actors.setdefault(event.country_id, None)
    # Countries of countries, publishers' countries…: follow until nothing new appears.
    pending = set(actors)
    while pending:
        found = Actor.objects.filter(pk__in=pending).select_related("country")
        pending = set()
        for actor in found:
            actors[actor.pk] = actor
            if actor.country and actor.country.pk not in actors:
                actors[actor.country.pk] = None
                pending.add(actor.country.pk)
    actor_list = sorted(
        Actor.objects.filter(pk__in=list(actors)).select_related("country")
        .prefetch_related("aliases"),
        key=lambda actor: actor.slug,
    )  # fmt: skip

    statement_list = sorted(
        statements.values(),
        key=lambda s: (s.summary, str(s.said_date), _slug(s.speaker) or "", s.pk),
    )
    statement_keys = {s.pk: f"statement-{n}" for n, s in enumerate(statement_list, 1)}
    affiliations.sort(
        key=lambda a: (a.actor.slug, a.organisation.slug, a.kind, a.role, str(a.start_date), a.pk)
    )
    affiliation_keys = {}
    seen = Counter()
    for affiliation in affiliations:
        base = (
            f"{affiliation.actor.slug}>{affiliation.organisation.slug}:{affiliation.kind}"
            f":{affiliation.role}:{_date(affiliation.start_date) or ''}"
        )
        seen[base] += 1
        affiliation_keys[affiliation.pk] = base if seen[base] == 1 else f"{base}#{seen[base]}"

    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "briefing": {
            "slug": briefing.slug,
            "title": briefing.title,
            "lede": briefing.lede,
            "analysis": briefing.analysis,
            "status": briefing.status,
            "published_at": _date(briefing.published_at),
            "event": _slug(briefing.event),
            "articles": [
                link.article.slug for link in briefing.article_links.select_related("article")
            ],
            "key_claims": [
                {"claim": keys[link.claim_id], "comment": link.comment} for link in key_links
            ],
            "actors": sorted(
                link.actor.slug for link in briefing.actor_links.select_related("actor")
            ),
            "corrections": [
                {
                    "created_at": _date(correction.created_at),
                    "reason": correction.reason,
                    "changed_fields": correction.changed_fields,
                }
                for correction in briefing.corrections.order_by("created_at", "pk")
            ],
        },
        "actors": [
            {
                "slug": actor.slug,
                "name": actor.name,
                "kind": actor.kind,
                "title": actor.title,
                "country": _slug(actor.country),
                "wikidata_qid": actor.wikidata_qid,
                "description": actor.description,
                "aliases": sorted(
                    ({"name": a.name, "language": a.language} for a in actor.aliases.all()),
                    key=lambda alias: (alias["name"], alias["language"]),
                ),
            }
            for actor in actor_list
        ],
        "sources": [
            {
                "slug": source.slug,
                "name": source.name,
                "kind": source.kind,
                "publisher": _slug(source.publisher),
                "url": source.url,
                "published_date": _date(source.published_date),
                "date_text": source.date_text,
                "description": source.description,
            }
            for source in sorted(
                Source.objects.filter(pk__in=list(sources)).select_related("publisher"),
                key=lambda source: source.slug,
            )
        ],
        "events": [
            {
                "slug": event.slug,
                "name": event.name,
                "kind": event.kind,
                "start_date": _date(event.start_date),
                "end_date": _date(event.end_date),
                "date_text": event.date_text,
                "location": event.location,
                "country": _slug(event.country),
                "description": event.description,
            }
            for event in Event.objects.filter(pk__in=list(events))
            .select_related("country")
            .order_by("slug")
        ],
        "articles": [
            {
                "slug": article.slug,
                "title": article.title,
                "source": article.source.slug,
                "url": article.url,
                "byline": article.byline,
                "published_at": _date(article.published_at),
                "retrieved_at": _date(article.retrieved_at),
                "language": article.language,
                "body": article.body,
                "body_sha256": article.body_sha256,
            }
            for article in sorted(articles, key=lambda article: article.slug)
        ],
        "statements": [
            {
                "key": statement_keys[statement.pk],
                "summary": statement.summary,
                "speaker": _slug(statement.speaker),
                "said_date": _date(statement.said_date),
            }
            for statement in statement_list
        ],
        "affiliations": [
            {
                "key": affiliation_keys[affiliation.pk],
                "actor": affiliation.actor.slug,
                "organisation": affiliation.organisation.slug,
                "kind": affiliation.kind,
                "role": affiliation.role,
                "start_date": _date(affiliation.start_date),
                "end_date": _date(affiliation.end_date),
                "source": _slug(affiliation.source),
                "evidence": sorted(
                    keys[claim.pk] for claim in affiliation.evidence.all() if claim.pk in keys
                ),
            }
            for affiliation in affiliations
        ],
        "claims": [
            {
                "key": keys[claim.pk],
                "article": claim.article.slug,
                "start": claim.start,
                "end": claim.end,
                "quote": claim.quote,
                "prefix": claim.prefix,
                "suffix": claim.suffix,
                "speaker": _slug(claim.speaker),
                "speaker_role": affiliation_keys.get(claim.speaker_role_id),
                "attribution_kind": claim.attribution_kind,
                "cue": claim.cue,
                "quote_type": claim.quote_type,
                "channel": _slug(claim.channel),
                "claim_type": claim.claim_type,
                "about": sorted(link.actor.slug for link in claim.actor_links.all()),
                "event": _slug(claim.event),
                "statement": statement_keys.get(claim.statement_id),
                "said_date": _date(claim.said_date),
                "said_date_text": claim.said_date_text,
                "verdict": claim.verdict,
                "rationale": claim.rationale,
                "evidence": sorted(
                    (
                        {"source": link.source.slug, "note": link.note}
                        for link in claim.evidence_links.all()
                    ),
                    key=lambda row: row["source"],
                ),  # fmt: skip
                "review_status": claim.review_status,
                "reviewed_at": _date(claim.reviewed_at),
                **({"editor_note": claim.editor_note} if internal else {}),
            }
            for claim in claims
        ],
    }


# Import ----------------------------------------------------------------------


class Importer:
    """
    Take a briefing document into this site, validating each object like the
    admin (full_clean) and naming every problem by its place in the document,
    e.g. {"claims[3].quote": [...]}. Objects whose slug already exists here are
    reused as they are: this site's curation prevails.
    """

    def __init__(self, document, by):
        self.document = document
        self.by = by
        self.errors = {}
        self.created = set()
        self.actors, self.sources, self.events, self.articles = {}, {}, {}, {}
        self.statements, self.affiliations, self.claims = {}, {}, {}

    # Reading the document, tolerating any JSON --------------------------------

    def rows(self, container, name, path):
        """Return container[name] as a list of objects, or record why it is not one."""
        value = container.get(name) or []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.errors[path] = ["Expected a list of objects."]
            return []
        return value

    def strings(self, container, name, path):
        value = container.get(name) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.errors[path] = ["Expected a list of strings."]
            return []
        return value

    def key(self, data):
        value = data.get("key")
        return value if isinstance(value, str) else None

    def fail_if_errors(self):
        if self.errors:
            raise ValidationError(self.errors)

    def ref(self, table, model, path, value, required=False):
        """Resolve a natural key from the document, or a slug already on this site."""
        if value in (None, ""):
            if required:
                self.errors[path] = ["This reference is required."]
            return None
        if not isinstance(value, str):
            self.errors[path] = ["Expected a key (a string)."]
            return None
        if value in table:
            return table[value]
        found = model.objects.filter(slug=value).first() if model is not None else None
        if found is None:
            self.errors[path] = [f"“{value}” is neither in the document nor on this site."]
        else:
            table[value] = found
        return found

    # Writing ------------------------------------------------------------------

    def save(self, obj, path, exclude=None):
        """full_clean and save obj; record its errors under path. Return obj or None."""
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as error:
            messages = getattr(error, "message_dict", None) or {"__all__": error.messages}
            for field, field_messages in messages.items():
                self.errors[path if field == "__all__" else f"{path}.{field}"] = field_messages
            return None
        except (TypeError, ValueError) as error:
            # Field parsers raise these for values of the wrong JSON type (a list as a date).
            self.errors[path] = [f"A value has the wrong type: {error}"]
            return None
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                # Databases refuse some UTC offsets that Python accepts; store UTC.
                try:
                    setattr(obj, field.attname, value.astimezone(datetime.UTC))
                except OverflowError:
                    self.errors[f"{path}.{field.name}"] = ["This date-time is out of range."]
                    return None
        obj.save()
        return obj

    def reuse_or_create(self, table, model, path, data, build):
        slug = data.get("slug")
        if not isinstance(slug, str) or not slug:
            self.errors[f"{path}.slug"] = ["A slug is required."]
            return
        existing = model.objects.filter(slug=slug).first()
        if existing is None:
            existing = self.save(build(), path)
            self.created.add((model, slug))
        if existing is not None:
            table[slug] = existing

    # The sections, in dependency order ------------------------------------------

    def run(self):
        document = self.document
        if not isinstance(document, dict):
            raise ValidationError({"document": "Expected a JSON object."})
        if document.get("format") != FORMAT or document.get("version") != FORMAT_VERSION:
            raise ValidationError(
                {"format": f"Expected a “{FORMAT}” document, version {FORMAT_VERSION}."}
            )
        data = document.get("briefing")
        if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
            raise ValidationError({"briefing": "Expected an object with a slug."})
        if Briefing.objects.filter(slug=data["slug"]).exists():
            raise ValidationError(
                {"briefing.slug": f"A briefing “{data['slug']}” already exists on this site."}
            )
        self.import_actors()
        self.import_sources_and_events()
        self.import_articles()
        self.import_statements_and_affiliations()
        self.import_claims()
        return self.import_briefing(data)

    def import_actors(self):
        rows = self.rows(self.document, "actors", "actors")
        names = ["slug", "name", "kind", "title", "wikidata_qid", "description"]
        for n, data in enumerate(rows):
            self.reuse_or_create(
                self.actors, Actor, f"actors[{n}]", data,
                lambda data=data: Actor(**pick(data, names)),
            )  # fmt: skip
        self.fail_if_errors()
        # Countries point at actors, so they are set once every actor exists.
        for n, data in enumerate(rows):
            if (Actor, data["slug"]) not in self.created:
                continue
            actor = self.actors[data["slug"]]
            country = self.ref(self.actors, Actor, f"actors[{n}].country", data.get("country"))
            if country is not None:
                actor.country = country
                self.save(actor, f"actors[{n}]")
            for m, alias in enumerate(self.rows(data, "aliases", f"actors[{n}].aliases")):
                alias = ActorAlias(actor=actor, **pick(alias, ["name", "language"]))
                self.save(alias, f"actors[{n}].aliases[{m}]")
        self.fail_if_errors()

    def import_sources_and_events(self):
        names = ["slug", "name", "kind", "url", "published_date", "date_text", "description"]
        for n, data in enumerate(self.rows(self.document, "sources", "sources")):
            path = f"sources[{n}]"
            self.reuse_or_create(
                self.sources, Source, path, data,
                lambda data=data, path=path: Source(
                    publisher=self.ref(
                        self.actors, Actor, f"{path}.publisher", data.get("publisher")
                    ),
                    **pick(data, names),
                ),
            )  # fmt: skip
        names = ["slug", "name", "kind", "start_date", "end_date", "date_text", "location",
                 "description"]  # fmt: skip
        for n, data in enumerate(self.rows(self.document, "events", "events")):
            path = f"events[{n}]"
            self.reuse_or_create(
                self.events, Event, path, data,
                lambda data=data, path=path: Event(
                    country=self.ref(self.actors, Actor, f"{path}.country", data.get("country")),
                    **pick(data, names),
                ),
            )  # fmt: skip
        self.fail_if_errors()

    def import_articles(self):
        names = ["slug", "title", "url", "byline", "published_at", "retrieved_at", "language",
                 "body"]  # fmt: skip
        for n, data in enumerate(self.rows(self.document, "articles", "articles")):
            path = f"articles[{n}]"
            self.reuse_or_create(
                self.articles, Article, path, data,
                lambda data=data, path=path: Article(
                    source=self.ref(
                        self.sources, Source, f"{path}.source", data.get("source"), required=True
                    ),
                    **pick(data, names),
                ),
            )  # fmt: skip
            article = self.articles.get(data.get("slug"))
            if article is not None and article.body != data.get("body"):
                self.errors[f"{path}.body"] = [
                    f"Article “{article.slug}” exists on this site with a different text, so "
                    "the claim offsets would not match. Import it under another slug."
                ]
        self.fail_if_errors()

    def import_statements_and_affiliations(self):
        for n, data in enumerate(self.rows(self.document, "statements", "statements")):
            path = f"statements[{n}]"
            speaker = self.ref(self.actors, Actor, f"{path}.speaker", data.get("speaker"))
            statement = Statement(speaker=speaker, **pick(data, ["summary", "said_date"]))
            self.statements[self.key(data)] = self.save(statement, path)
        for n, data in enumerate(self.rows(self.document, "affiliations", "affiliations")):
            path = f"affiliations[{n}]"
            actor = self.ref(self.actors, Actor, f"{path}.actor", data.get("actor"), True)
            organisation = self.ref(
                self.actors, Actor, f"{path}.organisation", data.get("organisation"), True
            )
            source = self.ref(self.sources, Source, f"{path}.source", data.get("source"))
            if actor is None or organisation is None:
                continue
            affiliation = Affiliation(
                actor=actor,
                organisation=organisation,
                source=source,
                **pick(data, ["kind", "role", "start_date", "end_date"]),
            )
            self.affiliations[self.key(data)] = self.save(affiliation, path)
        self.fail_if_errors()

    def import_claims(self):
        names = ["start", "end", "quote", "prefix", "suffix", "attribution_kind", "cue",
                 "quote_type", "claim_type", "said_date", "said_date_text", "verdict",
                 "rationale", "review_status", "reviewed_at", "editor_note"]  # fmt: skip
        for n, data in enumerate(self.rows(self.document, "claims", "claims")):
            path = f"claims[{n}]"
            article = self.ref(self.articles, None, f"{path}.article", data.get("article"), True)
            claim = Claim(
                article=article,
                speaker=self.ref(self.actors, Actor, f"{path}.speaker", data.get("speaker")),
                speaker_role=self.ref(
                    self.affiliations, None, f"{path}.speaker_role", data.get("speaker_role")
                ),
                channel=self.ref(self.sources, Source, f"{path}.channel", data.get("channel")),
                event=self.ref(self.events, Event, f"{path}.event", data.get("event")),
                statement=self.ref(
                    self.statements, None, f"{path}.statement", data.get("statement")
                ),
                created_by=self.by,
                **pick(data, names),
            )
            if article is None or self.save(claim, path) is None:
                continue
            self.claims[self.key(data)] = claim
            for m, slug in enumerate(self.strings(data, "about", f"{path}.about")):
                actor = self.ref(self.actors, Actor, f"{path}.about[{m}]", slug, True)
                if actor is not None:
                    self.save(ClaimActor(claim=claim, actor=actor), f"{path}.about[{m}]")
            for m, row in enumerate(self.rows(data, "evidence", f"{path}.evidence")):
                row_path = f"{path}.evidence[{m}]"
                source = self.ref(self.sources, Source, f"{row_path}.source", row.get("source"))
                if source is not None:
                    link = ClaimEvidence(claim=claim, source=source, **pick(row, ["note"]))
                    self.save(link, row_path)
        self.fail_if_errors()
        for n, data in enumerate(self.rows(self.document, "affiliations", "affiliations")):
            affiliation = self.affiliations.get(self.key(data))
            for m, key in enumerate(self.strings(data, "evidence", f"affiliations[{n}].evidence")):
                claim = self.ref(self.claims, None, f"affiliations[{n}].evidence[{m}]", key)
                if claim is not None and affiliation is not None:
                    link = AffiliationEvidence(affiliation=affiliation, claim=claim)
                    self.save(link, f"affiliations[{n}].evidence[{m}]")
        self.fail_if_errors()

    def import_briefing(self, data):
        status = data.get("status") or BriefingStatus.DRAFT
        if status not in BriefingStatus.values:
            raise ValidationError({"briefing.status": f"Unknown status “{status}”."})
        briefing = self.save(
            Briefing(
                event=self.ref(self.events, Event, "briefing.event", data.get("event")),
                created_by=self.by,
                **pick(data, ["slug", "title", "lede", "analysis"]),
            ),
            "briefing",
        )
        self.fail_if_errors()
        for n, slug in enumerate(self.strings(data, "articles", "briefing.articles")):
            path = f"briefing.articles[{n}]"
            article = self.ref(self.articles, Article, path, slug, True)
            if article is not None:
                self.save(BriefingArticle(briefing=briefing, article=article, position=n), path)
        for n, row in enumerate(self.rows(data, "key_claims", "briefing.key_claims")):
            path = f"briefing.key_claims[{n}]"
            claim = self.ref(self.claims, None, f"{path}.claim", row.get("claim"), True)
            if claim is not None:
                link = BriefingClaim(
                    briefing=briefing, claim=claim, position=n, **pick(row, ["comment"])
                )
                self.save(link, path)
        for n, slug in enumerate(self.strings(data, "actors", "briefing.actors")):
            path = f"briefing.actors[{n}]"
            actor = self.ref(self.actors, Actor, path, slug, True)
            if actor is not None:
                self.save(BriefingActor(briefing=briefing, actor=actor), path)
        for n, row in enumerate(self.rows(data, "corrections", "briefing.corrections")):
            values = pick(row, ["created_at", "reason", "changed_fields"])
            # Who made a correction is a user of the other site; it stays unrecorded here.
            correction = Correction(briefing=briefing, **values)
            self.save(correction, f"briefing.corrections[{n}]", exclude=["created_by"])
        self.fail_if_errors()
        self.set_status(briefing, status, data.get("published_at"))
        return briefing

    def set_status(self, briefing, status, published_at):
        """Reach the document's status by the workflow's last step, so its rules apply here."""
        briefing.status = {
            BriefingStatus.PUBLISHED: BriefingStatus.IN_REVIEW,
            BriefingStatus.ARCHIVED: BriefingStatus.PUBLISHED,
        }.get(status, BriefingStatus.DRAFT)
        briefing.published_at = published_at
        self.save(briefing, "briefing")
        self.fail_if_errors()
        briefing_set_status(briefing=briefing, to=status, by=self.by)


def pick(data, names):
    """The values of `names` that data gives (JSON null counts as not given)."""
    return {name: data[name] for name in names if data.get(name) is not None}


@transaction.atomic
def briefing_import(*, document, by):
    """Create the briefing of an exchange document, and what it references; all or nothing."""
    return Importer(document, by).run()
