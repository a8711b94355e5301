"""
Public pages. Readers only ever see what a published briefing shows: every
query starts from a model's visible_to(user) QuerySet. Staff who may preview
a model get the same page for drafts too, marked as a preview, never cached.

Each page loads its data in a fixed number of queries, whatever the number
of claims; tests/test_pages.py pins the counts.
"""

import logging

from django import forms
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from briefings import jsonld, outage
from briefings.annotate import annotated_body
from briefings.cache import cache_public_page
from briefings.cards import claim_cards
from briefings.differences import marked_differences
from briefings.models import (
    Actor,
    ActorKind,
    Affiliation,
    Article,
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingAuthor,
    BriefingClaim,
    Claim,
    ClaimEvidence,
    Event,
    Source,
    SourceKind,
    Statement,
    Verdict,
    can_preview,
)
from briefings.search import MAX_QUERY_LENGTH, headline_html

logger = logging.getLogger(__name__)

SEARCH_LIMIT = 20
LIST_PAGE_SIZE = 50
FAVICON = "briefings/favicon.ico"
cached = method_decorator(cache_public_page, name="dispatch")


def claims_with_attribution(queryset):
    """Claims with everything attribution_text, badges and links read, in one query."""
    return queryset.select_related(
        "speaker", "speaker_role__organisation", "channel", "article__source"
    ).defer("article__body")


def best_claims(matches, limit):
    """
    The first `limit` claims of a ranked search, with their headlines, loaded
    as claims_with_attribution does. Ranked first on the claims table alone:
    joined to what a result shows, PostgreSQL misjudged how many claims match
    and joined every one (2 s for a common word among 100,000 claims).
    """
    headlines = dict(matches.values_list("pk", "headline")[:limit])
    loaded = claims_with_attribution(Claim.objects.filter(pk__in=headlines)).in_bulk()
    claims = [loaded[pk] for pk in headlines]
    for claim in claims:
        claim.headline = headlines[claim.pk]
    return claims


def group_by_speaker(links):
    """
    Group key-claim links by speaker, groups in the order their first claim
    appears, so the editor's ordering still leads. Return [(speaker, [links])].
    Readers choose this view (?group=speaker); the editor's order is the default.
    """
    groups = {}
    for link in links:
        groups.setdefault(link.claim.speaker_id, (link.claim.speaker, []))[1].append(link)
    return list(groups.values())


def link_pages(request, page, param="page"):
    """Give a page the URLs of its neighbours, keeping the request's other parameters."""

    def url(number):
        query = request.GET.copy()
        if number == 1:
            query.pop(param, None)
        else:
            query[param] = number
        return f"?{query.urlencode()}" if query else request.path

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else None
    page.next_url = url(page.next_page_number()) if page.has_next() else None
    return page


def page_of(request, queryset, param):
    """
    One page of one of the lists a page shows, its number read from ?<param>=,
    so an actor with thousands of claims costs a count and one page of rows.
    """
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get(param))
    return link_pages(request, page, param)


def attach(objects, attribute, rows, key):
    """Set objects[i].<attribute> to the list of rows whose key(row) is its pk."""
    by_owner = {}
    for row in rows:
        by_owner.setdefault(key(row), []).append(row)
    for obj in objects:
        setattr(obj, attribute, by_owner.get(obj.pk, []))


class PublicObjectMixin:
    """
    Serve the rows the user may see (the model's visible_to rule): readers the
    public ones, staff who may preview the rest too. `visible(Model)` applies
    the same rule to anything else the page lists.
    """

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.can_preview = can_preview(request.user, self.model)

    def visible(self, model):
        return model.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.visible(self.model)

    def claims_in_text_order(self):
        """Visible claims with their attribution, in the order their articles' texts give them."""
        return claims_with_attribution(self.visible(Claim)).order_by("article", "start", "pk")

    def newest_first(self, model):
        """Visible briefings or articles, the latest published first."""
        return self.visible(model).order_by("-published_at", "pk")

    def is_preview(self, obj):
        """True when a staff member is looking at something readers cannot see."""
        return self.can_preview and not type(obj).objects.public().filter(pk=obj.pk).exists()

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = self.is_preview(self.object)
        context["canonical_url"] = self.absolute(self.object.get_absolute_url())
        return context


