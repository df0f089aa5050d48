"""On PostgreSQL, keep each index entry's body (a tsvector of a few kilobytes) compressed in its
row instead of in the TOAST table: a search reads the body of every entry that holds a word to
rank it, and fetching it from TOAST cost most of that query (docs/search.md: 8 → 3.6 ms for a
common word over the 1,440-page archive). Existing entries are rewritten so they move too."""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"


def keep_bodies_inline(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite's FTS5 tables have no such storage choice
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN body SET STORAGE MAIN")
    schema_editor.execute(f"UPDATE {TABLE} SET body = body || ''::tsvector")


def back_to_toast(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN body SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [
        ("threatpress_search", "0001_result_text"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(keep_bodies_inline, back_to_toast, elidable=False)]
