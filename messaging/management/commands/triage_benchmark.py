"""How many messages per second the triage engine classifies.

    python manage.py triage_benchmark --messages 2000 --chars 2000
"""

from django.core.management.base import BaseCommand, CommandError

from messaging.selectors import triage_rules_for_practice
from messaging.triage.benchmark import run_benchmark
from vpm.practices.models import Practice


class Command(BaseCommand):
    help = "Classify generated messages with the full rule set and report messages per second."

    def add_arguments(self, parser):
        parser.add_argument("--messages", type=int, default=2000)
        parser.add_argument("--chars", type=int, default=2000,
                            help="Length of each message (default 2000).")
        parser.add_argument("--practice", metavar="SLUG",
                            help="Use this practice's rules (default: the shipped defaults).")

    def handle(self, *args, messages, chars, practice=None, **options):
        if messages < 1 or chars < 1:
            raise CommandError("--messages and --chars must be at least 1.")
        rules = None
        if practice is not None:
            found = Practice.objects.filter(slug=practice).first()
            if found is None:
                raise CommandError(f"No practice with the slug {practice!r}.")
            rules = triage_rules_for_practice(found)
        for key, value in run_benchmark(messages, chars, rules=rules).items():
            self.stdout.write(f"{key:22} {value}")
