# The search index (articles/search_index.py): a table of the live text readers
# can see, filled from today's published documents, with a GIN index on its
# stored vector on PostgreSQL. The old index over every revision's text, drafts
# included, goes.

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


INDEX_NAME = "search_entry_document"


def fill_and_index(apps, schema_editor):
    from articles.search_index import rebuild

    entries = apps.get_model("articles", "SearchEntry")
    rebuild(entries, apps.get_model("articles", "Article"))
    if schema_editor.connection.vendor == "postgresql":
        from django.contrib.postgres.indexes import GinIndex

        schema_editor.add_index(entries, GinIndex(fields=["document"], name=INDEX_NAME))
        schema_editor.execute("DROP INDEX IF EXISTS revision_search")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_storable_text'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='articles.article')),
                ('title', models.CharField(max_length=200)),
                ('headings', models.TextField(blank=True)),
                ('summary', models.CharField(blank=True, max_length=300)),
                ('body', models.TextField(blank=True)),
                ('document', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('revision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.revision')),
            ],
            options={
                'verbose_name_plural': 'search entries',
            },
        ),
        migrations.RunPython(fill_and_index, drop_index),
    ]
