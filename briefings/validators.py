"""
Checks on incoming text and names that every way in shares: the API's
parsers, the seed loader, the query-string guard and the models.
"""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Deeper nesting than any document of ours has is refused before anything walks it.
MAX_DEPTH = 64


def text_problems(value, path, max_depth=MAX_DEPTH):
    """
    Yield (path, message) for each string inside value (dicts, lists, strings)
    that no database can store: NUL characters (PostgreSQL refuses them) and
    unpaired surrogates (neither database can encode them); and for nesting
    deeper than max_depth (named by the outermost path), where the walk stops.
    """
    root, stack = path, [(value, path, 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list) and depth >= max_depth:
            yield root, f"nested deeper than {max_depth} levels of objects and lists."
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                stack.append((item, f"{path}.{key}", depth + 1))
                stack.append((key, path, depth + 1))
        elif isinstance(value, list):
            stack.extend(
                (item, f"{path}[{index}]", depth + 1)
                for index, item in reversed(list(enumerate(value)))
            )
        elif isinstance(value, str):
            message = text_problem(value)
            if message:
                yield path, message


def text_problem(text):
    """Return why text cannot be stored, or None."""
    if "\x00" in text:
        return "null characters are not allowed."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "the text is not valid Unicode (unpaired surrogate)."
    return None


@deconstructible
class ReservedSlugValidator:
    """Refuse slugs that a URL under the same prefix already uses as a route word."""

    def __init__(self, words, prefix):
        self.words = sorted(words)
        self.prefix = prefix

    def __call__(self, value):
        if value in self.words:
            raise ValidationError(
                f"“{value}” is reserved: {self.prefix}{value}/ is another address "
                f"on this site. Reserved: {', '.join(self.words)}.",
                code="reserved",
                params={"value": value},
            )

    def __eq__(self, other):
        return (
            isinstance(other, ReservedSlugValidator)
            and self.words == other.words
            and self.prefix == other.prefix
        )
