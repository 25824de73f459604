import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "On a fresh development database (DEBUG on, no users), create one superuser "
        "with a random password and print it once. Does nothing otherwise."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no account created. Use 'manage.py createsuperuser'.")
            return
        if User.objects.exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS("Created the first admin account (shown only this once):")
            + f"\n  user name: admin\n  password:  {password}\n"
        )
