"""
What readers may see is indexed state (briefings.visibility): after any
sequence of editorial writes, each model's public() equals the rule as it
was derived on every request before, kept here as the oracle.
"""

import datetime
import io

import time_machine
from django.core.management import call_command
from django.db.models import Q
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from briefings import visibility
from briefings.models import (
    Actor,
    Article,
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingClaim,
    BriefingStatus,
    Claim,
    ClaimActor,
    ClaimEvidence,
    Event,
    ReviewStatus,
    Source,
)
from tests import factories

SHOWN = (Article, Claim, Event, Source, Actor)


def derived_public(now):
    """The visibility rule as public() derived it on every request before the index."""
    briefings = Briefing.objects.filter(status=BriefingStatus.PUBLISHED, published_at__lte=now)
    key_links = BriefingClaim.objects.filter(briefing__in=briefings)
    articles = Article.objects.filter(
        Q(pk__in=BriefingArticle.objects.filter(briefing__in=briefings).values("article"))
        | Q(pk__in=key_links.values("claim__article"))
    )
    claims = Claim.objects.filter(review_status=ReviewStatus.REVIEWED).filter(
        Q(pk__in=key_links.values("claim")) | Q(article__in=articles)
    )
    return {
        Article: articles,
        Claim: claims,
        Event: Event.objects.filter(
            Q(pk__in=briefings.values("event")) | Q(pk__in=claims.values("event"))
        ),
        Source: Source.objects.filter(
            Q(pk__in=articles.values("source"))
            | Q(pk__in=claims.values("channel"))
            | Q(pk__in=ClaimEvidence.objects.filter(claim__in=claims).values("source"))
        ),
        Actor: Actor.objects.filter(
            Q(pk__in=BriefingActor.objects.filter(briefing__in=briefings).values("actor"))
            | Q(pk__in=claims.values("speaker"))
            | Q(pk__in=ClaimActor.objects.filter(claim__in=claims).values("actor"))
        ),
    }


class OracleMixin:
    def assertPublicIsTheDerivedRule(self, step=""):
        expected = derived_public(timezone.now())
        for model in SHOWN:
            self.assertEqual(
                set(model.objects.public().values_list("pk", flat=True)),
                set(expected[model].values_list("pk", flat=True)),
                f"{model.__name__} after {step}",
            )


# The universe the random operations work on; indices into it are drawn.
BRIEFINGS, CLAIMS, ARTICLES, ACTORS, SOURCES, EVENTS = 3, 4, 2, 4, 3, 2
QUOTES = ("We will deepen cooperation", "met in Astana", "Critics said", "changed little")


def pick(size, optional=False):
    choices = st.integers(0, size - 1)
    return st.none() | choices if optional else choices


# Each operation: (name, arguments); `bulk` writes through QuerySet.update().
operations = st.one_of(
    st.tuples(
        st.just("status"),
        pick(BRIEFINGS),
        st.sampled_from(BriefingStatus.values),
        st.sampled_from(["past", "earlier", "future"]),
        st.booleans(),
    ),
    st.tuples(st.just("key_claim"), pick(BRIEFINGS), pick(CLAIMS), st.booleans()),
    st.tuples(st.just("article"), pick(BRIEFINGS), pick(ARTICLES), st.booleans()),
    st.tuples(st.just("covers"), pick(BRIEFINGS), pick(ACTORS), st.booleans()),
    st.tuples(st.just("briefing_event"), pick(BRIEFINGS), pick(EVENTS, True), st.booleans()),
    st.tuples(st.just("review"), pick(CLAIMS), st.sampled_from(ReviewStatus.values), st.booleans()),
    st.tuples(st.just("speaker"), pick(CLAIMS), pick(ACTORS), st.booleans()),
    st.tuples(st.just("claim_event"), pick(CLAIMS), pick(EVENTS, True), st.booleans()),
    st.tuples(st.just("channel"), pick(CLAIMS), pick(SOURCES, True), st.booleans()),
    st.tuples(st.just("about"), pick(CLAIMS), pick(ACTORS), st.booleans()),
    st.tuples(st.just("evidence"), pick(CLAIMS), pick(SOURCES), st.booleans()),
    st.tuples(st.just("outlet"), pick(ARTICLES), pick(SOURCES), st.booleans()),
    st.tuples(st.just("relink"), pick(BRIEFINGS), pick(CLAIMS)),
    st.tuples(st.just("clear"), pick(BRIEFINGS)),
    st.tuples(st.just("delete"), pick(BRIEFINGS)),
)


