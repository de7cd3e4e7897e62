"""Bounds on every date and time a user can type.

A far-future date once broke a whole practice's queue. The core is getting a
shared bounded-datetime validator (issue 11); until it lands, scheduling
checks its own inputs here, in one place, so switching over is one edit.
"""

from datetime import datetime


def check_bounded(value: datetime, *, earliest: datetime, latest: datetime, field: str,
                  too_early: str, too_late: str) -> None:
    from .services import SchedulingError

    if value is None:
        raise SchedulingError("Choose a date and time.", field=field)
    if value < earliest:
        raise SchedulingError(too_early, field=field)
    if value > latest:
        raise SchedulingError(too_late, field=field)
