"""The patient's message pages: their own threads and refills only, audited."""

from django.urls import reverse

from messaging.services.threads import message_receive
from tests.factories import PatientFactory, UserFactory
from vpm.audit.models import AuditEvent


def url(practice):
    return reverse("portal_messages", kwargs={"practice_slug": practice.slug})


def test_patient_sees_own_threads_and_refill_status_and_the_read_is_audited(
        practice, patient, patient_user, as_user):
    message_receive(practice=practice, patient=patient, body="I need a refill of lisinopril",
                    channel="portal")

    response = as_user(patient_user).get(url(practice))

    assert response.status_code == 200
    assert "Received" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="view_messages", patient=patient).exists()


def test_patient_never_sees_another_patients_refills(practice, patient_user, as_user):
    other = PatientFactory(practice=practice)
    message_receive(practice=practice, patient=other, body="I need a refill of lisinopril",
                    channel="portal")

    body = as_user(patient_user).get(url(practice)).content.decode()

    assert "Received" not in body and "no messages yet" in body


def test_staff_are_refused_the_patient_page(practice, staff, as_user):
    assert as_user(staff).get(url(practice)).status_code == 403


def test_user_of_another_practice_gets_404(practice, outsider, as_user):
    assert as_user(outsider).get(url(practice)).status_code == 404


def test_stranger_with_an_account_gets_404(practice, as_user):
    assert as_user(UserFactory()).get(url(practice)).status_code == 404
