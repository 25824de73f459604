"""How long a word-level comparison of two revisions takes (articles/diffs.py).

    .venv/bin/python bench/diff_cost.py

Times lxml's htmldiff and the word diff of the Markdown source, in this process
without the time limit, on: the longest launch article with a few words changed
(the everyday case), and two kinds of texts at the size limit (MAX_MARKDOWN_CHARS)
changed throughout: distinct words in paragraphs, and two words repeated (the
costliest for each diff). Median of 3 runs each (1 for the large texts). In the
admin, texts this large run in the time-limited child (articles/diffs.py).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(function, *args, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoguide.settings")
    import django

    django.setup()
    from articles.diffs import _WORDS, _htmldiff, _word_opcodes
    from articles.rendering import MAX_MARKDOWN_CHARS, render_markdown

    longest = max((ROOT / "content" / "articles").glob("*.md"), key=lambda p: p.stat().st_size)
    text = longest.read_text()
    edited = text.replace(" the ", " a ", 5)
    cases = [(f"{longest.name} ({len(text):,} chars), 5 words changed", text, edited)]
    rng = random.Random(1)  # noqa: S311 (repeatable test texts, not secrets)

    def words(n):
        return " ".join(f"w{rng.randrange(10**9)}" for _ in range(n))

    paragraph = 60
    count = MAX_MARKDOWN_CHARS // 11 // paragraph
    big_old = "\n\n".join(words(paragraph) for _ in range(count))[:MAX_MARKDOWN_CHARS]
    big_new = "\n\n".join(words(paragraph) for _ in range(count))[:MAX_MARKDOWN_CHARS]
    cases.append((f"two {len(big_old):,}-char texts of distinct words", big_old, big_new))
    few = " ".join(rng.choice("ab") for _ in range(MAX_MARKDOWN_CHARS // 2))[:MAX_MARKDOWN_CHARS]
    other = " ".join(rng.choice("ab") for _ in range(MAX_MARKDOWN_CHARS // 2))[:MAX_MARKDOWN_CHARS]
    cases.append((f"two {len(few):,}-char texts of two words repeated", few, other))
    for name, old, new in cases:
        old_html, new_html = render_markdown(old).html, render_markdown(new).html
        runs = 1 if len(old) > 100_000 else 3
        html_s = timed(_htmldiff, old_html, new_html, runs=runs)
        source_s = timed(_word_opcodes, _WORDS.findall(old), _WORDS.findall(new), runs=runs)
        print(f"{name}: rendered diff {html_s * 1000:.0f} ms, source diff {source_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
