"""Template helpers for patient pages: dates in the patient's language with the zone named."""

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

register = template.Library()

# (date, time) per language; the practice's zone is active on every portal page.
_FORMATS = {
    "en": ("l, F j, Y", "g:i A"),
    "es": (r"l j \d\e F \d\e Y", "H:i"),
}


def _formats():
    return _FORMATS.get(translation.get_language() or "en", _FORMATS["en"])


@register.filter
def portal_date(value):
    """'Tuesday, June 2, 2026' / 'martes 2 de junio de 2026'."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return date_format(value, _formats()[0])


@register.filter
def portal_when(value):
    """'Tuesday, June 2, 2026, 5:00 PM CDT': a moment in the practice's zone, named."""
    if not value:
        return ""
    local = timezone.localtime(value)
    day, time = _formats()
    return f"{date_format(local, day)}, {date_format(local, time)} {local.strftime('%Z')}"