@cached
class HomeView(ListView):
    template_name = "briefings/home.html"
    context_object_name = "briefings"
    paginate_by = 20

    def get_queryset(self):
        return Briefing.objects.public().select_related("event")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            canonical_url=self.request.build_absolute_uri(reverse("briefings:home")),
            search_form=SearchForm(),
            **kwargs,
        )
        link_pages(self.request, context["page_obj"])
        return context


@cached
class BriefingDetailView(PublicObjectMixin, DetailView):
    model = Briefing

    def get_queryset(self):
        return super().get_queryset().select_related("event__country")

    def get_context_data(self, **kwargs):
        briefing = self.object
        # 1. key claims in the editor's order with attribution
        links = list(
            BriefingClaim.objects.filter(briefing=briefing)
            .select_related(
                "claim__speaker",
                "claim__speaker_role__organisation",
                "claim__channel",
            )
            .filter(claim__in=self.visible(Claim))
            .order_by("position", "id")
        )
        claims = [link.claim for link in links]
        # 2. the articles: those the briefing draws on and those holding key claims
        drawn_on = BriefingArticle.objects.filter(briefing=briefing).values("article")
        articles = list(
            Article.objects.filter(
                Q(pk__in={claim.article_id for claim in claims}) | Q(pk__in=drawn_on)
            ).select_related("source")
        )
        source_ids = {article.source_id for article in articles}
        by_id = {article.pk: article for article in articles}
        for claim in claims:
            claim.article = by_id[claim.article_id]
        # 3. every anchored claim on those articles, for the marks in the text
        spans = self.visible(Claim).filter(article__in=articles, start__isnull=False)
        spans = spans.only("pk", "article_id", "start", "end", "verdict", "version").order_by()
        attach(articles, "span_claims", spans, key=lambda claim: claim.article_id)
        for article in articles:
            article.annotated_html = annotated_body(article, article.span_claims)
        # 4. sources: outlets of the articles, channels and evidence of the claims
        source_ids |= {claim.channel_id for claim in claims if claim.channel_id}
        evidence = ClaimEvidence.objects.filter(claim__in=claims).values("source")
        sources = Source.objects.filter(Q(pk__in=source_ids) | Q(pk__in=evidence))
        # 5-7. actors covered, authors, corrections
        actors = [
            link.actor
            for link in BriefingActor.objects.filter(briefing=briefing)
            .select_related("actor")
            .order_by("actor__name")
        ]
        authors = [
            link.user
            for link in BriefingAuthor.objects.filter(briefing=briefing).select_related("user")
        ]
        cards = claim_cards([(link.claim, link.comment) for link in links])
        for link, card in zip(links, cards, strict=True):
            link.card_html = card
        by_speaker = self.request.GET.get("group") == "speaker"
        return super().get_context_data(
            links=links,
            by_speaker=by_speaker,
            speaker_groups=group_by_speaker(links) if by_speaker else [],
            articles=articles,
            sources=list(sources),
            actors=actors,
            authors=authors,
            corrections=list(briefing.corrections.all()),
            verdicts=Verdict.choices,
            # Each claim's ClaimReview is on its own page: 200 of them here would
            # weigh more than the rest of the page.
            structured_data=[jsonld.news_article(briefing, actors, self.absolute)],
            **kwargs,
        )


