from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ContactPointFactory, WorkItemFactory
from vpm.practices.models import Team
from vpm.queue.models import Kind, Status, Urgency, WorkItem, WorkItemEvent
from vpm.queue.services import (
    WorkItemError,
    work_item_assign,
    work_item_claim,
    work_item_close,
    work_item_close_for_source,
    work_item_open_or_update,
    work_item_release,
    work_item_snooze,
    work_items_flag_overdue,
    work_items_wake_snoozed,
)

pytestmark = pytest.mark.django_db


def _open_for(point, **overrides):
    fields = dict(practice=point.practice, kind=Kind.UNVERIFIED_CHANNEL, source=point,
                  team=Team.REGISTRATION, title="Verify phone", patient=point.patient,
                  due_at=timezone.now() + timedelta(hours=2))
    return work_item_open_or_update(**{**fields, **overrides})


def test_open_or_update_twice_gives_one_item(patient):
    point = ContactPointFactory(patient=patient)
    first = _open_for(point)
    second = _open_for(point, title="Verify phone before tomorrow")
    assert first.pk == second.pk
    assert WorkItem.objects.count() == 1
    assert WorkItem.objects.get().title == "Verify phone before tomorrow"


def test_open_or_update_after_close_opens_a_new_item(patient, staff):
    point = ContactPointFactory(patient=patient)
    work_item_close(item=_open_for(point), actor=staff, outcome="verified by phone")
    _open_for(point)
    assert WorkItem.objects.filter(status=Status.OPEN).count() == 1
    assert WorkItem.objects.count() == 2


def test_close_for_source_closes_the_active_item(patient):
    point = ContactPointFactory(patient=patient)
    _open_for(point)
    closed = work_item_close_for_source(practice=patient.practice, kind=Kind.UNVERIFIED_CHANNEL,
                                        source=point, outcome="channel verified")
    assert closed == 1
    assert WorkItem.objects.get().status == Status.DONE


def test_second_claim_is_refused_naming_the_owner(work_item, staff, colleague):
    work_item_claim(item=work_item, user=staff)
    with pytest.raises(WorkItemError, match="Already claimed by Alex Staff"):
        work_item_claim(item=WorkItem.objects.get(pk=work_item.pk), user=colleague)
    assert WorkItem.objects.get(pk=work_item.pk).owner == staff


def test_release_by_someone_else_is_refused_unless_manager(work_item, staff, colleague, manager):
    work_item_claim(item=work_item, user=staff)
    with pytest.raises(WorkItemError):
        work_item_release(item=work_item, actor=colleague)
    released = work_item_release(item=work_item, actor=manager, is_manager=True)
    assert released.status == Status.OPEN and released.owner is None


def test_release_from_a_stale_page_does_not_undo_a_reassignment(work_item, staff, colleague,
                                                                manager):
    # Alex opened the item while it was theirs; a manager then gave it to Sam.
    stale = work_item_claim(item=work_item, user=staff)
    work_item_assign(item=WorkItem.objects.get(pk=work_item.pk), assignee=colleague,
                     actor=manager, is_manager=True)
    with pytest.raises(WorkItemError, match="Already claimed by"):
        work_item_release(item=stale, actor=staff)
    assert WorkItem.objects.get(pk=work_item.pk).owner == colleague


def test_assign_to_a_user_of_another_practice_is_refused(work_item, outsider):
    with pytest.raises(WorkItemError, match="not on this practice"):
        work_item_assign(item=work_item, assignee=outsider, actor=outsider)
    assert WorkItem.objects.get(pk=work_item.pk).owner is None


def test_close_needs_an_outcome(work_item, staff):
    with pytest.raises(WorkItemError, match="outcome"):
        work_item_close(item=work_item, actor=staff, outcome="   ")
    assert WorkItem.objects.get(pk=work_item.pk).status == Status.OPEN


def test_every_change_writes_an_event(work_item, staff):
    work_item_claim(item=work_item, user=staff)
    work_item_close(item=work_item, actor=staff, outcome="called back")
    actions = list(WorkItemEvent.objects.filter(work_item=work_item).values_list("action", flat=True))
    assert actions == ["claimed", "closed"]


def test_overdue_sweep_run_twice_flags_once(practice):
    late = WorkItemFactory(practice=practice, due_at=timezone.now() - timedelta(minutes=5))
    on_time = WorkItemFactory(practice=practice, due_at=timezone.now() + timedelta(hours=1))
    assert work_items_flag_overdue() == 1
    assert work_items_flag_overdue() == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.is_overdue and not on_time.is_overdue
    assert WorkItemEvent.objects.filter(work_item=late, action="overdue").count() == 1


def test_overdue_sweep_ignores_closed_and_snoozed_items(practice, staff):
    past = timezone.now() - timedelta(minutes=5)
    done = WorkItemFactory(practice=practice, due_at=past, status=Status.DONE)
    snoozed = WorkItemFactory(practice=practice, due_at=past, status=Status.SNOOZED,
                              snoozed_until=timezone.now() + timedelta(hours=1))
    work_items_flag_overdue()
    assert not WorkItem.objects.get(pk=done.pk).is_overdue
    assert not WorkItem.objects.get(pk=snoozed.pk).is_overdue


def test_snoozed_item_comes_back_to_its_owner(work_item, staff):
    work_item_claim(item=work_item, user=staff)
    work_item_snooze(item=work_item, actor=staff, until=timezone.now() + timedelta(minutes=30))
    assert work_items_wake_snoozed(now=timezone.now() + timedelta(minutes=31)) == 1
    work_item.refresh_from_db()
    assert work_item.status == Status.CLAIMED and work_item.owner == staff


def test_snooze_into_the_past_is_refused(work_item, staff):
    with pytest.raises(WorkItemError, match="future"):
        work_item_snooze(item=work_item, actor=staff, until=timezone.now() - timedelta(hours=1))


def test_queue_order_is_most_urgent_then_earliest_due(practice):
    now = timezone.now()
    routine_soon = WorkItemFactory(practice=practice, urgency=Urgency.ROUTINE, due_at=now)
    urgent_later = WorkItemFactory(practice=practice, urgency=Urgency.URGENT,
                                   due_at=now + timedelta(hours=5))
    urgent_sooner = WorkItemFactory(practice=practice, urgency=Urgency.URGENT,
                                    due_at=now + timedelta(hours=1))
    assert list(WorkItem.objects.for_queue(practice)) == [urgent_sooner, urgent_later,
                                                          routine_soon]