class VisibilityOracleTests(OracleMixin, HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.actors = [factories.ActorFactory() for _ in range(ACTORS)]
        cls.sources = [factories.SourceFactory() for _ in range(SOURCES)]
        # A summit is an event too, saved as its own model.
        cls.events = [factories.EventFactory(), factories.SummitFactory()]
        cls.articles = [factories.ArticleFactory(source=cls.sources[n]) for n in range(ARTICLES)]
        cls.claims = [
            factories.ClaimFactory(
                article=cls.articles[n % ARTICLES], quote=QUOTES[n], speaker=cls.actors[n]
            )
            for n in range(CLAIMS)
        ]
        # One published, one scheduled, one draft: every example starts from a mix.
        now = timezone.now()
        cls.briefings = [
            factories.BriefingFactory(
                status=BriefingStatus.PUBLISHED,
                published_at=now - datetime.timedelta(hours=1),
                claims=cls.claims[:1],
                event=cls.events[0],
            ),
            factories.BriefingFactory(
                status=BriefingStatus.PUBLISHED,
                published_at=now + datetime.timedelta(days=2),
                claims=cls.claims[3:],
            ),
            factories.BriefingFactory(claims=cls.claims[1:3]),
        ]
        for n, briefing in enumerate(cls.briefings):
            BriefingActor.objects.create(briefing=briefing, actor=cls.actors[n])
        for n, claim in enumerate(cls.claims):
            claim.about.add(cls.actors[(n + 1) % ACTORS])
            ClaimEvidence.objects.create(claim=claim, source=cls.sources[n % SOURCES])
        cls.claims[1].channel = cls.sources[2]
        cls.claims[1].event = cls.events[1]
        cls.claims[1].save()

    def apply(self, name, *args):
        """Apply one editorial operation to fresh copies of the rows it names."""
        now = timezone.now()
        if name in ("status", "key_claim", "article", "covers", "briefing_event", "relink"):
            briefing = Briefing.objects.filter(pk=self.briefings[args[0]].pk).first()
            if briefing is None:
                return  # deleted by an earlier step
        if name == "status":
            _, status, when, bulk = args
            at = {
                "past": now - datetime.timedelta(days=1),
                "earlier": now - datetime.timedelta(days=9),
                "future": now + datetime.timedelta(days=1),
            }[when]
            values = {"status": status, "published_at": at}
            self.write(briefing, values, bulk)
        elif name == "key_claim":
            claim, add = self.claims[args[1]], args[2]
            if add:
                briefing.key_claims.add(claim)
            else:
                briefing.key_claims.remove(claim)
        elif name == "article":
            article, add = self.articles[args[1]], args[2]
            if add:
                BriefingArticle.objects.get_or_create(briefing=briefing, article=article)
            else:
                BriefingArticle.objects.filter(briefing=briefing, article=article).delete()
        elif name == "covers":
            actor, add = self.actors[args[1]], args[2]
            if add:
                actor.briefings.add(briefing)  # from the other side of the link
            else:
                briefing.actors.remove(actor)
        elif name == "briefing_event":
            event = None if args[1] is None else self.events[args[1]]
            self.write(briefing, {"event": event}, args[2])
        elif name == "review":
            _, status, bulk = args
            claim = Claim.objects.get(pk=self.claims[args[0]].pk)
            reviewed_at = None if status == ReviewStatus.UNREVIEWED else now
            self.write(claim, {"review_status": status, "reviewed_at": reviewed_at}, bulk)
        elif name in ("speaker", "claim_event", "channel"):
            claim = Claim.objects.get(pk=self.claims[args[0]].pk)
            field, rows = {
                "speaker": ("speaker", self.actors),
                "claim_event": ("event", self.events),
                "channel": ("channel", self.sources),
            }[name]
            self.write(claim, {field: None if args[1] is None else rows[args[1]]}, args[2])
        elif name == "about":
            claim, actor, add = self.claims[args[0]], self.actors[args[1]], args[2]
            if add:
                claim.about.add(actor)
            else:
                ClaimActor.objects.filter(claim=claim, actor=actor).delete()
        elif name == "evidence":
            claim, source, add = self.claims[args[0]], self.sources[args[1]], args[2]
            if add:
                ClaimEvidence.objects.get_or_create(claim=claim, source=source)
            else:
                claim.evidence.remove(source)
        elif name == "outlet":
            article = Article.objects.get(pk=self.articles[args[0]].pk)
            self.write(article, {"source": self.sources[args[1]]}, args[2])
        elif name == "relink":
            # An inline may point an existing key-claim row at another claim.
            link = briefing.claim_links.first()
            claim = self.claims[args[1]]
            if link and not briefing.claim_links.filter(claim=claim).exists():
                link.claim = claim
                link.save()
        elif name == "clear":
            briefing = Briefing.objects.filter(pk=self.briefings[args[0]].pk).first()
            if briefing:
                briefing.key_claims.clear()
        elif name == "delete":
            Briefing.objects.filter(pk=self.briefings[args[0]].pk).delete()

    def write(self, obj, values, bulk):
        if bulk:
            type(obj).objects.filter(pk=obj.pk).update(**values)
        else:
            for field, value in values.items():
                setattr(obj, field, value)
            obj.save()

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(operations, min_size=5, max_size=25))
    def test_public_is_the_derived_rule_after_any_sequence_of_writes(self, steps):
        for number, step in enumerate(steps):
            self.apply(*step)
            self.assertPublicIsTheDerivedRule(f"step {number}: {step}")


