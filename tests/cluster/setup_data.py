"""The cluster test's content, made through the site's own workflow (run by run.py in a
subprocess with the app servers' settings): an editor, a topic, and three articles."""

import json
import sys

import django


def main():
    django.setup()
    from django.contrib.auth import get_user_model

    from tests import factories

    editor = get_user_model().objects.create_superuser(
        "cluster-editor", "editor@example.org", "cluster-editor-password"
    )
    topic = factories.topic(slug="cluster-topic", title="Cluster topic")
    steady = factories.published_article(slug="cluster-steady", title="Steady article", topic=topic)
    gone = factories.published_article(slug="cluster-going", title="Going article", topic=topic)
    coming = factories.approve(
        factories.draft_article(slug="cluster-coming", title="Coming article", topic=topic)
    )
    json.dump(
        {
            "editor": editor.username,
            "password": "cluster-editor-password",
            "topic": topic.slug,
            "steady": {"pk": steady.pk, "slug": steady.slug},
            "coming": {"pk": coming.pk, "slug": coming.slug},
            "going": {"pk": gone.pk, "slug": gone.slug},
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
