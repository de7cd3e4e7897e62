"""Scheduling at scale: slot search, the reminder sweep, booking throughput.

    .venv/bin/python manage.py bench_scheduling [--practices 300 --providers 1000
        --appointments 2000000 --clients 16]

Seeds (once, set-based SQL) bench practices with providers, two visit types,
weekday templates 08:00-17:00, patients and appointments packed into the
templates (past and the next weeks), and three reminders per upcoming visit.
Then it measures, on that data:
- slot search for one provider over 4 weeks, and for a whole practice;
- the reminder sweep finding due reminders (its plan must be index-only);
- booking throughput: N concurrent clients POSTing bookings to the API of a
  gunicorn on loopback, next to the same server's trivial /healthz view.
"""

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

BENCH_PREFIX = "bench-sched-"
SLOT_MINUTES = 30
SLOTS_PER_DAY = 18  # 08:00-17:00
SLOTS_PER_WEEK = SLOTS_PER_DAY * 5
PATIENTS_PER_PRACTICE = 100
FUTURE_WEEKS = 2


def _timed(fn, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def seed(*, practices, providers, appointments, stdout):
    """Create the bench data unless it is there. Everything in a few big statements."""
    from vpm.practices.models import Practice

    if Practice.objects.filter(slug__startswith=BENCH_PREFIX).count() >= practices:
        return
    per_provider = max(1, appointments // providers)
    started = time.perf_counter()
    from vpm.accounts.models import User
    from vpm.practices.models import Membership

    # Practices, users and memberships through the ORM (their model defaults apply);
    # the big tables below in SQL.
    Practice.objects.bulk_create(
        [Practice(name=f"Bench scheduling {n}", slug=f"{BENCH_PREFIX}{n}",
                  timezone="America/Chicago") for n in range(1, practices + 1)],
        ignore_conflicts=True, batch_size=1000)
    User.objects.bulk_create(
        [User(email=f"bench-provider-{n}@bench.example", name=f"Provider {n}", password="!")
         for n in range(1, providers + 1)], ignore_conflicts=True, batch_size=1000)
    bench_practices = list(Practice.objects.filter(slug__startswith=BENCH_PREFIX).order_by("id"))
    users = list(User.objects.filter(email__startswith="bench-provider-").order_by("id"))
    Membership.objects.bulk_create(
        [Membership(practice=bench_practices[i % len(bench_practices)], user=user,
                    role="provider") for i, user in enumerate(users)],
        ignore_conflicts=True, batch_size=1000)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("""
            INSERT INTO scheduling_visittype (practice_id, name, name_es, duration_minutes,
                buffer_minutes, modality, booking, patient_status, intake_forms,
                required_documents, instructions, is_active, created_at)
            SELECT p.id, t.name, '', 30, 0, t.modality, 'patient', 'any', '[]', '[]', '', true,
                   now()
            FROM practices_practice p
            CROSS JOIN (VALUES ('Video visit', 'video'), ('Office visit', 'in_person')) t(name, modality)
            WHERE p.slug LIKE %s
            ON CONFLICT DO NOTHING""", [BENCH_PREFIX + "%"])
        cursor.execute("""
            INSERT INTO scheduling_templateblock (practice_id, provider_id, weekday, start_time,
                end_time, modality, valid_from, created_at)
            SELECT m.practice_id, m.id, d, '08:00', '17:00', 'video', '2020-01-01', now()
            FROM practices_membership m JOIN practices_practice p ON p.id = m.practice_id
            CROSS JOIN generate_series(0, 4) d
            WHERE p.slug LIKE %s AND m.role = 'provider'""", [BENCH_PREFIX + "%"])
        cursor.execute("""
            INSERT INTO scheduling_templateblock_visit_types (templateblock_id, visittype_id)
            SELECT b.id, t.id FROM scheduling_templateblock b
            JOIN scheduling_visittype t ON t.practice_id = b.practice_id AND t.modality = 'video'
            JOIN practices_practice p ON p.id = b.practice_id WHERE p.slug LIKE %s""",
                       [BENCH_PREFIX + "%"])
        cursor.execute("""
            INSERT INTO patients_patient (id, practice_id, first_name, last_name, date_of_birth,
                mrn, preferred_language, preferred_channel, address, created_at, updated_at)
            SELECT gen_random_uuid(), p.id, 'Bench', 'Patient' || n, DATE '1970-01-01' + n,
                   'BS' || p.id || '-' || n, 'en', 'sms', '', now(), now()
            FROM practices_practice p CROSS JOIN generate_series(1, %s) n
            WHERE p.slug LIKE %s""", [PATIENTS_PER_PRACTICE, BENCH_PREFIX + "%"])
    stdout.write(f"  practices, providers, templates, patients: {time.perf_counter() - started:.1f} s")
    _seed_appointments(per_provider, stdout)


def _seed_appointments(per_provider, stdout):
    """Pack each provider's template from `weeks` back to FUTURE_WEEKS ahead, 30-min visits."""
    started = time.perf_counter()
    weeks_back = per_provider // SLOTS_PER_WEEK - FUTURE_WEEKS
    # Monday 08:00 America/Chicago as UTC (14:00Z in winter; 13:00Z in summer is close
    # enough for bench data: the template check is not part of the insert).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("""
            WITH providers AS (
                SELECT m.id AS provider_id, m.practice_id,
                       (SELECT t.id FROM scheduling_visittype t
                        WHERE t.practice_id = m.practice_id AND t.modality = 'video') AS visit_type_id
                FROM practices_membership m JOIN practices_practice p ON p.id = m.practice_id
                WHERE p.slug LIKE %(prefix)s AND m.role = 'provider'),
            base AS (SELECT date_trunc('week', now()) + interval '14 hours'
                            - make_interval(weeks => %(weeks_back)s) AS monday),
            pats AS (SELECT pa.id, pa.practice_id,
                            row_number() OVER (PARTITION BY pa.practice_id ORDER BY pa.id) - 1 AS i
                     FROM patients_patient pa JOIN practices_practice p ON p.id = pa.practice_id
                     WHERE p.slug LIKE %(prefix)s)
            INSERT INTO scheduling_appointment (id, practice_id, patient_id, provider_id,
                visit_type_id, modality, starts_at, ends_at, busy_until, status, channel,
                reason_note, booked_via, sequence, cancel_note, created_at, updated_at)
            SELECT gen_random_uuid(), pr.practice_id, pats.id, pr.provider_id, pr.visit_type_id, 'video', s.starts_at,
                   s.starts_at + interval '30 minutes', s.starts_at + interval '30 minutes',
                   CASE WHEN s.starts_at < now() THEN 'arrived' ELSE 'booked' END, 'sms', '',
                   'staff', 0, '', now(), now()
            FROM providers pr CROSS JOIN generate_series(0, %(per)s - 1) n
            CROSS JOIN base
            CROSS JOIN LATERAL (SELECT base.monday
                + make_interval(weeks => n / %(per_week)s, days => (n %% %(per_week)s) / %(per_day)s,
                                mins => ((n %% %(per_day)s) * %(slot)s)) AS starts_at) s
            JOIN pats ON pats.practice_id = pr.practice_id AND pats.i = n %% %(patients)s
            """, {"prefix": BENCH_PREFIX + "%", "weeks_back": weeks_back, "per": per_provider,
                  "per_week": SLOTS_PER_WEEK, "per_day": SLOTS_PER_DAY, "slot": SLOT_MINUTES,
                  "patients": PATIENTS_PER_PRACTICE})
        inserted = cursor.rowcount
        cursor.execute("""
            INSERT INTO scheduling_appointmentreminder (practice_id, appointment_id, hours_before,
                sequence, due_at, status, skip_reason)
            SELECT a.practice_id, a.id, h, 0, a.starts_at - make_interval(hours => h), 'pending', ''
            FROM scheduling_appointment a CROSS JOIN (VALUES (72), (24), (2)) r(h)
            JOIN practices_practice p ON p.id = a.practice_id
            WHERE p.slug LIKE %s AND a.status = 'booked' AND a.starts_at > now()""",
                       [BENCH_PREFIX + "%"])
        reminders = cursor.rowcount
        # Reminders of the past weeks were sent long ago.
        cursor.execute("""
            UPDATE scheduling_appointmentreminder SET status = 'queued', processed_at = due_at
            WHERE status = 'pending' AND due_at < now() - interval '10 minutes'""")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE scheduling_appointment")
        cursor.execute("ANALYZE scheduling_appointmentreminder")
    stdout.write(f"  {inserted:,} appointments, {reminders:,} reminders: "
                 f"{time.perf_counter() - started:.1f} s")


def measure_slot_search(stdout):
    from vpm.practices.models import Practice

    from .models import VisitType
    from .selectors import providers_for, slot_search

    practice = Practice.objects.filter(slug__startswith=BENCH_PREFIX).order_by("id").first()
    visit_type = VisitType.objects.for_practice(practice).get(modality="video")
    provider = providers_for(practice).first()
    today = timezone.localdate()
    last = today + timedelta(days=27)
    from django.test.utils import CaptureQueriesContext

    provider.user  # noqa: B018 - loaded once, as a view's select_related would
    slot_search(practice=practice, visit_type=visit_type, first_day=today, last_day=today)
    for label, who in (("one provider, 4 weeks", provider), ("whole practice, 4 weeks", None)):
        with CaptureQueriesContext(connection) as queries:
            slot_search(practice=practice, visit_type=visit_type, provider=who, first_day=today,
                        last_day=last)
        ms, slots = _timed(lambda w=who: slot_search(practice=practice, visit_type=visit_type,
                                                     provider=w, first_day=today, last_day=last),
                           runs=15)
        stdout.write(f"  slot search {label:26} {ms:7.1f} ms median, {len(queries)} queries, "
                     f"{len(slots)} open slots")
    return practice


def measure_reminder_sweep(stdout):
    from django.test.utils import CaptureQueriesContext

    from .notices import due_reminder_ids, reminders_send_due

    with connection.cursor() as cursor:
        # A "now" at which 500 reminders are due: as after a 500-reminder outage.
        cursor.execute("""SELECT due_at FROM scheduling_appointmentreminder
                          WHERE status = 'pending' ORDER BY due_at, id OFFSET 499 LIMIT 1""")
        row = cursor.fetchone()
    now = row[0] if row else timezone.now()
    with CaptureQueriesContext(connection) as queries:
        due_reminder_ids(now=now, limit=500)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index_only = "Index Only Scan using appointment_reminder_due_idx" in plan
    ms, ids = _timed(lambda: due_reminder_ids(now=now, limit=500), runs=15)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM scheduling_appointmentreminder WHERE status='pending'")
        pending = cursor.fetchone()[0]
    stdout.write(f"  reminder sweep: find due among {pending:,} pending: {ms:.1f} ms median, "
                 f"{len(ids)} due, plan index-only: {'yes' if index_only else 'NO'}")
    started = time.perf_counter()
    counts = reminders_send_due(now=now, limit=200)
    stdout.write(f"  reminder sweep: handle {sum(counts.values())} due reminders "
                 f"({counts}): {(time.perf_counter() - started) * 1000:.0f} ms")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bench_token(practice):
    from allauth.mfa.totp.internal.auth import TOTP

    from vpm.accounts.models import User
    from vpm.accounts.services import api_token_create
    from vpm.practices.models import Membership

    user, created = User.objects.get_or_create(email="bench-frontdesk@bench.example",
                                               defaults={"name": "Bench Front Desk"})
    Membership.objects.get_or_create(practice=practice, user=user,
                                     defaults={"role": "staff", "team": "registration"})
    if created:
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return api_token_create(user=user, name="bench")[1]


def measure_booking_throughput(practice, *, clients, bookings_per_client, stdout):
    """N clients book distinct free slots through the API of a real gunicorn on loopback."""
    import requests

    from vpm.patients.models import Patient

    from .models import VisitType
    from .selectors import slot_search

    visit_type = VisitType.objects.for_practice(practice).get(modality="video")
    today = timezone.localdate()
    # Free slots further ahead than the seeded weeks, across the practice's providers.
    start = today + timedelta(days=7 * FUTURE_WEEKS + 7)
    slots = slot_search(practice=practice, visit_type=visit_type, first_day=start,
                        last_day=start + timedelta(days=27))
    patients = list(Patient.objects.for_practice(practice).values_list("pk", flat=True))
    needed = clients * bookings_per_client
    if len(slots) < needed:
        stdout.write(f"  booking: only {len(slots)} free slots, fewer than {needed}")
        needed = len(slots)
    token = _bench_token(practice)
    port = _free_port()
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "DJANGO_DEBUG": "false", "VPM_SITE_URL": f"http://127.0.0.1:{port}"}
    db = settings.DATABASES["default"]
    env["DATABASE_URL"] = (f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:"
                           f"{db['PORT']}/{db['NAME']}")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [sys.executable, "-m", "gunicorn", "vpm.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--threads", "8", "--log-level", "warning"], env=env, cwd=settings.BASE_DIR,
        start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):  # a loaded machine may take a while to start gunicorn
            try:
                if requests.get(base + "/healthz", timeout=5).status_code < 500:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        headers = {"Authorization": f"Token {token}"}
        api = f"{base}/api/v1/p/{practice.slug}/appointments/"
        results = {"booking": [], "healthz": [], "errors": 0}
        lock = threading.Lock()

        def book(mine):
            session = requests.Session()
            for slot, patient in mine:
                started = time.perf_counter()
                response = session.post(api, json={
                    "patient": str(patient), "provider": slot.provider_id,
                    "visit_type": visit_type.pk, "starts_at": slot.starts_at.isoformat()},
                    headers=headers, timeout=30)
                with lock:
                    results["booking"].append(time.perf_counter() - started)
                    results["errors"] += response.status_code != 201

        def healthz(count):
            session = requests.Session()
            for _ in range(count):
                started = time.perf_counter()
                session.get(base + "/healthz", timeout=30)
                with lock:
                    results["healthz"].append(time.perf_counter() - started)

        work = list(zip(slots[:needed], (patients * (needed // len(patients) + 1))[:needed],
                        strict=True))
        for label, target, args in (
                ("healthz", healthz, [(bookings_per_client,)] * clients),
                ("booking", book, [(work[i::clients],) for i in range(clients)])):
            threads = [threading.Thread(target=target, args=a) for a in args]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            timings = sorted(results[label])
            p95 = timings[int(len(timings) * 0.95) - 1] * 1000 if timings else 0
            stdout.write(f"  {label:8} {clients} clients: {len(timings) / elapsed:7.1f} req/s, "
                         f"median {statistics.median(timings) * 1000:.0f} ms, p95 {p95:.0f} ms"
                         + (f", {results['errors']} refused" if label == "booking" else ""))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
