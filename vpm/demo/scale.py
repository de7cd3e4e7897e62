"""Seed data at scale for the benchmark, with set-based SQL (seconds, not hours).

Practices are named bench-0001...; each gets patients, contact attempts and
work items (about 20% active, the rest closed, as in a practice that has run
for a while) and one front-office user enrolled in TOTP.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from vpm.practices.models import Membership, Practice, Team

BENCH_PASSWORD = "bench-pass-2026"

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

INSERT INTO queue_workitem (practice_id, kind, team, title, detail, urgency, status,
    due_at, is_overdue, outcome, source_id, created_at, updated_at)
SELECT p.id, 'callback',
       (ARRAY['registration','triage','telehealth','documents','records','post_visit'])[1 + g %% 6],
       'Call back ' || g, '', g %% 3,
       CASE WHEN g %% 5 = 0 THEN 'open' ELSE 'done' END,
       now() + ((g %% 200) - 50) * interval '1 hour', false, '', '', now(), now()
FROM practices_practice p CROSS JOIN generate_series(1, %(work_items)s) g
WHERE p.slug LIKE 'bench-%%';
"""


def seed_scale(*, practices: int, patients: int, work_items: int) -> str:
    """Create the bench practices (once) and return the email of a bench user."""
    with transaction.atomic():
        if Practice.objects.filter(slug__startswith="bench-").exists():
            return _bench_user_email(1)
        Practice.objects.bulk_create(
            Practice(slug=f"bench-{i:04d}", name=f"Bench Practice {i}", timezone="UTC")
            for i in range(1, practices + 1)
        )
        with connection.cursor() as cursor:
            cursor.execute(_SQL, {"patients": patients, "work_items": work_items})
        _bench_staff()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return _bench_user_email(1)


def _bench_user_email(i):
    return f"staff@bench-{i:04d}.example"


def _bench_staff():
    User = get_user_model()
    for practice in Practice.objects.filter(slug__startswith="bench-")[:3]:
        user = User.objects.create_user(email=f"staff@{practice.slug}.example",
                                        password=BENCH_PASSWORD)
        Membership.objects.create(practice=practice, user=user, team=Team.REGISTRATION)
        if not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
