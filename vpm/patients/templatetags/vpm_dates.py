"""Dates as staff read them: with the year, unless it is this year.

    {% load vpm_dates %}  {{ attempt.occurred_at|when }}  {{ patient.date_of_birth|day }}

"Mar 4, 10:00" for this year, "Mar 4, 2025, 10:00" for any other, in the
active (practice's) time zone. A date of birth always shows its year: use
the `date` filter with "M j, Y" for those.
"""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _shown(value, this_year_format, other_year_format):
    if not value:
        return ""
    value = _local(value)
    same_year = value.year == timezone.localdate().year
    return date_format(value, this_year_format if same_year else other_year_format)


@register.filter
def when(value):
    """A moment: 'Mar 4, 10:00', or 'Mar 4, 2025, 10:00' outside this year."""
    return _shown(value, "M j, H:i", "M j, Y, H:i")


@register.filter
def day(value):
    """A day: 'Mar 4', or 'Mar 4, 2025' outside this year."""
    return _shown(value, "M j", "M j, Y")