@cached
class ClaimDetailView(PublicObjectMixin, DetailView):
    model = Claim

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "speaker",
                "speaker_role__organisation",
                "channel",
                "article__source",
                "event",
                "statement",
            )
        )

    def get_context_data(self, **kwargs):
        claim = self.object
        others = []
        if claim.statement_id:
            others = claims_with_attribution(
                self.visible(Claim).filter(statement=claim.statement_id).exclude(pk=claim.pk)
            )
        review = jsonld.claim_review(claim, self.absolute)
        return super().get_context_data(
            sentence=claim.source_sentence(),
            about_actors=[link.actor for link in claim.actor_links.select_related("actor")],
            evidence_links=list(claim.evidence_links.select_related("source")),
            briefings=list(self.visible(Briefing).filter(claim_links__claim=claim)),
            other_appearances=list(others),
            structured_data=[review] if review else [],
            **kwargs,
        )


@cached
class StatementDetailView(PublicObjectMixin, DetailView):
    """One remark as each outlet reported it, side by side, differences marked."""

    model = Statement

    def get_queryset(self):
        return super().get_queryset().select_related("speaker")

    def get_context_data(self, **kwargs):
        appearances = list(
            claims_with_attribution(self.visible(Claim).filter(statement=self.object)).order_by(
                "article__published_at", "pk"
            )
        )
        for claim in appearances[1:]:
            claim.marked_quote = marked_differences(appearances[0].quote, claim.quote)
        return super().get_context_data(appearances=appearances, **kwargs)


@cached
class ActorDetailView(PublicObjectMixin, DetailView):
    model = Actor

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("country")
            .prefetch_related(
                "aliases",
                Prefetch(
                    "affiliations",
                    queryset=Affiliation.objects.select_related("organisation").order_by(
                        "-start_date"
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        actor = self.object
        claims = self.claims_in_text_order()
        public_actor_ids = set(
            self.visible(Actor)
            .filter(pk__in=[a.organisation_id for a in actor.affiliations.all()])
            .values_list("pk", flat=True)
        )
        request = self.request
        return super().get_context_data(
            claims_made=page_of(request, claims.filter(speaker=actor), "said"),
            claims_about=page_of(request, claims.filter(actor_links__actor=actor), "about"),
            briefings=page_of(
                request,
                self.newest_first(Briefing)
                .filter(actor_links__actor=actor)
                .select_related("event"),
                "briefings",
            ),
            public_actor_ids=public_actor_ids,
            structured_data=[jsonld.profile(actor, self.absolute)],
            object_feed_url=reverse("briefings:actor-feed", args=[actor.slug]),
            object_feed_title=f"new claims by and about {actor.name}",
            **kwargs,
        )


@cached
class ArticleDetailView(PublicObjectMixin, DetailView):
    model = Article

    def get_queryset(self):
        return super().get_queryset().select_related("source")

    def get_context_data(self, **kwargs):
        article = self.object
        claims = list(claims_with_attribution(self.visible(Claim).filter(article=article)))
        for claim in claims:
            claim.article = article
        for claim, card in zip(claims, claim_cards([(claim, "") for claim in claims]), strict=True):
            claim.card_html = card
        return super().get_context_data(
            claims=claims,
            annotated_html=annotated_body(article, claims),
            briefings=list(self.visible(Briefing).filter(article_links__article=article)),
            verdicts=Verdict.choices,
            **kwargs,
        )


@cached
class SourceDetailView(PublicObjectMixin, DetailView):
    model = Source

    def get_queryset(self):
        return super().get_queryset().select_related("publisher")

    def get_context_data(self, **kwargs):
        source = self.object
        claims = self.claims_in_text_order()
        request = self.request
        return super().get_context_data(
            articles=page_of(
                request, self.newest_first(Article).filter(source=source).defer("body"), "articles"
            ),
            claims_channelled=page_of(request, claims.filter(channel=source), "channelled"),
            claims_evidenced=page_of(
                request, claims.filter(evidence_links__source=source), "evidence"
            ),
            **kwargs,
        )


@cached
class EventDetailView(PublicObjectMixin, DetailView):
    model = Event

    def get_queryset(self):
        return super().get_queryset().select_related("country")

    def get_context_data(self, **kwargs):
        event = self.object
        request = self.request
        return super().get_context_data(
            briefings=page_of(
                request, self.newest_first(Briefing).filter(event=event), "briefings"
            ),
            claims=page_of(request, self.claims_in_text_order().filter(event=event), "claims"),
            object_feed_url=reverse("briefings:event-feed", args=[event.slug]),
            object_feed_title=f"new claims and briefings about {event.name}",
            **kwargs,
        )


def kind_order(kinds):
    """Order rows by kind, in the order the choices list them (people first)."""
    return Case(
        *(When(kind=value, then=Value(n)) for n, value in enumerate(kinds.values)),
        default=Value(len(kinds.values)),
        output_field=IntegerField(),
    )


class IndexView(ListView):
    """
    A list of every row of a model the reader may see (the model's
    visible_to rule), 50 a page, in two queries (the count and the page).
    """

    paginate_by = 50
    model = None
    heading = ""
    intro = ""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        page = self.request.GET.get("page")
        path = self.request.path + (f"?page={page}" if page and page != "1" else "")
        context = super().get_context_data(
            canonical_url=self.request.build_absolute_uri(path),
            heading=self.heading,
            pager_label=f"More {self.heading.lower()}",
            intro=self.intro,
            **kwargs,
        )
        link_pages(self.request, context["page_obj"])
        return context


@cached
class ActorIndexView(IndexView):
    model = Actor
    template_name = "briefings/actor_index.html"
    heading = "Who’s who"
    intro = "Everyone who speaks or is spoken about in a published briefing, by kind."

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(kind_order=kind_order(ActorKind))
            .only("pk", "slug", "name", "kind", "title")
            .order_by("kind_order", "name", "pk")
        )


@cached
class ArticleIndexView(IndexView):
    model = Article
    template_name = "briefings/article_index.html"
    heading = "Articles"
    intro = "The articles whose claims the briefings check, newest first."

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("source")
            .defer("body", "source__description")
            .order_by("-published_at", "title", "pk")
        )


@cached
class SourceIndexView(IndexView):
    model = Source
    template_name = "briefings/source_index.html"
    heading = "Sources"
    intro = "Outlets, official channels and documents the briefings cite."

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(kind_order=kind_order(SourceKind))
            .only("pk", "slug", "name", "kind")
            .order_by("kind_order", "name", "pk")
        )


