from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = ["view_comment", "change_comment"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("discussion")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editor").first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="discussion", codename__in=EDITOR_PERMISSIONS
            )
        )


def revoke(apps, schema_editor):
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="discussion", codename__in=EDITOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0001_initial"),
        ("articles", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
