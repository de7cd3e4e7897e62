"""Celery for VPM. Every periodic schedule lives here, with why its interval.

Postgres holds the state; these sweeps find what is due, so a worker or
broker outage delays work but never loses it.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpm.settings")

app = Celery("vpm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every sweep expires before its next run: sweeps queued while no worker ran
# are dropped rather than run in a burst when workers return (the next one
# does the same work). New schedules should do the same.
SWEEP_EXPIRES = 55

app.conf.beat_schedule = {
    # Overdue flags drive the queue's sort and colour; a minute is as fresh as
    # anyone watching the queue needs.
    "flag-overdue-work-items": {
        "task": "vpm.queue.tasks.flag_overdue_work_items",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Snoozed items come back on their own; a minute's lateness is harmless.
    "wake-snoozed-work-items": {
        "task": "vpm.queue.tasks.wake_snoozed_work_items",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Managers hear of items overdue past the practice's limit (once each);
    # auto-assignment hands waiting items to people whose capacity freed up.
    "escalate-overdue-work-items": {
        "task": "vpm.queue.tasks.escalate_overdue_work_items",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    "auto-assign-work-items": {
        "task": "vpm.queue.tasks.auto_assign_work_items",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Picks up messages whose enqueue was lost (broker down at commit) or
    # whose retry time has come, and hands each to a worker. Sending is
    # idempotent, so overlap is safe.
    "send-due-outbound-messages": {
        "task": "vpm.notify.tasks.send_due_messages",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Visit reminders (scheduling): a minute late is fine; the sweep reads an
    # index of due rows only, and each reminder is sent once per booked time.
    "send-due-appointment-reminders": {
        "task": "scheduling.tasks.send_due_reminders",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Pre-visit checks (scheduling): unverified channels and insurance become
    # work items hours or days ahead; five minutes' lateness is harmless.
    "run-pre-visit-checks": {
        "task": "scheduling.tasks.run_pre_visit_checks",
        "schedule": 300.0,
        "options": {"expires": 295},
    },
    # Waitlist offers (scheduling) expire in minutes: check every minute.
    "run-waitlist-sweep": {
        "task": "scheduling.tasks.run_waitlist_sweep",
        "schedule": 60.0,
        "options": {"expires": SWEEP_EXPIRES},
    },
    # Attachment files written inside a transaction that rolled back later
    # (messaging): nothing points at them; an hour's delay is harmless.
    "sweep-orphan-attachment-files": {
        "task": "messaging.tasks.sweep_orphan_attachment_files",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
}
