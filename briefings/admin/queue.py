"""
The reviewers' queue: everything waiting for a reviewer, with counts and links.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse

from briefings.models import Briefing, BriefingStatus, Claim, ClaimComment, PendingChange

# Rows listed per part of the queue; the counts and links cover the rest.
SHOWN = 50


def review_queue(request):
    """Briefings in review, changes since review, unreviewed and orphaned claims, open comments."""
    if not request.user.has_perm("briefings.view_claim"):
        raise PermissionDenied
    changelist = reverse("admin:briefings_claim_changelist")
    in_review = Briefing.objects.filter(status=BriefingStatus.IN_REVIEW).order_by("-updated_at")
    changes = PendingChange.objects.select_related(
        "claim__speaker", "briefing", "created_by"
    ).order_by("created_at")
    unreviewed = (
        Claim.objects.filter(review_status="unreviewed")
        .select_related("speaker", "article")
        .defer("article__body")
        .order_by("created_at")
    )
    orphaned = Claim.objects.orphaned().select_related("speaker", "article").defer("article__body")
    comments = (
        ClaimComment.objects.filter(is_resolved=False)
        .select_related("claim", "author")
        .order_by("created_at")
    )
    parts = [
        (
            "Briefings in review",
            in_review,
            reverse("admin:briefings_briefing_changelist") + "?status__exact=in_review",
        ),
        ("Changed since review", changes, changelist + "?pending=yes"),
        ("Claims awaiting review", unreviewed, changelist + "?review_status__exact=unreviewed"),
        ("Orphaned claims", orphaned, changelist + "?anchoring=orphaned"),
        (
            "Open comments",
            comments,
            reverse("admin:briefings_claimcomment_changelist") + "?is_resolved__exact=0",
        ),
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Review queue",
        "parts": [
            {
                "title": title,
                "count": rows.count(),
                "rows": [describe(row) for row in rows[:SHOWN]],
                "url": url,
            }
            for title, rows, url in parts
        ],
    }
    return TemplateResponse(request, "admin/review_queue.html", context)


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def describe(row):
    """(text, admin link, note) for a row of the queue."""
    if isinstance(row, PendingChange):
        fields = ", ".join(name.replace("_", " ") for name in row.data)
        return str(row.target), change_url(row.target), f"{fields} — by {row.created_by}"
    if isinstance(row, ClaimComment):
        return (
            f"“{row.body[:120]}”",
            change_url(row.claim),
            f"{row.author} on claim #{row.claim_id}",
        )
    if isinstance(row, Claim):
        return str(row), change_url(row), row.article.title
    return str(row), change_url(row), f"updated {row.updated_at:%Y-%m-%d %H:%M}"
