from django.core.management.base import BaseCommand

from vpm.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo practices, staff, patients and work items (idempotent)."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(f"Demo data ready: {len(logins)} sign-ins.")
