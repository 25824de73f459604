from django import forms

from mesoguide.forms import BoundedEchoMixin, HoneypotMixin, ReaderLineField, ReaderTextField
from mesoguide.ratelimit import RateLimit

from .models import Comment

# A person rarely writes more than a few comments in ten minutes; a script does.
COMMENT_RATE_LIMIT = RateLimit("comment", limit=5, per_seconds=600)


class CommentForm(BoundedEchoMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["name", "email", "body"]
        field_classes = {"name": ReaderLineField, "body": ReaderTextField}
        labels = {
            "name": "Your name",
            "email": "Your email (optional)",
            "body": "Your comment",
        }
        help_texts = {
            "name": "Shown with your comment.",
            "email": "Never shown. We use it only if we need to ask about your comment.",
            "body": f"Plain text, up to {Comment.BODY_MAX:,} characters. Web addresses become links. Please do not share personal medical details.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "name": {
                "required": "Enter your name.",
                "max_length": f"Your name can be at most {Comment.NAME_MAX} characters.",
            },
            "email": {
                "invalid": "Enter an email address like name@example.com, or leave it empty."
            },
            "body": {
                "required": "Write your comment.",
                "max_length": f"Your comment can be at most {Comment.BODY_MAX:,} characters (it has %(show_value)d).",
            },
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
