"""
A deterministic synthetic corpus at newsroom scale (`manage.py make_corpus`).

At scale 1.0: 5,000 articles of 3–6k characters, 100,000 claims, 2,000
actors, 500 published briefings (and a few drafts), one briefing with 1,000
key claims and one with 200, one actor who speaks 5,000 claims. Names and
articles come in Latin, Cyrillic, Chinese and Arabic script. Everything is
drawn from one random.Random(seed), so a seed always yields the same texts.

Rows are inserted with bulk_create, articles and their claims a batch at a
time so memory stays bounded; they get no history rows (nobody edited them).
What readers may see is brought up to date once, at the end, through the
importer's hook (services.rows_created_in_bulk) for the briefings, which
reaches every article, claim, source, event and actor a briefing shows.
"""

import datetime
import hashlib
import random
from dataclasses import dataclass

from django.db import connection, transaction

from briefings.anchoring import context_around
from briefings.markup import render_markdown
from briefings.models import (
    Actor,
    ActorAlias,
    ActorKind,
    Article,
    AttributionKind,
    Briefing,
    BriefingActor,
    BriefingArticle,
    BriefingClaim,
    BriefingStatus,
    Claim,
    ClaimActor,
    ClaimEvidence,
    ClaimType,
    Event,
    EventKind,
    QuoteType,
    ReviewStatus,
    Source,
    SourceKind,
    Verdict,
)
from briefings.models.articles import normalised_sha256
from briefings.services import rows_created_in_bulk

# Rows of one model per INSERT; claims are generated this many at a time.
BATCH = 2000
SLUG_PREFIX = "corpus-"
EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)

# Each script: (language, words, first names, family names, word separator).
SCRIPTS = {
    "en": (
        "summit leaders discussed trade security energy border agreement talks cooperation "
        "pipeline sanctions ministers delegation treaty region economy investment railway "
        "drills visit partnership stability corridor grain tariffs projects growth reform "
        "elections council budget climate water harvest ports satellites vaccine customs",
        "Amara Jonas Lena Tomas Priya Mateo Ingrid Yusuf Clara Dmitri Anika Rafael Selin Omar",
        "Okafor Lindqvist Moreau Haddad Novak Ferreira Tanaka Kowalski Brennan Duarte Salo",
        " ",
    ),
    "ru": (
        "саммит лидеры обсудили торговлю безопасность энергетику границу соглашение "
        "переговоры сотрудничество трубопровод санкции министры делегация договор регион "
        "экономику инвестиции железную дорогу учения визит партнерство стабильность",
        "Ирина Алексей Мария Сергей Ольга Павел Наталья Игорь Елена Борис Дарья Олег",
        "Соколова Иванов Петрова Смирнов Кузнецова Попов Волкова Морозов Лебедева Орлов",
        " ",
    ),
    "zh": (
        "峰会 领导人 讨论 贸易 安全 能源 边境 协议 会谈 合作 管道 制裁 部长 代表团 条约 "
        "地区 经济 投资 铁路 演习 访问 伙伴关系 稳定 走廊 粮食 关税 项目 增长 改革",
        "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 涛 明",
        "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡",
        "",
    ),
    "ar": (
        "القمة القادة ناقشوا التجارة الأمن الطاقة الحدود الاتفاق المحادثات التعاون "
        "خط الأنابيب العقوبات الوزراء الوفد المعاهدة المنطقة الاقتصاد الاستثمار السكك",
        "ليلى أحمد فاطمة خالد نور عمر سلمى يوسف مريم طارق هدى سامي",
        "حداد منصور العلي الخطيب ناصر يوسف سليمان الحسن عيسى قاسم",
        " ",
    ),
}
SYLLABLES = "ka ri to len mar vo sti an del ur bel gra no zan tes ol vik ham sul dor".split()
LANGUAGES = ["en"] * 7 + ["ru", "zh", "ar"]
CUES = {
    AttributionKind.DIRECT_QUOTE: ["said", "stated", "told reporters", "declared", "labeled it"],
    AttributionKind.PARAPHRASE: ["said", "argued", "announced", "is convinced", "believes"],
    AttributionKind.REPORTED: ["reportedly said", "was quoted as saying", "according to"],
}
CHANNEL_KINDS = [
    SourceKind.RELEASE,
    SourceKind.STATEMENT,
    SourceKind.INTERVIEW,
    SourceKind.BRIEFING,
]


def scaled(count, scale, least=1):
    return max(least, round(count * scale))


