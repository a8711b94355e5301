"""factory_boy factories for every model the tests build."""

import importlib

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from briefings import models
from sco import models as sco_models

ARTICLE_BODY = (
    "Russian President Vladimir Putin and China's Xi Jinping met in Astana. "
    "“We will deepen cooperation,” the Kremlin stated in a release. "
    "Critics said the summit changed little."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


def ensure_staff_groups():
    """
    Recreate the Editors and Reviewers groups: transactional tests flush the
    rows the data migration made. Its own function runs, on its own model state.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    name = "0002_editor_and_reviewer_groups"
    migration = importlib.import_module(f"briefings.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state(("briefings", name))
    migration.create_groups(state.apps, None)


def editor(**kwargs):
    return UserFactory(groups=["Editors"], **kwargs)


def reviewer(**kwargs):
    return UserFactory(groups=["Reviewers"], **kwargs)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    kind = models.SourceKind.OUTLET


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = models.ActorKind.PERSON


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event

    name = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    source = factory.SubFactory(SourceFactory)
    body = ARTICLE_BODY
    published_at = factory.LazyFunction(timezone.now)


class ClaimFactory(factory.django.DjangoModelFactory):
    """
    A reviewed claim on the article's body; pass `quote` and the span is found
    for you. `unreviewed=True` makes one still waiting for a reviewer.
    """

    class Meta:
        model = models.Claim
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    quote = "We will deepen cooperation"
    start = factory.LazyAttribute(lambda claim: claim.article.body.index(claim.quote))
    end = factory.LazyAttribute(lambda claim: claim.start + len(claim.quote))
    speaker = factory.SubFactory(ActorFactory)
    attribution_kind = models.AttributionKind.DIRECT_QUOTE
    quote_type = models.QuoteType.DIRECT
    cue = "stated"
    claim_type = models.ClaimType.ANNOUNCEMENT
    review_status = models.ReviewStatus.REVIEWED
    reviewed_at = factory.LazyFunction(timezone.now)

    class Params:
        unreviewed = factory.Trait(review_status=models.ReviewStatus.UNREVIEWED, reviewed_at=None)

    @factory.post_generation
    def about(self, create, extracted, **kwargs):
        for actor in extracted or ():
            models.ClaimActor.objects.create(claim=self, actor=actor)


class BriefingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Briefing
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Briefing {n}")
    slug = factory.Sequence(lambda n: f"briefing-{n}")
    lede = "What happened, in a sentence."
    status = models.BriefingStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=models.BriefingStatus.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def claims(self, create, extracted, **kwargs):
        """Attach key claims in order, and their articles."""
        for position, claim in enumerate(extracted or ()):
            models.BriefingClaim.objects.create(briefing=self, claim=claim, position=position)
            models.BriefingArticle.objects.get_or_create(briefing=self, article=claim.article)


class SummitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sco_models.Summit

    name = factory.Sequence(lambda n: f"SCO summit {n}")
    slug = factory.Sequence(lambda n: f"sco-summit-{n}")
    kind = models.EventKind.SUMMIT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sco_models.Membership

    state = factory.SubFactory(ActorFactory, kind=models.ActorKind.STATE)
    status = sco_models.MembershipStatus.MEMBER
    start_year = 2001


# Public pages -----------------------------------------------------------------


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Affiliation

    actor = factory.SubFactory(ActorFactory)
    organisation = factory.SubFactory(ActorFactory, kind=models.ActorKind.STATE)
    kind = models.AffiliationKind.OFFICE
    role = "President"


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Correction

    briefing = factory.SubFactory(BriefingFactory, published=True)
    reason = "A date was wrong."


def article_with_sentences(count, **kwargs):
    """An article whose body is `count` numbered sentences, one claimable quote in each."""
    body = "\n".join(
        f"Speaker {n} said that point {n} holds. Observers disagreed." for n in range(count)
    )
    return ArticleFactory(body=body, **kwargs)


def published_briefing(claims=3, speakers=2, **kwargs):
    """A published briefing with `claims` key claims spread over `speakers` speakers."""
    article = article_with_sentences(claims)
    people = [ActorFactory() for _ in range(speakers)]
    made = [
        ClaimFactory(
            article=article,
            quote=f"point {n} holds",
            speaker=people[n % speakers],
            about=[people[(n + 1) % speakers]],
            verdict=models.Verdict.ACCURATE if n % 2 else models.Verdict.FALSE,
            rationale=f"Checked against record {n}.",
        )
        for n in range(claims)
    ]
    briefing = BriefingFactory(published=True, claims=made, **kwargs)
    for person in people:
        models.BriefingActor.objects.create(briefing=briefing, actor=person)
    return briefing
