"""The article text box with its word count and reading time underneath.

The numbers are worked out on the server when the page is drawn (the same
count the saved revision gets, readability.word_count), and a small static
script (static/js/admin-word-count.js) keeps them up to date while typing.
"""

from django import forms

from .readability import word_count
from .rendering import MAX_MARKDOWN_CHARS, WORDS_PER_MINUTE


def reading_minutes(words):
    return max(1, round(words / WORDS_PER_MINUTE))


class MarkdownWithCount(forms.Textarea):
    # In the app, where the form renderer looks for widget templates.
    template_name = "articles/widgets/markdown_with_count.html"

    class Media:
        js = ["js/admin-word-count.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        text = str(value or "")[:MAX_MARKDOWN_CHARS]  # a longer text is refused anyway
        words = word_count(text)
        context["widget"]["stats"] = {
            "words": words,
            "minutes": reading_minutes(words),
            "per_minute": WORDS_PER_MINUTE,
        }
        return context
