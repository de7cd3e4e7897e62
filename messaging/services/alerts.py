"""Telling people: the patient (a reply by SMS or email, or a notice that a
portal reply is waiting) and the on-call person when an emergency arrives.

Everything goes through vpm.notify: a row is written now (with an idempotency
key, so nothing is sent twice) and sent by a worker after commit.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from messaging.models import Message, OnCall, OnCallAlert
from vpm.notify.models import OutboundMessage
from vpm.notify.services import message_queue
from vpm.patients.models import ContactPoint
from vpm.practices.models import Membership

# The portal link purpose of a reply notice: it opens that one thread after a
# date-of-birth check (registered in MessagingConfig.ready).
THREAD_LINK = "messaging_thread"
THREAD_LINK_LIVES = timedelta(days=7)


def thread_link_landing(link) -> str:
    return reverse("portal_thread", args=[link.practice.slug, link.target])


def thread_link(thread) -> tuple[str, object]:
    """(absolute URL, expiry) of a new link that opens this thread only, no account needed."""
    from vpm.portal.services import portal_link_create

    link, path = portal_link_create(patient=thread.patient, purpose=THREAD_LINK,
                                    target=thread.pk, expires_in=THREAD_LINK_LIVES)
    return settings.VPM_SITE_URL.rstrip("/") + path, link.expires_at


def _patient_address(patient, channel) -> str:
    kind = ContactPoint.Kind.PHONE if channel == Message.Channel.SMS else ContactPoint.Kind.EMAIL
    point = (ContactPoint.objects.for_practice(patient.practice).filter(patient=patient, kind=kind)
             .order_by("-is_primary", "-verified_at", "id").first())
    return point.value if point else ""


TEXTED_FROM = "texted_from"
ON_FILE = "on_file"


def sms_reply_number(thread, messages=None) -> tuple[str, str]:
    """(number, why) a text reply in this thread goes to: the number the patient
    texted from when their last message came by SMS (TEXTED_FROM), else their
    mobile on file (ON_FILE); ("", "") when there is neither. `messages`: the
    thread's messages in order, when the caller has loaded them."""
    if messages is None:
        last = (thread.messages.filter(direction=Message.Direction.INBOUND)
                .order_by("-created_at", "-id").first())
    else:
        last = next((m for m in reversed(messages)
                     if m.direction == Message.Direction.INBOUND), None)
    if last and last.channel == Message.Channel.SMS and last.sender:
        return last.sender, TEXTED_FROM
    number = _patient_address(thread.patient, Message.Channel.SMS) if thread.patient else ""
    return (number, ON_FILE) if number else ("", "")


def send_to_patient(*, thread, message, channel, to="") -> OutboundMessage | None:
    """Send `message` by SMS or email; for a portal reply, tell the patient by
    their preferred channel that a reply is waiting (without its text)."""
    patient = thread.patient
    if channel in (Message.Channel.SMS, Message.Channel.EMAIL):
        if not to and channel == Message.Channel.SMS:
            to, _why = sms_reply_number(thread)
        to = to or (_patient_address(patient, channel) if patient else "")
        if not to:
            return None
        return message_queue(practice=thread.practice, patient=patient, channel=channel, to=to,
                             template="messaging_message", context={"body": message.body},
                             idempotency_key=f"messaging:{message.pk}")
    if patient is None or message.is_automatic:
        return None  # the patient is on the page and reads it there
    notice_channel = "email" if patient.preferred_channel == "email" else "sms"
    to = _patient_address(patient, notice_channel)
    if not to:
        return None
    url, expires_at = thread_link(thread)
    # The notice shows the link's expiry in the practice's zone, with its name.
    with timezone.override(ZoneInfo(thread.practice.timezone)):
        return message_queue(
            practice=thread.practice, patient=patient, channel=notice_channel, to=to,
            template="messaging_reply_waiting", context={"url": url, "expires_at": expires_at},
            idempotency_key=f"messaging-notice:{message.pk}")


def on_call_recipients(practice):
    """The named on-call person, else every active member of the on-call role
    (managers by default)."""
    on_call = OnCall.objects.filter(practice=practice).select_related("person").first()
    if on_call is not None and on_call.person_id and Membership.objects.filter(
            practice=practice, user_id=on_call.person_id, is_active=True).exists():
        return on_call, [on_call.person]
    role = on_call.role if on_call else "manager"
    members = Membership.objects.filter(practice=practice, role=role, is_active=True) \
        .select_related("user")
    return on_call, [membership.user for membership in members]


def on_call_alert(*, thread, message) -> list[OnCallAlert]:
    """An emergency: in-app alerts for the on-call people and a text to the
    on-call number. The text names no patient and quotes nothing."""
    practice = thread.practice
    on_call, people = on_call_recipients(practice)
    alerts = []
    for person in people:
        alert, _ = OnCallAlert.objects.get_or_create(practice=practice, thread=thread,
                                                     recipient=person)
        alerts.append(alert)
    if on_call is not None and on_call.sms_number:
        message_queue(practice=practice, patient=None, channel="sms", to=on_call.sms_number,
                      template="messaging_on_call", context={},
                      idempotency_key=f"messaging-on-call:{message.pk}")
    return alerts
