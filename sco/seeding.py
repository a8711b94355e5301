"""Load the `sco:` section of a seed file, on top of briefings.seeding.SeedLoader."""

from briefings.models import Actor, EventKind
from briefings.seeding import SeedError, _name
from sco.models import Meeting, MeetingParticipant, Membership, Milestone, Participation, Summit

SECTIONS = {"summits", "memberships", "participations", "meetings", "milestones"}


class ScoSeedLoader:
    def __init__(self, loader, data):
        self.loader = loader
        self.data = data or {}
        loader.check_keys("sco", self.data, SECTIONS)

    def entries(self, section):
        return enumerate(self.data.get(section) or [])

    def load_summits(self):
        """Summits are events that claims point at, so they load before the claims."""
        loader = self.loader
        for index, item in self.entries("summits"):
            entry = f"sco.summits[{index}] ({_name(item, 'slug')})"
            loader.check_keys(
                entry,
                item,
                loader.EVENT_FIELDS | {"format", "host", "year", "evidence"},
                required=("slug", "name"),
            )
            values = loader.event_values(item, entry)
            values.update(
                kind=EventKind.SUMMIT,
                format=item.get("format", "in_person"),
                host=loader.ref(Actor, item.get("host"), entry, "host"),
            )
            if item.get("year") and not item.get("start_date"):
                values["year"] = item["year"]
            loader.upsert(Summit, {"slug": item["slug"]}, values, entry)

    def load_facts(self):
        """Everything that cites claims: summit evidence, memberships, participation…"""
        loader = self.loader
        for index, item in self.entries("summits"):
            entry = f"sco.summits[{index}] ({_name(item, 'slug')})"
            loader.set_evidence(Summit.objects.get(slug=item["slug"]), item.get("evidence"), entry)

        for index, item in self.entries("memberships"):
            entry = f"sco.memberships[{index}] ({_name(item, 'state')})"
            loader.check_keys(
                entry,
                item,
                {"start_date", "start_year", "end_date", "end_year", "date_text", "is_founding",
                 "evidence"},
                required=("state", "status"),
            )  # fmt: skip
            membership = loader.upsert(
                Membership,
                {
                    "state": loader.ref(Actor, item["state"], entry, "state"),
                    "status": item["status"],
                },
                {
                    "start_date": item.get("start_date"),
                    "start_year": item.get("start_year"),
                    "end_date": item.get("end_date"),
                    "end_year": item.get("end_year"),
                    "date_text": item.get("date_text", ""),
                    "is_founding": bool(item.get("is_founding")),
                },
                entry,
            )
            loader.set_evidence(membership, item.get("evidence"), entry)

        for index, item in self.entries("participations"):
            entry = f"sco.participations[{index}] ({_name(item, 'participant')})"
            loader.check_keys(
                entry,
                item,
                {"representative", "is_expected", "note", "evidence"},
                required=("summit", "participant", "capacity", "status"),
            )
            participation = loader.upsert(
                Participation,
                {
                    "summit": loader.ref(Summit, item["summit"], entry, "summit"),
                    "participant": loader.ref(Actor, item["participant"], entry, "participant"),
                },
                {
                    "capacity": item["capacity"],
                    "status": item["status"],
                    "is_expected": bool(item.get("is_expected")),
                    "representative": loader.ref(
                        Actor, item.get("representative"), entry, "representative"
                    ),
                    "note": item.get("note", ""),
                },
                entry,
            )
            loader.set_evidence(participation, item.get("evidence"), entry)

        for index, item in self.entries("meetings"):
            entry = f"sco.meetings[{index}] ({_name(item, 'slug')})"
            loader.check_keys(
                entry,
                item,
                {"summit", "date", "date_text", "is_planned", "host", "participants", "evidence"},
                required=("slug", "title", "kind"),
            )
            meeting = loader.upsert(
                Meeting,
                {"slug": item["slug"]},
                {
                    "title": item["title"],
                    "kind": item["kind"],
                    "summit": loader.ref(Summit, item.get("summit"), entry, "summit"),
                    "date": item.get("date"),
                    "date_text": item.get("date_text", ""),
                    "is_planned": bool(item.get("is_planned")),
                    "host": loader.ref(Actor, item.get("host"), entry, "host"),
                },
                entry,
            )
            participants = [
                loader.ref(Actor, slug, entry, "participants")
                for slug in item.get("participants") or ()
            ]
            if len(participants) < 2:
                raise SeedError(entry, "a meeting needs at least two participants")
            loader.link(MeetingParticipant, "meeting", meeting, "actor", participants)
            loader.set_evidence(meeting, item.get("evidence"), entry)

        for index, item in self.entries("milestones"):
            entry = f"sco.milestones[{index}] ({_name(item, 'slug')})"
            loader.check_keys(
                entry,
                item,
                {"date", "date_text", "description", "evidence"},
                required=("slug", "title", "year"),
            )
            milestone = loader.upsert(
                Milestone,
                {"slug": item["slug"]},
                {
                    "title": item["title"],
                    "year": item["year"],
                    "date": item.get("date"),
                    "date_text": item.get("date_text", ""),
                    "description": item.get("description", ""),
                },
                entry,
            )
            loader.set_evidence(milestone, item.get("evidence"), entry)
