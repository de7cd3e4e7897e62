"""Seed data at scale for the benchmark, with set-based SQL (seconds, not hours).

Practices are named bench-0001...; each gets patients, contact attempts, 10 to
30 staff (a manager first) and work items: about 20% active, the rest closed,
as in a practice that has run for a while. Every item names a patient; about
a third of the active ones are claimed by a member of the practice's staff,
so the queue page renders owners and patients as it does in real use. The
first practice's manager and first front-office member are enrolled in TOTP.
After seeding, VACUUM ANALYZE: fresh visibility maps and statistics, as a
database that autovacuum has looked after has them.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from vpm.practices.models import Practice

BENCH_PASSWORD = "bench-pass-2026"
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_SQL = """
INSERT INTO patients_patient (id, practice_id, first_name, last_name, date_of_birth, mrn,
    preferred_language, preferred_channel, address, created_at, updated_at)
SELECT gen_random_uuid(), p.id, 'First' || (g %% 500), 'Last' || lpad((g %% 997)::text, 4, '0'),
       DATE '1940-01-01' + (g * 37 %% 30000), 'B' || g, 'en', 'sms', '', now(), now()
FROM practices_practice p CROSS JOIN generate_series(1, %(patients)s) g
WHERE p.slug LIKE 'bench-%%';

INSERT INTO patients_contactattempt (practice_id, patient_id, channel, direction, outcome,
    note, occurred_at, created_at)
SELECT practice_id, id, 'phone', 'outbound', 'reached', '', now() - interval '1 day', now()
FROM patients_patient WHERE practice_id IN (SELECT id FROM practices_practice WHERE slug LIKE 'bench-%%');

-- 10 to 30 staff per practice: member 1 is the manager, the rest front office.
INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, date_joined, email, name,
    session_generation)
SELECT %(password)s, false, false, true, now(), 'staff' || s || '@' || p.slug || '.example',
       'Staff ' || s || ' of ' || p.name, 0
FROM practices_practice p
CROSS JOIN LATERAL generate_series(1, 10 + (p.id %% 21)::int) s
WHERE p.slug LIKE 'bench-%%';

INSERT INTO practices_membership (role, team, is_active, created_at, user_id, practice_id,
    capacity, is_available)
SELECT CASE WHEN u.email LIKE 'staff1@%%' THEN 'manager' ELSE 'staff' END,
       CASE WHEN u.email LIKE 'staff1@%%' THEN ''
            ELSE (ARRAY['registration','triage','telehealth','documents','records','post_visit'])
                 [1 + (u.id %% 6)] END,
       true, now(), u.id, p.id, 10, true
FROM accounts_user u JOIN practices_practice p ON u.email LIKE '%%@' || p.slug || '.example'
WHERE p.slug LIKE 'bench-%%';

CREATE TEMP TABLE bench_patient AS
SELECT id, practice_id, row_number() OVER (PARTITION BY practice_id ORDER BY mrn) AS n
FROM patients_patient WHERE mrn LIKE 'B%%';
CREATE INDEX ON bench_patient (practice_id, n);
CREATE TEMP TABLE bench_staff AS
SELECT user_id, practice_id, row_number() OVER (PARTITION BY practice_id ORDER BY user_id) AS n,
       count(*) OVER (PARTITION BY practice_id) AS size
FROM practices_membership WHERE role = 'staff'
  AND practice_id IN (SELECT id FROM practices_practice WHERE slug LIKE 'bench-%%');
CREATE INDEX ON bench_staff (practice_id, n);

INSERT INTO queue_workitem (practice_id, kind, team, title, detail, urgency, status,
    due_at, is_overdue, outcome, source_id, created_at, updated_at, patient_id, owner_id,
    claimed_at, closed_at, waiting_reason)
SELECT item.practice_id, item.kind, item.team, item.title, '', item.urgency, item.status,
       item.due_at, item.due_at < now() AND item.status IN ('open', 'claimed'),
       CASE WHEN item.status = 'done' THEN 'Called back' ELSE '' END, '',
       item.created_at, item.created_at, patient.id,
       CASE WHEN item.status IN ('claimed', 'done') THEN staff.user_id END,
       CASE WHEN item.status IN ('claimed', 'done') THEN item.created_at END,
       CASE WHEN item.status = 'done' THEN item.created_at + interval '2 hours' END, ''
FROM (
    SELECT p.id AS practice_id, g,
           (ARRAY['callback','portal_message','unverified_channel','intake_incomplete',
                  'records_request','post_visit_task'])[1 + g %% 6] AS kind,
           (ARRAY['registration','triage','telehealth','documents','records','post_visit'])
               [1 + (g / 7) %% 6] AS team,
           'Call back ' || g AS title, g %% 3 AS urgency,
           CASE WHEN g %% 5 = 0 THEN 'open' WHEN g %% 15 = 1 THEN 'claimed' ELSE 'done' END
               AS status,
           now() + ((g %% 200) - 50) * interval '1 hour' AS due_at,
           now() - (g %% 60) * interval '1 day' AS created_at,
           1 + (g * 7919) %% %(patients)s AS patient_n
    FROM practices_practice p CROSS JOIN generate_series(1, %(work_items)s) g
    WHERE p.slug LIKE 'bench-%%'
) item
JOIN bench_patient patient ON patient.practice_id = item.practice_id
                          AND patient.n = item.patient_n
JOIN bench_staff staff ON staff.practice_id = item.practice_id
                      AND staff.n = 1 + item.g %% staff.size;
"""


def seed_scale(*, practices: int, patients: int, work_items: int) -> str:
    """Create the bench practices (once) and return the email of a bench front-office user."""
    with transaction.atomic():
        if not Practice.objects.filter(slug__startswith="bench-").exists():
            Practice.objects.bulk_create(
                Practice(slug=f"bench-{i:04d}", name=f"Bench Practice {i}", timezone="UTC")
                for i in range(1, practices + 1)
            )
            with connection.cursor() as cursor:
                cursor.execute(_SQL, {"patients": patients, "work_items": work_items,
                                      "password": make_password(BENCH_PASSWORD)})
            _enrol_bench_users()
            fresh = True
        else:
            fresh = False
    if fresh:
        with connection.cursor() as cursor:  # outside a transaction, as VACUUM requires
            cursor.execute("VACUUM ANALYZE")
    return bench_email("staff2")


def bench_email(handle, practice=1):
    return f"{handle}@bench-{practice:04d}.example"


def _enrol_bench_users():
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(email__in=[bench_email("staff1"),
                                                           bench_email("staff2")]):
        if not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, BENCH_TOTP_SECRET)