@dataclass(frozen=True)
class Sizes:
    """How many of each row a scale makes."""

    actors: int
    outlets: int
    channels: int
    events: int
    articles: int
    claims: int
    briefings: int
    drafts: int
    big_briefings: tuple  # key claims of the two big briefings
    top_speaker_every: int = 20  # every 20th claim is the top actor's: 5,000 of 100,000

    @classmethod
    def at(cls, scale):
        articles = scaled(5000, scale)
        return cls(
            actors=scaled(2000, scale, least=10),
            outlets=scaled(60, scale, least=2),
            channels=scaled(140, scale, least=2),
            events=scaled(100, scale, least=2),
            articles=articles,
            claims=max(articles, round(100_000 * scale)),
            briefings=scaled(500, scale, least=3),
            drafts=scaled(25, scale),
            big_briefings=(scaled(1000, scale), scaled(200, scale)),
        )


class Words:
    """Sentences, names and titles drawn from one Random."""

    def __init__(self, rng):
        self.rng = rng
        self.scripts = {
            language: (words.split(), first.split(), family.split(), sep)
            for language, (words, first, family, sep) in SCRIPTS.items()
        }

    def clause(self, language, least=6, most=16):
        words, _, _, sep = self.scripts[language]
        chosen = self.rng.choices(words, k=self.rng.randint(least, most))
        if language == "en" and self.rng.random() < 0.3:
            # A place name from thousands, so some words are rare (what search finds once).
            chosen[-1] = "".join(self.rng.choices(SYLLABLES, k=3)).capitalize()
        return sep.join(chosen)

    def sentence(self, language):
        text = self.clause(language, 8, 22)
        return text[:1].upper() + text[1:] + ("。" if language == "zh" else ".")

    def name(self, language):
        _, first, family, sep = self.scripts[language]
        given, surname = self.rng.choice(first), self.rng.choice(family)
        return surname + given if language == "zh" else f"{given}{sep}{surname}"

    def title(self, language):
        return self.sentence(language)[:-1][:120]


