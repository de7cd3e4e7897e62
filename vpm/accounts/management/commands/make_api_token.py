"""Make an API token for a staff member from the shell (development, fuzzing).

People make their own on /accounts/api-tokens/ after confirming a code; this
is for an operator at the server. The same rules apply: the user needs TOTP
enrolled and an active membership, or the token would not work anyway.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from vpm.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Make a named API token for EMAIL and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Made at the server")

    def handle(self, *args, email, name, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        if not user.has_mfa() or not user.memberships.filter(is_active=True).exists():
            raise CommandError("Tokens work only for staff with two-step sign-in enrolled.")
        _, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
