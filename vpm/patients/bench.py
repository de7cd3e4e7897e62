"""Patient search at scale, for `manage.py benchmark` (registration's own section).

For each kind of term a front desk types, runs the search as the patient list
does (first page and its total, `patient_search_page`) and reports the queries,
the median time of the whole call, the median time of the same SQL run straight
on a cursor, their ratio, the same call through the ORM queryset (what the page
did before the search was compiled once per shape), and whether any plan scans
a big table. The budget: the call stays within 2x the SQL time of its own query.
`plans=True` prints each term's EXPLAIN (ANALYZE, BUFFERS).
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vpm.practices.models import Practice

from .contact import phone_display
from .models import ContactPoint, Patient
from .selectors import page_in_one_query, patient_search, patient_search_page

RUNS = 15
BIG_TABLES = ("patients_patient", "patients_contactpoint")

# One mobile and one email per bench patient, once (set-based, seconds).
_SEED_CONTACTS = """
INSERT INTO patients_contactpoint (practice_id, patient_id, kind, value, is_primary, created_at)
SELECT practice_id, id, 'phone', '+1312' || lpad((2000000 + row_number() OVER
       (PARTITION BY practice_id ORDER BY mrn))::text, 7, '0'), true, now()
FROM patients_patient WHERE mrn LIKE 'B%%'
UNION ALL
SELECT practice_id, id, 'email', lower(mrn) || '@bench.example', true, now()
FROM patients_patient WHERE mrn LIKE 'B%%';
"""


# Four reads of each bench patient over the last 90 days, each by one of its
# practice's staff (set-based, once): the access report's table at scale.
_SEED_AUDIT = """
WITH staff AS (
    SELECT practice_id, user_id,
           row_number() OVER (PARTITION BY practice_id ORDER BY user_id) - 1 AS n,
           count(*) OVER (PARTITION BY practice_id) AS total
    FROM practices_membership WHERE role IN ('staff', 'manager'))
INSERT INTO audit_auditevent (practice_id, actor_id, patient_id, action, object_type, object_id,
                              via, at, user_agent)
SELECT p.practice_id, s.user_id, p.id, 'view_patient', 'patient', p.id::text, 'web',
       now() - (g * 22 + (hashtext(p.mrn) & 1023) / 50.0) * interval '1 day', ''
FROM patients_patient p CROSS JOIN generate_series(0, 3) g
JOIN staff s ON s.practice_id = p.practice_id
            AND s.n = mod(abs(hashtext(p.mrn)) + g, s.total)
WHERE p.mrn LIKE 'B%%';
"""


def search_benchmark(*, stdout, practice_slug, plans=False) -> None:
    practice = Practice.objects.get(slug=practice_slug)
    _seed_contacts(practice)
    probe = Patient.objects.for_practice(practice).get(mrn="B42")
    stdout.write(f"\npatient search at scale ({Patient.objects.count():,} patients, "
                 f"{ContactPoint.objects.count():,} contact points)")
    stdout.write(f"{'term':22} {'queries':>7} {'rows':>5} {'call ms':>8} {'sql ms':>7} "
                 f"{'ratio':>5} {'ORM ms':>7}  full scans")
    for label, query in _terms(practice, probe):
        _measure(stdout, practice, label, query, plans=plans)
    access_report_benchmark(stdout=stdout, practice=practice, probe=probe)
    import_benchmark(stdout=stdout)


def ten_thousand_rows_csv() -> bytes:
    """A practice's list of 10,000 new patients, each with a mobile and an email."""
    lines = ["first_name,last_name,date_of_birth,mobile_phone,email"]
    lines += [f"First{n},Last{n},{1 + n % 12}/{1 + n % 28}/{1940 + n % 80},"
              f"+1312{2000000 + n},p{n}@example.com" for n in range(10_000)]
    return "\n".join(lines).encode()


class _RolledBack(Exception):
    pass


