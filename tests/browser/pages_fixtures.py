"""
A published briefing on the seed article (the SCO summit in Astana), built
with the factories: the page tests and the browser tests both read it.
"""

import datetime
from pathlib import Path

from django.utils import timezone

from briefings import models
from sco import models as sco_models
from tests import factories

SEED = Path(__file__).resolve().parents[2] / "seeds" / "sco-astana-summit-2024.txt"
SLUG = "putin-and-xi-meet-at-sco-summit-in-astana"


def build_astana():
    """Create the seed briefing with its actors, claims and SCO facts; return the briefing."""
    body = SEED.read_text().strip()
    outlet = factories.SourceFactory(name="Example Wire", slug="example-wire")
    release = factories.SourceFactory(
        name="Kremlin release on the Astana summit",
        slug="kremlin-release-astana",
        kind=models.SourceKind.RELEASE,
    )
    india_statement = factories.SourceFactory(
        name="India's statement on the Astana summit",
        slug="india-statement-astana",
        kind=models.SourceKind.STATEMENT,
    )
    article = factories.ArticleFactory(
        title="Putin and Xi to meet at SCO summit in Astana",
        slug="putin-xi-sco-summit-astana",
        source=outlet,
        url="https://www.example.org/putin-xi-sco-summit-astana",
        byline="Staff and wire reports",
        body=body,
        published_at=datetime.datetime(2024, 7, 3, 6, 0, tzinfo=datetime.UTC),
    )

    def actor(name, slug, kind=models.ActorKind.PERSON, **kwargs):
        return factories.ActorFactory(name=name, slug=slug, kind=kind, **kwargs)

    russia = actor("Russia", "russia", models.ActorKind.STATE, wikidata_qid="Q159")
    china = actor("China", "china", models.ActorKind.STATE, wikidata_qid="Q148")
    india = actor("India", "india", models.ActorKind.STATE, wikidata_qid="Q668")
    kazakhstan = actor("Kazakhstan", "kazakhstan", models.ActorKind.STATE)
    belarus = actor("Belarus", "belarus", models.ActorKind.STATE)
    putin = actor(
        "Vladimir Putin", "vladimir-putin", title="President of Russia", wikidata_qid="Q7747"
    )
    xi = actor("Xi Jinping", "xi-jinping", title="President of China", wikidata_qid="Q15031")
    kremlin = actor("The Kremlin", "the-kremlin", models.ActorKind.BODY, country=russia)
    modi = actor("Narendra Modi", "narendra-modi", title="Prime Minister of India")
    jaishankar = actor("Subrahmanyam Jaishankar", "subrahmanyam-jaishankar")
    biden = actor("Joe Biden", "joe-biden", title="President of the United States")
    tokayev = actor("Kassym-Jomart Tokayev", "kassym-jomart-tokayev")
    erdogan = actor("Tayyip Erdogan", "tayyip-erdogan")
    guterres = actor("Antonio Guterres", "antonio-guterres")
    sco = actor("Shanghai Cooperation Organisation", "sco", models.ActorKind.ORGANISATION)
    models.ActorAlias.objects.create(actor=xi, name="Си Цзиньпин", language="ru")
    models.ActorAlias.objects.create(actor=xi, name="习近平", language="zh")
    models.ActorAlias.objects.create(actor=xi, name="the Chinese president")
    factories.AffiliationFactory(actor=putin, organisation=russia, role="President")
    factories.AffiliationFactory(actor=jaishankar, organisation=india, role="Foreign Minister")

    def claim(quote, **kwargs):
        kwargs.setdefault("review_status", models.ReviewStatus.REVIEWED)
        kwargs.setdefault("reviewed_at", timezone.now())
        return factories.ClaimFactory(article=article, quote=quote, **kwargs)

    assertion = {
        "speaker": None,
        "attribution_kind": models.AttributionKind.ASSERTION,
        "quote_type": models.QuoteType.NONE,
        "cue": "",
    }
    kremlin_release = claim(
        "The leaders of the SCO member countries will discuss the current state and prospects "
        "for further deepening multifaceted cooperation within the organization and improving "
        "its activities",
        speaker=kremlin,
        channel=release,
        cue="stated",
        claim_type=models.ClaimType.ANNOUNCEMENT,
        verdict=models.Verdict.ACCURATE,
        rationale="The summit agenda published by the host matches the **release**.",
        about=[sco],
    )
    meetings = claim(
        "Putin will engage in a series of one-on-one meetings on Wednesday on the sidelines of "
        "the July 3-4 SCO summit",
        speaker=kremlin,
        attribution_kind=models.AttributionKind.REPORTED,
        quote_type=models.QuoteType.INDIRECT,
        cue="as announced by",
        verdict=models.Verdict.ACCURATE,
        about=[putin],
    )
    modi_absent = claim(
        "Prime Minister Narendra Modi, who is anticipated in Moscow later this month, will not "
        "be in attendance",
        speaker=india,
        channel=india_statement,
        attribution_kind=models.AttributionKind.REPORTED,
        quote_type=models.QuoteType.INDIRECT,
        claim_type=models.ClaimType.ANNOUNCEMENT,
        verdict=models.Verdict.ACCURATE,
        rationale="Modi did not travel to Astana; Jaishankar led India's delegation.",
        about=[modi],
    )
    jaishankar_sent = claim(
        "he is sending Foreign Minister Subrahmanyam Jaishankar",
        speaker=india,
        attribution_kind=models.AttributionKind.REPORTED,
        quote_type=models.QuoteType.INDIRECT,
        verdict=models.Verdict.ACCURATE,
        about=[jaishankar],
    )
    dictator = claim(
        "Biden has labeled Xi as a “dictator”",
        speaker=biden,
        attribution_kind=models.AttributionKind.PARAPHRASE,
        quote_type=models.QuoteType.MIXED,
        cue="labeled",
        claim_type=models.ClaimType.CHARACTERISATION,
        verdict=models.Verdict.OPINION,
        rationale="A characterisation; the record of the remark is public.",
        about=[xi],
    )
    founded = claim(
        "a club established in 2001 with Russia, China, and Central Asian powers",
        **assertion,
        claim_type=models.ClaimType.FACTUAL,
        verdict=models.Verdict.ACCURATE,
        about=[sco],
    )
    broadened = claim(
        "to include India, Iran, and Pakistan",
        **assertion,
        claim_type=models.ClaimType.FACTUAL,
        verdict=models.Verdict.ACCURATE,
        about=[sco],
    )
    origins = claim(
        "The SCO has its origins in 1996",
        **assertion,
        claim_type=models.ClaimType.FACTUAL,
        verdict=models.Verdict.MOSTLY_ACCURATE,
        rationale="The “Shanghai Five” first met in April 1996; the SCO itself dates from 2001.",
    )
    belarus_claim = claim(
        "Belarus will participate in the summit as a full member of the organization for the "
        "first time",
        speaker=kremlin,
        attribution_kind=models.AttributionKind.REPORTED,
        quote_type=models.QuoteType.INDIRECT,
        cue="according to",
        verdict=models.Verdict.ACCURATE,
        about=[belarus],
    )
    partners = claim(
        "Bahrain, Cambodia, Egypt, Kuwait, Myanmar, Nepal, Qatar, Saudi Arabia, and the United "
        "Arab Emirates",
        **assertion,
        claim_type=models.ClaimType.FACTUAL,
        verdict=models.Verdict.UNVERIFIED,
    )
    guterres_claim = claim(
        "United Nations Secretary-General Antonio Guterres is expected to attend the summit in "
        "Astana",
        **assertion,
        claim_type=models.ClaimType.PREDICTION,
        verdict=models.Verdict.UNVERIFIABLE,
        about=[guterres],
    )
    unlimited = claim(
        "unilateral and unlimited expansion of global missile defense systems by certain "
        "countries or groups of countries",
        speaker=sco,
        attribution_kind=models.AttributionKind.DIRECT_QUOTE,
        quote_type=models.QuoteType.DIRECT,
        cue="issued a statement critical of",
        claim_type=models.ClaimType.POSITION,
        verdict=models.Verdict.MISLEADING,
        rationale="The statement named no country; the article's reading is an inference.",
    )
    models.ClaimEvidence.objects.create(claim=modi_absent, source=india_statement, note="MEA")

    summit = sco_models.Summit.objects.create(
        name="SCO summit in Astana, 2024",
        slug="sco-summit-astana-2024",
        kind=models.EventKind.SUMMIT,
        start_date=datetime.date(2024, 7, 3),
        end_date=datetime.date(2024, 7, 4),
        location="Astana",
        country=kazakhstan,
        host=tokayev,
    )
    summit.evidence.add(meetings)
    for claim_ in (kremlin_release, meetings, modi_absent):
        claim_.event = summit
        claim_.save()
    participation = sco_models.Participation.objects.create(
        summit=summit,
        participant=india,
        capacity=sco_models.ParticipationCapacity.MEMBER,
        status=sco_models.ParticipationStatus.REPRESENTED,
        representative=jaishankar,
        note="Modi stays away; anticipated in Moscow later in July.",
    )
    participation.evidence.add(modi_absent, jaishankar_sent)
    sco_models.Participation.objects.create(
        summit=summit,
        participant=belarus,
        capacity=sco_models.ParticipationCapacity.MEMBER,
        status=sco_models.ParticipationStatus.IN_PERSON,
    ).evidence.add(belarus_claim)
    sco_models.Participation.objects.create(
        summit=summit,
        participant=guterres,
        capacity=sco_models.ParticipationCapacity.GUEST,
        status=sco_models.ParticipationStatus.IN_PERSON,
        is_expected=True,
    ).evidence.add(guterres_claim)
    bilateral = sco_models.Meeting.objects.create(
        slug="putin-xi-astana",
        title="Putin and Xi",
        summit=summit,
        kind=sco_models.MeetingKind.BILATERAL,
        date=datetime.date(2024, 7, 3),
        is_planned=True,
    )
    for person in (putin, xi):
        sco_models.MeetingParticipant.objects.create(meeting=bilateral, actor=person)
    bilateral.evidence.add(meetings)
    dinner = sco_models.Meeting.objects.create(
        slug="tokayev-dinner-astana",
        title="Informal dinner",
        summit=summit,
        kind=sco_models.MeetingKind.INFORMAL,
        date_text="after the bilateral meetings",
        host=tokayev,
        is_planned=True,
    )
    sco_models.MeetingParticipant.objects.create(meeting=dinner, actor=putin)
    sco_models.MeetingParticipant.objects.create(meeting=bilateral, actor=erdogan)

    for state in (russia, china, kazakhstan):
        sco_models.Membership.objects.create(
            state=state,
            status=sco_models.MembershipStatus.MEMBER,
            start_year=2001,
            is_founding=True,
        ).evidence.add(founded)
    for name in ("Iran", "Pakistan"):
        state = actor(name, name.lower(), models.ActorKind.STATE)
        sco_models.Membership.objects.create(
            state=state, status=sco_models.MembershipStatus.MEMBER, date_text="later"
        ).evidence.add(broadened)
    sco_models.Membership.objects.create(
        state=india, status=sco_models.MembershipStatus.MEMBER, date_text="later"
    ).evidence.add(broadened)
    sco_models.Membership.objects.create(
        state=belarus,
        status=sco_models.MembershipStatus.MEMBER,
        start_date=datetime.date(2024, 7, 4),
    ).evidence.add(belarus_claim)
    for name in ("Bahrain", "Egypt", "Qatar"):
        state = actor(name, name.lower(), models.ActorKind.STATE)
        sco_models.Membership.objects.create(
            state=state, status=sco_models.MembershipStatus.DIALOGUE_PARTNER
        ).evidence.add(partners)
    sco_models.Milestone.objects.create(
        slug="shanghai-five", title="Predecessor established", year=1996
    ).evidence.add(origins)
    sco_models.Milestone.objects.create(
        slug="sco-founded", title="SCO established", year=2001
    ).evidence.add(founded)

    briefing = factories.BriefingFactory(
        title="Putin and Xi meet at the SCO summit in Astana",
        slug=SLUG,
        lede="Russia's and China's leaders meet on the sidelines of a summit that both "
        "present as a counterweight to the West; India sends its foreign minister instead "
        "of Narendra Modi.",
        analysis="The Kremlin framed the summit as routine cooperation. The article's "
        "context — Biden's characterisations, the missile-defence statement — is "
        "**attributed**, not asserted.\n\nWhat holds up: the attendance facts. What does "
        "not: the reading of last year's statement as aimed at NATO.",
        published=True,
        event=summit,
        claims=[
            kremlin_release,
            meetings,
            modi_absent,
            jaishankar_sent,
            belarus_claim,
            dictator,
            unlimited,
            founded,
            origins,
            guterres_claim,
        ],
    )
    for person in (putin, xi, modi, jaishankar, tokayev, kremlin, india):
        models.BriefingActor.objects.create(briefing=briefing, actor=person)
    models.BriefingClaim.objects.filter(briefing=briefing, claim=dictator).update(
        comment="Context the article gives; not a claim about the summit."
    )
    factories.CorrectionFactory(
        briefing=briefing,
        reason="The summit dates were given as July 4–5; they are July 3–4.",
        changed_fields=["lede"],
    )
    return briefing
