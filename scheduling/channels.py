"""Is the channel a visit's messages go to verified? (S4)

The check sits behind these functions so that booking, the appointment page
and the sweep agree. Verification itself is the portal's service
(`vpm.patients.verification`): a code and a link sent to the value.
"""

import difflib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, OuterRef, When

from vpm.patients.models import ContactPoint
from vpm.patients.verification import contact_verification_open, contact_verification_start

CHANNEL_KIND = {"email": ContactPoint.Kind.EMAIL, "sms": ContactPoint.Kind.PHONE,
                "phone": ContactPoint.Kind.PHONE}
# Where most patients' mail lives; a domain one letter off these is likely a typo.
COMMON_EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com",
                        "aol.com", "live.com", "msn.com", "comcast.net", "att.net",
                        "verizon.net", "me.com", "protonmail.com", "ymail.com"]


@dataclass(frozen=True)
class ChannelStatus:
    channel: str
    kind: str
    value: str  # "" when nothing of that kind is on file
    verified: bool
    typo_suggestion: str = ""  # "maria@gmail.com" for "maria@gmial.com"
    verification_pending: bool = False


def email_typo_suggestion(value: str) -> str:
    """The likely intended address when the domain is one slip from a common one."""
    local, _, domain = value.rpartition("@")
    domain = domain.lower()
    if not local or not domain or domain in COMMON_EMAIL_DOMAINS:
        return ""
    close = difflib.get_close_matches(domain, COMMON_EMAIL_DOMAINS, n=1, cutoff=0.8)
    return f"{local}@{close[0]}" if close else ""


def channel_status(*, patient, channel) -> ChannelStatus:
    kind = CHANNEL_KIND[channel]
    points = [p for p in patient.contact_points.all() if p.kind == kind]
    points.sort(key=lambda p: (not p.is_primary, p.verified_at is None, p.pk))
    point = points[0] if points else None
    if point is None:
        return ChannelStatus(channel, kind, "", False)
    suggestion = email_typo_suggestion(point.value) if kind == ContactPoint.Kind.EMAIL else ""
    pending = not point.is_verified and contact_verification_open(patient=patient,
                                                                  kind=kind) is not None
    return ChannelStatus(channel, kind, point.value, point.is_verified, suggestion, pending)


def channel_verification_send(*, patient, channel):
    """Send the portal's code-and-link check to the channel's address (refused on a likely
    typo: fix the address first). Returns the ContactVerification."""
    from .services import SchedulingError

    status = channel_status(patient=patient, channel=channel)
    if not status.value:
        raise SchedulingError(f"No {status.kind} on file: add one on the patient's record.",
                              field="channel")
    if status.verified:
        raise SchedulingError("That address is already verified.", field="channel")
    if status.typo_suggestion:
        raise SchedulingError(f"Check the address first: did you mean {status.typo_suggestion}?",
                              field="channel")
    return contact_verification_start(patient=patient, kind=status.kind, value=status.value,
                                      base_url=settings.VPM_SITE_URL.rstrip("/"),
                                      requested_via="booking")



def with_channel_verified(appointments):
    """Annotate `channel_verified`: a verified contact of the visit's channel kind exists."""
    verified = ContactPoint.objects.filter(patient_id=OuterRef("patient_id"),
                                           practice_id=OuterRef("practice_id"),
                                           verified_at__isnull=False)
    return appointments.annotate(channel_verified=Case(
        When(channel="email", then=Exists(verified.filter(kind=ContactPoint.Kind.EMAIL))),
        default=Exists(verified.filter(kind=ContactPoint.Kind.PHONE)),
        output_field=BooleanField()))
