"""Bounded dates and times: the one check every date or time input goes through.

Why: a far-future time typed in a practice west of UTC ("9999-12-31 23:59" in
Chicago) is year 10000 in UTC. PostgreSQL stores it, but psycopg cannot read
it back, so every page and API list that showed the row answered 500. So every
form field and serializer field that takes a date or a time uses the fields
below, and the tables that store such times carry a check constraint on the
same range (`STORABLE_FROM`, `STORABLE_UNTIL`), so a bad row cannot be stored
by any path.

Each use also says how far from now its value may reasonably be
(`max_past`, `max_future`): a snooze a year ahead is a plan, one a century
ahead is a typo. Messages are written for the person at the form.
"""

from datetime import UTC, date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

# Every stored time lies in this range (check constraints use the same numbers).
STORABLE_FROM = datetime(1900, 1, 1, tzinfo=UTC)
STORABLE_UNTIL = datetime(2100, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "Enter a date between 1900 and 2099."


def _when(delta: timedelta) -> str:
    days = delta.days
    if days >= 365:
        years = round(days / 365)
        return f"{years} year{'s' if years != 1 else ''}"
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{round(delta.total_seconds() / 60)} minutes"


def check_datetime_bounds(value: datetime, *, max_past: timedelta | None = None,
                          max_future: timedelta | None = None, now: datetime | None = None,
                          ) -> None:
    """Raise Django's ValidationError when an aware `value` is out of range.

    `max_past` / `max_future` are how far before / after now the value may be;
    None means only the storable range applies. Comparing aware datetimes
    never overflows, even for year 9999 in a zone west of UTC.
    """
    now = now or timezone.now()
    if max_future is not None and value > now + max_future:
        if max_future <= timedelta(minutes=5):
            raise ValidationError("This cannot be in the future.", code="future")
        raise ValidationError(f"Choose a time at most {_when(max_future)} from now.",
                              code="too_far_ahead")
    if max_past is not None and value < now - max_past:
        raise ValidationError(f"Choose a time at most {_when(max_past)} ago.", code="too_far_back")
    if value < STORABLE_FROM or value >= STORABLE_UNTIL:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


def check_date_bounds(value: date, *, max_past: timedelta | None = None,
                      max_future: timedelta | None = None) -> None:
    """The same for a calendar date (a date of birth, a closed day)."""
    if not STORABLE_FROM.date() <= value < STORABLE_UNTIL.date():
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")
    today = timezone.localdate()
    if max_future is not None and value > today + max_future:
        raise ValidationError(f"Choose a date at most {_when(max_future)} from today.",
                              code="too_far_ahead")
    if max_past is not None and value < today - max_past:
        raise ValidationError(f"Choose a date at most {_when(max_past)} ago.",
                              code="too_far_back")


class _Bounds:
    def __init__(self, *args, max_past=None, max_future=None, **kwargs):
        self.max_past, self.max_future = max_past, max_future
        super().__init__(*args, **kwargs)


class BoundedDateTimeField(_Bounds, forms.DateTimeField):
    """A form's date and time, in the active (practice's) time zone, within bounds.

    Use: `BoundedDateTimeField(max_future=timedelta(days=366), label=...)`.
    """

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_datetime_bounds(value, max_past=self.max_past, max_future=self.max_future)


class BoundedDateField(_Bounds, forms.DateField):
    """A form's calendar date within bounds."""

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_date_bounds(value, max_past=self.max_past, max_future=self.max_future)


def _as_drf_error(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.messages, code=error.code)


class BoundedDateTimeSerializerField(_Bounds, serializers.DateTimeField):
    """The API's ISO 8601 date and time within bounds (the same rule as the forms)."""

    default_error_messages = {"overflow": OUT_OF_RANGE}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        try:
            check_datetime_bounds(parsed, max_past=self.max_past, max_future=self.max_future)
        except ValidationError as error:
            raise _as_drf_error(error) from None
        return parsed


class BoundedDateSerializerField(_Bounds, serializers.DateField):
    """The API's ISO 8601 date within bounds."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        try:
            check_date_bounds(parsed, max_past=self.max_past, max_future=self.max_future)
        except ValidationError as error:
            raise _as_drf_error(error) from None
        return parsed
