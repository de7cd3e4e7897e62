"""Business-hours arithmetic for message threads, on the queue's clock
(`vpm.queue.business_hours`), so a thread, its acknowledgement and its work
item agree on opening hours, closed days and daylight-saving changes."""

from datetime import datetime, timedelta

from vpm.queue.business_hours import BusinessCalendar
from vpm.queue.business_hours import business_deadline as _queue_deadline
from vpm.queue.business_hours import business_minutes_between as _queue_minutes


def business_deadline(*, practice, start, minutes) -> datetime:
    """`minutes` of business time after `start`; 0 means now (an emergency)."""
    if minutes <= 0:
        return start
    return _queue_deadline(practice=practice, start=start, minutes=minutes)


def business_minutes_between(*, practice, start, end) -> int:
    """Whole business minutes from `start` to `end` (0 if end is not later)."""
    if end <= start:
        return 0
    return int(_queue_minutes(practice=practice, start=start, end=end))


def end_of_business_day(*, practice, start) -> datetime:
    """When the business day that `start` falls in (or the next open one)
    closes: the "same day" target of test-result questions."""
    calendar = BusinessCalendar.for_practice(practice, around=start)
    day = start.astimezone(calendar.tz).date()
    for offset in range(30):
        opening = calendar.opening(day + timedelta(days=offset))
        if opening is not None and opening[1] > start:
            return opening[1]
    return start + timedelta(hours=24)
