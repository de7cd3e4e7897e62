import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vpm.demo.seed import demo_totp_secret


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo codes do not exist in production.")
        self.stdout.write(pyotp.TOTP(demo_totp_secret(email.lower())).now())
