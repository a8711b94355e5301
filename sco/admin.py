"""The SCO facts in the admin; every fact links to the claims that evidence it."""

from django.contrib import admin

from briefings.admin.base import HistoryAdmin, VersionedAdmin
from sco.models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Milestone,
    Participation,
    Summit,
)


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["state", "status", "start_date", "start_year", "end_year", "is_founding"]
    list_filter = ["status", "is_founding", "start_year"]
    list_select_related = ["state"]
    search_fields = ["state__name", "state__aliases__name", "date_text"]
    autocomplete_fields = ["state", "evidence"]
    ordering = ["state__name", "start_year"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["participant", "representative", "evidence"]
    fields = [
        "participant",
        "capacity",
        "status",
        "representative",
        "is_expected",
        "note",
        "evidence",
    ]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["title", "slug", "kind", "date", "is_planned", "host"]
    autocomplete_fields = ["host"]
    show_change_link = True


@admin.register(Summit)
class SummitAdmin(VersionedAdmin):
    list_display = ["name", "year", "start_date", "location", "format", "host"]
    list_filter = ["format", "year"]
    list_select_related = ["host"]
    search_fields = ["name", "slug", "location"]
    autocomplete_fields = ["country", "host", "evidence"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["year"]
    date_hierarchy = "start_date"
    inlines = [ParticipationInline, MeetingInline]


@admin.register(Participation)
class ParticipationAdmin(HistoryAdmin):
    list_display = ["participant", "summit", "capacity", "status", "representative", "is_expected"]
    list_filter = ["status", "capacity", "is_expected", "summit"]
    list_select_related = ["participant", "summit", "representative"]
    search_fields = ["participant__name", "participant__aliases__name", "summit__name", "note"]
    autocomplete_fields = ["summit", "participant", "representative", "evidence"]


class MeetingParticipantInline(admin.TabularInline):
    model = MeetingParticipant
    extra = 1
    autocomplete_fields = ["actor"]


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ["title", "summit", "kind", "date", "is_planned", "host"]
    list_filter = ["kind", "is_planned", "summit"]
    list_select_related = ["summit", "host"]
    search_fields = ["title", "slug", "participants__name", "participants__aliases__name"]
    autocomplete_fields = ["summit", "host", "evidence"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    inlines = [MeetingParticipantInline]


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ["year", "title", "date", "date_text"]
    list_filter = ["year"]
    search_fields = ["title", "slug", "description"]
    autocomplete_fields = ["evidence"]
    prepopulated_fields = {"slug": ["title"]}
