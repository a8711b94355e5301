"""
Sources, actors, affiliations, events and statements.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from briefings import services
from briefings.admin.base import HistoryAdmin, VersionedAdmin, admin_link
from briefings.admin.quick_add import QuickActorForm, QuickAddMixin, QuickSourceForm
from briefings.models import (
    Actor,
    ActorAlias,
    Affiliation,
    AffiliationEvidence,
    Event,
    Source,
    Statement,
)


@admin.register(Source)
class SourceAdmin(QuickAddMixin, VersionedAdmin):
    quick_add_form = QuickSourceForm
    list_display = ["name", "kind", "publisher_link", "published_date", "url"]
    list_filter = ["kind", "published_date"]
    list_select_related = ["publisher"]
    search_fields = ["name", "slug", "url", "publisher__name", "publisher__aliases__name"]
    autocomplete_fields = ["publisher"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "published_date"

    @admin.display(description="Publisher", ordering="publisher__name")
    def publisher_link(self, source):
        return admin_link(source.publisher)


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "actor"
    extra = 0
    autocomplete_fields = ["organisation", "source"]
    fields = ["kind", "role", "organisation", "start_date", "end_date", "source"]


@admin.register(Actor)
class ActorAdmin(QuickAddMixin, VersionedAdmin):
    quick_add_form = QuickActorForm
    list_display = ["name", "kind", "title", "country_link", "alias_list", "wikidata"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "aliases__name", "title", "wikidata_qid"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline, AffiliationInline]
    actions = ["merge_actors"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="Country", ordering="country__name")
    def country_link(self, actor):
        return admin_link(actor.country)

    @admin.display(description="Aliases")
    def alias_list(self, actor):
        return ", ".join(alias.name for alias in actor.aliases.all())

    @admin.display(description="Wikidata", ordering="wikidata_qid")
    def wikidata(self, actor):
        if not actor.wikidata_qid:
            return "-"
        return format_html(
            '<a href="{}" rel="noopener">{}</a>', actor.wikidata_url, actor.wikidata_qid
        )

    def has_merge_permission(self, request):
        # Editors merge: see services.MERGE_PERMISSION for why change suffices.
        return services.can_merge_actors(request.user)

    @admin.action(description="Merge selected actors into one…", permissions=["merge"])
    def merge_actors(self, request, queryset):
        actors = list(queryset.annotate(claim_count=Count("claims_made")).order_by("name"))
        if len(actors) < 2:
            self.message_user(request, "Select at least two actors to merge.", messages.ERROR)
            return None
        keep_id = request.POST.get("keep")
        if keep_id:
            keep = next((actor for actor in actors if str(actor.pk) == keep_id), None)
            if keep is None:
                self.message_user(
                    request, "Choose one of the selected actors to keep.", messages.ERROR
                )
                return None
            for actor in actors:
                if actor is not keep:
                    services.actor_merge(keep=keep, merge=actor, by=request.user)
            merged = ", ".join(actor.name for actor in actors if actor is not keep)
            self.message_user(request, f"Merged {merged} into {keep.name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge actors",
            "opts": self.model._meta,
            "actors": actors,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/briefings/actor/merge_confirm.html", context)


class AffiliationEvidenceInline(admin.TabularInline):
    model = AffiliationEvidence
    extra = 0
    autocomplete_fields = ["claim"]


@admin.register(Affiliation)
class AffiliationAdmin(HistoryAdmin):
    list_display = ["actor", "kind", "role", "organisation", "start_date", "end_date"]
    list_filter = ["kind"]
    list_select_related = ["actor", "organisation"]
    search_fields = ["actor__name", "actor__aliases__name", "organisation__name", "role"]
    autocomplete_fields = ["actor", "organisation", "source"]
    inlines = [AffiliationEvidenceInline]
    date_hierarchy = "start_date"


@admin.register(Event)
class EventAdmin(VersionedAdmin):
    list_display = ["name", "kind", "start_date", "end_date", "location", "country"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "location", "date_text"]
    autocomplete_fields = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"


@admin.register(Statement)
class StatementAdmin(HistoryAdmin):
    list_display = ["summary", "speaker", "said_date", "appearance_count"]
    list_select_related = ["speaker"]
    search_fields = ["summary", "speaker__name", "speaker__aliases__name"]
    autocomplete_fields = ["speaker"]
    readonly_fields = ["appearance_links"]
    date_hierarchy = "said_date"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(appearance_count=Count("appearances"))

    @admin.display(description="Appearances", ordering="appearance_count")
    def appearance_count(self, statement):
        return statement.appearance_count

    @admin.display(description="Claims reporting it")
    def appearance_links(self, statement):
        claims = statement.appearances.select_related("article__source", "speaker")
        return format_html_join(
            mark_safe("<br>"),
            "{} — {}",
            ((admin_link(claim), claim.article.source) for claim in claims),
        )
