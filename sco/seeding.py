"""Load the `sco:` section of a seed file with the exchange loader (briefings.api.exchange)."""

from briefings.api.exchange import SECTIONS as DOCUMENT_SECTIONS
from briefings.models import Actor, Claim, EventKind
from sco.models import Meeting, MeetingParticipant, Membership, Milestone, Participation, Summit

# Each section's fields, and those that identify a row (its natural key).
SUMMIT_FIELDS = [
    *(name for name in DOCUMENT_SECTIONS["events"][1] if name != "kind"),
    "format", "host", "year", "evidence",
]  # fmt: skip
SECTIONS = {
    "summits": (Summit, SUMMIT_FIELDS, ["slug"], ["slug", "name"]),
    "memberships": (
        Membership,
        [
            "state",
            "status",
            "start_date",
            "start_year",
            "end_date",
            "end_year",
            "date_text",
            "is_founding",
            "evidence",
        ],
        ["state", "status"],
        ["state", "status"],
    ),  # fmt: skip
    "participations": (
        Participation,
        [
            "summit",
            "participant",
            "capacity",
            "status",
            "representative",
            "is_expected",
            "note",
            "evidence",
        ],
        ["summit", "participant"],
        ["summit", "participant", "capacity", "status"],
    ),  # fmt: skip
    "meetings": (
        Meeting,
        [
            "slug",
            "title",
            "kind",
            "summit",
            "date",
            "date_text",
            "is_planned",
            "host",
            "participants",
            "evidence",
        ],
        ["slug"],
        ["slug", "title", "kind"],
    ),  # fmt: skip
    "milestones": (
        Milestone,
        ["slug", "title", "year", "date", "date_text", "description", "evidence"],
        ["slug"],
        ["slug", "title", "year"],
    ),
}


class ScoSeedLoader:
    """Summits load with the events (claims point at them); the rest after the claims."""

    def __init__(self, data):
        self.data = data or {}

    def entries(self, loader, name):
        model, fields, natural_key, required = SECTIONS[name]
        for path, item in loader.entries(self.data, name, f"sco.{name}", fields, required):
            values = loader.values(model, item, fields, path)
            lookup = {field: values.pop(field, None) for field in natural_key}
            yield model, path, item, lookup, values

    def load_summits(self, loader):
        if not isinstance(self.data, dict):
            loader.error("sco", "Expected a mapping of sections.")
            return
        unknown = sorted(set(self.data) - set(SECTIONS))
        if unknown:
            loader.error("sco", f"unknown section(s) {', '.join(unknown)}")
        for model, path, item, lookup, values in self.entries(loader, "summits"):
            values["kind"] = EventKind.SUMMIT
            if "year" not in item:
                del values["year"]  # Summit.save() takes it from the start date
            loader.upsert(model, lookup, values, path, key=lookup["slug"])

    def load_facts(self, loader):
        """Everything that cites claims: summit evidence, memberships, participation…"""
        if not isinstance(self.data, dict):
            return
        for name in SECTIONS:
            for model, path, item, lookup, values in self.entries(loader, name):
                if name == "summits":
                    row = Summit.objects.filter(**lookup).first()
                else:
                    row = loader.upsert(model, lookup, values, path)
                if row is None or row not in loader.written:
                    continue
                if name == "meetings":
                    self.set_participants(loader, row, item, path)
                self.set_evidence(loader, row, item, path)

    def set_participants(self, loader, meeting, item, path):
        slugs = loader.list_of(item, "participants", path)
        if slugs is None:
            return
        participants = []
        for n, slug in enumerate(slugs):
            actor = loader.ref(Actor, slug, f"{path}.participants[{n}]")
            if actor is not None:
                participants.append((f"{path}.participants[{n}]", {"actor": actor}))
        if len(slugs) < 2:
            loader.error(path, "a meeting needs at least two participants")
        loader.sync(MeetingParticipant, "meeting", meeting, "actor", participants)

    def set_evidence(self, loader, row, item, path):
        # The evidence tables are Django's own many-to-many tables, which keep no history.
        keys = loader.list_of(item, "evidence", path)
        if keys is None:
            return
        claims = [loader.ref(Claim, key, f"{path}.evidence[{n}]") for n, key in enumerate(keys)]
        wanted = {claim.pk for claim in claims if claim is not None}
        current = set(row.evidence.values_list("pk", flat=True))
        row.evidence.add(*(wanted - current))
        row.evidence.remove(*(current - wanted))
