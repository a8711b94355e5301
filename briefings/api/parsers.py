"""Request parsing that refuses text no database can store."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """
    JSON without NUL characters or unpaired surrogates anywhere: PostgreSQL
    cannot store the first and neither database can encode the second, so
    they are refused here with a 400 instead of failing at the database.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_text(data)
        return data


def check_text(value, path="body"):
    if isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path)
            check_text(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, f"{path}[{index}]")
    elif isinstance(value, str):
        if "\x00" in value:
            raise ParseError(f"{path}: null characters are not allowed.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(
                f"{path}: the text is not valid Unicode (unpaired surrogate)."
            ) from None
