"""
Claims chosen in an article's workspace, added to a briefing (an existing
one or a new draft) as its last key claims.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from briefings import editing, services
from briefings.admin.base import refusal_errors
from briefings.forms import ClaimsToBriefingForm
from briefings.models import Briefing


def can_brief(user):
    return user.has_perm("briefings.change_briefing")


def briefing_form_context(request, article):
    """The workspace's "Add to briefing" form, for those who may change briefings."""
    if not can_brief(request.user):
        return {"briefing_form": None}
    return {"briefing_form": ClaimsToBriefingForm(article=article, user=request.user)}


def added_message(briefing, edit, added, skipped, created):
    """What the editor is told, with a link to the briefing's change page to order its claims."""
    count = f"{len(added)} key claim{pluralize(len(added))}"
    if created:
        done = f"Created the draft briefing “{briefing}” with {count}."
    elif edit is None:
        done = f"Nothing added to “{briefing}”."
    elif edit.is_pending:
        done = (
            f"“{briefing}” is published: adding {count} waits for a reviewer; readers see "
            "the briefing as it was until then."
        )
    else:
        done = f"Added {count} to “{briefing}”."
    if skipped:
        done += f" Skipped {skipped} already in it."
    url = reverse("admin:briefings_briefing_change", args=[briefing.pk])
    return format_html('{} <a href="{}">Open the briefing to order them</a>.', done, url), url


def form_errors(form):
    """{field: [messages]} each naming the field it is about."""
    return {
        name: [f"{form.fields[name].label or name.capitalize()}: {text}" for text in texts]
        if name in form.fields
        else list(texts)
        for name, texts in form.errors.items()
    }


class WorkspaceBriefingAdminMixin:
    """The ArticleAdmin view behind the workspace's "Add to briefing"."""

    def briefing_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/claims/to-briefing/",
                self.admin_site.admin_view(require_POST(self.claims_to_briefing_view)),
                name="{}_{}_claims_to_briefing".format(*info),
            ),
        ]

    def claims_to_briefing_view(self, request, object_id):
        """
        Append the chosen claims to a briefing through editing.briefing_save;
        answer in JSON to the page's script, or go back to the workspace with
        a message. Bad input is answered 400, naming what is wrong.
        """
        if not can_brief(request.user):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("This article does not exist.")
        form = ClaimsToBriefingForm(request.POST, article=article, user=request.user)
        wants_json = "application/json" in request.headers.get("Accept", "")
        if not form.is_valid():
            return self.briefing_refused(request, article, form, wants_json)
        briefing, version = form.cleaned_data["briefing"]
        created = briefing is None
        if created:
            briefing = Briefing(
                title=form.cleaned_data["title"].strip(),
                slug=form.cleaned_data["slug"],
                lede=form.cleaned_data["lede"].strip(),
            )
        claims = form.cleaned_data["claims"]
        try:
            edit, added = editing.briefing_add_claims(
                briefing=briefing,
                claims=claims,
                by=request.user,
                expected_version=version,
                reason=form.cleaned_data["reason"],
            )
        except services.StaleEdit as error:
            form.add_error("briefing", str(error))
            return self.briefing_refused(request, article, form, wants_json, status=409)
        except ValidationError as error:
            for name, texts in refusal_errors(error):
                form.add_error(name if name in form.fields else None, texts)
            return self.briefing_refused(request, article, form, wants_json)
        message, url = added_message(briefing, edit, added, len(claims) - len(added), created)
        if wants_json:
            stored = Briefing.objects.only("pk", "title", "version").get(pk=briefing.pk)
            return JsonResponse(
                {
                    "message": message,
                    "url": url,
                    "briefing": {"value": f"{stored.pk}-v{stored.version}", "text": str(stored)},
                }
            )
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:briefings_article_change", args=[article.pk]) + "#annotator"
        )

    def briefing_refused(self, request, article, form, wants_json, status=400):
        """The errors, in JSON or on a page with the form to correct and send again."""
        if wants_json:
            return JsonResponse({"errors": form_errors(form)}, status=status)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": "Add claims to a briefing",
            "article": article,
            "briefing_form": form,
            "chosen_claims": request.POST.getlist("claims"),
        }
        return TemplateResponse(
            request, "admin/briefings/article/claims_to_briefing.html", context, status=status
        )
