"""
Conditional requests: ETag and Last-Modified on reads (304 when unchanged),
If-Match on writes (412 when the client's copy is stale).

A detail ETag is "v<version>-<digest>": the digest covers the whole
representation, embedded objects included, so a cached copy is never served
after anything in it changed; the version is what If-Match checks. A write
to a versioned resource must send If-Match (428 without it); the view checks
it against the row it has locked for the write, so two consumers cannot
overwrite each other's changes.
"""

import hashlib
import re

from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

VERSION_TAG = re.compile(r'^(?:W/)?"v(\d+)-')


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it; fetch it again and retry."
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "This write needs an If-Match header: GET the resource and send its ETag back as If-Match."
    )
    default_code = "precondition_required"


def if_match_versions(header):
    """Return the versions named by an If-Match header: None for "*" (any version)."""
    if header.strip() == "*":
        return None
    versions = set()
    for tag in header.split(","):
        match = VERSION_TAG.match(tag.strip())
        if match:
            versions.add(int(match.group(1)))
    return versions


class ConditionalMixin:
    """ViewSet mixin: validators on GET/HEAD responses, If-Match on updates."""

    def get_object(self):
        obj = super().get_object()
        self.conditional_objects = [obj]
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.conditional_objects = page
        return page

    def last_modified(self, objects):
        """Return when the newest of the shown objects changed, if they record it."""
        times = [obj.updated_at for obj in objects if getattr(obj, "updated_at", None)]
        return max(times) if times and len(times) == len(objects) else None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        written = (status.HTTP_200_OK, status.HTTP_202_ACCEPTED)
        if not (response.status_code in written and isinstance(response, Response)):
            return response
        if request.method not in ("GET", "HEAD"):
            # A write answers with the new representation and its ETag, so the
            # client can write again without reading first; a write accepted
            # for review (202) made a new version too.
            if self.detail and getattr(self, "conditional_objects", None):
                response.headers["ETag"] = self.etag(response)
            return response
        etag = self.etag(response)
        response.headers["ETag"] = etag
        objects = getattr(self, "conditional_objects", None)
        last_modified = None
        if self.action in ("list", "retrieve") and objects:
            last_modified = self.last_modified(objects)
        if last_modified:
            response.headers["Last-Modified"] = http_date(last_modified.timestamp())
            last_modified = int(last_modified.timestamp())
        return get_conditional_response(
            request._request, etag=etag, last_modified=last_modified, response=response
        )

    def etag(self, response):
        response.render()
        digest = hashlib.blake2b(response.content, digest_size=12).hexdigest()
        objects = getattr(self, "conditional_objects", None)
        if self.detail and objects and hasattr(objects[0], "version"):
            return f'"v{objects[0].version}-{digest}"'
        return f'"{digest}"'

    def check_if_match(self, instance):
        """
        Refuse the write unless If-Match names `instance`'s version: 428 without
        the header, 412 when it names another. "*" matches any version. Call it
        on the row locked for the write, so the version cannot move before the save.
        """
        header = self.request.headers.get("If-Match", "")
        if not header.strip():
            lookup = self.lookup_url_kwarg or self.lookup_field
            url = self.reverse_action("detail", kwargs={lookup: self.kwargs[lookup]})
            raise PreconditionRequired(
                f"Writing to this {instance._meta.verbose_name} needs an If-Match header "
                f"naming the version you change: GET {url} and send its ETag header back "
                "as If-Match."
            )
        versions = if_match_versions(header)
        if versions is not None and instance.version not in versions:
            raise PreconditionFailed(
                f"This {instance._meta.verbose_name} is at version {instance.version}; "
                "your If-Match names another. Fetch it again and reapply your change."
            )
