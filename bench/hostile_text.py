"""Slowest accepted input per kind of hostile text, and how long it takes.

    .venv/bin/python bench/hostile_text.py

Each row goes through render_markdown (the bounded renderer: size, nesting and
processor-time limits) or render_comment. For an accepted input the row gives
the processor time of rendering it in-process, best of three; for a refused
one, the clock time until the refusal and the reason. Brackets and
footnote runs cost Python-Markdown quadratic time: the row shows the longest
run found under the limit, and the next longer one refused.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.rendering import (  # noqa: E402 (after the path)
    MAX_MARKDOWN_CHARS,
    MAX_NESTING,
    RENDER_SECONDS,
    MarkdownRefused,
    _render,
    _render_in_child,
    render_comment,
    render_markdown,
)

ARTICLE = (Path(__file__).resolve().parent.parent / "content/articles/side-effects.md").read_text()


def _fill(unit):
    return (unit * (MAX_MARKDOWN_CHARS // len(unit) + 1))[:MAX_MARKDOWN_CHARS]


def timed(function, text, runs=3):
    """(seconds, outcome): processor time if accepted, clock time to the refusal if not."""
    _render_in_child.cache_clear()
    started = time.perf_counter()
    try:
        function(text)
    except MarkdownRefused as refused:
        reason = refused.message.split(";")[0].split(", so")[0][:70]
        return time.perf_counter() - started, f"refused: {reason}"
    unbounded = _render if function is render_markdown else function
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        unbounded(text)
        best = min(best, time.process_time() - started)
    return best, "accepted"


def longest_accepted_run(unit):
    """The longest run of `unit` rendered under the limit (binary search on its length)."""
    low, high = 1, 20_000 // len(unit)
    while low < high:
        middle = (low + high + 1) // 2
        _, outcome = timed(render_markdown, unit * middle, runs=1)
        low, high = (middle, high) if outcome == "accepted" else (low, middle - 1)
    return unit * low, unit * int(low * 1.1 + 1)


def main():
    rows = [
        ("size: the limit of real prose", render_markdown, _fill(ARTICLE)),
        ("size: one character over", render_markdown, "a" * (MAX_MARKDOWN_CHARS + 1)),
        (
            f"nesting: {MAX_NESTING} levels, every line",
            render_markdown,
            _fill("* " * MAX_NESTING + "a\n"),
        ),
        ("nesting: 500 levels (the issue's)", render_markdown, "* " * 500 + "a"),
        (
            "footnotes: 10,000 distinct labels",
            render_markdown,
            "".join(f"x[^{n}] " for n in range(10_000))
            + "\n\n"
            + "".join(f"[^{n}]: s\n" for n in range(10_000)),
        ),
        ("headings: 20,000 identical", render_markdown, _fill("## Results\n\n")),
        ("headings: any script, 20,000", render_markdown, _fill("## 日本語の見出し 2024\n\n")),
        (
            "table: 300 KB, 20 columns",
            render_markdown,
            "|" + "h|" * 20 + "\n|" + "-|" * 20 + "\n" + _fill("|" + "cell|" * 20 + "\n"),
        ),
        ("emphasis: 300 KB of *a* _b_", render_markdown, _fill("*a* _b_ **c** ")),
        ("links: 300 KB of [a](https://x.org)", render_markdown, _fill("[a](https://x.org) ")),
    ]
    for unit, name in [
        ("[", "brackets '['"),
        ("[^", "footnote starts '[^'"),
        ("[a](", "unclosed links '[a]('"),
    ]:
        accepted, refused = longest_accepted_run(unit)
        rows.append(
            (
                f"{name}: longest accepted run ({len(accepted) // len(unit):,})",
                render_markdown,
                accepted,
            )
        )
        rows.append((f"{name}: 10% longer", render_markdown, refused))
    rows += [
        ("comment: 3,000 ')' after an address", render_comment, "https://a.org/" + ")" * 2986),
        ("comment: 3,000 characters of addresses", render_comment, "https://a.org/(x) " * 166),
    ]
    print(
        f"Render limit {RENDER_SECONDS:g} s, size {MAX_MARKDOWN_CHARS:,} characters, nesting {MAX_NESTING}\n"
    )
    print("| input | characters | seconds | outcome |\n| --- | ---: | ---: | --- |")
    for name, function, text in rows:
        seconds, outcome = timed(function, text)
        print(f"| {name} | {len(text):,} | {seconds:.3f} | {outcome} |")


if __name__ == "__main__":
    main()
