"""Contact details as people type them, checked and put in one stored form.

Phones are stored in E.164 (+13125550100), so "(312) 555-0100",
"312.555.0100" and "+1 312 555 0100" are the same number for search and for
duplicate checks. Emails are stored in lower case. Both raise Django's
ValidationError with a message written for the person at the form.
"""

import difflib
import functools

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Domains most patients use: a near miss of one of these is almost always a typo.
COMMON_EMAIL_DOMAINS = (
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
    "comcast.net", "live.com", "msn.com", "me.com", "att.net", "verizon.net", "sbcglobal.net",
    "protonmail.com", "ymail.com", "mail.com", "gmx.com", "yahoo.es", "hotmail.es",
)
TOP_LEVEL_TYPOS = {"con": "com", "cmo": "com", "ocm": "com", "comm": "com", "vom": "com",
                   "xom": "com", "cim": "com", "nte": "net", "ner": "net", "ogr": "org"}


def phone_normalise(raw: str, *, region: str) -> str:
    """E.164 for a number typed in any usual way, or ValidationError."""
    text = (raw or "").strip()
    if not any(ch.isdigit() for ch in text):
        raise ValidationError("Enter a phone number, e.g. (312) 555-0100.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError("This is not a phone number we can read; "
                              "type it like (312) 555-0100 or +44 20 7946 0958.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("This phone number does not exist (check the area code and "
                              "the number of digits).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str, *, region: str) -> str:
    """(312) 555-0100 for a number of the practice's country, +44 20 … for others."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_or_none(raw: str, *, region: str) -> str | None:
    """E.164 if `raw` reads as a phone number, else None (for search terms)."""
    try:
        return phone_normalise(raw, region=region)
    except ValidationError:
        return None


def email_normalise(raw: str) -> str:
    """The address in lower case, or ValidationError (also for an obvious domain typo)."""
    email = (raw or "").strip().lower()
    validate_email(email)
    suggestion = email_typo_suggestion(email)
    if suggestion:
        raise ValidationError(f"Check the address: did you mean {suggestion}?")
    return email


def email_typo_suggestion(email: str) -> str | None:
    """'maria@gmial.com' → 'maria@gmail.com'; None when nothing looks mistyped."""
    local, _, domain = email.rpartition("@")
    if not local:
        return None
    corrected = _domain_correction(domain)
    return f"{local}@{corrected}" if corrected else None


@functools.lru_cache(maxsize=4096)
def _domain_correction(domain: str) -> str | None:
    """Cached: an import of 10,000 rows has only a few dozen domains."""
    if domain in COMMON_EMAIL_DOMAINS:
        return None
    name, _, tld = domain.rpartition(".")
    if tld in TOP_LEVEL_TYPOS:
        return f"{name}.{TOP_LEVEL_TYPOS[tld]}"
    close = difflib.get_close_matches(domain, COMMON_EMAIL_DOMAINS, n=1, cutoff=0.84)
    return close[0] if close else None
