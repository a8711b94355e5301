"""
ReDoc under the site's Content-Security-Policy: its page, which allows the
little ReDoc needs beyond the policy, and its bundle, which loads every asset
from this site.
"""

import functools
import hashlib

from csp.decorators import csp_update
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition
from drf_spectacular.views import SpectacularRedocView

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# ReDoc's sidebar credit shows this image; no option turns it off.
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

# ReDoc styles itself through its scripts' nonce (redoc-init.js), except for one
# stylesheet (perfect-scrollbar's) that its bundle inserts as it loads, before
# it is given the nonce: that element is allowed by its hashes, empty as it is
# inserted and then filled. A new ReDoc with other CSS shows up in
# tests/browser/test_csp.py as a refused style with the hash to put here.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]

# Its search index is built in a Web Worker made from a blob: URL.
redoc_page = csp_update({"style-src": REDOC_STYLE_HASHES, "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
)


@functools.cache
def redoc_bundle():
    """
    Return ReDoc's bundle with its credit logo pointing at this site's copy,
    and the bundle's ETag. Fail loudly if a new ReDoc no longer names the logo
    it did: look again at what it loads from elsewhere.
    """
    source = open(finders.find(REDOC_BUNDLE), encoding="utf-8").read()
    if source.count(REDOC_CDN_LOGO) != 1:
        raise ImproperlyConfigured(f"{REDOC_BUNDLE} no longer loads {REDOC_CDN_LOGO} once.")
    content = source.replace(REDOC_CDN_LOGO, static("api/redoc-logo.svg")).encode()
    return content, f'"{hashlib.sha256(content).hexdigest()[:32]}"'


@gzip_page
@condition(etag_func=lambda request: redoc_bundle()[1])
def redoc_bundle_view(request):
    response = HttpResponse(redoc_bundle()[0], content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
