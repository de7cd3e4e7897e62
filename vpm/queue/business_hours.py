"""The practice's business-hours clock.

Response targets ("answer a routine message within 8 business hours") count
only the hours the practice is open: `Practice.business_hours`
({"mon": ["08:00", "17:00"], ...}, local wall-clock times in the practice's time
zone), minus the `ClosedDay`s the manager keeps. An item that arrives after
hours is due the target's length after the next opening.

Wall-clock times are turned into instants one day at a time with zoneinfo, so
a day on which daylight-saving time changes is as long as it really is, and
"08:00" means 08:00 local on both sides of the change.

Use `business_deadline` for one item; `BusinessCalendar.for_practice` loads
the closed days once when many items of one practice need a due time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead the clock looks for an opening before it gives up and counts
# plain clock time (a practice with every day closed must still get due times).
HORIZON_DAYS = 400


def _parse_time(value) -> time | None:
    """'08:00' -> time(8, 0); '24:00' -> end of day; anything else -> None."""
    try:
        hours, minutes = (int(part) for part in str(value).split(":"))
    except (TypeError, ValueError):
        return None
    if (hours, minutes) == (24, 0):
        return time.max
    if 0 <= hours < 24 and 0 <= minutes < 60:
        return time(hours, minutes)
    return None


def parse_business_hours(raw) -> dict[int, tuple[time, time]]:
    """Weekday number (Monday 0) -> (opens, closes). Malformed or empty days
    count as closed, so a bad setting can never crash the clock."""
    hours = {}
    if not isinstance(raw, dict):
        return hours
    for number, name in enumerate(WEEKDAYS):
        span = raw.get(name)
        if not isinstance(span, list | tuple) or len(span) != 2:
            continue
        opens, closes = _parse_time(span[0]), _parse_time(span[1])
        if opens is not None and closes is not None and opens < closes:
            hours[number] = (opens, closes)
    return hours


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo
    hours: dict[int, tuple[time, time]]
    closed: frozenset[date]

    @classmethod
    def for_practice(cls, practice, *, around: datetime | None = None) -> "BusinessCalendar":
        """The practice's calendar, with its closed days from a year before
        `around` (default: now) to the horizon after it: one query."""
        from django.utils import timezone

        from vpm.practices.models import ClosedDay

        tz = ZoneInfo(practice.timezone)
        middle = (around or timezone.now()).astimezone(tz).date()
        closed = ClosedDay.objects.filter(
            practice_id=practice.pk,
            date__gte=middle - timedelta(days=HORIZON_DAYS),
            date__lte=middle + timedelta(days=HORIZON_DAYS),
        ).values_list("date", flat=True)
        return cls(tz=tz, hours=parse_business_hours(practice.business_hours),
                   closed=frozenset(closed))

    def opening(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's open interval as UTC instants, or None when closed."""
        if day in self.closed or day.weekday() not in self.hours:
            return None
        opens, closes = self.hours[day.weekday()]
        start = datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC)
        if closes == time.max:
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        else:
            end = datetime.combine(day, closes, tzinfo=self.tz)
        return start, end.astimezone(UTC)

    def _days_from(self, moment: datetime):
        day = moment.astimezone(self.tz).date()
        for offset in range(HORIZON_DAYS):
            interval = self.opening(day + timedelta(days=offset))
            if interval is not None:
                yield interval

    def deadline(self, start: datetime, seconds: float) -> datetime:
        """The instant `seconds` of business time after `start`."""
        remaining = timedelta(seconds=max(0, seconds))
        for opens, closes in self._days_from(start):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        return start + timedelta(seconds=max(0, seconds))  # never open: plain clock time

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds from `start` to `end` (negative if `end` is earlier)."""
        if end < start:
            return -self.seconds_between(end, start)
        total = timedelta(0)
        for opens, closes in self._days_from(start):
            if opens >= end:
                break
            begin, finish = max(opens, start), min(closes, end)
            if finish > begin:
                total += finish - begin
        return total.total_seconds()


def business_deadline(*, practice, start: datetime, minutes: float) -> datetime:
    """When something that starts at `start` and is given `minutes` of the
    practice's business time is due (an aware datetime in UTC)."""
    return BusinessCalendar.for_practice(practice, around=start).deadline(start, minutes * 60)


def business_minutes_between(*, practice, start: datetime, end: datetime) -> float:
    """How many minutes of the practice's business time lie between two instants."""
    calendar = BusinessCalendar.for_practice(practice, around=start)
    return calendar.seconds_between(start, end) / 60
