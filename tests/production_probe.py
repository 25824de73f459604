"""Run in a subprocess in production mode (see test_production.py): builds a
small site in a fresh database and prints what readers and editors receive.

The work runs under the main guard: the Markdown renderer's child process
imports this module again (mesoguide/time_limit.py)."""

import json

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from tests import factories  # noqa: E402


def seen(response):
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            name: {key: str(value) for key, value in morsel.items()} | {"value": morsel.value}
            for name, morsel in response.cookies.items()
        },
        "body": response.content.decode(),
    }


def main():
    call_command("migrate", verbosity=0)
    article = factories.published_article(slug="what-it-is")
    get_user_model().objects.create_superuser("boss", password="a long test password")
    client = Client()
    pages = {
        "home": "/",
        "article": "/guide/what-it-is/",
        "topic": article.topic.get_absolute_url(),
        "person": article.author.get_absolute_url(),
        "not found": "/no-such-page/",
        "comment form": "/guide/what-it-is/comments/",
        "newsletter": "/newsletter/",
        "form token": "/forms/token/",
        "admin login": "/admin/login/",
    }
    result = {name: seen(client.get(url, secure=True)) for name, url in pages.items()}
    result["plain http"] = seen(client.get("/", secure=False))
    result["https at the proxy"] = seen(client.get("/", HTTP_X_FORWARDED_PROTO="https"))
    result["http at the proxy"] = seen(client.get("/", HTTP_X_FORWARDED_PROTO="http"))
    result["healthz over plain http"] = seen(
        client.get("/healthz", secure=False, HTTP_HOST="10.1.2.3")
    )
    editor = Client()
    result["editor login"] = seen(
        editor.post(
            "/admin/login/?next=/admin/",
            {"username": "boss", "password": "a long test password"},
            secure=True,
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
