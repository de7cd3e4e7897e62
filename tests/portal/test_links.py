"""Signed links: nothing private before the date-of-birth check, one plain answer
for every unusable link, and a lock after five wrong answers."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PatientFactory
from vpm.portal.models import PortalLink, PortalLinkFailure
from vpm.portal.services import LOCK_FOR, portal_access_revoke

from .conftest import DOB, WRONG_DOB, check_path, make_link, open_and_check

pytestmark = pytest.mark.django_db


def _home(practice):
    return reverse("portal_home", args=[practice.slug])


def test_link_with_right_date_of_birth_opens_the_status_home(client, practice, patient):
    _link, path = make_link(patient)
    opened = client.get(path)
    # The token leaves the address bar at once
    assert opened.status_code == 302 and opened.url == check_path(practice)
    checked = client.post(check_path(practice), DOB)
    assert checked.status_code == 302 and checked.url == _home(practice)
    home = client.get(_home(practice))
    assert home.status_code == 200 and "Hello, Maria" in home.text
    assert "no-store" in home["Cache-Control"]


def test_nothing_private_shows_before_the_check(client, practice, patient, mobile):
    _link, path = make_link(patient)
    page = client.get(path, follow=True)
    assert page.status_code == 200
    for private in ("Maria", "Garcia", "1980", mobile.value, str(patient.pk), patient.mrn):
        assert private not in page.text
    assert practice.name in page.text and "555-0100" in page.text  # name and help contact
    assert client.get(_home(practice)).status_code == 302  # still not in


def test_wrong_date_of_birth_is_refused_and_recorded(client, practice, patient):
    link, path = make_link(patient)
    response = open_and_check(client, path, practice, WRONG_DOB)
    assert response.status_code == 400
    assert "does not match" in response.text and "Maria" not in response.text
    assert PortalLinkFailure.objects.filter(link=link, patient=patient).count() == 1
    assert client.get(_home(practice)).status_code == 302


def test_five_wrong_answers_lock_every_link_of_the_patient(client, practice, patient):
    _link, path = make_link(patient)
    _other, other_path = make_link(patient)
    for _ in range(4):
        assert open_and_check(client, path, practice, WRONG_DOB).status_code == 400
    locked = open_and_check(client, path, practice, WRONG_DOB)
    assert locked.status_code == 429 and "Too many tries" in locked.text
    # Then even the right answer on another of the patient's links is refused
    fresh = Client()
    refused = open_and_check(fresh, other_path, practice, DOB)
    assert refused.status_code == 429
    assert fresh.get(_home(practice)).status_code == 302
    assert PortalLinkFailure.objects.filter(patient=patient).count() == 5


def test_lock_ends_after_its_time(client, practice, patient):
    _link, path = make_link(patient)
    for _ in range(5):
        open_and_check(client, path, practice, WRONG_DOB)
    # When the lock time has passed
    patient.portal_state.locked_until = timezone.now() - timedelta(seconds=1)
    patient.portal_state.save()
    assert open_and_check(client, path, practice, DOB).status_code == 302
    assert client.get(_home(practice)).status_code == 200
    assert timedelta(minutes=15) <= LOCK_FOR


def test_staff_unlock_lets_the_patient_try_again(as_user, staff, client, practice, patient):
    _link, path = make_link(patient)
    for _ in range(5):
        open_and_check(client, path, practice, WRONG_DOB)
    as_user(staff).post(reverse("portal_staff_unlock", args=[practice.slug, patient.pk]))
    assert open_and_check(client, path, practice, DOB).status_code == 302


def test_a_right_answer_resets_the_count(client, practice, patient):
    _link, path = make_link(patient)
    for _ in range(4):
        open_and_check(client, path, practice, WRONG_DOB)
    assert open_and_check(client, path, practice, DOB).status_code == 302
    again = Client()
    for _ in range(4):
        assert open_and_check(again, path, practice, WRONG_DOB).status_code == 400


def _unusable_answers(practice, paths):
    answers = []
    for path in paths:
        response = Client().get(path, follow=True)
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        answers.append((response.status_code, text.replace(path, "")))
    return answers


def test_expired_tampered_revoked_and_foreign_links_get_one_plain_answer(
        practice, other_practice, patient):
    expired, expired_path = make_link(patient)
    PortalLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    _good, good_path = make_link(patient)
    tampered_path = good_path[:-3] + ("A" if good_path[-3] != "A" else "B") + good_path[-2:]
    revoked, revoked_path = make_link(patient)
    portal_access_revoke(patient=patient)
    foreign_patient = PatientFactory(practice=other_practice)
    _foreign, foreign_path = make_link(foreign_patient)
    # The foreign link's token, under this practice's address
    foreign_here = foreign_path.replace(f"/p/{other_practice.slug}/", f"/p/{practice.slug}/")
    answers = _unusable_answers(practice, [expired_path, tampered_path, revoked_path,
                                           foreign_here])
    assert {status for status, _ in answers} == {404}
    assert len({text for _, text in answers}) == 1
    assert "This link does not work" in answers[0][1]
    assert "Please call us at (312) 555-0100" in answers[0][1]  # the practice phone


def test_revoked_link_session_stops_at_once(link_client, practice, patient):
    assert link_client.get(_home(practice)).status_code == 200
    portal_access_revoke(patient=patient)
    assert link_client.get(_home(practice)).status_code == 302


def test_link_session_opens_only_its_purpose(client, practice, patient):
    _link, path = make_link(patient, purpose="contact")
    open_and_check(client, path, practice)
    assert client.get(reverse("portal_contact", args=[practice.slug])).status_code == 200
    assert client.get(_home(practice)).status_code == 404
    assert client.get(reverse("portal_change_password", args=[practice.slug])).status_code == 404


def test_practice_can_ask_for_the_last_name_too(client, practice, patient):
    from vpm.portal.services import portal_settings_for

    settings = portal_settings_for(practice)
    settings.link_check_asks_last_name = True
    settings.save()
    _link, path = make_link(patient)
    assert open_and_check(client, path, practice, DOB).status_code == 400
    response = client.post(check_path(practice), {**DOB, "last_name": "garcía "})
    assert response.status_code == 302


@pytest.mark.parametrize("answer,message", [
    ({"day": "", "month": "", "year": ""}, "Enter your date of birth"),
    ({"day": "31", "month": "2", "year": "1980"}, "does not exist"),
    ({"day": "1", "month": "1", "year": "2999"}, "must be in the past"),
    ({"day": "1", "month": "1", "year": "1850"}, "must be in the past"),
    ({"day": "x", "month": "1", "year": "1980"}, "numbers only"),
    ({"day": "1" * 50, "month": "1", "year": "1980"}, "numbers only"),
])
def test_bad_dates_are_explained_and_not_counted(client, practice, patient, answer, message):
    _link, path = make_link(patient)
    response = open_and_check(client, path, practice, answer)
    assert response.status_code == 400 and message in response.text
    assert not PortalLinkFailure.objects.exists()


def test_links_never_put_patient_data_in_the_url(patient):
    _link, path = make_link(patient)
    for private in (patient.first_name, patient.last_name, str(patient.pk), patient.mrn, "1980"):
        assert private not in path
