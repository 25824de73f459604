"""`make bench`'s Wagtail row: Wagtail serves our article's bytes, and the target is ours over it.

Wagtail itself is not installed here: its template is rendered by Django with
Wagtail's two tags standing in (the user bar is empty for readers, |richtext
leaves HTML without Wagtail links as it is).
"""

from django.template import Context, Engine

from bench import wagtail_compare
from bench.run import Result, check_targets, over_wagtail

CONTENT = {
    "title": "Risks & side effects: what's known",
    "summary": 'Bruising, "nodules" and rare infections.',
    "body": "<h2>Bruising</h2><p>Common; risks &amp; side effects fade.</p>",
}
PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Risks &amp; side effects: what&#x27;s known · MesoGuide"
    '</title><meta name="description" content="Bruising, &quot;nodules&quot; and rare '
    'infections."></head>\n<body>\n<nav>{{ not a tag }} {% neither %}</nav><main>'
    "<h1>Risks &amp; side effects: what&#x27;s known</h1>"
    '<p class="lede">Bruising, &quot;nodules&quot; and rare infections.</p>'
    '<div class="prose"><h2>Bruising</h2><p>Common; risks &amp; side effects fade.</p></div>'
    "</main></body></html>"
)


def test_the_wagtail_template_renders_our_page_from_the_articles_fields():
    source = wagtail_compare.page_template(PAGE, CONTENT)

    assert source.count("{{ page.body|richtext }}") == 1
    assert "{% wagtailuserbar %}" in source.split("<body>", 1)[1].split("<nav>")[0]
    as_plain_django = (
        source.replace("{% load wagtailcore_tags wagtailuserbar %}", "")
        .replace("{% wagtailuserbar %}", "")
        .replace("{{ page.body|richtext }}", "{{ page.body|safe }}")
    )
    rendered = Engine().from_string(as_plain_django).render(Context({"page": CONTENT}))
    assert rendered == PAGE


def _row(name, requests_per_second, cpu_ms):
    return Result(
        name=name,
        path="/guide/how-mesotherapy-works/",
        requests_per_second=requests_per_second,
        p50_ms=5.0,
        p99_ms=10.0,
        requests=1000,
        errors=0,
        limit="" if name.startswith("limit") else "limit",
        cpu_ms=cpu_ms,
    )


def _results(rebuilt, wagtail):
    return [
        _row("limit", 1000.0, 0.3),
        *(
            _row(name, 950.0, 0.3)
            for name in ("article (cached)", "home (cached)", "topic (cached)")
        ),
        _row("article (rebuilt)", rebuilt, 1.0),
        _row(wagtail_compare.ROW, wagtail, 4.5),
    ]


def test_the_rebuilt_article_is_compared_with_wagtail_by_its_own_requests():
    results = _results(rebuilt=600.0, wagtail=150.0)

    assert over_wagtail({r.name: r for r in results}) == (4.0, 4.5)
    assert check_targets(results) == []


def test_a_rebuilt_article_under_four_times_wagtail_misses_its_target():
    missed = check_targets(_results(rebuilt=590.0, wagtail=150.0))

    assert missed == ["article (rebuilt): 3.9x Wagtail's requests/s (target 4x)"]
