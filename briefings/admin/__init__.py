"""
The editors' workspace: every newsroom model in the admin, the briefing
workflow as actions, and the article page as an annotation workspace.

Workflow, anchoring and merging rules live in briefings.services, and every
write to a claim or briefing goes through briefings.editing; the admin calls
them so that the admin and the API follow one set of rules.
"""

from django.contrib import admin

from briefings.admin import actors, articles, briefings, claims  # noqa: F401  (registers)

admin.site.site_header = "Briefings newsroom"
admin.site.site_title = "Briefings admin"
admin.site.index_title = "Newsroom"
