"""Library pictures in articles: ![alt](image:slug) rendered as <figure><picture> by the
one renderer, pictures from anywhere else refused, and the social card."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Revision
from articles.rendering import MarkdownRefused, render_markdown, sanitize_html
from images.models import Image
from tests import factories
from tests.test_image_library import stored_files
from tests.test_import import ARTICLE, snapshot, write

pytestmark = pytest.mark.django_db

INTRO = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n\n"


@pytest.fixture
def picture():
    return factories.library_image(width=1000, height=600, caption="The skin's layers.")


def figures_of(html):
    return re.findall(r"<figure>.*?</figure>", html, re.DOTALL)


def test_a_picture_is_a_figure_with_avif_and_webp_sources_and_a_fallback(picture):
    html = render_markdown("![](image:skin-diagram)").html
    [figure] = figures_of(html)
    sources = re.findall(r"<source [^>]*>", figure)
    assert [re.search(r'type="([^"]+)"', s).group(1) for s in sources] == [
        "image/avif",
        "image/webp",
    ]
    for source, extension in zip(sources, ("avif", "webp"), strict=True):
        widths = re.findall(
            rf"/media/images/skin-diagram-[0-9a-f]{{12}}/(\d+)\.{extension} \1w", source
        )
        assert widths == ["480", "720", "800", "1000"]
        assert 'sizes="(min-width: 48rem) 46rem, calc(100vw - 2.5rem)"' in source
    img = re.search(r"<img [^>]*>", figure).group()
    assert re.search(r'src="/media/images/skin-diagram-[0-9a-f]{12}/800\.png"', img)
    assert re.findall(r"/(\d+)\.png \1w", img) == ["480", "720", "800", "1000"]
    # Its own size, so the browser keeps the space before it loads (no layout shift).
    assert 'width="1000"' in img and 'height="600"' in img
    assert 'decoding="async"' in img
    assert 'alt="Layers of the skin, with the fat below."' in img
    assert re.search(
        r"<figcaption>The skin's layers\. <small>Credit: MesoGuide</small></figcaption>",
        figure.replace("&#x27;", "'"),
    )


def test_pictures_below_the_first_blocks_load_lazily(picture):
    html = render_markdown("![](image:skin-diagram)\n\n" + INTRO + "![](image:skin-diagram)").html
    first, later = figures_of(html)
    assert "loading=" not in first  # may be on screen when the page opens
    assert 'loading="lazy"' in later


def test_the_article_can_describe_the_picture_its_own_way(picture):
    html = render_markdown("![Where the fat pockets are](image:skin-diagram)").html
    assert 'alt="Where the fat pockets are"' in html


def test_a_decorative_picture_has_empty_alt_text():
    factories.library_image(slug="texture", alt_text="", decorative=True, caption="")
    html = render_markdown("![](image:texture)").html
    assert re.search(r'<img [^>]*alt=""', html)
    assert "<figcaption><small>Credit: MesoGuide</small></figcaption>" in html


@pytest.mark.parametrize(
    "text, line",
    [
        (INTRO + "![A tracker](https://ads.example/pixel.png)", 7),
        # A reference picture: the line that gives the address.
        ("Intro.\n\n![x][remote]\n\n[remote]: http://cdn.example/x.jpg", 5),
        ("![x](//cdn.example/x.jpg)", 1),
        ("![x](/static/favicon.svg)", 1),
        ("![x](data:image/png;base64,iVBORw0KGgo=)", 1),
    ],
)
def test_pictures_from_anywhere_but_the_library_are_refused_naming_the_line(text, line):
    with pytest.raises(MarkdownRefused) as refused:
        render_markdown(text)
    assert refused.value.line == line
    assert refused.value.message.startswith(f"Line {line}: the picture at")
    assert "not from our image library" in refused.value.message


def test_an_unknown_image_or_one_inside_a_sentence_is_refused(picture):
    with pytest.raises(MarkdownRefused, match="Line 3: there is no image “skin-diagrm”"):
        render_markdown("Text.\n\n![](image:skin-diagrm)")
    with pytest.raises(MarkdownRefused, match="Line 1: a picture must be a paragraph of its own"):
        render_markdown("See ![](image:skin-diagram) here.")


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://tracker.example/p.gif">',
        '<img src="//tracker.example/p.gif">',
        '<img src="/media/x.png" srcset="https://tracker.example/p.gif 2x">',
        '<picture><source srcset="https://tracker.example/p.avif" type="image/avif"></picture>',
        '<img src="/media/x.png" onerror="alert(1)" style="width:1px">',
    ],
)
def test_the_sanitizer_lets_no_picture_from_another_site_through(html):
    cleaned = sanitize_html(html)
    assert "tracker.example" not in cleaned
    assert "onerror" not in cleaned and "style" not in cleaned


def test_the_admin_editor_names_the_line_of_a_remote_picture(client, editor):
    article = factories.draft_article(slug="draft")
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    version = re.search(r'name="opened_version" value="(\d+)"', page).group(1)
    based_on = re.search(r'name="based_on" value="(\d+)"', page).group(1)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {
            "title": "What mesotherapy is",
            "summary": "Summary.",
            "body": "Intro.\n\n![x](https://cdn.example/x.jpg)",
            "kind": "article",
            "slug": "draft",
            "topic": article.topic_id,
            "author": article.author_id,
            "order": 0,
            "review_interval_months": 12,
            "opened_version": version,
            "based_on": based_on,
            "related_from-TOTAL_FORMS": 0,
            "related_from-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Line 3: the picture at “https://cdn.example/x.jpg” is not from our image library" in (
        response.content.decode()
    )
    assert Revision.objects.filter(article=article).count() == 1


def test_the_editor_offers_library_pictures_to_insert(client, editor, picture):
    article = factories.draft_article(slug="draft")
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert '<div class="image-picker" data-for="id_body" hidden>' in page
    assert '<option value="skin-diagram">Skin diagram (skin-diagram)</option>' in page
    assert "js/image-picker.js" in page
    assert "![](image:slug) on a line of its own" in page  # the syntax, without JavaScript


def test_a_revision_knows_its_pictures_and_the_image_lists_the_article(picture, client, editor):
    article = factories.published_article(
        slug="with-picture",
        title="Skin explained",
        body=factories.BODY + "\n![](image:skin-diagram)\n",
    )
    assert list(article.live_revision.images.all()) == [picture]
    assert [(use.title, use.how) for use in picture.uses()] == [("“Skin explained”", "live")]


def test_the_social_card_is_in_open_graph_and_json_ld(client, picture):
    article = factories.published_article(slug="shared", image=picture)
    page = client.get(article.get_absolute_url()).content.decode()
    card = re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1)
    assert re.fullmatch(r"http://testserver/media/images/skin-diagram-[0-9a-f]{12}/1000\.png", card)
    assert '<meta property="og:image:width" content="1000">' in page
    assert '<meta property="og:image:height" content="600">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert (
        '<meta property="og:image:alt" content="Layers of the skin, with the fat below.">' in page
    )
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    )
    assert data["image"] == {"@type": "ImageObject", "url": card, "width": 1000, "height": 600}
    assert client.get(card.removeprefix("http://testserver")).status_code == 200


def test_an_article_without_a_social_card_keeps_the_small_card(client, guide):
    page = client.get(guide.get_absolute_url()).content.decode()
    assert "og:image" not in page
    assert '<meta name="twitter:card" content="summary">' in page


# --- Content files -----------------------------------------------------------------------

IMAGE_YAML = """\
slug: {slug}
title: Skin layers
file: {file}
alt: Layers of the skin.
caption: The skin.
credit: MesoGuide
licence: Original MesoGuide drawing
"""


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    write(root, "topics.yaml", "- slug: how-it-works\n  title: How it works\n")
    write(
        root,
        "people/editorial-team.md",
        "---\nname: MesoGuide editorial team\nslug: editorial-team\n---\nWe write the guide.\n",
    )
    (root / "images").mkdir()
    (root / "images/skin.png").write_bytes(factories.picture_bytes(640, 400))
    write(root, "images/skin.yaml", IMAGE_YAML.format(slug="skin", file="skin.png"))
    return root


def run_import(content):
    out = io.StringIO()
    call_command("import_content", str(content), stdout=out)
    return out.getvalue()


def article_file(root, line):
    return write(
        root,
        "articles/one.md",
        ARTICLE.format(title="One", slug="one", status="published", line="First text.").replace(
            "## Sources", f"{line}\n\n## Sources"
        ),
    )


def test_import_adds_pictures_and_resolves_them_in_articles(content):
    article_file(content, "![](image:skin)")
    run_import(content)
    image = Image.objects.get(slug="skin")
    assert (image.alt_text, image.credit, image.uploaded_by) == (
        "Layers of the skin.",
        "MesoGuide",
        None,
    )
    assert image.renditions.count() == 6  # 480 and 640 wide, three formats
    live = Article.objects.get(slug="one").live_revision
    assert "<figure><picture>" in live.body_html
    assert list(live.images.all()) == [image]
    # Once more: nothing changes.
    assert "0 created, 0 updated, 4 unchanged, 0 refused" in run_import(content)


def test_an_unknown_image_stops_the_import_with_file_and_line_and_writes_nothing(content):
    path = article_file(content, "![](image:no-such-picture)")
    line = path.read_text().splitlines().index("![](image:no-such-picture)") + 1
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run_import(content)
    assert f"articles/one.md:{line}: the body can't be rendered: Line " in str(error.value)
    assert "there is no image “no-such-picture”" in str(error.value)
    assert snapshot() == before
    assert not Image.objects.exists()


def test_an_image_file_without_alt_text_stops_the_import(content):
    write(
        content,
        "images/skin.yaml",
        IMAGE_YAML.format(slug="skin", file="skin.png").replace("alt: Layers of the skin.\n", ""),
    )
    with pytest.raises(CommandError, match=r"images/skin.yaml:1: 'alt' is missing"):
        run_import(content)
    assert not Image.objects.exists()


def test_a_lying_picture_file_stops_the_import_naming_its_line(content):
    (content / "images/skin.png").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(
        CommandError, match=r"images/skin.yaml:3: 'skin.png': SVG files are not accepted"
    ):
        run_import(content)


def test_import_keeps_an_editors_changes_to_a_pictures_details(content):
    run_import(content)
    image = Image.objects.get(slug="skin")
    image.alt_text = "An editor's better description."
    image.save_details(image.version, ["alt_text"])
    write(
        content,
        "images/skin.yaml",
        IMAGE_YAML.format(slug="skin", file="skin.png").replace("The skin.", "New caption."),
    )
    out = run_import(content)
    assert "refused" in out and "edited in the admin" in out and "--force" in out
    image.refresh_from_db()
    assert (image.alt_text, image.caption) == ("An editor's better description.", "The skin.")


@pytest.mark.parametrize(
    "field, value, line, says",
    [
        ("slug", "s" * 100, 1, "'slug': Ensure this value has at most 80 characters"),
        ("title", "t" * 300, 2, "'title': Ensure this value has at most 200 characters"),
    ],
)
def test_an_image_file_the_library_would_refuse_stops_the_import_at_its_line(
    content,
    field,
    value,
    line,
    says,
):
    text = IMAGE_YAML.format(slug="skin", file="skin.png")
    text = text.replace("slug: skin", f"slug: {value}") if field == "slug" else text
    text = text.replace("title: Skin layers", f"title: {value}") if field == "title" else text
    write(content, "images/skin.yaml", text)
    before, files = snapshot(), stored_files()
    with pytest.raises(CommandError, match=rf"images/skin.yaml:{line}: {says}"):
        run_import(content)
    assert snapshot() == before and stored_files() == files
