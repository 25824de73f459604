"""What a careful reader looks for besides the articles (issue 18): one printable
list of questions, a glossary the articles link to, the costs and who pays,
emergency numbers for the UK and the US, practical provider checks, a prompt on
one's own motives, and when an article is next due for review."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from articles.readability import split_front_matter
from tests import factories

CONTENT = Path(settings.CONTENT_DIR)


def body(folder, name):
    return split_front_matter((CONTENT / folder / name).read_text(encoding="utf-8"))[1]


def section(text, heading):
    match = re.search(
        rf"^#+ {re.escape(heading)}\n(.*?)(?=^#{{1,2}} |\Z)", text, re.MULTILINE | re.DOTALL
    )
    assert match, f"no section {heading!r}"
    return match.group(1)


def cited(text):
    return set(re.findall(r"\[\^([^\]]+)\](?!:)", text))


def test_costs_section_says_who_pays_cites_its_sources_and_invents_no_price():
    text = body("articles", "sessions.md")
    costs = section(text, "What it costs, and who pays")
    assert {"nhscosmetic", "mayocosmetic", "nhschoosing", "rcs"} <= cited(costs)
    assert "could not find a reliable published price survey" in costs
    assert not re.search(r"[£$€]\s?\d", costs), "no price without a source"


def test_motives_prompt_is_sourced():
    motives = section(body("articles", "sessions.md"), "Your own reasons")
    assert {"nhsintro", "mayoabout"} <= cited(motives)
    assert "Who is this for" in motives


def sources(text):
    return dict(re.findall(r"^\[\^([^\]]+)\]: (.*)$", text, re.MULTILINE))


def sentence_with(text, words):
    for match in re.finditer(r"[^.\n]*\.(?:\[\^[^\]]+\])*", text):
        if words in match.group(0):
            return match.group(0)
    raise AssertionError(f"no sentence with {words!r}")


def test_motives_advice_is_cited_to_the_mayo_page_that_gives_it():
    # The 'what to know beforehand' page has no word on motives; the overview page has.
    text = body("articles", "sessions.md")
    assert cited(sentence_with(text, "your motives")) == {"mayoabout"}
    assert "tests-procedures/cosmetic-surgery/about/pac-20385138" in sources(text)["mayoabout"]


def test_source_lines_say_what_was_actually_read():
    sessions = sources(body("articles", "sessions.md"))
    assert "Retired page, no longer online" in sessions["nhsintro"]
    assert "archived NHS page" not in sessions["nhsintro"]
    provider = sources(body("articles", "choosing-a-provider.md"))
    assert "only in a copy of this article reprinted in a magazine" in provider["mayocosmetic"]
    kaminer = sources(body("articles", "how-mesotherapy-works.md"))["kaminer"]
    assert "unofficial copy uploaded to Scribd" in kaminer
    assert "could not confirm the paper's DOI" in kaminer


def test_skin_test_before_hyaluronidase_is_cited_to_the_label_we_read():
    text = body("articles", "side-effects.md")
    assert "vitraselabel" in cited(sentence_with(text, "skin test"))
    assert "americancompendium.com" in sources(text)["vitraselabel"]


@pytest.mark.parametrize(
    "name", ["allergy-testing.md", "choosing-a-provider.md", "side-effects.md"]
)
def test_emergency_advice_gives_the_uk_and_us_numbers_with_their_sources(name):
    text = body("articles", name)
    assert "emergency services" not in text, "give the numbers"
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if "999" in p and "[^" in p]
    assert paragraphs
    for paragraph in paragraphs:
        if "NHS 111" in paragraph and "911" not in paragraph:
            assert "nhs111" in cited(paragraph)
            continue
        assert "911" in paragraph, "never 999 alone"
    assert {"nhs", "nhs111", "us911"} <= cited("\n".join(paragraphs))
    assert {"nhs", "nhs111", "us911"} <= set(sources(text))


def test_no_unsourced_advice_on_whom_to_call_in_the_us():
    assert "doctor's office first" not in body("articles", "side-effects.md")


def test_emergency_numbers_for_the_uk_and_the_us_each_with_a_source():
    text = body("articles", "side-effects.md")
    help_section = section(text, "Warning signs: when to get help")
    assert "999" in help_section and "911" in help_section and "NHS 111" in help_section
    assert {"nhs", "nhs111", "us911"} <= cited(help_section)
    assert "(999 in the UK)" not in text, "never 999 alone"


def test_provider_checks_name_registers_experience_insurance_and_paying_after_consultation():
    checks = section(body("articles", "choosing-a-provider.md"), "Practical checks before you pay")
    for words in (
        "Check a Practitioner",
        "how many",
        "insurance",
        "Do not pay before the consultation",
    ):
        assert words.lower() in checks.lower(), words
    assert {"psa", "cqc", "nhs-choosing", "mayocosmetic"} <= cited(checks)


def test_checklist_gathers_the_questions_of_four_chapters_on_one_page():
    text = body("pages", "questions-to-ask.md")
    for chapter in (
        "choosing-a-provider",
        "mesotherapy-ingredients",
        "allergy-and-suitability-testing",
        "session-schedule",
    ):
        assert f"(/guide/{chapter}/)" in text
    questions = [line for line in text.splitlines() if line.startswith("- ")]
    assert 15 <= len(questions) <= 25, "enough to be useful, few enough for one printed page"
    for name in ("choosing-a-provider.md", "ingredients.md", "sessions.md"):
        assert "(/questions-to-ask/)" in body("articles", name), name


# Glossary anchor -> how the term appears in running text.
GLOSSARY_TERMS = {
    "median": r"median",
    "peer-reviewed": r"peer-reviewed",
    "licensed": r"licensed (?:medicines?|drugs?|products?|enzyme)",
    "single-use-vial": r"single-use vials?",
    "culture": r"cultures?",
    "biopsy": r"biopsy",
    "controlled-trial": r"(?<![-\w])controlled (?:study|studies|trials?)",
    "case-report": r"case (?:reports?|series)",
    "placebo": r"placebo|dummy(?: injection)?",
}


def prose_lines(text):
    return "\n".join(line for line in text.splitlines() if not line.startswith(("#", "[^")))


@pytest.mark.django_db
def test_glossary_defines_each_term_and_articles_link_their_first_use(client):
    call_command("import_content", stdout=open("/dev/null", "w"))
    html = client.get("/glossary/").content.decode()
    linked = set()
    for path in sorted((CONTENT / "articles").glob("*.md")):
        text = prose_lines(split_front_matter(path.read_text(encoding="utf-8"))[1])
        for term in re.findall(r"\]\(/glossary/#([a-z-]+)\)", text):
            assert f'id="{term}"' in html, f"{path.name} links to a missing term {term}"
        for term, pattern in GLOSSARY_TERMS.items():
            uses = list(re.finditer(rf"\b(?:{pattern})\b", text, re.IGNORECASE))
            if not uses:
                continue
            first = uses[0]
            assert text[first.end() : first.end() + len(term) + 14] == f"](/glossary/#{term})", (
                f"{path.name}: first use of {term} is not linked"
            )
            assert text.count(f"](/glossary/#{term})") == 1, (
                f"{path.name}: {term} linked more than once"
            )
            linked.add(term)
    assert set(GLOSSARY_TERMS) == linked, "each term is used, and linked, somewhere"
    article = client.get("/guide/side-effects-and-risks/").content.decode()
    assert '<a href="/glossary/#median">median</a>' in article


@pytest.mark.django_db
def test_article_shows_its_next_review_date_beside_the_last_review(client):
    article = factories.published_article(slug="reviewed")
    article.refresh_from_db()
    html = client.get("/guide/reviewed/").content.decode()
    due = article.review_due_at
    assert (
        f'Next review due by <time datetime="{due:%Y-%m-%d}">{due.day} {due:%B %Y}</time>' in html
    )
    assert html.index("review-line") < html.index("review-next")


@pytest.mark.django_db
def test_an_overdue_review_says_so(client):
    article = factories.published_article(slug="overdue")
    type(article).objects.filter(pk=article.pk).update(
        review_due_at=timezone.now() - timezone.timedelta(days=3)
    )
    from django.core.cache import cache

    cache.clear()
    html = client.get("/guide/overdue/").content.decode()
    assert "Review overdue since" in html and "Next review due by" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["questions-to-ask", "glossary"])
def test_a_page_published_once_says_published_not_updated(client, slug):
    call_command("import_content", stdout=open("/dev/null", "w"))
    html = client.get(f"/{slug}/").content.decode()
    assert 'Published <time datetime="2026-12-01">1 December 2026</time></p>' in html
    assert "Updated" not in html


@pytest.mark.django_db
def test_a_page_changed_after_publication_says_both(client):
    call_command("import_content", stdout=open("/dev/null", "w"))
    html = client.get("/privacy/").content.decode()
    assert (
        'Published <time datetime="2026-11-25">25 November 2026</time> · '
        'Updated <time datetime="2026-12-01">1 December 2026</time>'
    ) in html
