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
    ],
}


def sync_groups(group_model, permission_model):
    """Create or update each role's group to hold exactly its permissions."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


# Who is told when periodic reviews fall due.
REVIEWER_ROLES = ["Medical reviewer", "Editor"]
