"""Reads for patient pages."""

from django.db.models import F

from vpm.patients.models import ContactPoint


def main_contact_points(*, practice, patient) -> dict:
    """{kind: ContactPoint}: per kind the main one, else the latest checked, else the latest.

    One query. Records entered before "main" was set still show their email.
    """
    points = ContactPoint.objects.for_practice(practice).filter(patient=patient).order_by(
        "kind", "-is_primary", F("verified_at").desc(nulls_last=True), "-created_at")
    chosen = {}
    for point in points:
        chosen.setdefault(point.kind, point)
    return chosen


def phone_display(value: str) -> str:
    """'+13125550100' -> '(312) 555-0100'; other countries in international form."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return value
    style = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 1 \
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)
