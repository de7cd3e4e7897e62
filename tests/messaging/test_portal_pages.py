"""The patient's message pages and the whole flow: patient sends -> triage ->
acknowledgement -> queue item with due time -> staff reply -> patient sees it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging.models import Message, OnCallAlert, Thread
from messaging.services.threads import message_receive, note_add
from tests.factories import PatientFactory, UserFactory
from vpm.audit.models import AuditEvent
from vpm.queue.models import Kind, Urgency, WorkItem


def url(practice, name, *args, **query):
    path = reverse(name, args=[practice.slug, *args])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_whole_flow_from_portal_to_staff_reply_and_back(practice, patient, patient_user, staff,
                                                        as_user):
    patient_client, staff_client = as_user(patient_user), as_user(staff)

    topic = patient_client.post(url(practice, "portal_message_new"), {"topic": "scheduling"})
    assert topic["Location"] == url(practice, "portal_message_write", topic="scheduling")
    sent = patient_client.post(topic["Location"], {"body": "Can I move Friday's visit?"},
                               follow=True)

    page = sent.content.decode()
    assert "We will answer by" in page and "cannot give medical advice" in page
    thread = Thread.objects.get()
    item = WorkItem.objects.get(kind=Kind.PORTAL_MESSAGE, source_id=str(thread.pk))
    assert item.due_at == thread.respond_by and item.team == "registration"
    staff_client.post(reverse("thread_reply", args=[practice.slug, thread.pk]),
                      {"body": "Moved to Monday 9am.", "channel": "portal"})
    reply_page = patient_client.get(url(practice, "portal_thread", thread.pk)).content.decode()
    assert "Moved to Monday 9am." in reply_page


def test_red_flag_yes_shows_instructions_at_once_and_raises_an_emergency(
        practice, patient, patient_user, manager, as_user):
    practice.urgent_contact_instructions = "Call 911 now, or our nurse at (312) 555-0199."
    practice.save()
    client = as_user(patient_user)

    check = client.post(url(practice, "portal_message_new"), {"topic": "not_sure"})
    assert check["Location"] == url(practice, "portal_message_check", topic="not_sure")
    answer = client.post(check["Location"], {"answer": "yes"})

    assert "Call 911 now, or our nurse at (312) 555-0199." in answer.content.decode()
    message = Message.objects.get(direction="inbound")
    assert message.red_flag_answer == "yes" and message.thread.urgency == "emergency"
    assert WorkItem.objects.get(kind=Kind.PORTAL_MESSAGE).urgency == Urgency.EMERGENCY
    assert OnCallAlert.objects.filter(recipient=manager).exists()


def test_red_flag_no_is_stored_with_the_message(practice, patient, patient_user, as_user):
    client = as_user(patient_user)

    client.post(url(practice, "portal_message_check", topic="symptom"), {"answer": "no"})
    client.post(url(practice, "portal_message_write", topic="symptom", red_flag="no"),
                {"body": "My knee has hurt for a week"})

    assert Message.objects.get(direction="inbound").red_flag_answer == "no"


def test_red_flag_question_needs_an_answer(practice, patient_user, as_user):
    response = as_user(patient_user).post(url(practice, "portal_message_check", topic="symptom"))

    assert response.status_code == 400 and "Choose yes or no." in response.content.decode()


def test_spanish_patient_gets_the_pages_and_acknowledgement_in_spanish(
        practice, patient, patient_user, as_user):
    patient.preferred_language = "es"
    patient.save()
    client = as_user(patient_user)

    check = client.get(url(practice, "portal_message_check", topic="symptom")).content.decode()
    sent = client.post(url(practice, "portal_message_write", topic="scheduling"),
                       {"body": "Necesito cambiar mi cita"}, follow=True).content.decode()

    assert "¿Le está pasando algo de esto ahora mismo?" in check
    assert "Recibimos su mensaje." in sent and "Le responderemos antes del" in sent


@pytest.mark.parametrize("body", ["", "x" * 10_001])
def test_empty_or_oversized_message_is_refused_by_the_field(practice, patient_user, as_user,
                                                            body):
    response = as_user(patient_user).post(url(practice, "portal_message_write",
                                              topic="billing"), {"body": body})

    assert response.status_code == 400 and 'class="errorlist"' in response.content.decode()
    assert not Thread.objects.exists()


def test_attachment_that_is_not_a_photo_or_pdf_is_refused(practice, patient_user, as_user):
    upload = SimpleUploadedFile("x-ray.png", b"<html><script>alert(1)</script>",
                                content_type="image/png")

    response = as_user(patient_user).post(url(practice, "portal_message_write",
                                              topic="records"),
                                          {"body": "here it is", "attachment": upload})

    assert response.status_code == 400 and "Only photos and PDFs" in response.content.decode()
    assert not Thread.objects.exists()


def test_patient_never_sees_notes_and_reading_is_audited(practice, patient, patient_user, staff,
                                                         as_user):
    thread = message_receive(practice=practice, patient=patient, body="Bill question",
                             channel="portal").thread
    note_add(thread=thread, author=staff, body="Patient owes 40 dollars, be firm")

    page = as_user(patient_user).get(url(practice, "portal_thread", thread.pk)).content.decode()

    assert "Bill question" in page and "be firm" not in page
    assert AuditEvent.objects.filter(action="view_thread", patient=patient).exists()


def test_patient_cannot_open_another_patients_thread(practice, patient_user, as_user):
    other = PatientFactory(practice=practice)
    thread = message_receive(practice=practice, patient=other, body="Bill question",
                             channel="portal").thread

    assert as_user(patient_user).get(url(practice, "portal_thread", thread.pk)).status_code == 404


def test_patient_sees_refill_status(practice, patient, patient_user, as_user):
    message_receive(practice=practice, patient=patient, body="I need a refill of lisinopril",
                    channel="portal")

    page = as_user(patient_user).get(url(practice, "portal_messages")).content.decode()

    assert "Received" in page and AuditEvent.objects.filter(action="view_messages").exists()


def test_staff_get_403_and_outsiders_404(practice, staff, outsider, as_user):
    assert as_user(staff).get(url(practice, "portal_messages")).status_code == 403
    assert as_user(outsider).get(url(practice, "portal_messages")).status_code == 404
    assert as_user(UserFactory()).get(url(practice, "portal_messages")).status_code == 404
