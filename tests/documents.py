"""Exchange documents of any size, for the import tests and the benchmark."""

from briefings.api.exchange import FORMAT, FORMAT_VERSION

CLAIMS_PER_ARTICLE = 200
SPEAKERS = 20


def sentence(n):
    return f"Speaker {n} said that point {n} holds. Observers disagreed."


def large_document(claims, *, slug="bulk-briefing"):
    """
    A draft briefing over articles holding `claims` unreviewed claims with
    full data: speaker, cue, channel, event, statement, rationale, an actor
    they are about and an evidence source with a note.
    """
    articles = -(-claims // CLAIMS_PER_ARTICLE)
    actors = [
        {"slug": f"{slug}-speaker-{n}", "name": f"Speaker {n}", "kind": "person"}
        for n in range(SPEAKERS)
    ]
    sources = [
        {"slug": f"{slug}-outlet", "name": "The Outlet", "kind": "outlet"},
        {"slug": f"{slug}-release", "name": "A release", "kind": "release"},
    ]
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "actors": actors,
        "sources": sources,
        "events": [{"slug": f"{slug}-summit", "name": "The summit", "kind": "summit"}],
        "articles": [
            {
                "slug": f"{slug}-article-{a}",
                "title": f"Article {a}",
                "source": f"{slug}-outlet",
                "body": "\n".join(sentence(n) for n in range(CLAIMS_PER_ARTICLE)),
            }
            for a in range(articles)
        ],
        "statements": [
            {"key": "statement-1", "summary": "The point holds.", "speaker": actors[0]["slug"]}
        ],
        "affiliations": [],
        "claims": [],
    }
    body = document["articles"][0]["body"]
    for c in range(claims):
        n = c % CLAIMS_PER_ARTICLE
        quote = f"point {n} holds"
        start = body.index(f"{quote}.")
        speaker = actors[c % SPEAKERS]["slug"]
        document["claims"].append(
            {
                "key": f"claim-{c}",
                "article": f"{slug}-article-{c // CLAIMS_PER_ARTICLE}",
                "start": start,
                "end": start + len(quote),
                "quote": quote,
                "speaker": speaker,
                "attribution_kind": "reported",
                "cue": "said that",
                "quote_type": "indirect",
                "channel": f"{slug}-release",
                "claim_type": "factual",
                "event": f"{slug}-summit",
                "statement": "statement-1" if c % SPEAKERS == 0 else None,
                "verdict": "accurate",
                "rationale": f"Checked against *record* {c}.",
                "about": [actors[(c + 1) % SPEAKERS]["slug"]],
                "evidence": [{"source": f"{slug}-outlet", "note": f"Page {c}"}],
            }
        )
    document["briefing"] = {
        "slug": slug,
        "title": "A large briefing",
        "lede": "Many claims.",
        "status": "draft",
        "articles": [article["slug"] for article in document["articles"]],
        "key_claims": [{"claim": "claim-0", "comment": "The first."}],
        "actors": [actors[0]["slug"]],
    }
    return document
