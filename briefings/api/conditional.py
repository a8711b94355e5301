"""
Conditional requests: ETag and Last-Modified on reads (304 when unchanged),
If-Match on writes (412 when the client's copy is stale).

A detail ETag is "v<version>-<digest>": the digest covers the whole
representation, embedded objects included, so a cached copy is never served
after anything in it changed; the version is what If-Match checks, under a
row lock (services.check_version), so two consumers cannot overwrite each
other's changes.
"""

import hashlib
import re

from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from briefings.services import check_version

VERSION_TAG = re.compile(r'^(?:W/)?"v(\d+)-')


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it; fetch it again and retry."
    default_code = "precondition_failed"


def if_match_versions(header):
    """Return the versions named by an If-Match header: None for "*" or no header."""
    if not header or header.strip() == "*":
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
        if not (
            request.method in ("GET", "HEAD")
            and response.status_code == status.HTTP_200_OK
            and isinstance(response, Response)
        ):
            return response
        response.render()
        digest = hashlib.blake2b(response.content, digest_size=12).hexdigest()
        objects = getattr(self, "conditional_objects", None)
        if self.detail and objects and hasattr(objects[0], "version"):
            etag = f'"v{objects[0].version}-{digest}"'
        else:
            etag = f'"{digest}"'
        response.headers["ETag"] = etag
        last_modified = None
        if self.action in ("list", "retrieve") and objects:
            last_modified = self.last_modified(objects)
        if last_modified:
            response.headers["Last-Modified"] = http_date(last_modified.timestamp())
            last_modified = int(last_modified.timestamp())
        return get_conditional_response(
            request._request, etag=etag, last_modified=last_modified, response=response
        )

    def check_if_match(self, instance):
        """Refuse the write with 412 unless If-Match names the stored version; lock the row."""
        versions = if_match_versions(self.request.headers.get("If-Match"))
        if versions is None:
            return
        if instance.version not in versions:
            raise PreconditionFailed(
                f"This {instance._meta.verbose_name} is at version {instance.version}; "
                "your If-Match names another. Fetch it again and reapply your change."
            )
        check_version(instance, instance.version)
