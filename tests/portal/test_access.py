"""Who may open portal pages: the patient only; staff 403; anyone else 404."""

import pytest
from django.urls import reverse

from tests.factories import ContactPointFactory, PatientFactory, UserFactory, WorkItemFactory
from tests.web.helpers import statuses
from vpm.patients.verification import contact_verification_start

from .conftest import make_link, open_and_check

pytestmark = pytest.mark.django_db


def patient_urls(slug):
    """Every portal page that shows a patient's data (GET)."""
    return [reverse("portal_home", args=[slug]), reverse("portal_contact", args=[slug]),
            reverse("portal_contact_change", args=[slug, "mobile"]),
            reverse("portal_contact_change", args=[slug, "email"]),
            reverse("portal_contact_verify", args=[slug, "mobile"]),
            reverse("portal_contact_channel", args=[slug]),
            reverse("portal_onboarding", args=[slug]),
            *[reverse("portal_onboarding_step", args=[slug, n]) for n in (2, 3, 4)],
            reverse("portal_change_password", args=[slug])]


def patient_posts(slug):
    return [reverse("portal_contact_resend", args=[slug, "mobile"]),
            reverse("portal_contact_change", args=[slug, "mobile"]),
            reverse("portal_contact_channel", args=[slug]),
            reverse("portal_onboarding", args=[slug]),
            reverse("portal_change_password", args=[slug])]


def test_staff_of_the_practice_get_403_on_patient_pages(as_user, practice, staff, manager):
    urls = patient_urls(practice.slug)
    for user in (staff, manager):
        assert statuses(as_user(user), urls) == dict.fromkeys(urls, 403)


def test_staff_of_another_practice_get_404_on_every_portal_url(as_user, practice, outsider,
                                                              patient):
    urls = patient_urls(practice.slug)
    _link, link_path = make_link(patient)
    public = [reverse("portal_link_check", args=[practice.slug]), link_path]
    client = as_user(outsider)
    assert statuses(client, urls) == dict.fromkeys(urls, 404)
    assert statuses(client, patient_posts(practice.slug), "post") == \
        dict.fromkeys(patient_posts(practice.slug), 404)
    # A link still shows only its check, never the patient, to a signed-in outsider
    assert "Maria" not in client.get(public[1], follow=True).text


def test_patient_of_another_practice_gets_404(as_user, practice, other_practice):
    foreign = PatientFactory(practice=other_practice, user=UserFactory())
    urls = patient_urls(practice.slug)
    assert statuses(as_user(foreign.user), urls) == dict.fromkeys(urls, 404)


def test_anonymous_is_sent_to_the_practice_sign_in(client, practice):
    sign_in = reverse("portal_sign_in", args=[practice.slug])
    for url in patient_urls(practice.slug):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(sign_in), url


def test_unknown_practice_is_404(client):
    assert client.get("/p/nowhere/portal/sign-in/").status_code == 404


def test_second_patient_sees_nothing_of_the_first_on_any_portal_url(as_user, practice, patient,
                                                                   mobile, second_patient):
    # Given the first patient has details, open work and a code waiting
    ContactPointFactory(patient=patient, kind="email", value="maria.first@example.test",
                        is_primary=True)
    WorkItemFactory(practice=practice, patient=patient, kind="records_request")
    contact_verification_start(patient=patient, kind="phone", value="(312) 555-0177",
                               base_url="http://testserver")
    second_patient.user = UserFactory()
    second_patient.save()
    client = as_user(second_patient.user)
    first = ["Maria", "Garcia", mobile.value, "555-0123", "maria.first@example.test",
             "+13125550177", "555-0177",
             "records", str(patient.pk), patient.mrn]
    for url in patient_urls(practice.slug) + [reverse("portal_contact_verify",
                                                      args=[practice.slug, "email"])]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert [value for value in first if value in response.text] == [], url


def test_link_session_of_one_patient_never_shows_another(client, practice, patient,
                                                         second_patient):
    _link, path = make_link(second_patient)
    open_and_check(client, path, practice)
    home = client.get(reverse("portal_home", args=[practice.slug]))
    assert "Second" in home.text and "Maria" not in home.text


def test_patient_pages_are_never_cached(as_user, patient_user, practice):
    client = as_user(patient_user)
    for url in patient_urls(practice.slug):
        response = client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), url


def test_pages_with_the_patients_details_write_an_audit_event(as_user, practice, patient,
                                                              patient_user, mobile):
    from vpm.audit.models import AuditEvent

    contact_verification_start(patient=patient, kind="phone", value="(312) 555-0177",
                               base_url="http://testserver")
    client = as_user(patient_user)
    for name, args in [("portal_home", []), ("portal_contact", []),
                       ("portal_contact_verify", ["mobile"])]:
        before = AuditEvent.objects.filter(patient=patient, via="portal").count()
        assert client.get(reverse(name, args=[practice.slug, *args])).status_code == 200
        assert AuditEvent.objects.filter(patient=patient, via="portal").count() == before + 1, name
