"""Bounds on every date and time a booking accepts.

Forms and serializers use the core's bounded fields (`vpm.validators`); the
services check again here, because they are also called from the API, the
waitlist and tests: the storable range from the core, then scheduling's own
window (not in the past, not past the practice's booking horizon).
"""

from datetime import datetime

from django.core.exceptions import ValidationError

from vpm.validators import check_datetime_bounds


def check_bounded(value: datetime, *, earliest: datetime, latest: datetime, field: str,
                  too_early: str, too_late: str) -> None:
    from .services import SchedulingError

    if value is None:
        raise SchedulingError("Choose a date and time.", field=field)
    try:
        check_datetime_bounds(value)
    except ValidationError as error:
        raise SchedulingError(error.messages[0], field=field) from None
    if value < earliest:
        raise SchedulingError(too_early, field=field)
    if value > latest:
        raise SchedulingError(too_late, field=field)
