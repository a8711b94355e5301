"""
Drafts and unreviewed content are invisible by every public path.

One hidden object of every kind sits next to a published briefing. Everything
hidden carries "HIDDEN-MARKER" in its text and "hidden-marker" in its slug, and
hidden rows that are shown by id (claims, articles, participations) get ids
from HIDDEN_PKS, which nothing else uses. Readers (anonymous, signed in, and
staff without the view permission) then walk every GET path the URLconf has
(pages, feed, sitemap, robots, every API resource with every filter of its
filterset, the standard formats and the export), and no response may contain
a marker or a hidden id; the hidden objects' own URLs are 404. A reviewer,
who may preview, gets the same objects: the rule is the same one.

Hidden actors and sources that a public object names (the publisher of a
public outlet, a public actor's country and affiliation) are "bare": readers
may see their name and slug, never their description, aliases or URL, which
is where their markers are.
"""

import datetime
import json
import re
from unittest import mock
from urllib.parse import parse_qs, urlencode

import django_filters
from django.test import TestCase
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.html import escape
from rest_framework.throttling import AnonRateThrottle

from briefings import editing
from briefings.api.urls import router
from briefings.models import (
    ActorAlias,
    ActorKind,
    AffiliationEvidence,
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingClaim,
    BriefingStatus,
    ClaimEvidence,
    ReviewStatus,
    SourceKind,
    Statement,
    Verdict,
)
from briefings.sitemaps import SITEMAPS
from sco.models import (
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Milestone,
    Participation,
    ParticipationCapacity,
    ParticipationStatus,
)
from tests import factories

MARKER = "hidden-marker"
HIDDEN_PKS = {
    "unreviewed_claim": 9_100_101,
    "retired_claim": 9_100_102,
    "unpublished_claim": 9_100_103,
    "hidden_article": 9_100_201,
    "hidden_participation": 9_100_301,
}
PUBLIC_BODY = (
    "Leaders met in Astana. The minister stated that trade will double. "
    "An official said the talks were useful. Observers said the deal was vague."
)
HIDDEN_BODY = "HIDDEN-MARKER body text. The envoy said peace is near."
# What readers search for: words only hidden text holds, and the marker itself.
HIDDEN_SEARCHES = ["HIDDEN-MARKER", "marker", "talks useful", "deal vague", "peace near", "envoy"]


def leaks(text):
    """Return what of the hidden objects `text` shows: markers and ids."""
    found = [MARKER] if MARKER in text.lower() else []
    return found + [str(pk) for pk in HIDDEN_PKS.values() if re.search(rf"(?<!\d){pk}(?!\d)", text)]


def without_search_echo(text, path):
    """The page less the places the search form repeats the query (its input, title, count)."""
    for query in parse_qs(path.partition("?")[2]).get("q", []):
        query = escape(query)
        text = text.replace(f'value="{query}"', "").replace(f"“{query}”", "")
    return text


def filter_target(model, name, field):
    """The model whose slug a filter takes: the end of its lookup, or what its method names."""
    if field.method:
        return {"briefing": Briefing}[name]
    for part in field.field_name.split("__")[:-1]:
        model = model._meta.get_field(part).related_model
    return model


def structured_data(html):
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(script) for script in scripts]


