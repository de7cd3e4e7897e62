"""Messaging's benchmark on its own, without the queue and search sections of `make bench`.

    VPM_DB_NAME=vpm_bench_msg .venv/bin/python manage.py bench_messaging \
        --practices 50 --patients 4000 --messages 1000000 [--plans]

Seeds the bench practices (vpm.demo.scale) and the bench threads once, then
measures the staff thread list, one thread page, the API thread list and the
triage-to-queue path, like the messaging rows of `manage.py benchmark`, and
flags any plan that reads a whole messaging or patient table. `--plans`
prints EXPLAIN ANALYZE of every query of the three pages.
"""

import re

from django.conf import settings
from django.core.management.base import CommandError

from messaging.bench import messaging_benchmark
from vpm.demo.management.commands.benchmark import BIG_TABLES, signed_in_client
from vpm.demo.management.commands.benchmark import Command as Benchmark
from vpm.demo.scale import seed_scale

TABLES = ("messaging_thread", "messaging_message", "messaging_attachment",
          "messaging_refillrequest", "patients_contactpoint", *BIG_TABLES)


class Command(Benchmark):
    help = "Benchmark the messaging pages and the triage-to-queue path at scale."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=50)
        parser.add_argument("--patients", type=int, default=4000)
        parser.add_argument("--work-items", type=int, default=1000)
        parser.add_argument("--messages", type=int, default=1_000_000)
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE")

    def handle(self, *args, practices, patients, work_items, messages, runs, plans, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark seeds fake practices; never in production.")
        email = seed_scale(practices=practices, patients=patients, work_items=work_items)
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        slug = email.split("@")[1].removesuffix(".example")
        messaging_benchmark(stdout=self.stdout, client=signed_in_client(email),
                            practice_slug=slug, messages=messages,
                            measure_page=self._messaging_row(runs, plans=plans))

    def _messaging_row(self, runs, plans=False):
        def measure(client, name, url, form):
            row = self._measure(client, url, form, {}, 200, runs)
            self.stdout.write(f"{name:16} {row['queries']:7d} {row['server']:10.1f} "
                              f"{row['sql']:8.1f}  {', '.join(row['scans']) or 'none'}")
            if plans:
                for sql, params, _ in row["captured"]:
                    if sql.lstrip().upper().startswith("SELECT"):
                        self.stdout.write(f"\n-- {name}: {sql[:200]}")
                        self.stdout.write(self._explain(sql, params, analyze=True))
        return measure

    def _full_scans(self, captured):
        scans = set()
        for sql, params, _ in captured:
            if sql.lstrip().upper().startswith("SELECT"):
                plan = self._explain(sql, params)
                scans.update(t for t in TABLES if re.search(rf"Seq Scan on {t}\b", plan))
        return sorted(scans)
