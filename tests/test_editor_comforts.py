"""The article screen's comforts: the address made from the title, the word
count under the text, and a search over the live and draft text."""

from django.urls import reverse

from articles import workflow
from articles.models import Article
from articles.readability import word_count
from tests import factories


def add(client, **fields):
    topic, person = factories.topic(), factories.person()
    data = {
        "kind": "article",
        "slug": "",
        "topic": topic.pk,
        "author": person.pk,
        "order": 1,
        "review_interval_months": 12,
        "title": "Bruising after treatment",
        "summary": "What to expect.",
        "body": "## Heading\n\nSome text here.",
        "_save": "1",
        **fields,
    }
    return client.post(reverse("admin:articles_article_add"), data)


def test_first_save_without_an_address_takes_it_from_the_title(client, writer):
    client.force_login(writer)
    response = add(client)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Article.objects.get(slug="bruising-after-treatment").title == "Bruising after treatment"
    # The same title again gets an address of its own, not an error.
    assert add(client).status_code == 302
    assert Article.objects.filter(slug="bruising-after-treatment-2").exists()


def test_a_title_without_letters_asks_for_an_address_and_keeps_the_text(client, writer):
    client.force_login(writer)
    response = add(client, title="???", body="Kept words.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "no letters or digits to make a web address from" in html
    assert "Kept words." in html


def test_the_add_form_fills_the_address_from_the_title_as_typed(client, writer):
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "django-admin-prepopulated-fields-constants" in html
    assert "#id_title" in html.replace("&quot;", '"')


def test_word_count_and_reading_time_under_the_text(client, writer):
    body = "## What it is\n\n" + "word " * 450 + "\n\n## Sources\n\n[^a]: Not counted at all."
    article = factories.draft_article(user=writer, body=body)
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    words = word_count(body)
    assert words == 453
    assert f'<span class="word-count">{words}</span> words' in html
    assert '<span class="reading-minutes">2</span> min read' in html
    assert "js/admin-word-count.js" in html


def test_search_finds_words_of_the_live_text_and_of_the_draft(client, editor):
    live = factories.published_article(slug="live-one", title="Live one")
    workflow.save_draft(
        live, user=None, title="Live one", summary="S.", body="A new paragraph on hyaluronidase."
    )
    draft = factories.draft_article(slug="draft-one", title="Draft one")
    workflow.save_draft(
        draft, user=None, title="Draft one", summary="About lidocaine.", body="Text."
    )
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")

    def found(query):
        response = client.get(changelist, {"q": query})
        return {a.slug for a in response.context["cl"].result_list}

    assert found("injections skin") == {"live-one"}  # in its live text only (the index)
    assert found("hyaluronidase") == {"live-one"}  # only in the draft of a live article
    assert found("lidocaine") == {"draft-one"}  # a summary of a never-published draft
    assert found("draft-one") == {"draft-one"}  # the address
    assert found("hyaluronidase lidocaine") == set()  # every word must match
    assert found("x" * 5000) == set()  # a huge query is cut, never a 500
