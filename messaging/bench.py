"""Messaging's part of `make bench`: threads and messages at scale (set-based
SQL), then the staff thread list, the API thread list and the
triage-to-queue path (a message in, triaged, threaded, acknowledged, queued).

The bench practices come from vpm.demo.scale; each of their patients gets
one thread of five messages until `messages` messages exist (about a fifth
of the threads open), so 1,000,000 messages are 200,000 threads.
"""

import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vpm.patients.models import Patient
from vpm.practices.models import Practice

from .inbound import patient_for_phone
from .models import Attachment, Message
from .services.threads import message_receive

_SEED_SQL = """
INSERT INTO messaging_thread (id, practice_id, patient_id, unknown_sender, subject, topic,
    urgency, urgency_rank, team, status, outcome, language, created_at, last_message_at,
    paused_minutes, respond_by)
SELECT gen_random_uuid(), p.practice_id, p.id, '', 'Bench thread',
       (ARRAY['scheduling','refill','test_result','records','billing','referral',
              'tech_support','clinical_question','other'])[1 + n %% 9],
       (ARRAY['emergency','urgent','routine','routine','routine'])[1 + n %% 5],
       (ARRAY[0,1,2,2,2])[1 + n %% 5],
       (ARRAY['registration','triage','telehealth','documents','records','post_visit'])[1 + n %% 6],
       CASE WHEN n %% 5 = 0 THEN 'open' ELSE 'closed' END, '', 'en',
       now() - (n %% 90) * interval '1 day', now() - (n %% 90) * interval '1 day' + interval '1 hour',
       0, CASE WHEN n %% 5 = 0 THEN now() + interval '4 hours' END
FROM (SELECT id, practice_id, row_number() OVER (ORDER BY practice_id, id) AS n
      FROM patients_patient
      WHERE practice_id IN (SELECT id FROM practices_practice WHERE slug LIKE 'bench-%%')
      LIMIT %(threads)s) p;

INSERT INTO messaging_message (practice_id, thread_id, direction, channel, is_automatic, body,
    sender, external_id, topic_picked, red_flag_answer, created_at)
SELECT t.practice_id, t.id,
       (ARRAY['inbound','outbound','note','inbound','outbound'])[g],
       (ARRAY['portal','portal','portal','sms','email'])[g], g = 2,
       'Bench message ' || g, '', '', '', '', t.created_at + g * interval '10 minutes'
FROM messaging_thread t CROSS JOIN generate_series(1, 5) g
WHERE t.practice_id IN (SELECT id FROM practices_practice WHERE slug LIKE 'bench-%%');
"""

# Refill requests for the refill threads and an attachment on every fourth thread's
# first message, so the thread page's reads of both run on tables of real size.
_SEED_EXTRAS_SQL = """
INSERT INTO messaging_refillrequest (id, practice_id, thread_id, patient_id, medication, status,
    note_to_patient, created_at, status_changed_at)
SELECT gen_random_uuid(), t.practice_id, t.id, t.patient_id, 'Bench medicine',
       CASE WHEN t.status = 'open' THEN 'received' ELSE 'sent_to_pharmacy' END, '',
       t.created_at, t.created_at
FROM messaging_thread t
WHERE t.topic = 'refill' AND t.subject = 'Bench thread' AND t.practice_id IN (SELECT id FROM practices_practice
                                               WHERE slug LIKE 'bench-%%');

INSERT INTO messaging_attachment (id, practice_id, message_id, file, content_type, size,
    original_name, created_at)
SELECT gen_random_uuid(), m.practice_id, m.id, 'messaging/bench/' || m.id, 'image/jpeg', 1000,
       'photo.jpg', m.created_at
FROM messaging_message m
WHERE m.body = 'Bench message 1' AND m.id %% 4 = 0 AND m.practice_id IN
      (SELECT id FROM practices_practice WHERE slug LIKE 'bench-%%');
"""

RUNS = 15
TRIAGE_PATH_MESSAGES = 100
TEXTS = ["Can I move my appointment to next week?", "I need a refill of my lisinopril",
         "are my lab results back yet", "my chest feels crushed and my arm is numb",
         "necesito una copia de mi expediente", "question about my bill from march"]


def seed_messages(*, messages: int) -> int:
    """Seed once: bench threads with five messages each. Returns the message count."""
    bench = Message.objects.filter(practice__slug__startswith="bench-")
    if bench.exists():
        _seed_extras()
        return bench.count()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SEED_SQL, {"threads": max(1, messages // 5)})
    _seed_extras()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE messaging_thread")  # the counts read the index alone
        cursor.execute("ANALYZE messaging_message")
    return bench.count()


def _seed_extras():
    """Refills and attachments for the bench threads (once; also on a database seeded
    before they were added)."""
    if Attachment.objects.filter(file__startswith="messaging/bench/").exists():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SEED_EXTRAS_SQL, {})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE messaging_refillrequest; ANALYZE messaging_attachment;")


def messaging_benchmark(*, stdout, client, practice_slug, messages, measure_page):
    started = time.perf_counter()
    count = seed_messages(messages=messages)
    stdout.write(f"\nmessaging: {count:,} bench messages (seeded/checked in "
                 f"{time.perf_counter() - started:.1f} s)")
    practice = Practice.objects.get(slug=practice_slug)
    thread = practice and Message.objects.filter(practice=practice).values_list(
        "thread_id", flat=True).first()
    stdout.write(f"{'page':16} {'queries':>7} {'server ms':>10} {'sql ms':>8}  full scans")
    measure_page(client, "thread list", reverse("staff_threads", args=[practice_slug]), None)
    measure_page(client, "thread (staff)", reverse("staff_thread", args=[practice_slug, thread]),
                 None)
    measure_page(client, "API threads", f"/api/v1/p/{practice_slug}/threads/", None)
    _triage_to_queue(stdout, practice)
    _sender_by_phone(stdout, practice)


def _triage_to_queue(stdout, practice):
    """A message in: triage, thread, acknowledgement, queue item, contact log."""
    patients = list(Patient.objects.for_practice(practice).order_by("id")[:TRIAGE_PATH_MESSAGES])
    timings, queries = [], []
    for index, patient in enumerate(patients):
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            message_receive(practice=practice, patient=patient, channel="portal",
                            body=TEXTS[index % len(TEXTS)])
            timings.append((time.perf_counter() - begun) * 1000)
        queries.append(len(captured))
    stdout.write(f"triage-to-queue  {statistics.median(queries):7.0f} "
                 f"{statistics.median(timings):10.1f}   (median of {len(timings)} messages; "
                 f"max {max(queries)} queries, p90 "
                 f"{sorted(timings)[int(len(timings) * 0.9)]:.1f} ms)")


def _sender_by_phone(stdout, practice):
    """An inbound text's sender matched to a patient by phone, and the plan of that lookup."""
    from vpm.patients.bench import _seed_contacts as seed_contacts  # one mobile a patient
    from vpm.patients.models import ContactPoint

    seed_contacts(practice)
    number = (ContactPoint.objects.for_practice(practice).filter(kind=ContactPoint.Kind.PHONE)
              .order_by("id").values_list("value", flat=True)[100])
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            found = patient_for_phone(practice, number)
            timings.append((time.perf_counter() - begun) * 1000)
    lookup = next(q["sql"] for q in captured.captured_queries if "contactpoint" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {lookup}")
        plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
    stdout.write(f"sender by phone  {len(captured):7d} {statistics.median(timings):10.1f}   "
                 f"({ContactPoint.objects.count():,} contact points; matched: "
                 f"{found is not None})\n{plan}")
