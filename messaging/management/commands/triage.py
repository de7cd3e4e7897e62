"""Triage one message and print the answer as one line of JSON.

    python manage.py triage "i ran out of my bp pills today"
    python manage.py triage "necesito cita" --practice riverside
"""

import json

from django.core.management.base import BaseCommand, CommandError

from messaging.selectors import triage_for_practice, triage_with_defaults
from vpm.practices.models import Practice

OUTPUT_FIELDS = ("urgency", "topic", "team", "response_target", "response_target_label",
                 "matched")


class Command(BaseCommand):
    help = "Triage a message (urgency, topic, team, response target, matched rules) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("text", help="The message, in quotes.")
        parser.add_argument("--practice", metavar="SLUG",
                            help="Use this practice's rules and routing (default: the defaults).")

    def handle(self, *args, text, practice=None, **options):
        if practice is None:
            triage = triage_with_defaults(text)
        else:
            found = Practice.objects.filter(slug=practice).first()
            if found is None:
                raise CommandError(f"No practice with the slug {practice!r}.")
            triage = triage_for_practice(text, found)
        answer = triage.as_dict()
        self.stdout.write(json.dumps({key: answer[key] for key in OUTPUT_FIELDS},
                                     ensure_ascii=False))
