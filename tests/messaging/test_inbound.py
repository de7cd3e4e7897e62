"""Inbound texts (our signed webhook) and emails (django-anymail's Mailgun
inbound webhook): the right thread, or a match item; signatures; replays."""

import hashlib
import hmac
import re
import time
from email.message import EmailMessage

import pytest
from django.test import Client
from django.urls import reverse

from messaging.inbound import sms_signature
from messaging.models import Attachment, Message, Thread
from tests.factories import ContactPointFactory
from vpm.notify.models import OutboundMessage
from vpm.queue.models import Kind, WorkItem

SECRET = "test-sms-secret"
MAILGUN_KEY = "test-mailgun-key"


@pytest.fixture(autouse=True)
def webhook_secrets(settings):
    settings.SMS_INBOUND_WEBHOOK_SECRET = SECRET
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    settings.MESSAGING_INBOUND_EMAIL_DOMAIN = "inbound.example.test"


@pytest.fixture
def phone(practice, patient):
    return ContactPointFactory(practice=practice, patient=patient, kind="phone",
                               value="+13125550111")  # stored in E.164


def post_sms(practice, fields, *, secret=SECRET, timestamp=None):
    from urllib.parse import urlencode

    body = urlencode(fields).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return Client().post(
        reverse("sms_inbound_webhook", kwargs={"slug": practice.slug}), body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-VPM-Timestamp": timestamp,
                 "X-VPM-Signature": sms_signature(secret=secret, timestamp=timestamp, body=body)})


TEXT = {"From": "+13125550111", "Body": "can I move my appointment to friday", "MessageSid": "SM1"}


def test_text_from_a_known_number_lands_in_the_patients_thread(practice, patient, phone):
    response = post_sms(practice, TEXT)

    assert response.status_code == 204
    thread = Thread.objects.get()
    assert thread.patient == patient and thread.topic == "scheduling"
    assert WorkItem.objects.get(kind=Kind.PORTAL_MESSAGE).patient == patient
    ack = OutboundMessage.objects.get(channel="sms")
    assert ack.to == "+13125550111" and "We will answer by" in ack.body


def test_text_from_an_unknown_number_becomes_a_match_item(practice, patient, phone):
    post_sms(practice, {**TEXT, "From": "+13125550999"})

    assert Thread.objects.get().patient is None
    assert WorkItem.objects.get().title == "Match this message to a patient"


def test_replayed_text_stores_nothing_twice(practice, patient, phone):
    assert post_sms(practice, TEXT).status_code == 204
    assert post_sms(practice, TEXT).status_code == 204

    assert Message.objects.filter(direction="inbound").count() == 1
    assert OutboundMessage.objects.count() == 1


@pytest.mark.parametrize("how", ["wrong secret", "too old", "no signature"])
def test_text_with_a_bad_signature_is_refused_and_stores_nothing(practice, phone, how):
    if how == "wrong secret":
        response = post_sms(practice, TEXT, secret="guess")
    elif how == "too old":
        response = post_sms(practice, TEXT, timestamp=int(time.time()) - 3600)
    else:
        response = Client().post(reverse("sms_inbound_webhook", args=[practice.slug]), TEXT)

    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ["", "a" * 1_000_000])
def test_empty_or_huge_text_is_refused_with_a_reason(practice, phone, body):
    response = post_sms(practice, {**TEXT, "Body": body})

    assert response.status_code == 400 and response.json()["detail"]
    assert not Message.objects.exists()


def test_text_for_another_practice_never_reaches_this_one(practice, other_practice, phone):
    post_sms(other_practice, TEXT)

    assert Thread.objects.get().practice == other_practice
    assert Thread.objects.get().patient is None  # the number is on file in the other practice


# --- Email ------------------------------------------------------------------

def email(*, sender="maria@example.test", to="riverside@inbound.example.test",
          text="Could you send my records to Dr. Lee?", message_id="<m1@example.test>",
          attachments=()):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Message-ID"] = sender, to, "Records", message_id
    mail.set_content(text)
    for name, data, mime in attachments:
        maintype, subtype = mime.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail


def post_email(mail, *, key=MAILGUN_KEY, token="tok1"):
    timestamp = str(int(time.time()))
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return Client().post("/webhooks/email/mailgun/inbound_mime/", {
        "body-mime": mail.as_string(), "recipient": mail["To"], "sender": mail["From"],
        "timestamp": timestamp, "token": token, "signature": signature})


@pytest.fixture
def email_point(practice, patient):
    return ContactPointFactory(practice=practice, patient=patient, kind="email",
                               value="Maria@Example.test")


def test_email_from_a_known_address_lands_in_the_patients_thread(practice, patient, email_point):
    assert post_email(email()).status_code == 200

    thread = Thread.objects.get()
    assert thread.patient == patient and thread.topic == "records"
    reply = OutboundMessage.objects.get(channel="email")
    assert reply.to == "maria@example.test"
    assert "Email is not watched for emergencies" in reply.body


def test_email_with_bad_signature_is_refused(practice, patient, email_point):
    assert post_email(email(), key="wrong").status_code == 400
    assert not Message.objects.exists()


def test_replayed_email_stores_nothing_twice(practice, patient, email_point):
    post_email(email())
    post_email(email(), token="tok2")

    assert Message.objects.filter(direction="inbound").count() == 1


