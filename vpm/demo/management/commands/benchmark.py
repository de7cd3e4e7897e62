"""Measure the list pages, the queue's poll and its sweeps on data at scale.

    .venv/bin/python manage.py benchmark [--practices 300 --patients 1000 --work-items 5000]

Seeds bench practices once (set-based SQL, then VACUUM ANALYZE), then for each
page (after ten warm-up requests) reports the number of queries, the median and 95th percentile of the
whole request's server time (in-process, through every middleware), the
median of the summed SQL time of its own queries (timed one by one with
perf_counter around the driver call, not Django's rounded milliseconds), their
ratio, the page's throughput against /healthz, and whether any plan scans a
whole big table. `--plans` prints the EXPLAIN ANALYZE of the queue's queries.
In-process runs with DEBUG off, as production does (no query log, no template
debug information).

`--http` instead loads the queue's pages through gunicorn with production
settings, with wrk on loopback (vpm/demo/http_bench.py): requests per second
against the same server's /healthz with the same session cookie.
"""

import re
import statistics
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.settings import api_settings

from messaging.bench import messaging_benchmark
from vpm.accounts.second_factor import dangerously_record_second_factor
from vpm.demo.http_bench import http_benchmark
from vpm.demo.queue_bench import queue_pages, sweep_benchmark
from vpm.demo.scale import bench_email, seed_scale
from vpm.patients.bench import search_benchmark
from vpm.patients.models import Patient
from vpm.queue.models import WorkItem

RUNS = 25
# Requests per page before timing starts: a server that has answered the page
# before (templates compiled, per-process caches filled), as a running one has.
WARM_UP = 10
BIG_TABLES = ("patients_patient", "queue_workitem", "patients_contactattempt",
              "audit_auditevent", "notify_outboundmessage", "queue_workitemevent")


