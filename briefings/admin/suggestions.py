"""
Suggested claims in the article's workspace: find them, then accept (as
they are or edited), or reject them, one or many at a time.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from briefings import suggestions
from briefings.forms import SuggestionFormSet
from briefings.models import ActorKind, Suggestion, SuggestionStatus

PREFIX = "suggestion"


def open_suggestions(article):
    return list(
        article.suggestions.filter(status=SuggestionStatus.OPEN).select_related(
            "speaker", "similar_claim__article__source", "similar_claim__speaker"
        )
    )


def suggestions_context(request, article):
    """The workspace's list of open suggestions, as a formset an editor confirms."""
    rows = open_suggestions(article)
    initial = [
        {
            "suggestion": row.pk,
            "speaker": row.speaker_id,
            "cue": row.cue,
            "quote_type": row.quote_type,
            "same_statement": row.similar_claim_id is not None,
            # A speaker no actor is yet is most often a person; the editor sees and may change it.
            "new_actor_kind": "" if row.speaker_id else ActorKind.PERSON,
        }
        for row in rows
    ]
    labels = {str(row.speaker_id): row.speaker.name for row in rows if row.speaker_id}
    formset = SuggestionFormSet(
        initial=initial, prefix=PREFIX, form_kwargs={"speaker_labels": labels}
    )
    return {
        "suggestion_rows": list(zip(rows, formset.forms, strict=True)),
        "suggestion_formset": formset,
        "can_suggest": request.user.has_perm("briefings.add_claim"),
    }


class SuggestionsAdminMixin:
    """The ArticleAdmin views behind the workspace's suggestions."""

    def suggestion_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/suggestions/find/",
                self.admin_site.admin_view(require_POST(self.suggestions_find_view)),
                name="{}_{}_suggestions_find".format(*info),
            ),
            path(
                "<path:object_id>/suggestions/decide/",
                self.admin_site.admin_view(require_POST(self.suggestions_decide_view)),
                name="{}_{}_suggestions_decide".format(*info),
            ),
        ]

    def suggestion_article(self, request, object_id):
        if not request.user.has_perm("briefings.add_claim"):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("This article does not exist.")
        return article

    def back_to(self, article):
        url = reverse("admin:briefings_article_change", args=[article.pk])
        return HttpResponseRedirect(f"{url}#suggestions")

    def suggestions_find_view(self, request, object_id):
        article = self.suggestion_article(request, object_id)
        found = suggestions.suggestions_find(article=article)
        messages.success(
            request,
            f"Found {len(found)} new suggested claim{'s' if len(found) != 1 else ''}."
            if found
            else "No new suggestions: every attributed claim found is already suggested or made.",
        )
        return self.back_to(article)

    def suggestions_decide_view(self, request, object_id):
        """Accept or reject the selected suggestions, each on its own: one refusal stops none."""
        article = self.suggestion_article(request, object_id)
        decision = request.POST.get("decision")
        formset = SuggestionFormSet(request.POST, prefix=PREFIX)
        if decision not in ("accept", "reject") or not formset.is_valid():
            messages.error(request, "Nothing was changed: the suggestions form was incomplete.")
            return self.back_to(article)
        chosen = [form.cleaned_data for form in formset if form.cleaned_data.get("selected")]
        rows = Suggestion.objects.filter(
            article=article, pk__in=[data["suggestion"] for data in chosen]
        ).in_bulk()
        done, refused = 0, []
        for data in chosen:
            suggestion = rows.get(data["suggestion"])
            if suggestion is None:
                continue
            try:
                self.decide(suggestion, decision, data, request.user)
            except (ValidationError, PermissionDenied) as error:
                messages_text = getattr(error, "messages", None) or [str(error)]
                refused.append(f"“{suggestion.quote[:60]}”: {' '.join(messages_text)}")
            else:
                done += 1
        verb = "Accepted" if decision == "accept" else "Rejected"
        if done:
            made = " as unreviewed claims" if decision == "accept" else ""
            messages.success(request, f"{verb} {done} suggestion{'s' if done != 1 else ''}{made}.")
        for text in refused:
            messages.error(request, f"Not {verb.lower()}: {text}")
        if not (done or refused):
            messages.warning(request, "Select the suggestions to accept or reject.")
        return self.back_to(article)

    def decide(self, suggestion, decision, data, by):
        if decision == "reject":
            return suggestions.suggestion_reject(suggestion=suggestion, by=by)
        quote_type = data["quote_type"]
        return suggestions.suggestion_accept(
            suggestion=suggestion,
            by=by,
            data={
                "speaker": data["speaker"] or suggestion.speaker,
                "cue": data["cue"],
                "quote_type": quote_type,
                "attribution_kind": suggestions.ATTRIBUTION[quote_type],
            },
            same_statement=data["same_statement"],
            new_actor_kind=data["new_actor_kind"] if not data["speaker"] else "",
        )
