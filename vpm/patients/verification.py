"""Verifying a patient's email or mobile number: one service for every caller.

The portal uses it when a patient adds or changes a detail; scheduling uses it
at booking to confirm the channel a visit link will go to. A code (6 digits)
and a link are sent to the value itself; either proves it. Until then the
value is held on the ContactVerification, not on the record.

    verification = contact_verification_start(patient=p, kind="phone", value="(312) 555-0100",
                                              base_url="https://vpm.example")
    point = contact_verification_confirm_code(verification=verification, code="123456")
"""

import hashlib
import secrets
from datetime import timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ContactPoint
from .verification_models import ContactVerification

CODE_LIVES = timedelta(minutes=30)
MAX_CODE_TRIES = 5
DEFAULT_REGION = "US"  # numbers typed without +country are read as US numbers


class ContactValueError(ValueError):
    """Not an email or not a phone number; the message says how to fix it."""


class VerificationError(Exception):
    """Wrong, expired or used-up code; the message says what to do."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def contact_value_normalise(*, kind, value: str) -> str:
    value = (value or "").strip()
    if kind == ContactPoint.Kind.EMAIL:
        if len(value) > 254:
            raise ContactValueError(_("That email is too long. Check it and try again."))
        try:
            validate_email(value)
        except ValidationError:
            raise ContactValueError(_("Enter an email like name@example.com.")) from None
        return value.lower()
    if len(value) > 32:
        raise ContactValueError(_("That number is too long. Check it and try again."))
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ContactValueError(_("Enter a mobile number like (312) 555-0100."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def contact_verification_start(*, patient, kind, value, base_url,
                               requested_via="portal") -> ContactVerification:
    """Send a code and a link to `value` (normalised first; ContactValueError if bad)."""
    from vpm.notify.services import message_queue

    normalised = contact_value_normalise(kind=kind, value=value)
    now = timezone.now()
    ContactVerification.objects.for_practice(patient.practice).filter(
        patient=patient, kind=kind, confirmed_at__isnull=True, superseded_at__isnull=True,
    ).update(superseded_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    link_code = secrets.token_urlsafe(18)
    verification = ContactVerification.objects.create(
        practice_id=patient.practice_id, patient=patient, kind=kind, value=normalised,
        code_digest=_digest(code), link_digest=_digest(link_code), requested_via=requested_via,
        expires_at=now + CODE_LIVES)
    url = base_url + reverse("contact_verify_link", args=[patient.practice.slug, link_code])
    message_queue(practice=patient.practice, patient=patient,
                  channel="email" if kind == ContactPoint.Kind.EMAIL else "sms", to=normalised,
                  template="contact_verification",
                  context={"code": code, "url": url, "minutes": int(CODE_LIVES.total_seconds() // 60)},
                  idempotency_key=f"contact-verification:{verification.pk}")
    return verification


def contact_verification_open(*, patient, kind):
    """The patient's latest verification of `kind` still waiting for its code, or None."""
    return (ContactVerification.objects.for_practice(patient.practice)
            .filter(patient=patient, kind=kind, confirmed_at__isnull=True,
                    superseded_at__isnull=True, expires_at__gt=timezone.now(),
                    failed_tries__lt=MAX_CODE_TRIES)
            .order_by("-created_at").first())


def contact_verification_confirm_code(*, verification, code: str) -> ContactPoint:
    """Confirm with the code. A wrong code is counted (and kept) before it is refused."""
    with transaction.atomic():
        verification = ContactVerification.objects.select_for_update().get(pk=verification.pk)
        _check_open(verification)
        if secrets.compare_digest(verification.code_digest, _digest((code or "").strip())):
            return _confirm(verification, via=ContactVerification.Via.CODE)
        verification.failed_tries += 1
        verification.save(update_fields=["failed_tries"])
    if verification.failed_tries >= MAX_CODE_TRIES:
        raise VerificationError(_("That code is wrong, and it is now used up. "
                                  "Ask for a new code."))
    raise VerificationError(_("That code is wrong. Check the code we sent and try again."))


def contact_verification_confirm_link(*, practice, link_code: str) -> ContactPoint:
    with transaction.atomic():
        verification = (ContactVerification.objects.for_practice(practice).select_for_update()
                        .filter(link_digest=_digest(link_code or "")).first())
        if verification is None:
            raise VerificationError(_("This link does not work. Ask for a new code."))
        _check_open(verification)
        return _confirm(verification, via=ContactVerification.Via.LINK)


def _check_open(verification):
    if verification.confirmed_at is not None:
        raise VerificationError(_("This is already done. You do not need to do anything."))
    if (verification.superseded_at is not None or verification.expires_at <= timezone.now()
            or verification.failed_tries >= MAX_CODE_TRIES):
        raise VerificationError(_("This code is too old. Ask for a new code."))


def _confirm(verification, *, via) -> ContactPoint:
    """The value is the patient's: it becomes their main email or number of that kind."""
    now = timezone.now()
    same = {"practice_id": verification.practice_id, "patient_id": verification.patient_id,
            "kind": verification.kind}
    ContactPoint.objects.filter(**same, is_primary=True).exclude(value=verification.value) \
        .update(is_primary=False)
    point, _created = ContactPoint.objects.update_or_create(
        **same, value=verification.value, defaults={"is_primary": True, "verified_at": now})
    verification.confirmed_at, verification.confirmed_via = now, via
    verification.contact_point = point
    verification.save(update_fields=["confirmed_at", "confirmed_via", "contact_point"])
    return point


def preferred_channel_set(*, patient, channel) -> None:
    patient.preferred_channel = channel
    patient.save(update_fields=["preferred_channel", "updated_at"])