def import_benchmark(*, stdout) -> None:
    """The manager's CSV import of 10,000 rows into an empty practice, then the same file
    again, all rolled back afterwards: upload and preview check, then the import
    (which checks the rows again, then COPYs them), and its queries."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from .imports import import_commit, import_preview, import_upload

    data = ten_thousand_rows_csv()
    stdout.write("\nCSV import of 10,000 rows (one practice, rolled back afterwards)")
    try:
        with transaction.atomic():
            practice = Practice.objects.create(slug="bench-import", name="Bench import",
                                               timezone="UTC")
            actor = get_user_model().objects.filter(memberships__role="manager").first()
            for label in ("first import", "same file again"):
                started = time.perf_counter()
                upload = import_upload(practice=practice, actor=actor, uploaded_file=
                                       SimpleUploadedFile("patients.csv", data))
                import_preview(patient_import=upload)  # the page the manager sees first
                checked = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    result = import_commit(patient_import=upload, actor=actor)
                done = time.perf_counter()
                stdout.write(f"{label:16} preview check {checked - started:5.1f} s, "
                             f"import {done - checked:5.1f} s, {len(captured)} queries: "
                             f"{result.rows_created:,} created, {result.rows_skipped:,} skipped")
            raise _RolledBack
    except _RolledBack:
        pass


def access_report_benchmark(*, stdout, practice, probe) -> None:
    """The manager's access report at scale: queries, server and SQL time, plans."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from vpm.accounts.second_factor import dangerously_record_second_factor
    from vpm.audit.models import AuditEvent
    from vpm.practices.models import Membership

    if AuditEvent.objects.filter(practice=practice).count() < 1000:  # not seeded yet
        with connection.cursor() as cursor:
            cursor.execute(_SEED_AUDIT)
            cursor.execute("ANALYZE audit_auditevent")
    manager = get_user_model().objects.get(
        pk=Membership.objects.filter(practice=practice, role="manager").values("user")[:1])
    colleague = Membership.objects.filter(practice=practice, role="staff") \
        .order_by("user_id").values_list("user_id", flat=True).first()
    client = Client()
    client.force_login(manager)
    dangerously_record_second_factor(client, manager)  # as if signed in with TOTP
    url = reverse("access_report", args=[practice.slug])
    today = timezone.localdate()
    stdout.write(f"\naccess report ({AuditEvent.objects.count():,} audit events; "
                 f"{AuditEvent.objects.filter(practice=practice).count():,} in this practice)")
    stdout.write(f"{'filter':26} {'queries':>7} {'server ms':>9} {'sql ms':>7}")
    for label, form in [
        ("last 7 days (GET)", None),
        ("one patient (MRN)", {"mrn": probe.mrn}),
        ("one staff member", {"actor": colleague}),
        ("a month, one action", {"start": today - timezone.timedelta(days=30), "end": today,
                                 "action": "view_patient"}),
    ]:
        server, sql = [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(url, form) if form else client.get(url)
                server.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise AssertionError(f"access report {label}: HTTP {response.status_code}")
            sql.append(_sql_ms(captured.captured_queries))
        stdout.write(f"{label:26} {len(captured):7d} {statistics.median(server):9.2f} "
                     f"{statistics.median(sql):7.2f}")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if "audit_auditevent" in query["sql"] and query["sql"].startswith("SELECT"):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = [row[0] for row in cursor.fetchall()]
                    stdout.write("\n".join(f"    {line}" for line in plan
                                           if "Scan" in line or "Execution" in line
                                           or "Limit" in line or "Sort" in line))


def _seed_contacts(practice):
    if ContactPoint.objects.for_practice(practice).exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(_SEED_CONTACTS)
        cursor.execute("ANALYZE patients_contactpoint")


def _terms(practice, probe):
    phone = probe.contact_points.get(kind="phone").value
    return [
        ("Last, First", f"{probe.last_name}, {probe.first_name}"),
        ("last name", probe.last_name),
        ("first name", probe.first_name),
        ("name, no accents", probe.last_name.lower()),
        ("name typed with accents", probe.last_name.replace("a", "á", 1)),
        ("date of birth", probe.date_of_birth.strftime("%m/%d/%Y")),
        ("phone, any format", phone_display(phone, region=practice.phone_region)),
        ("email", probe.contact_points.get(kind="email").value.upper()),
        ("MRN", probe.mrn.lower()),
    ]


def _search_page(practice, query) -> int:
    """The search as the patient list runs it: its first page and the total."""
    page = patient_search_page(practice=practice, query=query, page_number=1, per_page=50)
    return len(page.object_list)


def _orm_page(practice, query) -> int:
    """The same page built through the ORM queryset each time (the earlier way)."""
    page = page_in_one_query(patient_search(practice=practice, query=query), page_number=1,
                             per_page=50)
    return len(page.object_list)


def _measure(stdout, practice, label, query, *, plans):
    with CaptureQueriesContext(connection) as captured:
        rows = _search_page(practice, query)
    if _orm_page(practice, query) != rows:
        raise AssertionError(f"{label}: the compiled and the ORM search disagree")
    # Calls and their raw SQL alternate, so load on a shared machine hits both alike.
    call_timings, sql_timings, orm_timings = [], [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        _search_page(practice, query)
        call_timings.append((time.perf_counter() - started) * 1000)
        sql_timings.append(_sql_ms(captured.captured_queries))
        started = time.perf_counter()
        _orm_page(practice, query)
        orm_timings.append((time.perf_counter() - started) * 1000)
    call_ms, sql_ms = statistics.median(call_timings), statistics.median(sql_timings)
    scans = _full_scans(captured.captured_queries)
    stdout.write(f"{label:22} {len(captured):7d} {rows:5d} {call_ms:8.2f} {sql_ms:7.2f} "
                 f"{call_ms / sql_ms if sql_ms else 0:5.1f} {statistics.median(orm_timings):7.2f}"
                 f"  {', '.join(scans) or 'none'}")
    if plans:
        with connection.cursor() as cursor:
            for captured_query in captured.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured_query["sql"])
                stdout.write("\n".join(f"    {row[0]}" for row in cursor.fetchall()))


def _sql_ms(captured) -> float:
    """Time of running the call's own SQL, as sent, straight on a cursor.

    (Django's captured timings are rounded to the millisecond: too coarse here.)
    """
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for query in captured:
            cursor.execute(query["sql"])
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def _full_scans(captured):
    scans = set()
    with connection.cursor() as cursor:
        for query in captured:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            scans.update(t for t in BIG_TABLES if f"Seq Scan on {t}" in plan)
    return sorted(scans)
