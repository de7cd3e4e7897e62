"""Times are stored in UTC and follow the practice's wall clock across daylight-saving changes."""

from datetime import UTC, timedelta

import pytest

from scheduling.selectors import slot_search
from scheduling.services import appointment_book

from .factories import dst_changes, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes(practice):
    spring_or_fall = dst_changes(practice.timezone)
    assert len(spring_or_fall) >= 2, "America/Chicago changes twice a year"
    return spring_or_fall[:2]


def test_a_9am_block_is_9am_local_on_both_sides_of_each_change(practice, provider_member,
                                                               video_visit, template, changes):
    for change_day in changes:
        before = change_day - timedelta(days=(change_day.weekday() + 7) % 7 or 7)  # Monday before
        after = before + timedelta(days=7)  # Monday after
        slots = slot_search(practice=practice, visit_type=video_visit, first_day=before,
                            last_day=after, not_before=local(practice, before, 0))
        first_by_day = {}
        for slot in slots:
            first_by_day.setdefault(slot.starts_at.astimezone(UTC).date(), slot.starts_at)
        first_before = first_by_day[before]
        first_after = first_by_day[after]
        # Same wall-clock time, different UTC hour: the offset changed by one hour.
        assert first_before == local(practice, before, 9) == first_before
        assert first_after == local(practice, after, 9)
        assert abs(first_before.astimezone(UTC).hour - first_after.astimezone(UTC).hour) == 1


def test_bookings_across_the_changes_are_stored_in_utc(practice, patient, provider_member,
                                                       video_visit, template, changes, rules):
    rules.booking_horizon_days = 365
    rules.save()
    for change_day in changes:
        monday_after = change_day + timedelta(days=(0 - change_day.weekday()) % 7 or 7)
        appointment = appointment_book(practice=practice, patient=patient,
                                       provider=provider_member, visit_type=video_visit,
                                       starts_at=local(practice, monday_after, 9), via="staff")
        appointment.refresh_from_db()
        assert appointment.starts_at.utcoffset() == timedelta(0)
        assert appointment.starts_at == local(practice, monday_after, 9)


def test_a_block_over_the_spring_gap_is_only_as_long_as_real_time(practice, provider_member,
                                                                 video_visit, changes):
    from .factories import weekly_template

    spring = next(day for day in changes
                  if local(practice, day, 12).utcoffset()
                  > local(practice, day - timedelta(days=1), 12).utcoffset())
    from datetime import time
    weekly_template(practice, provider_member, [video_visit], weekdays=[spring.weekday()],
                    start=time(1), end=time(4))
    slots = slot_search(practice=practice, visit_type=video_visit, first_day=spring,
                        last_day=spring, not_before=local(practice, spring, 0))
    # 01:00 CST to 04:00 CDT is two real hours: 30-minute visits every 15 minutes.
    assert len(slots) == 7
    assert slots[-1].ends_at - slots[0].starts_at == timedelta(hours=2)
