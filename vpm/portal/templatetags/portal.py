"""Template helpers for patient pages: dates in the patient's language with the zone named."""

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

register = template.Library()

# (date, date this year, time) per language; the practice's zone is active on portal pages.
_FORMATS = {
    "en": ("l, F j, Y", "l, F j", "g:i A"),
    "es": (r"l j \d\e F \d\e Y", r"l j \d\e F", "H:i"),
}


def _formats():
    return _FORMATS.get(translation.get_language() or "en", _FORMATS["en"])


def _day(value):
    """The date, with its year unless it is this year."""
    with_year, this_year, _time = _formats()
    return date_format(value, this_year if value.year == timezone.localdate().year
                       else with_year)


@register.filter
def portal_date(value):
    """'Tuesday, June 2, 2026' / 'martes 2 de junio de 2026' (no year if it is this year)."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return _day(value)


@register.filter
def portal_when(value):
    """'Tuesday, June 2, 2026, 5:00 PM CDT': a moment in the practice's zone, named."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{_day(local)}, {date_format(local, _formats()[2])} {local.strftime('%Z')}"


@register.simple_tag
def help_phone(practice):
    """The practice's phone: its own field, else the first number in its help text."""
    if practice.phone:
        return practice.phone
    import phonenumbers

    for match in phonenumbers.PhoneNumberMatcher(practice.help_contact or "", "US"):
        return match.raw_string
    return ""


@register.filter
def phone(value):
    """A phone number as people write it: (312) 555-0100."""
    from vpm.portal.selectors import phone_display

    return phone_display(value) if value else ""
