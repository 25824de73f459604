from django.db import migrations


def sync_roles(apps, schema_editor):
    # The roles' permissions live in articles/roles.py; now that the image
    # library's models exist, writers may upload and editors manage.
    from articles.roles import sync_groups_in_migration

    sync_groups_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("articles", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
