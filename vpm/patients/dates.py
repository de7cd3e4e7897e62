"""Dates of birth as front desks type them, and the bounds every one must meet."""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_BIRTH = date(1900, 1, 1)

# Countries that write the month first (5/17/1980); everyone else writes the day first.
MONTH_FIRST_REGIONS = {"US", "PH", "CA", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "MP"}
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-\s](\d{1,2})[/.\-\s](\d{2,4})$")
_WORD_FORMATS = ("%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y")
# A month name and a year: only then are the (slow) word formats worth trying.
_WORDY_DATE = re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b.*\d{4}")


def parse_date(text: str, *, region: str = "US") -> date | None:
    """1980-05-17, 05/17/1980, 5/17/80, 17.05.1980, 19800517, May 17 1980; else None."""
    text = " ".join((text or "").replace(",", ", ").split())
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _NUMERIC.match(text)
    if match:
        return _from_numbers(*match.groups(), month_first=region in MONTH_FIRST_REGIONS)
    if not _WORDY_DATE.search(text):
        return None
    for fmt in _WORD_FORMATS:
        try:
            return datetime.strptime(text.replace(", ,", ","), fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    return None


def _from_numbers(a, b, c, *, month_first):
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        year = _full_year(c)
        month, day = (int(a), int(b)) if month_first else (int(b), int(a))
        if month > 12 >= day:  # 17/05/1980 can only be day first, wherever it is typed
            month, day = day, month
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str) -> int:
    """Two-digit years are births: '80' is 1980 and '05' is 2005, never the future."""
    year = int(text)
    if len(text) > 2:
        return year
    this_year = timezone.localdate().year
    century = this_year - this_year % 100
    return century + year if century + year <= this_year else century - 100 + year


def validate_birth_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("The date of birth cannot be in the future.")
    if value < EARLIEST_BIRTH:
        raise ValidationError("Check the year: the date of birth cannot be before 1900.")
