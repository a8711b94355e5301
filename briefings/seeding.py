"""
Load a human-written annotation file (see seeds/astana.yaml) into the database.

The loader resolves slugs and claim keys, computes every span from its quote,
validates each row with full_clean() and reports the first problem as a
SeedError naming the entry. Existing rows are matched by natural key and left
alone unless `update` is set, so loading twice changes nothing.
"""

from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

from briefings.anchoring import AnchorError, locate
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
    Claim,
    ClaimActor,
    ClaimEvidence,
    Event,
    ReviewStatus,
    Source,
    Statement,
)

CHANGE_REASON = "Loaded from seeds"


class SeedError(Exception):
    """A problem in one entry of a seed file."""

    def __init__(self, entry, message):
        self.entry = entry
        super().__init__(f"{entry}: {message}")


class SeedLoader:
    def __init__(self, path, *, update=False):
        self.path = Path(path)
        self.update = update
        self.stats = Counter()
        self.claims = {}
        self.affiliations = {}
        self.article = None

    # Generic helpers --------------------------------------------------------

    def check_keys(self, entry, data, allowed, required=()):
        if not isinstance(data, dict):
            raise SeedError(entry, f"expected a mapping, got {type(data).__name__}")
        unknown = sorted(set(data) - set(allowed) - set(required))
        if unknown:
            raise SeedError(entry, f"unknown field(s) {', '.join(unknown)}")
        missing = [name for name in required if data.get(name) in (None, "")]
        if missing:
            raise SeedError(entry, f"missing required field(s) {', '.join(missing)}")

    def ref(self, model, slug, entry, field):
        """Return the row of `model` with this slug, or raise naming what is unknown."""
        if slug is None:
            return None
        found = model.objects.filter(slug=slug).first()
        if found is None:
            raise SeedError(entry, f"unknown {model._meta.verbose_name} {slug!r} in {field}")
        return found

    def claim_ref(self, key, entry, field):
        if key not in self.claims:
            raise SeedError(entry, f"unknown claim {key!r} in {field}")
        return self.claims[key]

    def save(self, instance, entry):
        try:
            instance.full_clean()
        except ValidationError as error:
            raise SeedError(entry, _describe(error)) from None
        instance._change_reason = CHANGE_REASON
        instance.save()

    def upsert(self, model, lookup, values, entry, set_once=()):
        """
        Return the row matching `lookup`, creating it from `values` if missing,
        or (with update) rewriting the fields that differ. Fields in `set_once`
        (timestamps) are written on creation only.
        """
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            self.save(model(**lookup, **values), entry)
            self.stats["created"] += 1
            return model.objects.get(**lookup)
        changed = {
            name: value
            for name, value in values.items()
            if name not in set_once and getattr(instance, name) != value
        }
        if changed and self.update:
            for name, value in changed.items():
                setattr(instance, name, value)
            self.save(instance, entry)
            self.stats["updated"] += 1
        else:
            self.stats["unchanged"] += 1
        return instance

    def link(self, through, owner_field, owner, target_field, targets, extra=None):
        """Make `through` rows tie owner to each target; with update, drop the others."""
        extra = extra or {}
        wanted = []
        for target in targets:
            row, created = through.objects.get_or_create(
                **{owner_field: owner, target_field: target},
                defaults=extra.get(target.pk, {}),
            )
            if not created and self.update:
                changes = {
                    k: v for k, v in extra.get(target.pk, {}).items() if getattr(row, k) != v
                }
                if changes:
                    through.objects.filter(pk=row.pk).update(**changes)
            self.stats["created" if created else "unchanged"] += 1
            wanted.append(row.pk)
        if self.update:
            through.objects.filter(**{owner_field: owner}).exclude(pk__in=wanted).delete()

    def set_evidence(self, instance, keys, entry):
        claims = [self.claim_ref(key, entry, "evidence") for key in keys or ()]
        current = set(instance.evidence.values_list("pk", flat=True))
        wanted = {claim.pk for claim in claims}
        if not current >= wanted or (self.update and current != wanted):
            instance.evidence.add(*claims)
            if self.update:
                instance.evidence.remove(*(current - wanted))

    # Sections ---------------------------------------------------------------

    SECTIONS = {
        "sources", "actors", "affiliations", "events", "article", "claims", "sco", "briefing",
    }  # fmt: skip

    def check_sections(self, data):
        if not isinstance(data, dict):
            raise SeedError("file", "the file must hold a mapping of sections")
        self.check_keys("file", data, self.SECTIONS, required=("article",))

    def load_actors(self, entries):
        deferred = []
        for index, item in enumerate(entries):
            entry = f"actors[{index}] ({_name(item, 'slug')})"
            self.check_keys(
                entry,
                item,
                {"title", "country", "wikidata", "aliases", "description"},
                required=("slug", "name", "kind"),
            )
            actor = self.upsert(
                Actor,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "kind": item["kind"],
                    "title": item.get("title", ""),
                    "wikidata_qid": item.get("wikidata", ""),
                    "description": item.get("description", ""),
                },
                entry,
            )
            for name in item.get("aliases") or ():
                _, created = ActorAlias.objects.get_or_create(actor=actor, name=str(name))
                self.stats["created" if created else "unchanged"] += 1
            if item.get("country"):
                deferred.append((entry, actor, item["country"]))
        # Countries point at actors that may come later in the list.
        for entry, actor, country_slug in deferred:
            country = self.ref(Actor, country_slug, entry, "country")
            if actor.country_id != country.pk and (actor.country_id is None or self.update):
                actor.country = country
                self.save(actor, entry)

    def load_sources(self, entries):
        for index, item in enumerate(entries):
            entry = f"sources[{index}] ({_name(item, 'slug')})"
            self.check_keys(
                entry,
                item,
                {"publisher", "url", "published_date", "date_text", "description"},
                required=("slug", "name", "kind"),
            )
            self.upsert(
                Source,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "kind": item["kind"],
                    "publisher": self.ref(Actor, item.get("publisher"), entry, "publisher"),
                    "url": item.get("url", ""),
                    "published_date": item.get("published_date"),
                    "date_text": item.get("date_text", ""),
                    "description": item.get("description", ""),
                },
                entry,
            )

    def event_values(self, item, entry):
        return {
            "name": item["name"],
            "start_date": item.get("start_date"),
            "end_date": item.get("end_date"),
            "date_text": item.get("date_text", ""),
            "location": item.get("location", ""),
            "country": self.ref(Actor, item.get("country"), entry, "country"),
            "description": item.get("description", ""),
        }

    EVENT_FIELDS = {"start_date", "end_date", "date_text", "location", "country", "description"}

    def load_events(self, entries):
        for index, item in enumerate(entries):
            entry = f"events[{index}] ({_name(item, 'slug')})"
            self.check_keys(entry, item, self.EVENT_FIELDS | {"kind"}, required=("slug", "name"))
            values = self.event_values(item, entry)
            values["kind"] = item.get("kind", "other")
            self.upsert(Event, {"slug": item["slug"]}, values, entry)

    def load_affiliations(self, entries):
        """Create affiliations now; their evidence claims are linked after the claims."""
        self._affiliation_entries = []
        for index, item in enumerate(entries):
            entry = f"affiliations[{index}] ({_name(item, 'key')})"
            self.check_keys(
                entry,
                item,
                {"role", "start_date", "end_date", "evidence"},
                required=("key", "actor", "organisation", "kind"),
            )
            affiliation = self.upsert(
                Affiliation,
                {
                    "actor": self.ref(Actor, item["actor"], entry, "actor"),
                    "organisation": self.ref(Actor, item["organisation"], entry, "organisation"),
                    "kind": item["kind"],
                    "role": item.get("role", ""),
                },
                {"start_date": item.get("start_date"), "end_date": item.get("end_date")},
                entry,
            )
            self.affiliations[item["key"]] = affiliation
            self._affiliation_entries.append((entry, affiliation, item.get("evidence") or ()))

    def load_article(self, item):
        entry = f"article ({_name(item, 'slug')})"
        self.check_keys(
            entry,
            item,
            {"url", "byline", "published_at", "language"},
            required=("slug", "title", "body_file", "source"),
        )
        body_path = self.path.parent / item["body_file"]
        try:
            body = body_path.read_text(encoding="utf-8")
        except OSError as error:
            raise SeedError(entry, f"cannot read body_file {body_path}: {error.strerror}") from None
        values = {
            "title": item["title"],
            "source": self.ref(Source, item["source"], entry, "source"),
            "url": item.get("url", ""),
            "byline": item.get("byline", ""),
            "published_at": item.get("published_at"),
            "language": item.get("language", "en"),
        }
        existing = Article.objects.filter(slug=item["slug"]).first()
        if existing is not None and existing.body != body and self.update:
            from briefings.services import article_update_body

            try:
                article_update_body(article=existing, body=body, orphan=False)
            except ValidationError as error:
                raise SeedError(entry, _describe(error)) from None
        self.article = self.upsert(Article, {"slug": item["slug"]}, {**values, "body": body}, entry)
        if self.article.body != body:
            raise SeedError(
                entry,
                f"the stored article differs from {item['body_file']}; "
                "run with --update to re-anchor its claims to the file",
            )

    CLAIM_FIELDS = {
        "before", "after", "speaker", "role", "cue", "quote_type", "channel", "about", "event",
        "statement", "said_date", "said_date_text", "verdict", "rationale", "evidence",
        "reviewed", "note",
    }  # fmt: skip

    def load_claims(self, entries):
        body = self.article.body
        for index, item in enumerate(entries):
            entry = f"claims[{index}] ({_name(item, 'key')})"
            self.check_keys(
                entry,
                item,
                self.CLAIM_FIELDS,
                required=("key", "quote", "attribution", "type"),
            )
            if item["key"] in self.claims:
                raise SeedError(entry, f"claim key {item['key']!r} is used twice")
            quote, before, after = str(item["quote"]), item.get("before", ""), item.get("after", "")
            try:
                span = locate(body, quote, before, after)
            except AnchorError as error:
                raise SeedError(entry, str(error)) from None
            if not body[: span.start].endswith(before) or not body[span.end :].startswith(after):
                raise SeedError(entry, "the context given in before/after is not next to the quote")
            speaker = self.ref(Actor, item.get("speaker"), entry, "speaker")
            role = None
            if item.get("role"):
                if item["role"] not in self.affiliations:
                    raise SeedError(entry, f"unknown affiliation {item['role']!r} in role")
                role = self.affiliations[item["role"]]
            statement = None
            if item.get("statement"):
                statement, created = Statement.objects.get_or_create(
                    summary=item["statement"], speaker=speaker
                )
                self.stats["created" if created else "unchanged"] += 1
            reviewed = bool(item.get("reviewed"))
            attribution = item["attribution"]
            claim = self.upsert(
                Claim,
                {"article": self.article, "start": span.start, "end": span.end, "speaker": speaker},
                {
                    "quote": quote,
                    "prefix": span.prefix,
                    "suffix": span.suffix,
                    "speaker_role": role,
                    "attribution_kind": attribution,
                    "cue": item.get("cue", ""),
                    "quote_type": item.get(
                        "quote_type", "none" if attribution == "assertion" else ""
                    ),
                    "channel": self.ref(Source, item.get("channel"), entry, "channel"),
                    "claim_type": item["type"],
                    "event": self.ref(Event, item.get("event"), entry, "event"),
                    "statement": statement,
                    "said_date": item.get("said_date"),
                    "said_date_text": item.get("said_date_text", ""),
                    "verdict": item.get("verdict", "unverified"),
                    "rationale": (item.get("rationale") or "").strip(),
                    "editor_note": item.get("note", ""),
                    "review_status": ReviewStatus.REVIEWED if reviewed else ReviewStatus.UNREVIEWED,
                    "reviewed_at": _reviewed_at(reviewed),
                },
                entry,
                set_once={"reviewed_at"},
            )
            self.claims[item["key"]] = claim
            self.link(
                ClaimActor,
                "claim",
                claim,
                "actor",
                [self.ref(Actor, slug, entry, "about") for slug in item.get("about") or ()],
            )
            self.link(
                ClaimEvidence,
                "claim",
                claim,
                "source",
                [self.ref(Source, slug, entry, "evidence") for slug in item.get("evidence") or ()],
            )
        for entry, affiliation, keys in self._affiliation_entries:
            self.link(
                AffiliationEvidence,
                "affiliation",
                affiliation,
                "claim",
                [self.claim_ref(key, entry, "evidence") for key in keys],
            )

    def load_briefing(self, item):
        entry = f"briefing ({_name(item, 'slug')})"
        self.check_keys(
            entry,
            item,
            {"analysis", "status", "published_at", "event", "articles", "actors", "key_claims"},
            required=("slug", "title", "lede"),
        )
        briefing = self.upsert(
            Briefing,
            {"slug": item["slug"]},
            {
                "title": item["title"],
                "lede": item["lede"].strip(),
                "analysis": (item.get("analysis") or "").strip(),
                "status": item.get("status", "draft"),
                "published_at": item.get("published_at"),
                "event": self.ref(Event, item.get("event"), entry, "event"),
            },
            entry,
        )
        articles = [
            self.ref(Article, slug, entry, "articles") for slug in item.get("articles") or ()
        ]
        self.link(
            BriefingArticle,
            "briefing",
            briefing,
            "article",
            articles,
            extra={article.pk: {"position": n} for n, article in enumerate(articles)},
        )
        self.link(
            BriefingActor,
            "briefing",
            briefing,
            "actor",
            [self.ref(Actor, slug, entry, "actors") for slug in item.get("actors") or ()],
        )
        claims, extra = [], {}
        for position, link in enumerate(item.get("key_claims") or ()):
            link_entry = f"{entry} key_claims[{position}]"
            self.check_keys(link_entry, link, {"comment"}, required=("claim",))
            claim = self.claim_ref(link["claim"], link_entry, "claim")
            claims.append(claim)
            extra[claim.pk] = {"position": position, "comment": link.get("comment", "")}
        self.link(BriefingClaim, "briefing", briefing, "claim", claims, extra=extra)
        return briefing


def _reviewed_at(reviewed):
    return timezone.now() if reviewed else None


def _name(item, key):
    return item.get(key, "?") if isinstance(item, dict) else "?"


def _describe(error):
    """One line naming each field and what is wrong with it."""
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
