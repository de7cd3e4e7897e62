"""Due times from the practice's targets, batched sweeps, escalation once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import WorkItemFactory, staff_user
from vpm.notify.models import OutboundMessage
from vpm.practices.models import Role, Team
from vpm.queue import sla
from vpm.queue.models import (
    Kind,
    QueueSettings,
    SlaTarget,
    StaffNotice,
    Status,
    Urgency,
    WorkItem,
    WorkItemEvent,
)
from vpm.queue.services import (
    work_item_open,
    work_items_escalate,
    work_items_flag_overdue,
    work_items_wake_snoozed,
)

pytestmark = pytest.mark.django_db


def _always_open(practice):
    practice.business_hours = {d: ["00:00", "24:00"] for d in
                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    practice.save()


def test_new_item_without_due_time_gets_the_practice_target(practice):
    _always_open(practice)
    SlaTarget.objects.create(practice=practice, kind=Kind.CALLBACK, urgency=Urgency.URGENT,
                             minutes=45)
    before = timezone.now()
    item = work_item_open(practice=practice, kind=Kind.CALLBACK, team=Team.TRIAGE,
                          title="Call back", urgency=Urgency.URGENT)
    assert before + timedelta(minutes=45) <= item.due_at <= timezone.now() + timedelta(minutes=45)


def test_default_targets_ship_for_every_kind_and_urgency(practice):
    targets = sla.targets_for_practice(practice)
    assert len(targets) == len(Kind.values) * len(Urgency.values)
    assert targets[(Kind.PORTAL_MESSAGE, Urgency.EMERGENCY)] == sla.Target(15, False)
    assert targets[(Kind.RECORDS_REQUEST, Urgency.ROUTINE)].business_hours is False


def test_emergency_target_counts_clock_time_even_at_night(practice):
    practice.business_hours = {}  # closed all week: emergencies do not wait
    start = timezone.now()
    due = sla.due_at_for(practice=practice, kind=Kind.CANNOT_CONNECT,
                         urgency=Urgency.EMERGENCY, start=start)
    assert due == start + timedelta(minutes=15)


def test_overdue_sweep_works_in_batches_and_flags_each_once(practice):
    past = timezone.now() - timedelta(minutes=5)
    WorkItemFactory.create_batch(25, practice=practice, due_at=past)
    assert work_items_flag_overdue(batch=10) == 25
    assert WorkItem.objects.filter(is_overdue=True).count() == 25
    assert WorkItemEvent.objects.filter(action="overdue").count() == 25
    assert work_items_flag_overdue(batch=10) == 0


def test_overdue_sweep_skips_waiting_and_snoozed_items(practice):
    past = timezone.now() - timedelta(minutes=5)
    WorkItemFactory(practice=practice, due_at=past, status=Status.WAITING,
                    waiting_since=past, waiting_reason="x")
    WorkItemFactory(practice=practice, due_at=past, status=Status.SNOOZED,
                    snoozed_until=timezone.now() + timedelta(days=1))
    assert work_items_flag_overdue() == 0


def test_overdue_sweep_skips_a_row_someone_holds_and_catches_it_next_time(practice,
                                                                          transactional_db):
    """A row locked by a web request is skipped, not waited on."""
    from django.db import connections

    item = WorkItemFactory(practice=practice, due_at=timezone.now() - timedelta(minutes=1))
    other = WorkItemFactory(practice=practice, due_at=timezone.now() - timedelta(minutes=1))
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        with connections["default"].cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM queue_workitem WHERE id = %s FOR UPDATE", [item.pk])
            locked.set()
            release.wait(10)
            cursor.execute("COMMIT")
        connections["default"].close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(10)
    try:
        assert work_items_flag_overdue() == 1
    finally:
        release.set()
        holder.join()
    assert WorkItem.objects.get(pk=other.pk).is_overdue
    assert work_items_flag_overdue() == 1
    assert WorkItem.objects.get(pk=item.pk).is_overdue


def test_wake_sweep_in_batches(practice):
    WorkItemFactory.create_batch(7, practice=practice, status=Status.SNOOZED,
                                 snoozed_until=timezone.now() + timedelta(minutes=1))
    assert work_items_wake_snoozed(now=timezone.now() + timedelta(minutes=2), batch=3) == 7
    assert WorkItem.objects.filter(status=Status.OPEN).count() == 7


def _overdue_by(practice, minutes, **fields):
    return WorkItemFactory(practice=practice, is_overdue=True,
                           due_at=timezone.now() - timedelta(minutes=minutes), **fields)


def test_escalation_tells_every_manager_once_in_app_and_by_email(practice, manager, staff,
                                                                  other_practice, outsider):
    second_manager = staff_user(practice, role=Role.MANAGER, team="", name="Sam Second")
    QueueSettings.objects.create(practice=practice, escalate_after_minutes=30)
    late = _overdue_by(practice, 45)
    _overdue_by(practice, 10)  # overdue, but within the limit
    _overdue_by(other_practice, 90)  # the other practice's own managers hear of theirs
    assert work_items_escalate() == 2
    notices = StaffNotice.objects.filter(practice=practice)
    assert {(n.user_id, n.work_item_id) for n in notices} == {
        (manager.pk, late.pk), (second_manager.pk, late.pk)}
    emails = OutboundMessage.objects.filter(practice=practice, template="queue_escalated")
    assert sorted(e.to for e in emails) == sorted([manager.email, second_manager.email])
    assert "1 overdue item" in emails[0].subject
    assert not StaffNotice.objects.filter(user=staff).exists()
    assert StaffNotice.objects.filter(practice=other_practice, user=outsider).count() == 1

    # Run again (beat overlap, a retry): nothing new
    assert work_items_escalate() == 0
    assert StaffNotice.objects.filter(practice=practice).count() == 2
    assert OutboundMessage.objects.filter(template="queue_escalated").count() == 3
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert late.events.filter(action="escalated").count() == 1


def test_escalation_default_limit_is_an_hour(practice, manager):
    _overdue_by(practice, 50)
    assert work_items_escalate() == 0
    _overdue_by(practice, 70)
    assert work_items_escalate() == 1


def test_escalation_raced_by_two_sweeps_notifies_once(practice, manager, transactional_db):
    from django.db import connections

    WorkItemFactory.create_batch(30, practice=practice, is_overdue=True,
                                 due_at=timezone.now() - timedelta(hours=3))
    counts = []

    def sweep():
        try:
            counts.append(work_items_escalate(batch=5))
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 30
    assert StaffNotice.objects.filter(user=manager).count() == 30
    assert WorkItemEvent.objects.filter(action="escalated").count() == 30


def test_noop_sweeps_use_their_partial_indexes(practice):
    WorkItemFactory.create_batch(5, practice=practice)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM queue_workitem WHERE status IN ('open', 'claimed') "
            "AND is_overdue = FALSE AND due_at < now() ORDER BY due_at LIMIT 2000")
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "work_item_overdue_sweep_idx" in plan
