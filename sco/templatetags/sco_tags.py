"""
The SCO panel that briefing and event pages show for a summit.

Why a template tag: the briefings app must never import sco, yet a briefing
about a summit should show who attended, who sent whom and the sideline
meetings. The briefings templates reach it only through this library, by
name, at render time; briefings' Python code knows nothing of summits, and
the panel's queries (a fixed four or five, whatever the briefing holds)
live next to the sco models they read. An Event that is not a summit costs
no query: the tag checks the event's kind first.
"""

from django import template

from briefings.models import EventKind
from sco.views import summit_actor_ids, summits_with_details, visible_actor_ids

register = template.Library()


@register.inclusion_tag("sco/includes/summit_panel.html", takes_context=True)
def summit_panel(context, event):
    """Render the attendance, representation and sideline meetings of a summit event."""
    user = context["request"].user
    summit = None
    if event is not None and event.kind == EventKind.SUMMIT:
        summit = summits_with_details(user).filter(pk=event.pk).first()
    return {
        "summit": summit,
        "public_actor_ids": visible_actor_ids(summit_actor_ids([summit]), user)
        if summit
        else set(),
    }
