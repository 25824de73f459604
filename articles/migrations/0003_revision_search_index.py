# The site search's GIN index, on PostgreSQL only: SQLite has no such index and
# searches with a simple fallback (articles/search.py). The expression must stay
# identical to articles.search.search_vector() for the planner to use the index.
from django.db import migrations

INDEX_NAME = "revision_search"


def _index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "summary", "body_html", weight="B", config="english"
    )
    return GinIndex(vector, name=INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Revision"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Revision"), _index())


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_editorial_roles")]

    operations = [migrations.RunPython(add_index, remove_index)]
