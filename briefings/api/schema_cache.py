"""
The OpenAPI schema, generated once per process.

Generating it takes over a second of CPU, and it changes only when the code
does, so a deploy (a process restart) is its only invalidation.
"""

import threading

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response
from rest_framework.settings import api_settings


class SchemaView(SpectacularAPIView):
    """
    Serve the schema rendered once for each (format, version, language,
    audience), as stored bytes. A lock makes concurrent first requests wait
    for one generation instead of each running their own.
    """

    # Served from memory, so not worth a throttle; and warming it at start-up
    # must not spend an anonymous client's allowance.
    throttle_classes = []
    schemas = {}  # (version, language, audience) -> schema
    rendered = {}  # (media type, *schema key) -> (content, headers)
    lock = threading.Lock()

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        # Unknown languages and versions fall back to the defaults, and media type
        # parameters (`; indent=…`) are ignored, so the cache holds a bounded
        # number of entries whatever clients send.
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (request.accepted_renderer.media_type, version, language, self.audience(request.user))
        content, headers = self.rendered.get(key) or self.render(request, key, language)
        return HttpResponse(content, headers=headers)

    def _get_version_parameter(self, request):
        version = request.GET.get("version")
        return version if version in (api_settings.ALLOWED_VERSIONS or ()) else None

    @staticmethod
    def audience(user):
        """
        What else the schema varies by: serializers show staff fields that
        readers do not get (a reviewed resource's pending_change), by permission.
        """
        if not (user.is_active and user.is_staff):
            return None
        return frozenset(user.get_all_permissions())

    def render(self, request, key, language):
        """Return (content, headers), generating the schema once for all formats."""
        with self.lock:
            if key not in self.rendered:
                version = key[1]
                schema = self.schemas.get(key[1:])
                if schema is None:
                    with translation.override(language):
                        schema = self._get_schema_response(request).data
                    self.schemas[key[1:]] = schema
                response = Response(schema)
                response.accepted_renderer = request.accepted_renderer
                response.accepted_media_type = key[0]
                response.renderer_context = self.get_renderer_context()
                response.render()
                headers = {
                    "Content-Type": response["Content-Type"],
                    "Content-Disposition": (
                        f'inline; filename="{self._get_filename(request, version)}"'
                    ),
                }
                self.rendered[key] = (response.content, headers)
            return self.rendered[key]


def warm_schema_cache():
    """Render the schema readers get, as YAML and as JSON, into SchemaView's cache."""
    view = SchemaView.as_view()
    for query in ({}, {"format": "json"}):
        view(RequestFactory().get("/api/schema/", query))
