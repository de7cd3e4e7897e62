"""Staff access needs a second factor passed in THIS session (issue 13, item 1).

Enrolment alone is not proof: a session that signed in with a password before
its user enrolled TOTP elsewhere must not open staff pages or API data.
"""

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from vpm.practices.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


def _sign_in_with_password(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email,
                                                      "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url != reverse("mfa_authenticate")
    return client


def _enrol_totp_in_a_new_session(user) -> Client:
    """The same person, in another browser, signs in and enrols TOTP through allauth."""
    client = _sign_in_with_password(user)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page.status_code
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content[:500]
    return client


def test_password_only_session_gets_no_staff_data_after_its_user_enrols_elsewhere(
        practice, patient, patient_user):
    # Given Maria, a patient, signed in with her password only
    first = _sign_in_with_password(patient_user)
    # And then she joins the staff and enrols TOTP in another session
    Membership.objects.create(practice=practice, user=patient_user, role=Role.STAFF,
                              team=Team.REGISTRATION)
    _enrol_totp_in_a_new_session(patient_user)
    # When the first session, which never gave a code, asks for the patient record
    page = first.get(reverse("patient_detail", args=[practice.slug, patient.pk]))
    api = first.get(f"/api/v1/p/{practice.slug}/patients/{patient.pk}/")
    # Then neither the page nor the API shows it
    assert page.status_code == 302
    assert patient.last_name not in page.content.decode()
    assert api.status_code in (401, 403)
    assert patient.last_name not in api.content.decode()


def test_enrolled_staff_session_without_a_code_is_asked_for_one(practice, patient, staff):
    # Given a session whose user has TOTP but which only passed the password step
    # (it signed in while the user had no authenticator yet)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=staff).delete()
    client = _sign_in_with_password(staff)
    from allauth.mfa.totp.internal.auth import TOTP
    TOTP.activate(staff, TEST_TOTP_SECRET)  # enrolled by an operator, no signal
    # When it opens a staff page or the API
    page = client.get(reverse("staff_home", args=[practice.slug]))
    api = client.get(f"/api/v1/p/{practice.slug}/patients/")
    # Then the page asks for the code, and the API refuses
    assert page.status_code == 302 and page.url.startswith(reverse("mfa_reauthenticate"))
    assert api.status_code == 403
    assert "two-step" in api.json()["detail"]
    # When the code is given, the staff page opens
    response = client.post(page.url, {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff_home", args=[practice.slug])


def test_enrolling_an_authenticator_ends_the_users_other_sessions(practice, patient_user):
    # Given Maria signed in on one computer
    first = _sign_in_with_password(patient_user)
    assert first.get(reverse("portal_home", args=[practice.slug])).status_code == 200
    # When she enrols TOTP on another
    second = _enrol_totp_in_a_new_session(patient_user)
    # Then the first session is signed out and the second one stays signed in
    assert first.get(reverse("portal_home", args=[practice.slug])).status_code == 302
    assert second.get(reverse("portal_home", args=[practice.slug])).status_code == 200


def test_removing_the_authenticator_ends_the_users_other_sessions(practice, staff):
    # Given Alex signed in with TOTP on two computers
    first, second = client_for(staff), client_for(staff)
    home = reverse("staff_home", args=[practice.slug])
    assert first.get(home).status_code == 200
    # When Alex confirms with a code on the second and removes the authenticator there
    second.post(reverse("mfa_reauthenticate"), {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    response = second.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not staff.has_mfa()
    # Then the first computer is signed out, and the second must enrol again
    assert first.get(home).url.startswith(reverse("account_login"))
    assert second.get(home).url == reverse("mfa_activate_totp")


def test_a_code_passed_with_a_removed_authenticator_no_longer_counts(practice, staff):
    # Given a session that passed TOTP, then the authenticator was replaced by an operator
    client = client_for(staff)
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    Authenticator.objects.filter(user=staff).delete()
    TOTP.activate(staff, TEST_TOTP_SECRET)
    # Then the session is asked for a code from the new one
    response = client.get(reverse("staff_home", args=[practice.slug]))
    assert response.url.startswith(reverse("mfa_reauthenticate"))


def test_recovery_codes_page_after_enrolment_has_a_way_on(practice, staff):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(staff)
    client = client_for(staff)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
    assert 'href="/"' in response.text and "Continue to VPM" in response.text


def test_two_step_page_says_what_is_set_up_in_plain_words(staff):
    response = client_for(staff).get(reverse("mfa_index"))
    assert response.status_code == 200
    assert "<h1>Two-step sign-in</h1>" in response.text
    assert "Two-Factor Authentication" not in response.text
    assert reverse("mfa_generate_recovery_codes") in response.text  # none yet: make some


def test_a_membership_ended_between_two_requests_closes_the_practice_at_once(
        practice, staff, work_item):
    # The middleware reads memberships once per request and the practice check
    # uses that read: nothing is carried over to the next request.
    client = client_for(staff)
    home = reverse("staff_home", args=[practice.slug])
    assert client.get(home).status_code == 200
    staff.memberships.update(is_active=False)
    assert client.get(home).status_code == 404
    assert client.get(f"/api/v1/p/{practice.slug}/work-items/").status_code == 404


def test_memberships_read_for_one_user_are_never_used_for_another(staff, colleague):
    from django.test import RequestFactory

    from vpm.accounts.second_factor import memberships_seen, second_factor_facts

    request = RequestFactory().get("/")
    memberships, _ = second_factor_facts(staff)
    request._staff_memberships = (staff.pk, memberships)
    assert memberships_seen(request, staff) == memberships
    assert memberships_seen(request, colleague) is None


def test_the_middlewares_one_query_loads_memberships_and_practices_as_the_orm_does(
        practice, other_practice, staff):
    from allauth.mfa.models import Authenticator

    from vpm.accounts.second_factor import second_factor_facts
    from vpm.practices.models import Membership

    practice.business_hours = {"mon": [["08:00", "12:30"]]}  # a JSON column, converted
    practice.save()
    second = Membership.objects.create(practice=other_practice, user=staff, role=Role.MANAGER)
    memberships, authenticators = second_factor_facts(staff)
    assert len(memberships) == 2
    expected = list(Membership.objects.filter(user=staff, is_active=True)
                    .select_related("practice").order_by("id"))
    fields = lambda obj: {f.attname: getattr(obj, f.attname)  # noqa: E731
                          for f in obj._meta.concrete_fields}
    assert [fields(m) for m in memberships] == [fields(m) for m in expected]
    assert [fields(m.practice) for m in memberships] == [fields(m.practice) for m in expected]
    assert memberships[0].practice.business_hours == {"mon": [["08:00", "12:30"]]}
    assert authenticators == dict(Authenticator.objects.filter(user=staff)
                                  .values_list("pk", "type"))
    assert all(m.user is staff for m in memberships)
    # An ended membership is not among them
    second.is_active = False
    second.save()
    assert [m.practice_id for m in second_factor_facts(staff)[0]] == [practice.pk]
