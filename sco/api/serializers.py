"""Serializers for the SCO's structured data; actors embedded, evidence as claim ids."""

from rest_framework import serializers

from briefings.api.serializers import (
    ActorRefSerializer,
    ModelSerializer,
    PageURLField,
    RefField,
    link_to,
)
from sco.models import Meeting, Membership, Milestone, Participation, Summit

SCO_GLOSSARY = {
    "state": "The state (an actor).",
    "start_year": "Year it began, when only the year is known.",
    "end_year": "Year it ended, when only the year is known.",
    "is_founding": "A founding member.",
    "evidence": "Ids of the claims that state this fact (those visible to you).",
    "format": "In person, virtual or hybrid.",
    "year": "Year.",
    "host": "The host (an actor).",
    "summit": "The summit (by slug).",
    "participant": "Who takes part (an actor).",
    "capacity": "In what capacity.",
    "is_expected": "Announced ahead of the summit, not yet confirmed.",
    "representative": "Who attends in the participant's place.",
    "participants": "Who takes part (actors).",
    "date": "The day, when known.",
    "is_planned": "Announced, not yet reported as held.",
    "period_text": "The period in words.",
}


class SCOSerializer(ModelSerializer):
    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if not field.help_text and name in SCO_GLOSSARY:
                field.help_text = SCO_GLOSSARY[name]
        return fields


class SummitRefSerializer(SCOSerializer):
    """A summit, embedded."""

    api_url = link_to("sco-summit-detail")

    class Meta:
        model = Summit
        fields = ["slug", "name", "year", "api_url"]


class MembershipSerializer(SCOSerializer):
    """A state's status in the SCO over a period."""

    api_url = link_to("sco-membership-detail", lookup_field="pk")
    state = RefField(ActorRefSerializer, read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    period_text = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "api_url",
            "state",
            "status",
            "start_date",
            "start_year",
            "end_date",
            "end_year",
            "date_text",
            "period_text",
            "is_founding",
            "evidence",
        ]


class SummitSerializer(SCOSerializer):
    """A meeting of the SCO heads of state."""

    api_url = link_to("sco-summit-detail")
    page_url = PageURLField()
    country = RefField(ActorRefSerializer, read_only=True, allow_null=True)
    host = RefField(ActorRefSerializer, read_only=True, allow_null=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Summit
        fields = [
            "slug",
            "api_url",
            "page_url",
            "name",
            "year",
            "start_date",
            "end_date",
            "date_text",
            "location",
            "country",
            "format",
            "host",
            "description",
            "evidence",
        ]
        extra_kwargs = {"location": {"help_text": "Host city."}}


class ParticipationSerializer(SCOSerializer):
    """Who takes part in a summit, how, and who was sent in whose place."""

    api_url = link_to("sco-participation-detail", lookup_field="pk")
    summit = RefField(SummitRefSerializer, read_only=True)
    participant = RefField(ActorRefSerializer, read_only=True)
    representative = RefField(ActorRefSerializer, read_only=True, allow_null=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id",
            "api_url",
            "summit",
            "participant",
            "capacity",
            "status",
            "is_expected",
            "representative",
            "note",
            "evidence",
        ]
        extra_kwargs = {"note": {"help_text": "What the sources add."}}


class MeetingSerializer(SCOSerializer):
    """A bilateral or small meeting, e.g. on a summit's sidelines."""

    api_url = link_to("sco-meeting-detail")
    summit = RefField(SummitRefSerializer, read_only=True, allow_null=True)
    host = RefField(ActorRefSerializer, read_only=True, allow_null=True)
    participants = RefField(ActorRefSerializer, many=True, read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "api_url",
            "title",
            "summit",
            "kind",
            "date",
            "date_text",
            "is_planned",
            "host",
            "participants",
            "evidence",
        ]


class MilestoneSerializer(SCOSerializer):
    """A dated event in the organisation's history."""

    api_url = link_to("sco-milestone-detail")
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "slug",
            "api_url",
            "title",
            "year",
            "date",
            "date_text",
            "description",
            "evidence",
        ]
