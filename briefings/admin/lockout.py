"""The page django-axes answers a locked-out admin login with."""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse


def lockout_response(request, original_response, credentials):
    """
    Explain the lockout and when to try again (AXES_LOCKOUT_CALLABLE).

    The wait restarts with every try during it, so it is a whole cool-off
    from now; Retry-After says the same in seconds.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    response = TemplateResponse(
        request,
        "admin/lockout.html",
        {
            **admin.site.each_context(request),
            "title": "Too many failed logins",
            "minutes": round(cool_off.total_seconds() / 60),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "login_url": reverse("admin:login"),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response.render()
