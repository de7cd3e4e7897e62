"""A merge and the portal's one-per-patient rows: one account per person, never lost silently.

Only the duplicate has an account: it moves to the kept record. Both have one:
the kept record's stays, the duplicate's is switched off (no sign-in, its
sessions end, its open links stop working), the merge page warns first and
the PatientMerge record, the histories and the API say which was kept.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PatientFactory, UserFactory
from tests.portal.conftest import make_link, open_and_check
from vpm.patients.merge_registry import patient_references, register_patient_reference
from vpm.patients.models import Patient, PatientChange
from vpm.patients.services import patient_merge
from vpm.portal.models import PortalAccount, PortalLink, PortalState

pytestmark = pytest.mark.django_db
PASSWORD = "river-stone-lamp-42"


def _account(patient, login):
    """An activated portal account signing in with `login` (an email)."""
    user = UserFactory(email=login, name=patient.full_name)
    user.set_password(PASSWORD)
    user.save()
    patient.user = user
    patient.save(update_fields=["user"])
    return PortalAccount.objects.create(practice=patient.practice, patient=patient, user=user,
                                        login_kind="email", login=login,
                                        activated_at=timezone.now())


def _signed_in(practice, login):
    client = Client()
    response = client.post(reverse("portal_sign_in", args=[practice.slug]),
                           {"login": login, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def _home(client, practice):
    return client.get(reverse("portal_home", args=[practice.slug]))


@pytest.fixture
def kept(practice):
    return PatientFactory(practice=practice, first_name="Maria", last_name="Garcia")


@pytest.fixture
def duplicate(practice):
    return PatientFactory(practice=practice, first_name="María", last_name="García")


def test_only_the_duplicate_has_an_account_so_it_moves_with_its_session(staff, practice, kept,
                                                                         duplicate):
    account = _account(duplicate, "maria@example.test")
    session = _signed_in(practice, "maria@example.test")
    record = patient_merge(kept=kept, merged=duplicate, actor=staff)
    account.refresh_from_db()
    kept.refresh_from_db()
    assert account.patient == kept and kept.user == account.user and account.is_active
    assert record.moved["portal.portalaccount"] == 1
    assert record.outcomes["portal.portalaccount"]["moved_account"]["login"] == \
        "maria@example.test"
    # The patient stays signed in, now on the kept record, and signs in again as before.
    home = _home(session, practice)
    assert home.status_code == 200 and home.wsgi_request.portal.patient == kept
    assert _home(_signed_in(practice, "maria@example.test"), practice).status_code == 200


def test_both_have_accounts_the_duplicates_is_switched_off_and_its_session_ends(
        staff, practice, kept, duplicate):
    kept_account = _account(kept, "maria@example.test")
    old_account = _account(duplicate, "maria.garcia@example.test")
    kept_session = _signed_in(practice, "maria@example.test")
    duplicate_session = _signed_in(practice, "maria.garcia@example.test")
    assert _home(duplicate_session, practice).status_code == 200

    record = patient_merge(kept=kept, merged=duplicate, actor=staff)

    # The duplicate's signed-in session stops working: next page asks to sign in.
    after = _home(duplicate_session, practice)
    assert after.status_code == 302
    assert after.url.startswith(reverse("portal_sign_in", args=[practice.slug]))
    assert not after.wsgi_request.user.is_authenticated
    # And its password no longer signs in; the kept account's does, and its session goes on.
    refused = Client().post(reverse("portal_sign_in", args=[practice.slug]),
                            {"login": "maria.garcia@example.test", "password": PASSWORD})
    assert refused.status_code == 400 and "could not sign you in" in refused.text
    assert _home(kept_session, practice).status_code == 200
    old_account.refresh_from_db()
    kept_account.refresh_from_db()
    duplicate.refresh_from_db()
    assert old_account.deactivated_at and old_account.patient == duplicate
    assert not old_account.user.is_active and duplicate.user is None
    assert kept_account.is_active and kept_account.patient == kept
    outcome = record.outcomes["portal.portalaccount"]
    assert outcome["kept_account"]["login"] == "maria@example.test"
    assert outcome["deactivated_account"]["login"] == "maria.garcia@example.test"
    assert record.notes == [outcome["note"]] and "Switched off: maria.garcia@" in outcome["note"]


def test_the_duplicates_open_links_stop_working_when_its_account_is_switched_off(
        staff, practice, kept, duplicate):
    _account(kept, "maria@example.test")
    _account(duplicate, "maria.garcia@example.test")
    _link, path = make_link(duplicate)
    link_browser = Client()
    assert open_and_check(link_browser, path, practice).status_code == 302
    assert _home(link_browser, practice).status_code == 200
    record = patient_merge(kept=kept, merged=duplicate, actor=staff)
    assert _home(link_browser, practice).status_code == 302
    assert PortalLink.objects.get().revoked_reason == "merged"
    assert record.outcomes["portal.portalaccount"]["links_revoked"] == 1


def test_without_a_clash_the_duplicates_links_move_and_keep_working(staff, practice, kept,
                                                                     duplicate):
    _link, path = make_link(duplicate)
    link_browser = Client()
    open_and_check(link_browser, path, practice)
    patient_merge(kept=kept, merged=duplicate, actor=staff)
    home = _home(link_browser, practice)
    assert home.status_code == 200 and home.wsgi_request.portal.patient == kept


def test_the_merge_page_warns_first_and_the_pages_say_which_account_was_kept(
        as_user, staff, practice, kept, duplicate):
    _account(kept, "maria@example.test")
    _account(duplicate, "maria.garcia@example.test")
    client = as_user(staff)
    url = reverse("patient_merge", args=[practice.slug, kept.pk])
    preview = client.post(url, {"mrn": duplicate.mrn, "reason": "same person"})
    assert "will be switched off" in preview.text and "maria.garcia@example.test" in preview.text
    assert PortalAccount.objects.filter(deactivated_at__isnull=True).count() == 2
    done = client.post(url, {"mrn": duplicate.mrn, "reason": "same person", "confirm": "1"},
                       follow=True)
    assert "Portal account kept: maria@example.test" in done.text  # message and history
    change = PatientChange.objects.get(patient=kept, kind="merged")
    assert "Switched off: maria.garcia@example.test" in change.new_value
    old_page = client.get(reverse("patient_detail", args=[practice.slug, duplicate.pk]))
    assert "Account switched off" in old_page.text
    assert "Invite to the portal" not in old_page.text  # actions live on the kept record


def test_the_merge_page_says_an_unused_kept_account_loses_to_one_in_use(
        as_user, staff, practice, kept, duplicate):
    invited = _account(kept, "maria@example.test")
    invited.activated_at = None
    invited.save()
    _account(duplicate, "maria.garcia@example.test")
    url = reverse("patient_merge", args=[practice.slug, kept.pk])
    preview = as_user(staff).post(url, {"mrn": duplicate.mrn})
    assert "merge this record into the other one instead" in preview.text


def test_the_api_merge_switches_off_the_duplicates_account_and_says_so(
        api_client_for, staff, practice, kept, duplicate):
    _account(kept, "maria@example.test")
    _account(duplicate, "maria.garcia@example.test")
    response = api_client_for(staff).post(
        f"/api/v1/p/{practice.slug}/patients/{kept.pk}/merge/", {"merged": str(duplicate.pk)},
        format="json")
    assert response.status_code == 200, response.content
    outcome = response.json()["outcomes"]["portal.portalaccount"]
    assert outcome["deactivated_account"]["login"] == "maria.garcia@example.test"
    assert outcome["kept_account"]["login"] == "maria@example.test"
    assert not PortalAccount.objects.get(patient=duplicate).user.is_active


def test_the_api_merge_moves_a_lone_account(api_client_for, staff, practice, kept, duplicate):
    account = _account(duplicate, "maria@example.test")
    response = api_client_for(staff).post(
        f"/api/v1/p/{practice.slug}/patients/{kept.pk}/merge/", {"merged": str(duplicate.pk)},
        format="json")
    assert response.status_code == 200
    assert response.json()["moved"]["portal.portalaccount"] == 1
    assert PortalAccount.objects.get(pk=account.pk).patient_id == kept.pk


def test_a_duplicate_user_who_is_also_staff_is_unlinked_not_switched_off(
        staff, practice, kept, duplicate):
    _account(kept, "maria@example.test")
    staff_member = staff  # a colleague who was also registered as a patient
    duplicate.user = staff_member
    duplicate.save(update_fields=["user"])
    record = patient_merge(kept=kept, merged=duplicate, actor=staff)
    staff_member.refresh_from_db()
    duplicate.refresh_from_db()
    assert staff_member.is_active and duplicate.user is None
    assert record.outcomes["portal.portalaccount"]["user_switched_off"] is False


def test_the_portal_lock_follows_the_person(staff, practice, kept, duplicate):
    until = timezone.now() + timedelta(minutes=30)
    PortalState.objects.create(practice=practice, patient=kept)
    PortalState.objects.create(practice=practice, patient=duplicate, locked_until=until,
                               failed_checks=3)
    patient_merge(kept=kept, merged=duplicate, actor=staff)
    state = PortalState.objects.get()
    assert state.patient == kept and state.locked_until == until and state.failed_checks == 3


def test_a_one_per_patient_row_cannot_be_registered_without_resolving_clashes():
    with pytest.raises(ImproperlyConfigured, match="one row per patient"):
        register_patient_reference("portal.PortalState")


# Rows that point at a patient and deliberately stay where they are.
STAYS = {
    ("audit.auditevent", "patient"),  # says which record was read at the time
    ("patients.patientchange", "patient"),  # each record's own history
    ("patients.patientmerge", "kept"), ("patients.patientmerge", "merged"),
    ("patients.patient", "merged_into"),
}


def test_every_row_that_points_at_a_patient_moves_or_is_known_to_stay():
    registered = {(ref.model_label, ref.field) for ref in patient_references()}
    pointing = {(model._meta.label_lower, field.name)
                for model in apps.get_models() for field in model._meta.get_fields()
                if field.concrete and field.is_relation and field.related_model is Patient}
    assert pointing - registered - STAYS == set()
