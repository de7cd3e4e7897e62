"""A reply notice carries a portal link: after the date-of-birth check it opens
that one thread, not another thread of the patient, not another patient's."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from messaging.models import Attachment
from messaging.services.threads import message_receive, message_reply, note_add
from tests.factories import ContactPointFactory, PatientFactory
from tests.portal.conftest import DOB, WRONG_DOB, check_path
from vpm.audit.models import AuditEvent
from vpm.notify.models import OutboundMessage
from vpm.portal.models import PortalLink
from vpm.portal.services import portal_access_revoke

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _thread(patient, body="Can I move my visit?", **extra):
    return message_receive(practice=patient.practice, patient=patient, body=body,
                           channel="portal", **extra).thread


def _notice_link(thread, staff, body="Moved to Monday 9am."):
    """Reply by portal and return the path of the link in the notice the patient gets."""
    message_reply(thread=thread, author=staff, body=body, channel="portal")
    notice = OutboundMessage.objects.filter(template="messaging_reply_waiting").latest("id")
    url = re.search(r"https?://\S+", notice.body).group(0)
    return notice, urlsplit(url).path


@pytest.fixture
def mobile(patient):
    return ContactPointFactory(patient=patient, kind="phone", value="+13125550123",
                               is_primary=True)


def _checked_client(practice, link_path, answer=DOB):
    client = Client()
    client.get(link_path)
    return client, client.post(check_path(practice), answer)


def portal_thread(practice, thread):
    return reverse("portal_thread", args=[practice.slug, thread.pk])


def test_the_notice_link_opens_that_thread_after_the_date_of_birth_check(
        practice, patient, mobile, staff):
    thread = _thread(patient)
    note_add(thread=thread, author=staff, body="Patient sounded annoyed")
    notice, link_path = _notice_link(thread, staff)

    assert notice.to == "+13125550123" and "Moved to Monday" not in notice.body
    assert patient.last_name not in notice.body and str(thread.pk) not in notice.body
    client, checked = _checked_client(practice, link_path)

    assert checked.status_code == 302 and checked["Location"] == portal_thread(practice, thread)
    page = client.get(checked["Location"])
    assert page.status_code == 200
    assert "Moved to Monday 9am." in page.text and "annoyed" not in page.text
    assert AuditEvent.objects.filter(action="view_thread", patient=patient).exists()


def test_before_the_check_the_link_shows_nothing_of_the_thread(practice, patient, mobile, staff):
    thread = _thread(patient)
    _notice, link_path = _notice_link(thread, staff)
    client = Client()

    opened = client.get(link_path, follow=True)
    wrong = client.post(check_path(practice), WRONG_DOB)

    assert "Moved to Monday" not in opened.text and "date of birth" in opened.text.lower()
    assert wrong.status_code == 400
    assert client.get(portal_thread(practice, thread)).status_code == 302  # to sign in


def test_the_link_opens_no_other_thread_of_the_patient_and_nobody_elses(
        practice, patient, mobile, staff):
    thread = _thread(patient)
    other_of_hers = _thread(patient, body="My bill is wrong", topic_picked="billing")
    stranger = PatientFactory(practice=practice)
    strangers = _thread(stranger, body="Refill please")
    _notice, link_path = _notice_link(thread, staff)
    client, _checked = _checked_client(practice, link_path)

    assert client.get(portal_thread(practice, thread)).status_code == 200
    assert client.get(portal_thread(practice, other_of_hers)).status_code == 404
    assert client.get(portal_thread(practice, strangers)).status_code == 404
    # Nor the rest of her portal: the list, a new message.
    assert client.get(reverse("portal_messages", args=[practice.slug])).status_code == 404
    assert client.get(reverse("portal_message_new", args=[practice.slug])).status_code == 404


def test_the_link_opens_attachments_of_its_thread_only(practice, patient, mobile, staff,
                                                      private_storage):
    thread = _thread(patient, attachments=[SimpleUploadedFile("rash.png", PNG)])
    other = _thread(patient, body="My bill", topic_picked="billing",
                    attachments=[SimpleUploadedFile("bill.png", PNG)])
    _notice, link_path = _notice_link(thread, staff)
    client, _checked = _checked_client(practice, link_path)
    mine = Attachment.objects.get(message__thread=thread)
    not_this = Attachment.objects.get(message__thread=other)

    def download(attachment):
        return client.get(reverse("portal_attachment", args=[practice.slug, attachment.pk]))

    assert download(mine).status_code == 200
    assert download(not_this).status_code == 404


def test_the_patient_can_write_back_through_the_link(practice, patient, mobile, staff):
    thread = _thread(patient)
    _notice, link_path = _notice_link(thread, staff)
    client, _checked = _checked_client(practice, link_path)

    sent = client.post(portal_thread(practice, thread), {"body": "Monday works, thanks"},
                       follow=True)

    assert sent.status_code == 200 and "Monday works, thanks" in sent.text
    assert thread.messages.filter(direction="inbound", body="Monday works, thanks").exists()


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_an_expired_or_revoked_link_answers_like_every_portal_link(
        practice, patient, mobile, staff, how):
    thread = _thread(patient)
    _notice, link_path = _notice_link(thread, staff)
    link = PortalLink.objects.get(purpose="messaging_thread")
    if how == "expired":
        PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    else:
        portal_access_revoke(patient=patient)

    response = Client().get(link_path, follow=True)

    assert response.status_code == 404 and "This link does not work" in response.text
    assert "Moved to Monday" not in response.text


def test_a_link_session_stops_when_staff_revoke_access(practice, patient, mobile, staff):
    thread = _thread(patient)
    _notice, link_path = _notice_link(thread, staff)
    client, _checked = _checked_client(practice, link_path)
    assert client.get(portal_thread(practice, thread)).status_code == 200

    portal_access_revoke(patient=patient)

    assert client.get(portal_thread(practice, thread)).status_code == 302


def test_a_spanish_patient_gets_the_notice_in_spanish(practice, patient, mobile, staff):
    patient.preferred_language, patient.preferred_channel = "es", "email"
    patient.save()
    ContactPointFactory(patient=patient, kind="email", value="maria@example.test",
                        is_primary=True)

    notice, _link_path = _notice_link(_thread(patient), staff)

    assert notice.channel == "email" and notice.subject.endswith("respondió a su mensaje")
    assert "abre solo esta conversación" in notice.body
    assert "fecha de nacimiento" in notice.body
