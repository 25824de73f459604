from django.db import migrations


def give_editors_the_register(apps, schema_editor):
    from articles.roles import sync_groups_in_migration

    sync_groups_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("articles", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(give_editors_the_register, migrations.RunPython.noop)]
