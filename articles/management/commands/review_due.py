from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand

from articles.review_cycle import DUE_SOON_DAYS, due_for_review
from articles.roles import REVIEWER_ROLES
from mesoguide.characters import one_line


class Command(BaseCommand):
    help = (
        "List articles whose periodic review is due or overdue. --notify tells medical "
        "reviewers and editors in the admin and by e-mail, once per article and due date "
        "(safe to run from cron every hour); --email sends them the whole list in one mail."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within", type=int, default=DUE_SOON_DAYS, help="Days ahead to include."
        )
        parser.add_argument(
            "--email", action="store_true", help="E-mail the list to medical reviewers and editors."
        )
        parser.add_argument(
            "--notify",
            action="store_true",
            help="Notify medical reviewers and editors of each due article, once per due date.",
        )

    def handle(self, *args, within, email, notify, **options):
        articles = list(due_for_review(within_days=within))
        if notify:
            from notifications.review_due import notify_due_reviews

            told = notify_due_reviews(articles)
            self.stdout.write(f"{told} new notification(s) about reviews due.")
        if not articles:
            self.stdout.write(f"No article is due for review in the next {within} days.")
            return
        lines = [
            # One line per article, whatever an older title holds (a line break
            # would start a line of its own in the plain-text mail).
            f"{a.review_due_at:%Y-%m-%d}  {one_line(a.title)}  "
            f"({settings.SITE_URL}/admin/articles/article/{a.pk}/change/)"
            for a in articles
        ]
        self.stdout.write(f"{len(articles)} article(s) due for review within {within} days:")
        for line in lines:
            self.stdout.write(f"  {line}")
        if email:
            recipients = sorted(
                get_user_model()
                .objects.filter(is_active=True, groups__name__in=REVIEWER_ROLES)
                .exclude(email="")
                .values_list("email", flat=True)
                .distinct()
            )
            if not recipients:
                self.stderr.write("No active medical reviewer or editor has an e-mail address.")
                return
            send_mail(
                subject=f"MesoGuide: {len(articles)} article(s) due for review",
                message="These articles are due for their periodic review:\n\n" + "\n".join(lines),
                from_email=None,
                recipient_list=recipients,
            )
            self.stdout.write(f"Sent to {len(recipients)} reviewer(s).")
