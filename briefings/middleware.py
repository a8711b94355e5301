"""Refuse request parameters that no database can store, before any view reads them."""

from django.http import JsonResponse
from django.shortcuts import render

from briefings.validators import text_problem

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnstorableTextMiddleware:
    """
    Answer 400 to a query string, or a form posted outside the API, holding NUL
    characters or unpaired surrogates: on PostgreSQL they would fail the first
    query that compares them (a search, a lookup, an admin autocomplete) with a
    500. The API's own parsers check its bodies and name the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request.GET, "query parameter")
        if problem is None and not request.path.startswith(API_PREFIX):
            if request.method == "POST" and request.content_type in FORM_TYPES:
                problem = self.problem(request.POST, "form field")
        if problem is None:
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": problem}, status=400)
        return render(request, "400.html", {"message": problem}, status=400)

    def problem(self, data, kind):
        for key, values in data.lists():
            for text in [key, *values]:
                message = text_problem(text)
                if message:
                    return f"The {kind} {key!r}: {message}"
        return None
