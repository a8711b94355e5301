"""
Articles from files: a .txt, .html or .json file read into an Article and its Source.

Reading (`read_article_file`) touches no database, so every problem with a
file is found before anything is written; `article_import` then writes the
Source (if new) and the Article in one transaction.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from briefings.models import Article, Source, SourceKind
from briefings.models.articles import normalised_sha256

FORMATS = (".txt", ".html", ".htm", ".json")
MAX_BYTES = 5 * 1024 * 1024
HEADER_FIELDS = {
    "title": "title",
    "url": "url",
    "source": "source",
    "published": "published_at",
    "published_at": "published_at",
    "date": "published_at",
    "byline": "byline",
    "language": "language",
}
HEADER_LINE = re.compile(r"^([A-Za-z_ ]+):\s*(.*)$")


class ArticleFileError(ValueError):
    """A file that cannot become an article; the message names the file and the problem."""

    def __init__(self, message, duplicate=None):
        super().__init__(message)
        self.duplicate = duplicate


@dataclass(frozen=True)
class ArticleFile:
    """What a file says about an article, checked but not yet stored."""

    name: str
    title: str
    body: str
    url: str = ""
    source: str = ""
    byline: str = ""
    language: str = ""
    published_at: datetime | None = None


def read_article_file(name, data):
    """Return the ArticleFile in `data`, the bytes of the file called `name`."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in FORMATS:
        raise ArticleFileError(f"{name}: unsupported file type; use one of {', '.join(FORMATS)}.")
    if len(data) > MAX_BYTES:
        raise ArticleFileError(
            f"{name}: the file has {len(data):,} bytes; the limit is {MAX_BYTES:,}."
        )
    if suffix in (".html", ".htm"):
        fields = html_fields(name, data)
    else:
        text = decode(name, data)
        fields = json_fields(name, text) if suffix == ".json" else text_fields(name, text)
    return checked(name, fields)


def decode(name, data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleFileError(
            f"{name}: not UTF-8 text (byte {error.start} cannot be decoded); save it as UTF-8."
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_fields(name, text):
    """
    A plain-text file: the first line is the title and the rest the body, or a
    header block of `Field: value` lines, then a blank line, then the body.
    """
    lines = text.lstrip("\n").split("\n")
    first = HEADER_LINE.match(lines[0])
    if not (first and first[1].strip().lower() in HEADER_FIELDS):
        return {"title": lines[0], "body": "\n".join(lines[1:])}
    fields = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            return {**fields, "body": "\n".join(lines[number:])}
        match = HEADER_LINE.match(line)
        key = match and match[1].strip().lower()
        if key not in HEADER_FIELDS:
            known = ", ".join(sorted(HEADER_FIELDS))
            raise ArticleFileError(
                f"{name}, line {number}: {line[:60]!r} is not a header field ({known}); "
                "end the header with a blank line."
            )
        fields[HEADER_FIELDS[key]] = match[2].strip()
    raise ArticleFileError(f"{name}: the header block is not followed by a blank line and a body.")


def json_fields(name, text):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArticleFileError(
            f"{name}, line {error.lineno}: not valid JSON ({error.msg})."
        ) from None
    if not isinstance(document, dict):
        raise ArticleFileError(f"{name}: expected a JSON object with title and body.")
    allowed = {"title", "body", "url", "source", "byline", "language", "published_at"}
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise ArticleFileError(
            f"{name}: unknown field {unknown[0]!r}; the fields are {', '.join(sorted(allowed))}."
        )
    for key, value in document.items():
        if value is not None and not isinstance(value, str):
            raise ArticleFileError(f"{name}: {key} must be a string, not {type(value).__name__}.")
    return {key: value for key, value in document.items() if value is not None}


def html_fields(name, data):
    """The main text of a web page, without navigation, footers or comments."""
    import trafilatura

    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=False
    )
    if document is None or not (document.text or "").strip():
        raise ArticleFileError(f"{name}: no article text could be found in this page.")
    paragraphs = document.text.split("\n")
    if document.title and paragraphs[0].strip() == document.title.strip():
        paragraphs = paragraphs[1:]  # The page's own heading repeats the title.
    return {
        "title": document.title or "",
        "body": "\n".join(paragraphs),
        "url": document.url or "",
        "source": document.sitename or document.hostname or "",
        "byline": document.author or "",
        "language": document.language or "",
        "published_at": document.date or "",
    }


def checked(name, fields):
    """An ArticleFile from raw string fields, or an error naming the field at fault."""
    for key, value in fields.items():
        if "\x00" in value:
            raise ArticleFileError(f"{name}: {key} contains a NUL character.")
    title = " ".join(fields.get("title", "").split())
    body = fields.get("body", "").strip("\n")
    if not title:
        raise ArticleFileError(f"{name}: the article has no title.")
    if not body.strip():
        raise ArticleFileError(f"{name}: the article has no text.")
    source = " ".join(fields.get("source", "").split())
    limits = {
        "title": (title, Article),
        "url": (fields.get("url", ""), Article),
        "byline": (fields.get("byline", ""), Article),
        "language": (fields.get("language", ""), Article),
        "source": (source, Source),
    }
    for key, (value, model) in limits.items():
        limit = model._meta.get_field("name" if model is Source else key).max_length
        if len(value) > limit:
            raise ArticleFileError(
                f"{name}: {key} has {len(value)} characters; the limit is {limit}."
            )
    return ArticleFile(
        name=name,
        title=title,
        body=body,
        url=fields.get("url", ""),
        source=source,
        byline=fields.get("byline", ""),
        language=fields.get("language", ""),
        published_at=published_at(name, fields.get("published_at", "")),
    )


def published_at(name, text):
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day:
        moment = datetime.combine(day, time())
    if moment is None:
        raise ArticleFileError(
            f"{name}: published date {text!r} is not a date (use 2024-07-03 or 2024-07-03T09:15Z)."
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def duplicate_of(text):
    """The stored article with the same normalised text, if any."""
    return Article.objects.filter(text_sha256=normalised_sha256(text)).first()


@transaction.atomic
def article_import(*, document, source=None, by=None):
    """
    Create the Article a file describes, under `source` or the source the file
    names (found by name, or created as a news outlet). Refuse a copy of a
    stored article, naming it.
    """
    from briefings.api.serializers import unique_slug

    existing = duplicate_of(document.body)
    if existing:
        raise ArticleFileError(
            f"{document.name}: this text is already stored as the article "
            f"“{existing.title}” (slug {existing.slug!r}).",
            duplicate=existing,
        )
    if source is None:
        source = source_named(document)
    article = Article(
        slug=unique_slug(Article, document.title),
        title=document.title,
        source=source,
        url=document.url,
        byline=document.byline,
        published_at=document.published_at,
        retrieved_at=timezone.now(),
        body=document.body,
        **({"language": document.language} if document.language else {}),
    )
    try:
        article.full_clean()
    except ValidationError as error:
        problems = "; ".join(
            f"{key}: {' '.join(items)}" for key, items in error.message_dict.items()
        )
        raise ArticleFileError(f"{document.name}: {problems}") from None
    article._history_user = by
    article._change_reason = f"Imported from {document.name}"
    article.save()
    return article


def source_named(document):
    from briefings.api.serializers import unique_slug

    if not document.source:
        raise ArticleFileError(
            f"{document.name}: the file names no source; choose the source it came from."
        )
    source = Source.objects.filter(name__iexact=document.source).first()
    if source is None:
        source = Source(
            slug=unique_slug(Source, document.source),
            name=document.source,
            kind=SourceKind.OUTLET,
        )
        source.save()
    return source
