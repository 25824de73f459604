"""The editorial roles and the model permissions each one needs, nothing more.

Used by the data migration that creates the groups and by tests, so the
definition lives in one place.
"""

ROLE_PERMISSIONS = {
    # Writers draft and submit; they cannot review, publish or manage the site.
    "Writer": [
        "articles.view_article",
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
        "articles.view_revision",
        "articles.view_topic",
        "articles.view_person",
        # Writers add pictures to the library; editors manage it.
        "images.view_image",
        "images.add_image",
    ],
    # Medical reviewers read, review and attest; they do not edit or publish.
    "Medical reviewer": [
        "articles.view_article",
        "articles.review_article",
        "articles.attest_medical_review",
        "articles.view_revision",
        "articles.view_topic",
        "articles.view_person",
    ],
    # Editors run the publication: everything on content, plus publishing.
    "Editor": [
        "articles.view_article",
        "articles.add_article",
        "articles.change_article",
        "articles.submit_article",
        "articles.review_article",
        "articles.publish_article",
        "articles.view_revision",
        "articles.view_topic",
        "articles.add_topic",
        "articles.change_topic",
        "articles.view_person",
        "articles.add_person",
        "articles.change_person",
        "articles.view_reviewevent",
        # Editors manage the image library: details, and deleting unused pictures.
        "images.view_image",
        "images.add_image",
        "images.change_image",
        "images.delete_image",
        # Editors keep the affiliate register. No delete: a partnership ends by
        # setting its last day, so it stays listed as a past partner.
        "partners.view_affiliatepartner",
        "partners.add_affiliatepartner",
        "partners.change_affiliatepartner",
        # Editors moderate readers' comments (approve or reject, never rewrite)
        # and curate the picks and related articles.
        "discussion.view_comment",
        "discussion.change_comment",
        "discovery.view_editorspick",
        "discovery.add_editorspick",
        "discovery.change_editorspick",
        "discovery.delete_editorspick",
        "discovery.view_relatedarticle",
        "discovery.add_relatedarticle",
        "discovery.change_relatedarticle",
        "discovery.delete_relatedarticle",
    ],
}


def sync_groups(group_model, permission_model):
    """Create or update each role's group to hold exactly its permissions.

    Permissions of an app whose models are not migrated yet are left out: that
    app's own migration calls this again once they exist. A missing permission
    of a migrated app is a typo and fails loudly.
    """
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            lookup = permission_model.objects.filter(content_type__app_label=app_label)
            if lookup.exists():
                permissions.append(lookup.get(codename=codename))
        group.permissions.set(permissions)


def sync_groups_in_migration(apps):
    """For data migrations: create any missing permissions, then sync the groups."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


# Who is told when periodic reviews fall due.
REVIEWER_ROLES = ["Medical reviewer", "Editor"]