def test_email_keeps_pdf_attachments_and_drops_programs(practice, patient, email_point, settings,
                                                        tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    mail = email(attachments=[("referral.pdf", b"%PDF-1.4 referral", "application/pdf"),
                              ("invoice.pdf", b"MZ\x90 not a pdf", "application/pdf")])

    post_email(mail)

    assert list(Attachment.objects.values_list("content_type", flat=True)) == ["application/pdf"]
    note = Message.objects.get(direction="note")
    assert "1 attachment(s)" in note.body


def test_email_to_an_unknown_practice_is_dropped(practice, email_point):
    assert post_email(email(to="nobody@inbound.example.test")).status_code == 200
    assert not Message.objects.exists()


# --- The whole flow by SMS and by email -------------------------------------

def test_whole_flow_by_text(practice, patient, phone, staff, as_user):
    post_sms(practice, TEXT)
    thread = Thread.objects.get()
    item = WorkItem.objects.get(kind=Kind.PORTAL_MESSAGE)
    assert item.due_at == thread.respond_by

    as_user(staff).post(reverse("thread_reply", args=[practice.slug, thread.pk]),
                        {"body": "Friday 10am is yours.", "channel": "sms"})

    sent = OutboundMessage.objects.filter(channel="sms").order_by("created_at").last()
    assert sent.body == "Friday 10am is yours." and sent.to == phone.value
    assert Thread.objects.get().first_response_at is not None


def test_whole_flow_by_email(practice, patient, email_point, staff, as_user):
    post_email(email())
    thread = Thread.objects.get()
    assert WorkItem.objects.get(kind=Kind.PORTAL_MESSAGE).due_at == thread.respond_by

    as_user(staff).post(reverse("thread_reply", args=[practice.slug, thread.pk]),
                        {"body": "Sent to Dr. Lee today.", "channel": "email"})

    sent = OutboundMessage.objects.filter(channel="email").order_by("created_at").last()
    assert sent.body == "Sent to Dr. Lee today." and sent.to == "Maria@Example.test"


# --- Matching the sender by phone, and answering the number that texted ------

def test_a_sender_is_matched_whatever_way_the_number_is_written(practice, patient, phone):
    from messaging.inbound import patient_for_phone

    assert patient_for_phone(practice, "+13125550111") == patient
    assert patient_for_phone(practice, "(312) 555-0111") == patient  # the practice's region
    assert patient_for_phone(practice, "+13125550112") is None
    assert patient_for_phone(practice, "55501") is None


def test_a_number_two_patients_share_is_matched_to_nobody(practice, patient, phone):
    from messaging.inbound import patient_for_phone
    from tests.factories import PatientFactory

    ContactPointFactory(practice=practice, patient=PatientFactory(practice=practice),
                        kind="phone", value="+13125550111")

    assert patient_for_phone(practice, "+13125550111") is None


def test_the_phone_lookup_is_answered_by_the_index_that_leads_with_the_practice(
        practice, patient, phone):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from messaging.inbound import patient_for_phone
    from vpm.patients.models import ContactPoint

    ContactPoint.objects.bulk_create(
        ContactPoint(practice=practice, patient=patient, kind="phone", value=f"+1312555{n:04d}")
        for n in range(1000, 1400))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_contactpoint")
        cursor.execute("SET LOCAL enable_seqscan = off")  # still a small table
    with CaptureQueriesContext(connection) as captured:
        assert patient_for_phone(practice, "+13125550111") == patient
    lookup = next(q["sql"] for q in captured if "patients_contactpoint" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {lookup}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # The number is an index condition of the (practice, value) index, not a filter
    # applied to every contact point of the practice.
    assert "contact_point_value" in plan, plan
    assert re.search(r"Index Cond: \(\(practice_id = \d+\) AND \(\(value\)::text = ", plan), plan


def test_a_text_reply_goes_to_the_number_the_patient_texted_from(practice, patient, phone,
                                                                 staff, as_user):
    from messaging.inbound import sms_receive

    # On file: ...0111. The patient texts from another phone, and is matched by staff.
    received = sms_receive(practice=practice, sender="+13125550177", body="Refill please",
                           provider_id="SM77")
    from messaging.services.changes import thread_match_patient
    thread_match_patient(thread=received.thread, patient=patient, actor=staff)
    client = as_user(staff)

    page = client.get(reverse("staff_thread", args=[practice.slug, received.thread.pk]))
    client.post(reverse("thread_reply", args=[practice.slug, received.thread.pk]),
                {"body": "Sent to the pharmacy.", "channel": "sms"})

    assert "A text message goes to (312) 555-0177, the number the patient texted from" \
        in page.text
    sent = OutboundMessage.objects.filter(channel="sms", body="Sent to the pharmacy.").get()
    assert sent.to == "+13125550177"


def test_a_text_reply_after_a_portal_message_goes_to_the_mobile_on_file(practice, patient,
                                                                        phone, staff, as_user):
    from messaging.services.threads import message_receive

    thread = message_receive(practice=practice, patient=patient, body="Refill please",
                             channel="portal").thread
    client = as_user(staff)

    page = client.get(reverse("staff_thread", args=[practice.slug, thread.pk]))
    client.post(reverse("thread_reply", args=[practice.slug, thread.pk]),
                {"body": "Sent to the pharmacy.", "channel": "sms"})

    assert "A text message goes to (312) 555-0111, the mobile on file." in page.text
    assert OutboundMessage.objects.get(channel="sms", body="Sent to the pharmacy.").to \
        == "+13125550111"
