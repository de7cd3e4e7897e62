"""Patient search at scale, for `manage.py benchmark` (registration's own section).

For each kind of term a front desk types, runs the search as the patient list
does (count + first page) and reports the queries, the median Python time of
the whole call, the SQL time of its queries and whether any plan scans a big
table. The budget: the call stays within 2x the SQL time of its own queries.
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from vpm.practices.models import Practice

from .contact import phone_display
from .models import ContactPoint, Patient
from .selectors import page_in_one_query, patient_search

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


def search_benchmark(*, stdout, practice_slug) -> None:
    practice = Practice.objects.get(slug=practice_slug)
    _seed_contacts(practice)
    probe = Patient.objects.for_practice(practice).get(mrn="B42")
    stdout.write(f"\npatient search at scale ({Patient.objects.count():,} patients, "
                 f"{ContactPoint.objects.count():,} contact points)")
    stdout.write(f"{'term':22} {'queries':>7} {'rows':>5} {'call ms':>8} {'sql ms':>7} "
                 f"{'ratio':>5}  full scans")
    for label, query in _terms(practice, probe):
        _measure(stdout, practice, label, query)


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
        ("date of birth", probe.date_of_birth.strftime("%m/%d/%Y")),
        ("phone, any format", phone_display(phone, region=practice.phone_region)),
        ("email", probe.contact_points.get(kind="email").value.upper()),
        ("MRN", probe.mrn.lower()),
    ]


def _search_page(practice, query) -> int:
    """The search as the patient list runs it: its first page and the total."""
    page = page_in_one_query(patient_search(practice=practice, query=query), page_number=1,
                             per_page=50)
    return len(page.object_list)


def _measure(stdout, practice, label, query):
    with CaptureQueriesContext(connection) as captured:
        rows = _search_page(practice, query)
    # Calls and their raw SQL alternate, so load on a shared machine hits both alike.
    call_timings, sql_timings = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        _search_page(practice, query)
        call_timings.append((time.perf_counter() - started) * 1000)
        sql_timings.append(_sql_ms(captured.captured_queries))
    call_ms, sql_ms = statistics.median(call_timings), statistics.median(sql_timings)
    scans = _full_scans(captured.captured_queries)
    stdout.write(f"{label:22} {len(captured):7d} {rows:5d} {call_ms:8.2f} {sql_ms:7.2f} "
                 f"{call_ms / sql_ms if sql_ms else 0:5.1f}  {', '.join(scans) or 'none'}")


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
