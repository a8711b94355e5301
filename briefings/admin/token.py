"""
A staff member's own API token: create it (the key is shown once, on the
page that made it), replace it, or revoke it. Nobody else's token is reachable here.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@require_http_methods(["GET", "POST"])
def api_token(request):
    """GET says whether you have a token; POST `action=create` or `action=revoke`."""
    user = request.user
    key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            # One token a user: a new one replaces (and so revokes) the old.
            Token.objects.filter(user=user).delete()
            key = Token.objects.create(user=user).key
        elif action == "revoke":
            deleted, _ = Token.objects.filter(user=user).delete()
            if deleted:
                messages.success(
                    request, "Your API token is revoked; requests using it now get 401."
                )
            return HttpResponseRedirect(reverse("api-token"))
        else:
            return HttpResponseRedirect(reverse("api-token"))
    token = Token.objects.filter(user=user).first()
    context = {
        **admin.site.each_context(request),
        "title": "My API token",
        "token": token,
        "key": key,
        "docs_url": reverse("api:docs"),
    }
    return TemplateResponse(request, "admin/api_token.html", context)
