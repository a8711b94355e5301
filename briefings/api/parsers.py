"""
Request parsing that refuses what no database can store, in every format the
API reads: JSON, form-encoded and multipart bodies.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from briefings.validators import MAX_DEPTH, text_problems


def check_text(data, path="body"):
    """Raise ParseError naming the first unstorable string (or too deep nesting) in data."""
    for place, message in text_problems(data, path):
        raise ParseError(f"{place}: {message}")


def check_form(data):
    """check_text for a QueryDict: a field sent once is named `body.<field>`."""
    check_text({key: values[0] if len(values) == 1 else values for key, values in data.lists()})


class StrictJSONParser(JSONParser):
    """
    JSON without NUL characters or unpaired surrogates anywhere, nested at most
    MAX_DEPTH levels. Python's decoder gives up near 1,000 levels with a
    RecursionError; that is refused the same way.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"body: nested deeper than {MAX_DEPTH} levels of objects and lists."
            ) from None
        check_text(data)
        return data


class StrictFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_form(data)
        return data


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data_and_files = super().parse(stream, media_type, parser_context)
        check_form(data_and_files.data)
        return data_and_files
