"""
Full-text search over briefings, claims and actors.

On PostgreSQL each model is searched through a weighted `to_tsvector`
expression; a migration (0003_search_indexes) builds a GIN index on exactly
the expression returned by `vector()`, so the planner matches the query to
the index. SQLite has neither, so there every word of the query must occur
in one of the fields, compared casefolded in Python (SQLite's own LIKE folds
only ASCII: "путин" would miss "Путин"); rows whose first field holds every
word rank first.

Both databases match names (of speakers, aliases) with the `foldcontains`
lookup: upper-cased LIKE on PostgreSQL, casefolded on SQLite.

Highlighting escapes the text first and only then inserts <mark>, so no
stored text is ever trusted as HTML.
"""

import re
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, CharField, IntegerField, Lookup, Q, TextField, Value, When
from django.db.models.lookups import IContains
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = "english"
WEIGHTS = ("A", "B", "C", "D")

# Field lists per model, most important first: (indexed fields, headline field).
FIELDS = {
    "briefings.briefing": (("title", "lede", "analysis"), "lede"),
    "briefings.claim": (("quote", "rationale"), "quote"),
    "briefings.actor": (("name", "title", "description"), "name"),
}

# Sentinels PostgreSQL wraps around matches; replaced by <mark> after escaping.
START, STOP = "\x02", "\x03"
MAX_QUERY_LENGTH = 200


SQLITE_CASEFOLD = "briefings_casefold"


def sqlite_casefold(value):
    return value.casefold() if isinstance(value, str) else value


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created receiver: give SQLite a Unicode-aware casefold()."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_CASEFOLD, 1, sqlite_casefold, deterministic=True
        )


@CharField.register_lookup
@TextField.register_lookup
class FoldContains(Lookup):
    """
    `field__foldcontains=text`: case-insensitive containment in every script.
    PostgreSQL's UPPER() knows Unicode, so there it is icontains.
    """

    lookup_name = "foldcontains"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"instr({SQLITE_CASEFOLD}({lhs}), {SQLITE_CASEFOLD}({rhs})) > 0"
        return sql, (*lhs_params, *rhs_params)


def all_words(field, words):
    """Q: every word occurs in field."""
    return reduce(Q.__and__, (Q(**{f"{field}__foldcontains": word}) for word in words))


def vector(label):
    """Return the weighted search vector for a model label; the GIN index is built on it."""
    fields, _ = FIELDS[label]
    return reduce(
        lambda left, right: left + right,
        (
            SearchVector(field, weight=weight, config=CONFIG)
            for field, weight in zip(fields, WEIGHTS, strict=False)
        ),
    )


def terms(text):
    """Split a query into words, without operators or punctuation."""
    return [word for word in re.findall(r"\w+", text) if word]


def search(queryset, text, also=None):
    """
    Filter queryset to rows matching text, best first, annotated with
    `headline` (on PostgreSQL: the text with sentinel-marked matches).

    `also`, given the query's words, returns a Q for other rows to include
    (an actor found by one of its aliases).
    """
    label = queryset.model._meta.label_lower
    fields, headline_field = FIELDS[label]
    words = terms(text)
    if not words:
        return queryset.annotate(headline=Value(""), rank=Value(0)).none()
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(" ".join(words), config=CONFIG, search_type="plain")
        match = Q(search=query)
        if also:
            # An OR of the text match and another condition on the same rows
            # would make PostgreSQL scan them all; a subquery of the text
            # matches keeps the GIN index in use.
            texts = queryset.model._base_manager.annotate(search=vector(label)).filter(match)
            match = Q(pk__in=texts.values("pk")) | also(words)
        return (
            queryset.annotate(search=vector(label))
            .filter(match)
            .annotate(
                rank=SearchRank(vector(label), query),
                headline=SearchHeadline(
                    headline_field,
                    query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    highlight_all=True,
                ),
            )
            .order_by("-rank", "pk")
        )
    match = reduce(
        Q.__and__,
        (
            reduce(Q.__or__, (Q(**{f"{field}__foldcontains": word}) for field in fields))
            for word in words
        ),
    )
    if also:
        match |= also(words)
    best = Case(
        When(all_words(fields[0], words), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.filter(match).annotate(headline=Value(""), rank=best).order_by("-rank", "pk")


def headline_html(row, field, text):
    """
    Return safe HTML of the row's `field` with the matches of `text` marked.

    Uses PostgreSQL's headline when the row has one (it knows stems:
    “meets” marks “meet”); otherwise marks each query word where it occurs.
    """
    if getattr(row, "headline", ""):
        marked = escape(row.headline)
        return mark_safe(marked.replace(START, "<mark>").replace(STOP, "</mark>"))
    return highlight(getattr(row, field), terms(text))


def highlight(value, words):
    """Escape value and wrap every case-insensitive occurrence of the words in <mark>."""
    if not words:
        return escape(value)
    pattern = re.compile(
        "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE
    )
    pieces, last = [], 0
    for match in pattern.finditer(value):
        pieces.append(escape(value[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(value[last:]))
    return mark_safe("".join(pieces))