def get_paths():
    """
    Every URL name that answers GET, from the URLconf itself (the API
    router's actions included), so a path added later must be walked too.
    """
    names = set()

    def visit(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":  # staff only, behind login
                    inner = ":".join(filter(None, [namespace, pattern.namespace]))
                    visit(pattern.url_patterns, inner)
                continue
            actions = getattr(pattern.callback, "actions", None)
            if actions is not None and "get" not in actions:
                continue  # POST-only API actions: import, review, approve, discard
            if str(pattern.pattern).startswith("admin/"):
                continue  # staff only, behind login (the review queue)
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    visit(get_resolver().url_patterns, "")
    return names


class HiddenWorld:
    """The published briefing, and one hidden object of every kind around it."""

    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        # Bare: hidden, but named by public objects (see the module docstring).
        cls.bare_country = factories.ActorFactory(
            name="Republic of Elsewhere",
            slug="republic-of-elsewhere",
            kind=ActorKind.STATE,
            description="HIDDEN-MARKER country description",
        )
        ActorAlias.objects.create(actor=cls.bare_country, name="HIDDEN-MARKER country alias")
        cls.bare_publisher = factories.ActorFactory(
            name="Press office",
            slug="press-office",
            kind=ActorKind.BODY,
            description="HIDDEN-MARKER publisher description",
        )
        ActorAlias.objects.create(actor=cls.bare_publisher, name="HIDDEN-MARKER publisher alias")
        cls.bare_role_source = factories.SourceFactory(
            name="Registry of offices",
            slug="registry-of-offices",
            kind=SourceKind.DOCUMENT,
            url="https://example.org/hidden-marker-registry",
            description="HIDDEN-MARKER registry description",
        )

        # Public: the published briefing about a public summit.
        cls.outlet = factories.SourceFactory(
            name="Public Outlet", slug="public-outlet", publisher=cls.bare_publisher
        )
        cls.article = factories.ArticleFactory(
            title="Public article", slug="public-article", source=cls.outlet, body=PUBLIC_BODY
        )
        cls.speaker = factories.ActorFactory(
            name="Public Minister", slug="public-minister", country=cls.bare_country
        )
        cls.role = factories.AffiliationFactory(
            actor=cls.speaker,
            organisation=cls.bare_country,
            role="Minister",
            source=cls.bare_role_source,
        )
        cls.state = factories.ActorFactory(
            name="Public State", slug="public-state", kind=ActorKind.STATE
        )
        cls.summit = factories.SummitFactory(
            name="Public summit",
            slug="public-summit",
            start_date=datetime.date(2025, 7, 1),
            country=cls.bare_country,
        )
        cls.statement = statement = Statement.objects.create(
            summary="Trade will double", speaker=cls.speaker
        )
        cls.claim = factories.ClaimFactory(
            article=cls.article,
            quote="trade will double",
            speaker=cls.speaker,
            speaker_role=cls.role,
            verdict=Verdict.ACCURATE,
            rationale="Checked against the public record.",
            statement=statement,
            event=cls.summit,
        )
        cls.briefing = factories.BriefingFactory(
            published=True,
            title="Public briefing",
            slug="public-briefing",
            event=cls.summit,
            claims=[cls.claim],
        )
        BriefingActor.objects.create(briefing=cls.briefing, actor=cls.speaker)

        # Hidden actors and sources, reachable only through the hidden objects below.
        def hidden_actor(name, **kwargs):
            actor = factories.ActorFactory(
                name=f"HIDDEN-MARKER {name}",
                slug=f"hidden-marker-{name}",
                description=f"HIDDEN-MARKER {name} description",
                **kwargs,
            )
            ActorAlias.objects.create(actor=actor, name=f"HIDDEN-MARKER {name} alias")
            return actor

        def hidden_source(name, **kwargs):
            return factories.SourceFactory(
                name=f"HIDDEN-MARKER {name}",
                slug=f"hidden-marker-{name}",
                url=f"https://example.org/hidden-marker-{name}",
                description=f"HIDDEN-MARKER {name} description",
                **kwargs,
            )

        cls.hidden_speaker = hidden_actor("speaker")
        cls.hidden_subject = hidden_actor("subject")
        cls.retired_subject = hidden_actor("retired-subject")
        cls.covered = hidden_actor("covered")
        cls.summit_host = hidden_actor("host", kind=ActorKind.STATE)
        cls.envoy = hidden_actor("envoy")
        cls.channel = hidden_source("channel", kind=SourceKind.RELEASE)
        cls.evidence = hidden_source("evidence", kind=SourceKind.DOCUMENT)
        cls.hidden_event = factories.EventFactory(
            name="HIDDEN-MARKER event",
            slug="hidden-marker-event",
            description="HIDDEN-MARKER event description",
        )
        cls.hidden_summit = factories.SummitFactory(
            name="HIDDEN-MARKER summit",
            slug="hidden-marker-summit",
            start_date=datetime.date(2026, 6, 1),
            host=cls.summit_host,
            description="HIDDEN-MARKER summit description",
        )

        # A claim added to the public article, not yet reviewed: the case.
        cls.unreviewed = factories.ClaimFactory(
            pk=HIDDEN_PKS["unreviewed_claim"],
            unreviewed=True,
            article=cls.article,
            quote="the talks were useful",
            speaker=cls.hidden_speaker,
            cue="HIDDEN-MARKER cue",
            channel=cls.channel,
            about=[cls.hidden_subject, cls.speaker],
            event=cls.hidden_summit,
            statement=statement,
            verdict=Verdict.FALSE,
            rationale="HIDDEN-MARKER unreviewed rationale",
            said_date_text="HIDDEN-MARKER said date",
        )
        ClaimEvidence.objects.create(
            claim=cls.unreviewed, source=cls.evidence, note="HIDDEN-MARKER note"
        )
        # A key claim of the published briefing, retired.
        cls.retired = factories.ClaimFactory(
            pk=HIDDEN_PKS["retired_claim"],
            article=cls.article,
            quote="the deal was vague",
            speaker=cls.speaker,
            about=[cls.retired_subject],
            channel=cls.outlet,
            event=cls.summit,
            review_status=ReviewStatus.RETIRED,
            verdict=Verdict.MISLEADING,
            rationale="HIDDEN-MARKER retired rationale",
        )
        ClaimEvidence.objects.create(claim=cls.retired, source=cls.outlet)
        BriefingClaim.objects.create(briefing=cls.briefing, claim=cls.retired, position=1)
        # A reviewed claim on an article no published briefing uses.
        cls.hidden_article = factories.ArticleFactory(
            pk=HIDDEN_PKS["hidden_article"],
            title="HIDDEN-MARKER article",
            slug="hidden-marker-article",
            source=cls.outlet,
            body=HIDDEN_BODY,
        )
        cls.unpublished = factories.ClaimFactory(
            pk=HIDDEN_PKS["unpublished_claim"],
            article=cls.hidden_article,
            quote="peace is near",
            speaker=cls.hidden_speaker,
            about=[cls.speaker],
            event=cls.hidden_event,
            verdict=Verdict.FALSE,
            rationale="HIDDEN-MARKER unpublished rationale",
            statement=Statement.objects.create(
                summary="HIDDEN-MARKER statement", speaker=cls.hidden_speaker
            ),
        )
        ClaimEvidence.objects.create(claim=cls.unpublished, source=cls.outlet)
        # A draft about hidden things; in review and scheduled ones about public things.
        cls.draft = factories.BriefingFactory(
            title="HIDDEN-MARKER draft",
            slug="hidden-marker-draft",
            lede="HIDDEN-MARKER draft lede",
            event=cls.hidden_event,
            claims=[cls.unpublished],
        )
        BriefingActor.objects.create(briefing=cls.draft, actor=cls.covered)
        cls.in_review = factories.BriefingFactory(
            title="HIDDEN-MARKER in review",
            slug="hidden-marker-in-review",
            lede="HIDDEN-MARKER in review lede",
            status=BriefingStatus.IN_REVIEW,
        )
        cls.scheduled = factories.BriefingFactory(
            title="HIDDEN-MARKER scheduled",
            slug="hidden-marker-scheduled",
            lede="HIDDEN-MARKER scheduled lede",
            status=BriefingStatus.PUBLISHED,
            published_at=now + datetime.timedelta(days=1),
        )
        for briefing in (cls.in_review, cls.scheduled):
            briefing.event = cls.summit
            briefing.save()
            BriefingClaim.objects.create(briefing=briefing, claim=cls.claim)
            BriefingArticle.objects.create(briefing=briefing, article=cls.article)
            BriefingActor.objects.create(briefing=briefing, actor=cls.speaker)

        # SCO: the public summit's facts cite hidden claims too; the hidden summit's do not matter.
        cls.participation = Participation.objects.create(
            summit=cls.summit,
            participant=cls.state,
            capacity=ParticipationCapacity.MEMBER,
            status=ParticipationStatus.IN_PERSON,
        )
        cls.meeting = Meeting.objects.create(
            slug="public-meeting",
            title="Public meeting",
            summit=cls.summit,
            kind=MeetingKind.BILATERAL,
        )
        MeetingParticipant.objects.create(meeting=cls.meeting, actor=cls.speaker)
        cls.membership = factories.MembershipFactory(state=cls.state)
        cls.milestone = Milestone.objects.create(
            slug="public-milestone", title="Public milestone", year=2001
        )
        hidden_claims = [cls.unreviewed, cls.retired, cls.unpublished]
        for fact in (cls.summit, cls.participation, cls.meeting, cls.membership, cls.milestone):
            fact.evidence.add(cls.claim, *hidden_claims)
        cls.hidden_participation = Participation.objects.create(
            pk=HIDDEN_PKS["hidden_participation"],
            summit=cls.hidden_summit,
            participant=cls.state,
            capacity=ParticipationCapacity.MEMBER,
            status=ParticipationStatus.REPRESENTED,
            representative=cls.envoy,
            note="HIDDEN-MARKER participation note",
        )
        cls.hidden_meeting = Meeting.objects.create(
            slug="hidden-marker-meeting",
            title="HIDDEN-MARKER meeting",
            summit=cls.hidden_summit,
            kind=MeetingKind.BILATERAL,
            host=cls.summit_host,
        )
        MeetingParticipant.objects.create(meeting=cls.hidden_meeting, actor=cls.speaker)
        MeetingParticipant.objects.create(meeting=cls.hidden_meeting, actor=cls.envoy)
        cls.hidden_summit.evidence.add(cls.claim)

        AffiliationEvidence.objects.create(affiliation=cls.role, claim=cls.unreviewed)

        # Editors' changes to the public claim and briefing, waiting for a reviewer.
        editor = factories.editor()
        pending = [
            editing.claim_save(
                claim=cls.claim, data={"rationale": "HIDDEN-MARKER pending rationale"}, by=editor
            ),
            editing.briefing_save(
                briefing=cls.briefing, data={"lede": "HIDDEN-MARKER pending lede"}, by=editor
            ),
        ]
        assert all(edit.is_pending for edit in pending)

        cls.outsider = factories.UserFactory(is_staff=False)
        cls.staff_without_permission = factories.UserFactory()
        cls.reviewer = factories.reviewer()

    def setUp(self):
        # A walk sends hundreds of anonymous API requests a minute; rate limits are not tested here.
        patcher = mock.patch.object(AnonRateThrottle, "get_rate", return_value=None)
        patcher.start()
        self.addCleanup(patcher.stop)

    # The walk ----------------------------------------------------------------------

    def hidden_objects(self):
        """The hidden objects that have a slug, by which pages, filters and search name them."""
        return [
            self.draft,
            self.in_review,
            self.scheduled,
            self.hidden_article,
            self.hidden_speaker,
            self.hidden_subject,
            self.retired_subject,
            self.covered,
            self.summit_host,
            self.envoy,
            self.channel,
            self.evidence,
            self.hidden_event,
            self.hidden_summit,
            self.hidden_meeting,
        ]

    def hidden_slugs(self):
        return [obj.slug for obj in self.hidden_objects()]

    def hidden_pages(self):
        """The hidden objects' own pages and API resources: 404 for readers."""
        claims = [self.unreviewed, self.retired, self.unpublished]
        briefings = [self.draft, self.in_review, self.scheduled]
        actors = [
            self.hidden_speaker,
            self.hidden_subject,
            self.retired_subject,
            self.covered,
            self.summit_host,
            self.envoy,
            self.bare_country,
            self.bare_publisher,
        ]
        sources = [self.channel, self.evidence, self.bare_role_source]
        events = [self.hidden_event, self.hidden_summit]
        paths = [obj.get_absolute_url() for obj in [*claims, *briefings, *actors, *sources]]
        paths += [self.hidden_article.get_absolute_url()]
        paths += [self.unpublished.statement.get_absolute_url()]
        paths += [f"/events/{event.slug}/" for event in events]
        paths += [f"/events/{event.slug}/feed.atom" for event in events]
        paths += [f"{actor.get_absolute_url()}feed.atom" for actor in actors]
        paths += [self.hidden_summit.get_absolute_url()]
        for claim in claims:
            paths += [
                f"/api/v1/claims/{claim.pk}/{end}" for end in ("", "annotation/", "claimreview/")
            ]
        for briefing in briefings:
            paths += [f"/api/v1/briefings/{briefing.slug}/{end}" for end in ("", "export/")]
        for actor in actors:
            paths += [f"/api/v1/actors/{actor.slug}/{end}" for end in ("", "popolo/")]
        paths += [f"/api/v1/sources/{source.slug}/" for source in sources]
        paths += [f"/api/v1/events/{event.slug}/" for event in events]
        slug = self.hidden_article.slug
        paths += [f"/api/v1/articles/{slug}/", f"/api/v1/articles/{slug}/annotations/"]
        paths += [
            f"/api/v1/sco/summits/{self.hidden_summit.slug}/",
            f"/api/v1/sco/participations/{self.hidden_participation.pk}/",
            f"/api/v1/sco/meetings/{self.hidden_meeting.slug}/",
        ]
        return paths

    def filter_values(self, model, name, field):
        """Values to try for a filter: every slug that could name a hidden object, every choice."""
        if name == "q":
            return HIDDEN_SEARCHES
        if name == "language":
            return ["en"]
        if isinstance(field, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
            return [value for value, _ in field.extra["choices"]]
        if isinstance(field, django_filters.IsoDateTimeFilter):
            return ["1900-01-01T00:00:00Z", "2100-01-01T00:00:00Z"]
        if isinstance(field, django_filters.DateFilter):
            return ["1900-01-01", "2026-06-01", "2100-01-01"]
        if isinstance(field, django_filters.NumberFilter):
            return ["1900", "2026", "2100"]
        if isinstance(field, django_filters.CharFilter):
            # A slug filter is tried with every slug of the model it names.
            public = [self.speaker, self.state, self.outlet, self.summit, self.briefing]
            target = filter_target(model, name, field)
            return [
                obj.slug for obj in [*self.hidden_objects(), *public] if isinstance(obj, target)
            ]
        raise AssertionError(f"No values to try for the {type(field).__name__} {name}.")

    def public_paths(self):
        """Every GET path of the URLconf, for the public objects, with every filter of the API."""
        paths = [
            "/",
            "/feed.atom",
            "/sitemap.xml",
            *(f"/sitemap-{section}.xml" for section in SITEMAPS),
            "/robots.txt",
            "/healthz",
            "/favicon.ico",
            "/actors/",
            "/articles/",
            "/sources/",
            "/events/",
            f"{self.speaker.get_absolute_url()}feed.atom",
            f"/events/{self.summit.slug}/feed.atom",
            "/sco/",
            self.summit.get_absolute_url(),
            self.statement.get_absolute_url(),
            f"/events/{self.summit.slug}/",
            self.briefing.get_absolute_url(),
            self.claim.get_absolute_url(),
            self.article.get_absolute_url(),
            self.outlet.get_absolute_url(),
            self.speaker.get_absolute_url(),
            "/api/schema/",
            "/api/docs/",
            "/api/redoc/",
            "/api/redoc/redoc.standalone.js",
            "/api/v1/",
            f"/api/v1/briefings/{self.briefing.slug}/",
            f"/api/v1/briefings/{self.briefing.slug}/export/",
            f"/api/v1/claims/{self.claim.pk}/",
            f"/api/v1/claims/{self.claim.pk}/annotation/",
            f"/api/v1/claims/{self.claim.pk}/claimreview/",
            f"/api/v1/articles/{self.article.slug}/",
            f"/api/v1/articles/{self.article.slug}/annotations/",
            f"/api/v1/actors/{self.speaker.slug}/",
            f"/api/v1/actors/{self.speaker.slug}/popolo/",
            f"/api/v1/sources/{self.outlet.slug}/",
            f"/api/v1/events/{self.summit.slug}/",
            f"/api/v1/sco/summits/{self.summit.slug}/",
            f"/api/v1/sco/participations/{self.participation.pk}/",
            f"/api/v1/sco/meetings/{self.meeting.slug}/",
            f"/api/v1/sco/memberships/{self.membership.pk}/",
            f"/api/v1/sco/milestones/{self.milestone.slug}/",
        ]
        searches = [*HIDDEN_SEARCHES, *self.hidden_slugs()]
        paths += ["/search/?" + urlencode({"q": words}) for words in searches]
        return paths + [path for path, _ in self.filter_paths()]

    def filter_paths(self):
        """
        Every API list with every filter of its filterset, and whether the
        value names a hidden object: then nothing may match, or the filter
        would tell readers that the hidden object exists.
        """
        hidden = set(self.hidden_slugs())
        for prefix, viewset, _ in router.registry:
            yield f"/api/v1/{prefix}/?page_size=100", False
            filterset = viewset.filterset_class
            for name, field in filterset.base_filters.items():
                for value in self.filter_values(filterset._meta.model, name, field):
                    query = urlencode({"page_size": 100, name: value})
                    yield f"/api/v1/{prefix}/?{query}", value in hidden

    def assert_nothing_hidden(self, user):
        if user is not None:
            self.client.force_login(user)
        for path in self.public_paths():
            response = self.client.get(path)
            with self.subTest(path=path):
                self.assertEqual(response.status_code, 200)
                # errors="replace": the favicon is binary, and is walked all the same.
                text = without_search_echo(response.content.decode(errors="replace"), path)
                self.assertEqual(leaks(text), [])
        for path, names_hidden in self.filter_paths():
            if names_hidden:
                with self.subTest(path=path):
                    self.assertEqual(self.client.get(path).json()["count"], 0)
        for path in self.hidden_pages():
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)


class HiddenEverywhereTests(HiddenWorld, TestCase):
    def test_anonymous_reader_sees_nothing_hidden(self):
        self.assert_nothing_hidden(None)

    def test_signed_in_reader_sees_nothing_hidden(self):
        self.assert_nothing_hidden(self.outsider)

    def test_staff_without_view_permission_sees_nothing_hidden(self):
        self.assertFalse(self.staff_without_permission.has_perm("briefings.view_claim"))
        self.assert_nothing_hidden(self.staff_without_permission)

    def test_the_walk_covers_every_get_path_of_the_urlconf_and_every_filter(self):
        walked = {resolve(path.partition("?")[0]).view_name for path in self.public_paths()}
        walked |= {resolve(path).view_name for path in self.hidden_pages()}
        self.assertEqual(get_paths() - walked, set())
        filtered = set()
        for path, _ in self.filter_paths():
            prefix = path.removeprefix("/api/v1/").partition("/?")[0]
            filtered |= {(prefix, name) for name in parse_qs(path.partition("?")[2])}
        for prefix, viewset, _ in router.registry:
            for name in viewset.filterset_class.base_filters:
                with self.subTest(resource=prefix, filter=name):
                    self.assertIn((prefix, name), filtered)

    def test_the_walk_is_not_vacuous(self):
        """The public objects are there on the same paths, so an empty answer would be noticed."""
        shown = {
            "/": self.briefing.title,
            "/feed.atom": self.briefing.get_absolute_url(),
            "/sitemap-claims.xml": self.claim.get_absolute_url(),
            "/sco/": self.summit.get_absolute_url(),
            "/search/?q=trade+double": self.claim.get_absolute_url(),
            self.article.get_absolute_url(): "trade will double",
            self.statement.get_absolute_url(): self.claim.get_absolute_url(),
            f"/api/v1/claims/?page_size=100&speaker={self.speaker.slug}": f'"id":{self.claim.pk}',
            f"/api/v1/sco/participations/?summit={self.summit.slug}": self.state.slug,
            f"/api/v1/sco/meetings/?participant={self.speaker.slug}": self.meeting.slug,
            f"/api/v1/sco/memberships/{self.membership.pk}/": f'"evidence":[{self.claim.pk}]',
            f"/api/v1/articles/{self.article.slug}/annotations/?format=json": '"total":1',
        }
        for path, text in shown.items():
            with self.subTest(path=path):
                self.assertContains(self.client.get(path), text)
        export = self.client.get(f"/api/v1/briefings/{self.briefing.slug}/export/").json()
        self.assertEqual([claim["quote"] for claim in export["claims"]], ["trade will double"])

    def test_reviewer_sees_the_hidden_objects_marked_as_a_preview(self):
        """The staff side of the same rule: a reviewer may preview everything readers cannot see."""
        self.client.force_login(self.reviewer)
        for path in self.hidden_pages():
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                # Feeds, like the API, are data: pages are what carry the banner.
                if not path.startswith("/api/") and not path.endswith(".atom"):
                    self.assertContains(response, "<strong>Preview.</strong>")
                    self.assertContains(
                        response, '<meta name="robots" content="noindex, nofollow">'
                    )
        claims = self.client.get("/api/v1/claims/?page_size=100").json()["results"]
        hidden = {self.unreviewed.pk, self.retired.pk, self.unpublished.pk}
        self.assertLessEqual(hidden, {claim["id"] for claim in claims})
        pending = self.client.get(f"/api/v1/claims/{self.claim.pk}/").json()["pending_change"]
        self.assertEqual(pending["data"], {"rationale": "HIDDEN-MARKER pending rationale"})
        participations = self.client.get(
            f"/api/v1/sco/participations/?summit={self.hidden_summit.slug}"
        )
        self.assertContains(participations, self.envoy.slug)


class RegressionTests(HiddenWorld, TestCase):
    def test_unpublished_summit_is_404_and_its_participations_and_meetings_not_listed(self):
        """An unpublished summit is 404 at /events/<slug>/, /sco/summits/<slug>/ and in the API."""
        slug = self.hidden_summit.slug
        for path in (
            f"/events/{slug}/",
            f"/sco/summits/{slug}/",
            f"/api/v1/sco/summits/{slug}/",
            f"/api/v1/events/{slug}/",
            f"/api/v1/sco/participations/{self.hidden_participation.pk}/",
            f"/api/v1/sco/meetings/{self.hidden_meeting.slug}/",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.client.get(path).status_code, 404)
        for path in (
            "/api/v1/sco/summits/",
            "/api/v1/sco/summits/?year=2026",
            "/api/v1/events/?kind=summit",
            "/api/v1/sco/participations/",
            f"/api/v1/sco/participations/?summit={slug}",
            f"/api/v1/sco/participations/?participant={self.state.slug}",
            "/api/v1/sco/meetings/",
            f"/api/v1/sco/meetings/?summit={slug}",
            f"/api/v1/sco/meetings/?participant={self.speaker.slug}",
            "/sco/",
            "/sitemap-events.xml",
            "/sitemap-actors.xml",
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(leaks(response.content.decode()), [])

    def test_reviewer_previewing_an_unpublished_summit_page_sees_it_marked_as_a_preview(self):
        self.client.force_login(self.reviewer)
        for path in (self.hidden_summit.get_absolute_url(), f"/events/{self.hidden_summit.slug}/"):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertContains(response, "<strong>Preview.</strong>")
                self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        self.assertNotContains(self.client.get(self.summit.get_absolute_url()), "Preview.")

    def test_a_claim_added_to_a_public_article_is_not_public_until_reviewed(self):
        editor = factories.editor()
        self.client.force_login(editor)
        created = self.client.post(
            "/api/v1/claims/",
            {
                "article": self.article.slug,
                "quote": "Leaders met in Astana.",
                "start": 0,
                "end": len("Leaders met in Astana."),
                "speaker": None,
                "attribution_kind": "assertion",
                "quote_type": "none",
                "claim_type": "factual",
                "verdict": "false",
                "rationale": "Added by an editor: zanzibarquokka.",
            },
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        pk = created.json()["id"]
        self.assertEqual(created.json()["review_status"], ReviewStatus.UNREVIEWED)
        self.client.logout()

        page, api = f"/claims/{pk}/", f"/api/v1/claims/{pk}/"
        lists = [
            self.briefing.get_absolute_url(),
            self.article.get_absolute_url(),
            "/feed.atom",
            "/sitemap-claims.xml",
            "/search/?q=zanzibarquokka",
            f"/api/v1/claims/?article={self.article.slug}",
            f"/api/v1/articles/{self.article.slug}/annotations/",
            f"/api/v1/briefings/{self.briefing.slug}/export/",
        ]

        def shown():
            for path in (page, api, f"{api}claimreview/", f"{api}annotation/"):
                yield path, self.client.get(path).status_code == 200
            for path in lists:
                content = without_search_echo(self.client.get(path).content.decode(), path)
                yield path, page in content or api in content or "zanzibarquokka" in content
            reviews = structured_data(
                self.client.get(self.briefing.get_absolute_url()).content.decode()
            )
            yield "JSON-LD", any(review.get("url", "").endswith(page) for review in reviews)

        for path, is_shown in shown():
            with self.subTest(path=path, reviewed=False):
                self.assertFalse(is_shown)

        # Once reviewed it is public on the article's paths: the test above can fail.
        self.client.force_login(self.reviewer)
        tag = f'"v{created.json()["version"]}-x"'
        reviewed = self.client.post(
            f"{api}review/",
            {"status": "reviewed"},
            content_type="application/json",
            headers={"If-Match": tag},
        )
        self.assertEqual(reviewed.status_code, 200, reviewed.content)
        self.client.logout()
        for path, is_shown in shown():
            if path in ("/feed.atom", self.briefing.get_absolute_url(), "JSON-LD"):
                continue  # not a key claim of the briefing: the feed and its page do not list it
            with self.subTest(path=path, reviewed=True):
                self.assertTrue(is_shown)

    def test_export_shows_no_description_aliases_or_url_of_actors_and_sources_that_are_404(self):
        export = self.client.get(f"/api/v1/briefings/{self.briefing.slug}/export/")
        self.assertEqual(export.status_code, 200)
        document = export.json()
        actors = {entry["slug"]: entry for entry in document["actors"]}
        sources = {entry["slug"]: entry for entry in document["sources"]}
        bare = {
            "actors": [self.bare_country, self.bare_publisher],
            "sources": [self.bare_role_source],
        }
        for section, objects in bare.items():
            entries = actors if section == "actors" else sources
            for obj in objects:
                with self.subTest(slug=obj.slug):
                    self.assertEqual(self.client.get(obj.get_absolute_url()).status_code, 404)
                    self.assertEqual(set(entries[obj.slug]), {"slug", "name", "kind"})
        self.assertIn("description", actors[self.speaker.slug])
        self.assertEqual(leaks(export.content.decode()), [])

        # A reviewer's export holds them in full: the bareness is the visibility rule's.
        self.client.force_login(self.reviewer)
        document = self.client.get(f"/api/v1/briefings/{self.briefing.slug}/export/").json()
        actors = {entry["slug"]: entry for entry in document["actors"]}
        self.assertEqual(
            actors[self.bare_publisher.slug]["aliases"],
            [{"name": "HIDDEN-MARKER publisher alias", "language": ""}],
        )
