"""
GIN indexes for full-text search, on PostgreSQL only.

Each index is built on the very expression briefings.search.vector() returns,
so a query filtering on that expression can use it. SQLite has no GIN
indexes; there the search falls back to substring matching and this
migration does nothing. It changes no model state, so makemigrations sees
nothing to do.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from briefings.search import vector

INDEXES = {
    "briefings.briefing": "briefings_briefing_search",
    "briefings.claim": "briefings_claim_search",
    "briefings.actor": "briefings_actor_search",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for label, name in INDEXES.items():
        schema_editor.add_index(apps.get_model(label), GinIndex(vector(label), name=name))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for label, name in INDEXES.items():
        schema_editor.remove_index(apps.get_model(label), GinIndex(vector(label), name=name))


class Migration(migrations.Migration):
    dependencies = [("briefings", "0002_editor_and_reviewer_groups")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
