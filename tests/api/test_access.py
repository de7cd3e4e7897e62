"""Who may call the practice endpoints: staff of that practice, and no one else.

A user of another practice gets 404 (as if nothing existed), a patient of the
practice 403, an anonymous caller 401. Each case runs for every endpoint.
"""

import pytest
from django.test import Client

from tests.factories import WorkItemFactory, staff_user
from vpm.accounts.services import api_token_create
from vpm.patients.models import ContactAttempt
from vpm.practices.models import Membership
from vpm.queue.models import Status, WorkItem, WorkItemEvent

from .conftest import (
    ENDPOINT_IDS,
    ENDPOINTS,
    OBJECT_ENDPOINT_IDS,
    OBJECT_ENDPOINTS,
    call,
    url,
)

pytestmark = pytest.mark.django_db


def _nothing_changed(work_item):
    work_item.refresh_from_db()
    assert work_item.status == Status.OPEN and work_item.owner is None
    assert not WorkItemEvent.objects.exists()
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_outsider_gets_404_on_another_practices_endpoints(
        method, path, body, api_as, practice, patient, work_item, outsider):
    # given a manager of another practice
    # when they call this practice's endpoint
    response = call(api_as(outsider), method, practice, path, body,
                    patient=patient, item=work_item, me=outsider)
    # then it is as if the practice did not exist, and nothing changed
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    _nothing_changed(work_item)


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS, ids=OBJECT_ENDPOINT_IDS)
def test_outsider_gets_404_for_foreign_ids_under_their_own_practice(
        method, path, body, api_as, patient, work_item, other_practice, outsider):
    # given an outsider who knows ids of this practice's patient and work item
    # when they use them under their own practice's URL
    response = call(api_as(outsider), method, other_practice, path, body,
                    patient=patient, item=work_item, me=outsider)
    # then the ids do not exist for them (404, never 403), and nothing changed
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    _nothing_changed(work_item)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_patient_user_gets_403_on_staff_endpoints(
        method, path, body, api_as, practice, patient, patient_user, work_item):
    # given a patient with a portal account at this practice (no membership)
    # when they call a staff endpoint
    response = call(api_as(patient_user), method, practice, path, body,
                    patient=patient, item=work_item, me=patient_user)
    # then they are refused, and nothing changed
    assert response.status_code == 403
    assert "staff" in response.json()["detail"]
    _nothing_changed(work_item)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_anonymous_gets_401(method, path, body, api_as, practice, patient, work_item):
    # when nobody is signed in
    response = call(api_as(None), method, practice, path, body,
                    patient=patient, item=work_item, me=None)
    # then the answer asks for credentials, and nothing changed
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    _nothing_changed(work_item)


@pytest.mark.parametrize("path", sorted({path for _, path, _ in ENDPOINTS}))
def test_options_describes_the_endpoint_for_staff(api_as, practice, patient, work_item, staff,
                                                  path):
    filled = path.format(patient=patient.pk, item=work_item.pk)
    response = api_as(staff).options(url(practice, filled))
    assert response.status_code == 200
    assert response.json()["renders"] == ["application/json"]


def test_options_is_404_for_an_outsider(api_as, practice, outsider):
    assert api_as(outsider).options(url(practice, "work-items/")).status_code == 404


def test_anonymous_gets_401_for_my_practices(api_as):
    response = api_as(None).get("/api/v1/practices/")
    assert response.status_code == 401


def test_token_auth_works(practice, staff, work_item, client):
    # given a token issued to a staff member
    _, key = api_token_create(user=staff, name='test')
    # when they call the API with it (no session)
    response = client.get(url(practice, "work-items/"), HTTP_AUTHORIZATION=f"Token {key}")
    # then they see the practice's queue
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [work_item.pk]


def test_token_auth_acts_as_the_tokens_user(practice, staff, work_item, client):
    _, key = api_token_create(user=staff, name='test')
    response = client.post(url(practice, f"work-items/{work_item.pk}/claim/"),
                           HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert WorkItem.objects.get(pk=work_item.pk).owner == staff


def test_unknown_token_gets_401(practice, staff, client):
    response = client.get(url(practice, "work-items/"), HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_token_of_another_practices_user_gets_404(practice, outsider, client):
    _, key = api_token_create(user=outsider, name='test')
    response = client.get(url(practice, "patients/"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 404


def test_deactivated_member_gets_404(api_as, practice, staff):
    # given a staff member whose membership was switched off
    Membership.objects.filter(user=staff).update(is_active=False)
    # when they call the practice's API
    response = api_as(staff).get(url(practice, "work-items/"))
    # then the practice is no longer theirs
    assert response.status_code == 404


def test_unknown_practice_gets_the_same_404_as_a_foreign_one(api_as, staff):
    response = api_as(staff).get("/api/v1/p/no-such-practice/work-items/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_member_of_two_practices_uses_each_by_its_url(api_as, practice, other_practice, staff):
    # given a staff member who also works at a second practice, with an item in each
    Membership.objects.create(practice=other_practice, user=staff)
    here = WorkItemFactory(practice=practice)
    there = WorkItemFactory(practice=other_practice)
    client = api_as(staff)
    # when they read both queues in turn, then each answers from its own rows
    assert _ids(client.get(url(practice, "work-items/"))) == [here.pk]
    assert _ids(client.get(url(other_practice, "work-items/"))) == [there.pk]


def _ids(response):
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("path", [
    "patients/not-a-uuid/",
    "patients/not-a-uuid/contact-attempts/",
    "work-items/abc/",
    "work-items/1.5/claim/",
    "work-items/-1/",
    "no-such-endpoint/",
])
def test_malformed_ids_and_unknown_paths_get_a_json_404(api_as, practice, staff, path):
    response = api_as(staff).get(url(practice, path))
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Not found.")


def test_post_to_a_malformed_id_with_a_token_gets_a_json_404_not_a_csrf_page(
        practice, staff, client):
    _, key = api_token_create(user=staff, name='test')
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(practice, "work-items/abc/claim/"),
                           HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Not found.")


def test_huge_work_item_id_is_404_not_500(api_as, practice, staff):
    response = api_as(staff).get(url(practice, f"work-items/{10**30}/"))
    assert response.status_code == 404


def test_missing_trailing_slash_is_a_404_that_says_so(api_as, practice, staff):
    response = api_as(staff).get(url(practice, "work-items"))
    assert response.status_code == 404
    assert response.json()["detail"].endswith("/work-items/")


def test_provider_and_manager_can_use_staff_endpoints(api_as, practice, provider, manager):
    for user in (provider, manager):
        assert api_as(user).get(url(practice, "patients/")).status_code == 200


def test_staff_without_mfa_is_not_served_by_session(api_as, practice):
    # given a staff member who has not enrolled a second factor
    user = staff_user(practice, mfa=False)
    # when they use the API with a session
    response = api_as(user).get(url(practice, "work-items/"))
    # then they are refused with a JSON answer that says where to enrol
    assert response.status_code == 403
    assert "/accounts/2fa/totp/activate" in response.json()["detail"]
