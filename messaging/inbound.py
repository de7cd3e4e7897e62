"""Messages that arrive by SMS or email, from the provider's webhook.

Each lands in the sender's thread (found by the phone number or address on
file), or, when the sender matches no patient or more than one, in a
"match this message to a patient" item. A provider that delivers the same
webhook twice is answered the same way and nothing is stored twice (the
provider's message id is unique per practice and channel).
"""

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from messaging.models import MAX_BODY_CHARS, Message
from messaging.services.attachments import MAX_ATTACHMENTS, sniff_content_type
from messaging.services.threads import message_receive, note_add
from vpm.patients.contact import phone_or_none
from vpm.patients.models import ContactPoint, Patient
from vpm.practices.models import Practice

logger = logging.getLogger(__name__)

# A signed SMS webhook older than this is refused, so a captured request
# cannot be replayed later (a replay inside the window stores nothing twice).
SIGNATURE_MAX_AGE_SECONDS = 300


def sms_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<raw body>", hex: what the provider sends."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def sms_signature_valid(*, timestamp: str, signature: str, body: bytes, now=None) -> bool:
    secret = settings.SMS_INBOUND_WEBHOOK_SECRET
    if not secret or not timestamp or not signature:
        return False
    try:
        age = (now or time.time()) - int(timestamp)
    except ValueError:
        return False
    if not -60 <= age <= SIGNATURE_MAX_AGE_SECONDS:
        return False
    expected = sms_signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, signature)


def patient_for_phone(practice, number) -> Patient | None:
    """The one patient with this mobile number on file, or None when nobody or
    more than one patient has it.

    Numbers are stored in E.164 (vpm.patients.contact), so the sender is put
    in E.164 too (in the practice's region when it has no country code) and
    compared exactly: the index `contact_point_value` (practice, value)
    answers it, whatever the number of contact points."""
    e164 = phone_or_none(number or "", region=practice.phone_region)
    if e164 is None:
        return None
    points = (ContactPoint.objects.for_practice(practice)
              .filter(value=e164, kind=ContactPoint.Kind.PHONE)
              .values_list("patient_id", flat=True).distinct()[:2])
    return _only(practice, points)


def patient_for_email(practice, address) -> Patient | None:
    points = (ContactPoint.objects.for_practice(practice).filter(kind=ContactPoint.Kind.EMAIL,
                                                                 value__iexact=address.strip())
              .values_list("patient_id", flat=True).distinct()[:2])
    return _only(practice, points)


def _only(practice, patient_ids) -> Patient | None:
    patient_ids = list(patient_ids)
    if len(patient_ids) != 1:
        return None
    return Patient.objects.for_practice(practice).filter(pk=patient_ids[0]).first()


def sms_receive(*, practice, sender, body, provider_id):
    """One inbound text. Raises ValidationError for an empty or oversized text."""
    return message_receive(practice=practice, patient=patient_for_phone(practice, sender),
                           body=body, channel=Message.Channel.SMS, sender=sender[:254],
                           external_id=provider_id[:200])


# --- Email, through django-anymail's inbound signal -------------------------

def practice_for_recipient(recipient: str) -> Practice | None:
    """<practice-slug>[+anything]@<inbound domain> names the practice."""
    local, _, domain = (recipient or "").strip().lower().rpartition("@")
    inbound_domain = settings.MESSAGING_INBOUND_EMAIL_DOMAIN
    if not local or (inbound_domain and domain != inbound_domain):
        return None
    return Practice.objects.filter(slug=local.split("+")[0]).first()


def _email_text(message) -> str:
    text = message.stripped_text or message.text or strip_tags(message.html or "")
    text = (text or "").strip()
    if len(text) > MAX_BODY_CHARS:
        # An email cannot be sent back for editing: keep the start, say it was cut.
        text = text[:MAX_BODY_CHARS - 40].rstrip() + "\n[message shortened]"
    return text


def _email_attachments(message):
    accepted, refused = [], 0
    for part in message.attachments[:MAX_ATTACHMENTS]:
        data = part.get_content_bytes() or b""
        if sniff_content_type(data[:32]) is None or len(data) > 10 * 1024 * 1024:
            refused += 1
            continue
        accepted.append(_Upload(part.get_filename() or "attachment", data))
    return accepted, refused + max(0, len(message.attachments) - MAX_ATTACHMENTS)


class _Upload:
    """An email attachment shaped like an uploaded file for the attachment checks."""

    def __init__(self, name, data):
        self.name, self._data, self.size = name, data, len(data)

    def read(self):
        return self._data


def email_receive(*, event) -> Message | None:
    """Handle anymail's inbound event (the signature was checked by its view)."""
    message = event.message
    recipient = message.envelope_recipient or (message.to[0].addr_spec if message.to else "")
    practice = practice_for_recipient(recipient)
    sender = message.from_email.addr_spec if message.from_email else ""
    if practice is None or not sender:
        logger.warning("inbound email for no known practice dropped (event %s)", event.event_id)
        return None
    attachments, refused = _email_attachments(message)
    body = _email_text(message) or ("(a message with attachments and no text)" if attachments
                                    else "")
    provider_id = (message.get("Message-ID") or event.event_id or "").strip()
    try:
        received = message_receive(practice=practice, patient=patient_for_email(practice, sender),
                                   body=body, channel=Message.Channel.EMAIL, sender=sender,
                                   external_id=provider_id[:200], subject=message.subject or "",
                                   attachments=attachments)
    except ValidationError:
        logger.info("inbound email without text dropped (event %s)", event.event_id)
        return None
    if refused and not received.replayed:
        note_add(thread=received.thread, author=None,
                 body=f"{refused} attachment(s) of this email were not photos or PDFs and were "
                      "not kept.")
    return received.message


def on_anymail_inbound(sender, event, esp_name, **kwargs):
    email_receive(event=event)
