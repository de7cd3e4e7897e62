"""API tokens (issue 13, item 2): made by their user after a fresh code, named,
with a last-used time and revocation; they never skip the second factor."""

import importlib

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import TEST_TOTP_SECRET, staff_user
from tests.web.helpers import error_next_to
from vpm.accounts.models import ApiToken
from vpm.accounts.services import api_token_create
from vpm.practices.models import Membership

pytestmark = pytest.mark.django_db

PAGE = "/accounts/api-tokens/"


def _api_get(practice, key, path="patients/"):
    url = path if path.startswith("/") else f"/api/v1/p/{practice.slug}/{path}"
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")


def _confirm_code(client):
    response = client.post(reverse("mfa_reauthenticate"),
                           {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert response.status_code == 302


def test_token_of_a_member_without_totp_reads_nothing(practice, patient):
    # Given a staff member who never enrolled TOTP, with a token an operator made
    user = staff_user(practice, mfa=False)
    _, key = api_token_create(user=user, name="script")
    # When the token is used
    response = _api_get(practice, key, f"patients/{patient.pk}/")
    # Then it is refused, saying why, and no patient data is sent
    assert response.status_code == 401
    assert "two-step" in response.json()["detail"]
    assert patient.last_name not in response.content.decode()


def test_token_stops_when_the_authenticator_is_removed(practice, staff):
    _, key = api_token_create(user=staff, name="script")
    assert _api_get(practice, key).status_code == 200
    # When Alex removes TOTP on the account page
    client = client_for(staff)
    _confirm_code(client)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    # Then the token no longer works, and stays revoked after enrolling again
    assert _api_get(practice, key).status_code == 401
    from allauth.mfa.totp.internal.auth import TOTP
    TOTP.activate(staff, TEST_TOTP_SECRET)
    assert _api_get(practice, key).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_token_of_someone_without_an_active_membership_is_refused(practice, staff):
    _, key = api_token_create(user=staff, name="script")
    Membership.objects.filter(user=staff).update(is_active=False)
    response = _api_get(practice, key, "/api/v1/practices/")
    assert response.status_code == 401
    assert "member" in response.json()["detail"]


def test_revoked_token_is_refused_and_a_used_one_says_when(practice, staff):
    token, key = api_token_create(user=staff, name="script")
    assert token.last_used_at is None
    assert _api_get(practice, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # When Alex revokes it on the tokens page
    response = client_for(staff).post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert "Revoked the token" in response.text
    # Then it is refused
    assert _api_get(practice, key).status_code == 401


def test_making_a_token_needs_a_fresh_code_then_shows_the_key_once(practice, staff):
    client = client_for(staff)
    # Alex signed in with TOTP, but not in the last five minutes:
    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] -= 3600
    session["account_authentication_methods"] = records
    session.save()
    # The page offers to confirm first, and a post makes nothing
    page = client.get(PAGE)
    assert page.status_code == 200 and "Confirm with a code" in page.text
    assert client.post(PAGE, {"name": "Front desk script"}).url.startswith(
        reverse("mfa_reauthenticate"))
    assert not ApiToken.objects.exists()
    # When Alex confirms with a code, then makes the token
    _confirm_code(client)
    response = client.post(PAGE, {"name": "Front desk script"})
    # Then the key is shown once and works
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store")
    key = response.context["new_key"]
    assert key in response.text
    assert _api_get(practice, key).status_code == 200
    token = ApiToken.objects.get()
    assert token.name == "Front desk script" and key not in token.key_digest
    assert key not in client.get(PAGE).text


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "evil\u202ename", "tab\there"])
def test_bad_token_name_is_refused_next_to_the_field(staff, name):
    client = client_for(staff)
    response = client.post(PAGE, {"name": name})
    assert response.status_code == 400
    assert error_next_to(response, "id_name")
    assert not ApiToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked(practice, staff, colleague):
    token, key = api_token_create(user=colleague, name="theirs")
    response = client_for(staff).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert _api_get(practice, key).status_code == 200


def test_patient_has_no_tokens_page_and_is_sent_to_the_portal(practice, patient_user):
    client = client_for(patient_user)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url == reverse("portal_home", args=[practice.slug])
    client.post(PAGE, {"name": "mine"})
    assert not ApiToken.objects.filter(user=patient_user).exists()


def test_staff_without_totp_is_sent_to_enrol_from_the_tokens_page(practice):
    user = staff_user(practice, mfa=False)
    assert client_for(user).get(PAGE).url == reverse("mfa_activate_totp")


def test_token_of_another_practices_member_gets_404(practice, outsider):
    _, key = api_token_create(user=outsider, name="script")
    assert _api_get(practice, key).status_code == 404


def test_keys_made_with_drf_authtoken_are_carried_over(staff):
    # Given a key in DRF's old table (the app is no longer installed)
    with connection.cursor() as cursor:
        # (a database made before this change still has the table)
        cursor.execute("CREATE TABLE IF NOT EXISTS authtoken_token (key varchar(40) PRIMARY KEY, "
                       "created timestamptz NOT NULL, user_id bigint NOT NULL)")
        cursor.execute("DELETE FROM authtoken_token")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef', now(), %s)",
                       [staff.pk])
    migration = importlib.import_module("vpm.accounts.migrations.0004_tokens_from_authtoken")
    from django.apps import apps
    with connection.schema_editor() as editor:
        migration.copy_authtoken_keys(apps, editor)
        migration.copy_authtoken_keys(apps, editor)  # the table is gone: nothing more
    # Then it works under the new rules, named so its owner can revoke it
    token = ApiToken.objects.get()
    assert token.user == staff and "operator" in token.name
    assert "authtoken_token" not in connection.introspection.table_names()
    assert _api_get(staff.memberships.get().practice, "0123456789abcdef").status_code == 200
    Authenticator.objects.filter(user=staff).delete()
    assert _api_get(staff.memberships.get().practice, "0123456789abcdef").status_code == 401