class SqlTimer:
    """An execute wrapper: each query's own time, to the microsecond."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - started))

    @property
    def seconds(self):
        return sum(t for _, _, t in self.queries)


@contextmanager
def timed_sql():
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        yield timer


def signed_in_client(email):
    client = Client()
    user = get_user_model().objects.get(email=email)
    client.force_login(user)
    dangerously_record_second_factor(client, user)  # as if signed in with TOTP
    return client


class Command(BaseCommand):
    help = "Benchmark list pages, the queue poll and the sweeps on seeded data at scale."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=300)
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument("--work-items", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=RUNS)
        parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE")
        parser.add_argument("--skip-search", action="store_true")
        parser.add_argument("--queue-only", action="store_true",
                            help="Only healthz, the queue's pages, poll, API list, team view "
                                 "and sweeps (no patient, search or messaging sections).")
        parser.add_argument("--http", action="store_true",
                            help="Through gunicorn with production settings, loaded by wrk "
                                 "(apt-get install -y wrk): healthz and the queue's pages.")
        parser.add_argument("--http-seconds", type=int, default=10)
        parser.add_argument("--http-connections", type=int, default=6)
        parser.add_argument("--http-workers", type=int, default=0,
                            help="gunicorn workers (default: WEB_CONCURRENCY or 3, as deployed)")
        parser.add_argument("--messages", type=int, default=1_000_000,
                            help="Messaging: bench messages (five per thread).")

    def handle(self, *args, practices, patients, work_items, runs, plans, skip_search,
               messages=1_000_000, queue_only=False, http=False, http_seconds=10,
               http_connections=6, http_workers=0, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark seeds fake practices; never in production.")
        started = time.perf_counter()
        email = seed_scale(practices=practices, patients=patients, work_items=work_items)
        self.stdout.write(f"seeded/checked in {time.perf_counter() - started:.1f} s: "
                          f"{Patient.objects.count():,} patients, "
                          f"{WorkItem.objects.count():,} work items, "
                          f"{get_user_model().objects.count():,} users")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.DEBUG = False  # as in production: no query log, no template debug data
        # The API throttle still counts every request (its Redis round trip is in the
        # figures); its limit is raised so repeated runs measure answers, not 429s.
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "10000000/min"}}
        api_settings.reload()
        staff = signed_in_client(email)
        manager = signed_in_client(bench_email("staff1"))
        slug = email.split("@")[1].removesuffix(".example")
        patient = Patient.objects.filter(practice__slug=slug).order_by("id").first()
        # (name, client, url, posted form or None, extra headers, expected status)
        healthz = ("healthz", staff, "/healthz", None, {}, 200)
        queue_rows = queue_pages(slug=slug, staff=staff, manager=manager)
        pages = [
            healthz,
            *([] if queue_only else [
                ("patient list", staff, reverse("patient_list", args=[slug]), None, {}, 200),
                ("patient search", staff, reverse("patient_list", args=[slug]),
                 {"q": "Last0042"}, {}, 200),
                ("patient page", staff, reverse("patient_detail", args=[slug, patient.pk]),
                 None, {}, 200)]),
            *queue_rows,
        ]
        if http:
            http_benchmark(pages=[healthz, *queue_rows], stdout=self.stdout, seconds=http_seconds,
                           connections=http_connections, workers=http_workers)
            return
        self.stdout.write(f"\n{runs} runs each; server = whole request in-process; "
                          "ratio = median server / median SQL; vs healthz = its throughput "
                          "as a share of /healthz's\n")
        self.stdout.write(f"{'page':22} {'queries':>7} {'server ms':>9} {'p95 ms':>7} "
                          f"{'sql ms':>7} {'ratio':>6} {'vs healthz':>10}  full scans")
        healthz_ms = None
        for name, client, url, form, headers, status in pages:
            row = self._measure(client, url, form, headers, status, runs)
            healthz_ms = healthz_ms or row["server"]
            self.stdout.write(
                f"{name:22} {row['queries']:7d} {row['server']:9.2f} {row['p95']:7.2f} "
                f"{row['sql']:7.2f} {row['server'] / max(row['sql'], 1e-6):6.2f} "
                f"{healthz_ms / row['server']:10.2f}  {', '.join(row['scans']) or 'none'}")
            if plans and name.startswith(("queue", "poll", "API", "team")):
                self._plans(name, row["captured"])
        sweep_benchmark(stdout=self.stdout, runs=runs)
        if queue_only:
            return
        if not skip_search:
            search_benchmark(stdout=self.stdout, practice_slug=slug)
        # Messaging's section: threads at scale and the triage-to-queue path.
        messaging_benchmark(stdout=self.stdout, client=staff, practice_slug=slug,
                            messages=messages, measure_page=self._messaging_row(runs))

    def _messaging_row(self, runs):
        def measure(client, name, url, form):
            row = self._measure(client, url, form, {}, 200, runs)
            self.stdout.write(f"{name:16} {row['queries']:7d} {row['server']:10.1f} "
                              f"{row['sql']:8.1f}  {', '.join(row['scans']) or 'none'}")
        return measure

    def _measure(self, client, url, form, headers, status, runs):
        server, sql = [], []
        for run in range(-WARM_UP, runs):
            if callable(url):
                url_now, headers_now = url()
            else:
                url_now, headers_now = url, headers
            with timed_sql() as timer:
                started = time.perf_counter()
                response = (client.post(url_now, form, **headers_now) if form
                            else client.get(url_now, **headers_now))
                elapsed = (time.perf_counter() - started) * 1000
            if run >= 0:  # the first WARM_UP requests are not counted
                server.append(elapsed)
                sql.append(timer.seconds * 1000)
            if response.status_code != status:
                raise CommandError(f"{url_now}: HTTP {response.status_code}, not {status}")
        server.sort()
        return {"queries": len(timer.queries), "server": statistics.median(server),
                "p95": server[min(len(server) - 1, int(len(server) * 0.95))],
                "sql": statistics.median(sql), "scans": self._full_scans(timer.queries),
                "captured": timer.queries}

    def _explain(self, sql, params, analyze=False):
        with connection.cursor() as cursor:
            cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ") + sql,
                           params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def _full_scans(self, captured):
        scans = set()
        for sql, params, _ in captured:
            if sql.lstrip().upper().startswith("SELECT"):
                plan = self._explain(sql, params)
                # The name must end there: "patients_patientchange" is not "patients_patient".
                scans.update(t for t in BIG_TABLES if re.search(rf"Seq Scan on {t}\b", plan))
        return sorted(scans)

    def _plans(self, name, captured):
        for sql, params, _ in captured:
            if "queue_workitem" in sql and sql.lstrip().upper().startswith("SELECT"):
                self.stdout.write(f"\n-- {name}: {sql[:160]}...")
                self.stdout.write(self._explain(sql, params, analyze=True))
