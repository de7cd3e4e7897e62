"""Measure the list pages on data at scale: queries, server time, SQL time, plans.

    .venv/bin/python manage.py benchmark [--practices 200 --patients 1000 --work-items 5000]

Seeds bench practices once (set-based SQL), then for each list page reports
the number of queries, the median server time of the whole request, the
summed SQL time of those queries, and whether any plan scans a whole table.
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vpm.accounts.second_factor import dangerously_record_second_factor
from vpm.demo.scale import seed_scale
from vpm.patients.bench import search_benchmark
from vpm.patients.models import Patient
from vpm.queue.models import WorkItem

RUNS = 15


class Command(BaseCommand):
    help = "Benchmark list pages on seeded data at scale."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=200)
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument("--work-items", type=int, default=5000)

    def handle(self, *args, practices, patients, work_items, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark seeds fake practices; never in production.")
        started = time.perf_counter()
        email = seed_scale(practices=practices, patients=patients, work_items=work_items)
        self.stdout.write(f"seeded/checked in {time.perf_counter() - started:.1f} s: "
                          f"{Patient.objects.count():,} patients, "
                          f"{WorkItem.objects.count():,} work items")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        user = get_user_model().objects.get(email=email)
        client.force_login(user)
        dangerously_record_second_factor(client, user)  # as if signed in with TOTP
        slug = email.split("@")[1].removesuffix(".example")
        patient = Patient.objects.filter(practice__slug=slug).order_by("id").first()
        # (name, url, posted form or None): a search is posted, as the page does.
        pages = [
            ("staff home", reverse("staff_home", args=[slug]), None),
            ("patient list", reverse("patient_list", args=[slug]), None),
            ("patient search", reverse("patient_list", args=[slug]), {"q": "Last0042"}),
            ("patient page", reverse("patient_detail", args=[slug, patient.pk]), None),
        ]
        self.stdout.write(f"{'page':16} {'queries':>7} {'server ms':>10} {'sql ms':>8}  full scans")
        for name, url, form in pages:
            self._measure(client, name, url, form)
        # Registration's section: search by each kind of term (vpm/patients/bench.py).
        search_benchmark(stdout=self.stdout, practice_slug=slug)

    def _measure(self, client, name, url, form):
        timings = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(url, form) if form else client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{name}: HTTP {response.status_code}")
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        scans = self._full_scans(queries.captured_queries)
        self.stdout.write(f"{name:16} {len(queries):7d} {statistics.median(timings):10.1f} "
                          f"{sql_ms:8.1f}  {', '.join(scans) or 'none'}")

    def _full_scans(self, captured):
        big_tables = ("patients_patient", "queue_workitem", "patients_contactattempt",
                      "audit_auditevent", "notify_outboundmessage")
        scans = set()
        with connection.cursor() as cursor:
            for query in captured:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                scans.update(t for t in big_tables if f"Seq Scan on {t}" in plan)
        return sorted(scans)