class IndexTests(OracleMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.briefing = factories.published_briefing(claims=2, speakers=2)
        cls.claim = cls.briefing.key_claims.first()

    def test_a_scheduled_briefing_appears_at_its_time_without_a_write(self):
        later = timezone.now() + datetime.timedelta(hours=2)
        scheduled = factories.BriefingFactory(
            status=BriefingStatus.PUBLISHED, published_at=later, claims=[factories.ClaimFactory()]
        )
        shown = scheduled.key_claims.get()
        self.assertFalse(Claim.objects.public().filter(pk=shown.pk).exists())
        with time_machine.travel(later + datetime.timedelta(minutes=1)):
            self.assertTrue(Claim.objects.public().filter(pk=shown.pk).exists())
            self.assertTrue(Actor.objects.public().filter(pk=shown.speaker_id).exists())
            self.assertPublicIsTheDerivedRule("the publish time")

    def test_public_since_is_the_first_publication_that_shows_the_row(self):
        earlier = self.briefing.published_at - datetime.timedelta(days=3)
        factories.BriefingFactory(
            status=BriefingStatus.PUBLISHED, published_at=earlier, claims=[self.claim]
        )
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.public_since, earlier)

    def test_retiring_a_claim_hides_it_and_a_speaker_shown_only_through_it(self):
        other = self.briefing.key_claims.exclude(pk=self.claim.pk).get()
        other.speaker = self.claim.speaker
        other.save()
        speaker = factories.ActorFactory()
        self.claim.speaker = speaker
        self.claim.save()
        self.assertTrue(Actor.objects.public().filter(pk=speaker.pk).exists())
        self.claim.review_status = ReviewStatus.RETIRED
        self.claim.save()
        self.assertFalse(Claim.objects.public().filter(pk=self.claim.pk).exists())
        self.assertFalse(Actor.objects.public().filter(pk=speaker.pk).exists())
        self.assertPublicIsTheDerivedRule("retiring")

    def test_a_stale_instance_saved_does_not_undo_the_index(self):
        draft_claim = factories.ClaimFactory()
        stale = Claim.objects.get(pk=draft_claim.pk)
        factories.BriefingFactory(published=True, claims=[draft_claim])
        stale.cue = "said"
        stale.save()
        self.assertTrue(Claim.objects.public().filter(pk=draft_claim.pk).exists())

    def test_the_command_rebuilds_an_index_written_around(self):
        for model in SHOWN:
            model.objects.update(public_since=None)  # sets only the index: nothing refreshes
        self.assertFalse(Claim.objects.public().exists())
        out = io.StringIO()
        call_command("refresh_visibility", stdout=out)
        self.assertTrue(Claim.objects.public().exists())
        self.assertPublicIsTheDerivedRule("refresh_visibility")
        self.assertRegex(out.getvalue(), r"refreshed: [1-9]\d* rows changed")

    def test_a_refresh_rewrites_only_rows_whose_value_changes(self):
        """An unchanged row rewritten still leaves a dead row version behind."""
        self.assertEqual(visibility.refresh_all(), 0)
        Claim.objects.filter(pk=self.claim.pk).update(public_since=None)
        self.assertEqual(visibility.refresh_all(), 1)

    def test_refresh_of_nothing_costs_no_query(self):
        with self.assertNumQueries(0):
            visibility.refresh()