@cached
class EventIndexView(IndexView):
    model = Event
    template_name = "briefings/event_index.html"
    heading = "Events"
    intro = "Summits, visits and other events the briefings cover, latest first."

    def get_queryset(self):
        return super().get_queryset().order_by("-start_date", "name", "pk")


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: answer with the static icon."""
    with open(finders.find(FAVICON), "rb") as icon:
        return HttpResponse(icon.read(), content_type="image/x-icon")


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search briefings, claims and people",
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        error_messages={
            "max_length": f"Search terms are limited to {MAX_QUERY_LENGTH} characters."
        },
    )


@require_GET
@cache_public_page
def search(request):
    """Full-text search over public briefings, claims and actors."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_valid():
        text = form.cleaned_data["q"]
        briefings = list(Briefing.objects.public().search(text)[:SEARCH_LIMIT])
        claims = best_claims(Claim.objects.public().search(text), SEARCH_LIMIT)
        actors = list(Actor.objects.public().search(text)[:SEARCH_LIMIT])
        for briefing in briefings:
            briefing.match_html = headline_html(briefing, "lede", text)
        for claim in claims:
            claim.match_html = headline_html(claim, "quote", text)
        for actor in actors:
            actor.match_html = headline_html(actor, "name", text)
        results = {"briefings": briefings, "claims": claims, "actors": actors}
        results["count"] = len(briefings) + len(claims) + len(actors)
    return render(
        request,
        "briefings/search.html",
        {"form": form, "results": results, "robots": "noindex"},
        status=400 if form.errors else 200,
    )


@require_GET
@cache_public_page
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def healthz(request):
    """
    Report whether the database answers; 503 if it does not. The error (which
    names the database's host and port) goes to the log, never to the client.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure is a failed health check
        logger.exception("Health check: the database does not answer")
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(outage.RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
