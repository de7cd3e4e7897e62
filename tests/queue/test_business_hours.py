"""The business-hours clock: weekends, closed days, after hours, both
daylight-saving changes, and the pause while waiting on the patient."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import WorkItemFactory
from vpm.practices.models import ClosedDay
from vpm.queue.business_hours import business_deadline, business_minutes_between
from vpm.queue.models import Kind, Status, Urgency, WorkItemEvent
from vpm.queue.services import (
    WorkItemError,
    work_item_claim,
    work_item_resume,
    work_item_wait_on_patient,
    work_items_flag_overdue,
    work_items_resume_for_patient,
)

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")  # the factory's practice time zone


def local(*args):
    return datetime(*args, tzinfo=CHICAGO)


def test_inside_business_hours_counts_straight_on(practice):
    # Tuesday 2026-03-03 10:00, two hours -> 12:00 the same day
    assert business_deadline(practice=practice, start=local(2026, 3, 3, 10), minutes=120) \
        == local(2026, 3, 3, 12)


def test_time_left_at_closing_carries_to_next_morning(practice):
    # Tuesday 16:00 + 2 h: one hour today (till 17:00), one from 08:00 Wednesday
    assert business_deadline(practice=practice, start=local(2026, 3, 3, 16), minutes=120) \
        == local(2026, 3, 4, 9)


def test_after_hours_arrival_is_due_the_target_after_next_opening(practice):
    # Tuesday 19:30 + 30 min -> Wednesday 08:30; 03:00 Wednesday -> 08:30 too
    assert business_deadline(practice=practice, start=local(2026, 3, 3, 19, 30), minutes=30) \
        == local(2026, 3, 4, 8, 30)
    assert business_deadline(practice=practice, start=local(2026, 3, 4, 3), minutes=30) \
        == local(2026, 3, 4, 8, 30)


def test_weekend_is_skipped(practice):
    # Friday 2026-02-27 16:00 + 2 h -> Monday 09:00; Saturday arrival -> Monday 08:00 + target
    assert business_deadline(practice=practice, start=local(2026, 2, 27, 16), minutes=120) \
        == local(2026, 3, 2, 9)
    assert business_deadline(practice=practice, start=local(2026, 2, 28, 11), minutes=60) \
        == local(2026, 3, 2, 9)


def test_closed_day_is_skipped(practice, other_practice):
    ClosedDay.objects.create(practice=practice, date=date(2026, 3, 4), reason="Staff training")
    # Tuesday 16:00 + 2 h: Wednesday is closed, so 09:00 Thursday
    assert business_deadline(practice=practice, start=local(2026, 3, 3, 16), minutes=120) \
        == local(2026, 3, 5, 9)
    # Another practice's closed day is not ours
    other_practice.timezone = "America/Chicago"
    assert business_deadline(practice=other_practice, start=local(2026, 3, 3, 16),
                             minutes=120) == local(2026, 3, 4, 9)


def test_spring_forward_keeps_local_opening_times(practice):
    # DST starts Sunday 2026-03-08. Friday 16:30 CST + 1 h -> Monday 08:30 CDT,
    # which is 13:30 UTC (it would be 14:30 UTC in winter time).
    due = business_deadline(practice=practice, start=local(2026, 3, 6, 16, 30), minutes=60)
    assert due == local(2026, 3, 9, 8, 30)
    assert due.astimezone(UTC) == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)


def test_spring_forward_day_has_23_hours(practice):
    practice.business_hours = {"sun": ["00:00", "24:00"], "mon": ["08:00", "17:00"]}
    # 24 business hours from Sunday 00:00: Sunday gives only 23, so 09:00 Monday
    assert business_deadline(practice=practice, start=local(2026, 3, 8), minutes=24 * 60) \
        == local(2026, 3, 9, 9)
    assert business_minutes_between(practice=practice, start=local(2026, 3, 8),
                                    end=local(2026, 3, 9)) == 23 * 60


def test_fall_back_day_has_25_hours(practice):
    practice.business_hours = {"sun": ["00:00", "24:00"]}
    # DST ends Sunday 2026-11-01: 24 business hours from 00:00 end at 23:00 local
    due = business_deadline(practice=practice, start=local(2026, 11, 1), minutes=24 * 60)
    assert due == local(2026, 11, 1, 23)
    assert business_minutes_between(practice=practice, start=local(2026, 11, 1),
                                    end=local(2026, 11, 2)) == 25 * 60


def test_fall_back_monday_opening_in_utc(practice):
    # Friday 2026-10-30 16:30 CDT + 1 h -> Monday 08:30 CST = 14:30 UTC
    due = business_deadline(practice=practice, start=local(2026, 10, 30, 16, 30), minutes=60)
    assert due.astimezone(UTC) == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)


def test_malformed_or_empty_hours_never_crash(practice):
    practice.business_hours = {"mon": ["nine", "five"], "tue": "08:00", "wed": ["17:00", "08:00"]}
    start = local(2026, 3, 3, 10)
    # No usable opening at all: plain clock time rather than an error or no due time
    assert business_deadline(practice=practice, start=start, minutes=90) \
        == start + timedelta(minutes=90)


def test_minutes_between_counts_only_open_time(practice):
    # Friday 16:00 to Monday 09:00 is two business hours
    assert business_minutes_between(practice=practice, start=local(2026, 2, 27, 16),
                                    end=local(2026, 3, 2, 9)) == 120
    assert business_minutes_between(practice=practice, start=local(2026, 3, 2, 9),
                                    end=local(2026, 2, 27, 16)) == -120


# --- Waiting on the patient ---------------------------------------------------

def _item(practice, patient, **fields):
    return WorkItemFactory(practice=practice, patient=patient, kind=Kind.CALLBACK,
                           urgency=Urgency.URGENT, **fields)


def test_waiting_pauses_the_clock_and_resume_gives_the_rest_back(practice, patient, staff,
                                                                  monkeypatch):
    practice.business_hours = {d: ["00:00", "24:00"] for d in
                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    practice.save()
    now = timezone.now()
    item = _item(practice, patient, due_at=now + timedelta(hours=2))
    work_item_claim(item=item, user=staff)
    item = work_item_wait_on_patient(item=item, actor=staff, reason="Asked for insurance card")
    assert item.status == Status.WAITING
    assert 7190 <= item.clock_left_seconds <= 7200

    # Five hours pass while the patient takes their time: nothing becomes overdue
    later = now + timedelta(hours=5)
    assert work_items_flag_overdue(now=later) == 0
    monkeypatch.setattr(timezone, "now", lambda: later)
    item = work_item_resume(item=item, actor=staff)
    assert item.status == Status.CLAIMED and item.owner == staff
    assert abs((item.due_at - (later + timedelta(hours=2))).total_seconds()) < 15
    assert not item.is_overdue
    actions = list(item.events.values_list("action", flat=True))
    assert actions[-2:] == [WorkItemEvent.Action.WAITING, WorkItemEvent.Action.RESUMED]


def test_waiting_keeps_business_time_left_over_a_weekend(practice, patient, staff, monkeypatch):
    # Paused Friday 16:00 with 2 business hours left, resumed Saturday noon:
    # due Monday 10:00, not Saturday 14:00.
    friday = local(2026, 2, 27, 16)
    item = _item(practice, patient, due_at=local(2026, 3, 2, 9))  # 2 business hours from Friday 16:00
    monkeypatch.setattr(timezone, "now", lambda: friday)
    item = work_item_wait_on_patient(item=item, actor=staff, reason="Waiting for photo")
    assert item.clock_left_seconds == 7200
    monkeypatch.setattr(timezone, "now", lambda: local(2026, 2, 28, 12))
    item = work_item_resume(item=item)
    assert item.due_at == local(2026, 3, 2, 10)
    assert item.status == Status.OPEN


def test_patient_answer_resumes_their_waiting_items_only(practice, patient, staff):
    from tests.factories import PatientFactory

    mine = _item(practice, patient)
    someone_else = _item(practice, PatientFactory(practice=practice))
    for item in (mine, someone_else):
        work_item_wait_on_patient(item=item, actor=staff, reason="Asked a question")
    assert work_items_resume_for_patient(practice=practice, patient=patient) == 1
    mine.refresh_from_db()
    someone_else.refresh_from_db()
    assert mine.status == Status.OPEN
    assert someone_else.status == Status.WAITING
    assert mine.events.last().note == "The patient answered"


def test_overdue_item_stays_overdue_through_a_pause(practice, patient, staff):
    item = _item(practice, patient, due_at=timezone.now() - timedelta(hours=1), is_overdue=True)
    item = work_item_wait_on_patient(item=item, actor=staff, reason="Left a voicemail")
    item = work_item_resume(item=item, actor=staff)
    assert item.is_overdue
    assert item.due_at < timezone.now()


def test_waiting_needs_a_reason_and_changes_nothing_without_one(practice, patient, staff):
    item = _item(practice, patient)
    with pytest.raises(WorkItemError, match="waiting for"):
        work_item_wait_on_patient(item=item, actor=staff, reason="   ")
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_colleague_cannot_hold_someone_elses_claimed_item(practice, patient, staff, colleague,
                                                          manager):
    item = work_item_claim(item=_item(practice, patient), user=staff)
    with pytest.raises(WorkItemError, match="Alex Staff has this item"):
        work_item_wait_on_patient(item=item, actor=colleague, reason="x")
    item = work_item_wait_on_patient(item=item, actor=manager, reason="Manager holds it",
                                     is_manager=True)
    assert item.status == Status.WAITING and item.owner == staff


def test_resume_of_an_item_not_waiting_is_refused(practice, patient):
    with pytest.raises(WorkItemError, match="not waiting"):
        work_item_resume(item=_item(practice, patient))