class Builder:
    """Makes the rows of one corpus run; `progress(n)` is told of every n rows inserted."""

    def __init__(self, *, scale, seed, progress):
        self.sizes = Sizes.at(scale)
        self.seed = seed
        self.rng = random.Random(seed)
        self.words = Words(self.rng)
        self.progress = progress
        self.prefix = f"{SLUG_PREFIX}{seed}-"

    def insert(self, model, rows):
        model.objects.bulk_create(rows, batch_size=BATCH)
        self.progress(len(rows))
        return rows

    @transaction.atomic
    def build(self):
        self.actors = self.make_actors()
        self.make_sources()
        self.events = self.insert(
            Event,
            [
                Event(
                    slug=f"{self.prefix}event-{n}",
                    name=self.words.title("en"),
                    kind=self.rng.choice(EventKind.values),
                    start_date=(EPOCH + datetime.timedelta(days=n * 3)).date(),
                )
                for n in range(self.sizes.events)
            ],
        )
        self.make_articles_and_claims()
        self.make_briefings()

    def make_actors(self):
        sizes, rng = self.sizes, self.rng
        actors = []
        for n in range(sizes.actors):
            language = LANGUAGES[n % len(LANGUAGES)] if n else "en"
            kind = ActorKind.PERSON if n % 10 else rng.choice(ActorKind.values)
            actors.append(
                Actor(
                    slug=f"{self.prefix}actor-{n}",
                    name=self.words.name(language),
                    kind=kind,
                    title=self.words.clause("en", 2, 4) if kind == ActorKind.PERSON else "",
                    description=self.words.sentence("en"),
                )
            )
        self.insert(Actor, actors)
        # Each actor is also known by a name in another script, as texts would write it.
        aliases = [
            ActorAlias(actor=actor, name=self.words.name(rng.choice(["ru", "zh", "ar"])))
            for actor in actors
        ]
        self.insert(ActorAlias, aliases)
        return actors

    def make_sources(self):
        sizes = self.sizes
        self.outlets = self.insert(
            Source,
            [
                Source(
                    slug=f"{self.prefix}outlet-{n}",
                    name=f"{self.words.name('en')} {self.rng.choice(['Times', 'Post', 'Wire'])}",
                    kind=SourceKind.OUTLET,
                    url=f"https://outlet-{n}.example.org/",
                )
                for n in range(sizes.outlets)
            ],
        )
        self.channels = self.insert(
            Source,
            [
                Source(
                    slug=f"{self.prefix}channel-{n}",
                    name=self.words.title("en")[:80],
                    kind=self.rng.choice(CHANNEL_KINDS),
                    publisher=self.rng.choice(self.actors),
                )
                for n in range(sizes.channels)
            ],
        )

    def make_articles_and_claims(self):
        """Articles a batch at a time, each with its share of the claims and their links."""
        sizes = self.sizes
        per_article, extra = divmod(sizes.claims, sizes.articles)
        # (id, article id) in article order: key claims are drawn from these.
        self.reviewed_claims = []
        number = 0  # of the claim, across the corpus
        batch = max(1, BATCH // max(1, per_article))
        for first in range(0, sizes.articles, batch):
            articles, planned = [], []
            for n in range(first, min(first + batch, sizes.articles)):
                count = per_article + (n < extra)
                article, spans = self.article(n, number, count)
                articles.append(article)
                planned.append(spans)
                number += count
            self.insert(Article, articles)
            made = [
                self.claim(article, *span)
                for article, spans in zip(articles, planned, strict=True)
                for span in spans
            ]
            claims = self.insert(Claim, [claim for claim, _, _ in made])
            self.insert(ClaimActor, [link for _, about, _ in made for link in about])
            self.insert(ClaimEvidence, [link for _, _, evidence in made for link in evidence])
            self.reviewed_claims += [
                (claim.pk, claim.article.pk)
                for claim in claims
                if claim.review_status == ReviewStatus.REVIEWED
            ]

    def article(self, n, number, count):
        """
        Return an unsaved article and its claims' spans: (number, start, end,
        kind, speaker) per claim, `number` counting claims across the corpus.
        """
        rng, words = self.rng, self.words
        language = LANGUAGES[n % len(LANGUAGES)]
        length = rng.randint(3000, 6000)
        claim_at = set(rng.sample(range(count * 2), count))  # which sentences carry a claim
        parts, spans, size, index = [], [], 0, 0
        while size < length or len(spans) < count:
            if parts:
                parts.append("\n" if index % 6 == 0 else " ")  # paragraphs of six sentences
                size += 1
            if index in claim_at and len(spans) < count:
                text, offset, quote, kind, speaker = self.claim_sentence(language, number)
                spans.append((number, size + offset, size + offset + len(quote), kind, speaker))
                number += 1
            else:
                text = words.sentence(language)
            parts.append(text)
            size += len(text)
            index += 1
        body = "".join(parts)
        digest = hashlib.sha256(body.encode()).hexdigest()
        published = EPOCH + datetime.timedelta(hours=n * 7 % 8760)
        article = Article(
            slug=f"{self.prefix}article-{n}",
            title=words.title(language),
            source=rng.choice(self.outlets),
            url=f"https://news.example.org/{self.seed}/{n}",
            byline=words.name(language),
            published_at=published,
            retrieved_at=published,
            language=language,
            body=body,
            body_sha256=digest,
            text_sha256=normalised_sha256(body),
        )
        return article, spans

    def claim_sentence(self, language, number):
        """Return (sentence, offset of the quote in it, quote, attribution kind, speaker)."""
        rng, words = self.rng, self.words
        quote = words.clause(language, 8, 20)
        if number % self.sizes.top_speaker_every == 0:
            speaker = self.actors[0]
        elif rng.random() < 0.12:
            # The article's own assertion: the whole sentence, no speaker.
            sentence = quote[:1].upper() + quote[1:]
            return sentence + ".", 0, sentence, AttributionKind.ASSERTION, None
        else:
            speaker = rng.choice(self.actors[1:])
        kind = rng.choice(list(CUES))
        cue = rng.choice(CUES[kind])
        if cue == "according to":
            head = f"According to {speaker.name}, "
        elif kind == AttributionKind.DIRECT_QUOTE:
            head = f"{speaker.name} {cue}: “"
        else:
            head = f"{speaker.name} {cue} that "
        tail = "”." if kind == AttributionKind.DIRECT_QUOTE else "."
        return head + quote + tail, len(head), quote, (kind, cue), speaker

    def claim(self, article, number, start, end, kind, speaker):
        rng = self.rng
        cue = ""
        if kind != AttributionKind.ASSERTION:
            kind, cue = kind
        quote_type = {
            AttributionKind.ASSERTION: QuoteType.NONE,
            AttributionKind.DIRECT_QUOTE: QuoteType.DIRECT,
            AttributionKind.PARAPHRASE: QuoteType.INDIRECT,
            AttributionKind.REPORTED: rng.choice([QuoteType.INDIRECT, QuoteType.MIXED]),
        }[kind]
        reviewed = rng.random() < 0.7
        verdict = rng.choice(Verdict.values) if reviewed else Verdict.UNVERIFIED
        rationale = (
            f"Checked against **{self.rng.choice(self.channels).name}**: "
            + self.words.sentence("en")
            if reviewed and rng.random() < 0.5
            else ""
        )
        prefix, suffix = context_around(article.body, start, end)
        claim = Claim(
            article=article,
            start=start,
            end=end,
            quote=article.body[start:end],
            prefix=prefix,
            suffix=suffix,
            speaker=speaker,
            attribution_kind=kind,
            cue=cue,
            quote_type=quote_type,
            channel=rng.choice(self.channels) if speaker and rng.random() < 0.3 else None,
            claim_type=rng.choice(ClaimType.values),
            event=rng.choice(self.events) if rng.random() < 0.25 else None,
            said_date=article.published_at.date(),
            verdict=verdict,
            rationale=rationale,
            rationale_html=render_markdown(rationale),
            review_status=ReviewStatus.REVIEWED if reviewed else ReviewStatus.UNREVIEWED,
            reviewed_at=article.published_at if reviewed else None,
        )
        about = [
            ClaimActor(claim=claim, actor=actor)
            for actor in {rng.choice(self.actors) for _ in range(rng.randint(0, 2))}
        ]
        evidence = [
            ClaimEvidence(claim=claim, source=rng.choice(self.channels), note="Checked.")
            for _ in range(reviewed and rng.random() < 0.4)
        ]
        return claim, about, evidence

    def make_briefings(self):
        """Published briefings (the first two the big ones) and a few drafts."""
        sizes, rng, words = self.sizes, self.rng, self.words
        briefings = []
        for n in range(sizes.briefings + sizes.drafts):
            published = n < sizes.briefings
            analysis = "\n\n".join(words.sentence("en") for _ in range(rng.randint(2, 5)))
            briefings.append(
                Briefing(
                    slug=f"{self.prefix}briefing-{n}",
                    title=words.title("en"),
                    lede=words.sentence("en"),
                    analysis=analysis,
                    analysis_html=render_markdown(analysis),
                    status=BriefingStatus.PUBLISHED if published else BriefingStatus.DRAFT,
                    published_at=EPOCH + datetime.timedelta(hours=n * 13) if published else None,
                    event=rng.choice(self.events) if rng.random() < 0.5 else None,
                )
            )
        self.insert(Briefing, briefings)
        article_links, claim_links, actor_links = [], [], []
        reviewed = self.reviewed_claims
        for n, briefing in enumerate(briefings):
            size = sizes.big_briefings[n] if n < len(sizes.big_briefings) else rng.randint(3, 12)
            size = min(size, len(reviewed))
            # A run of consecutive claims: a briefing draws on a few articles, not on all.
            first = rng.randrange(len(reviewed) - size + 1)
            chosen = reviewed[first : first + size]
            claim_links += [
                BriefingClaim(
                    briefing=briefing,
                    claim_id=pk,
                    position=position,
                    comment=words.sentence("en") if rng.random() < 0.2 else "",
                )
                for position, (pk, _) in enumerate(chosen)
            ]
            articles = dict.fromkeys(article for _, article in chosen)
            article_links += [
                BriefingArticle(briefing=briefing, article_id=pk, position=position)
                for position, pk in enumerate(articles)
            ]
            actor_links += [
                BriefingActor(briefing=briefing, actor=actor)
                for actor in rng.sample(self.actors, 3)
            ]
        self.insert(BriefingArticle, article_links)
        self.insert(BriefingClaim, claim_links)
        self.insert(BriefingActor, actor_links)
        analyze()
        rows_created_in_bulk(model=Briefing, rows=briefings)
        analyze()  # again: the refresh just set public_since, which every reader filters on


def analyze():
    """
    Give PostgreSQL's planner the row counts and values of the tables just
    filled: inside this transaction autovacuum cannot see them. A plan made
    for empty tables turns the visibility refresh's subqueries into
    sequential scans, and one that believes no claim public nests loops
    over every public claim.
    """
    if connection.vendor != "postgresql":
        return
    models = [Actor, ActorAlias, Source, Event, Article, Claim, ClaimActor, ClaimEvidence]
    models += [Briefing, BriefingArticle, BriefingClaim, BriefingActor]
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def total_rows(sizes):
    """Roughly how many rows a run inserts, for the progress bar."""
    links = sizes.claims * 2 + sizes.briefings * 16 + sum(sizes.big_briefings)
    return (
        sizes.actors * 2
        + sizes.outlets
        + sizes.channels
        + sizes.events
        + sizes.articles
        + (sizes.claims + links + sizes.briefings + sizes.drafts)
    )


def existing_runs():
    """The seeds of the corpus runs already in the database, from their first actor."""
    slugs = Actor.objects.filter(slug__regex=rf"^{SLUG_PREFIX}[0-9]+-actor-0$")
    return sorted(int(slug.split("-")[1]) for slug in slugs.values_list("slug", flat=True))


def make_corpus(*, scale=1.0, seed=1, progress=lambda n: None):
    """Insert a corpus; return its Sizes."""
    builder = Builder(scale=scale, seed=seed, progress=progress)
    builder.build()
    return builder.sizes
