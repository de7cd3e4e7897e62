from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import WorkItemFactory, staff_user
from vpm.practices.models import Membership
from vpm.queue.models import Status, WorkItem, WorkItemEvent
from vpm.queue.services import work_item_claim

from .conftest import url

pytestmark = pytest.mark.django_db


def _post(client, item, action, body=None):
    path = url(item.practice, f"work-items/{item.pk}/{action}/")
    return client.post(path, body if body is not None else {}, format="json")


def _unchanged(item, status=Status.OPEN, owner=None, events=0):
    fresh = WorkItem.objects.get(pk=item.pk)
    assert (fresh.status, fresh.owner) == (status, owner)
    assert WorkItemEvent.objects.filter(work_item=item).count() == events


def test_claim_makes_me_the_owner(api_as, staff, work_item):
    response = _post(api_as(staff), work_item, "claim")
    assert response.status_code == 200
    assert response.json()["owner"] == {"id": staff.pk, "name": "Alex Staff"}
    _unchanged(work_item, status=Status.CLAIMED, owner=staff, events=1)


def test_claim_of_an_already_claimed_item_is_409_naming_the_owner(api_as, staff, colleague,
                                                                 work_item):
    # given a colleague claimed the item
    work_item_claim(item=work_item, user=colleague)
    # when staff try to claim it
    response = _post(api_as(staff), work_item, "claim")
    # then they are told who has it, and it stays theirs
    assert response.status_code == 409
    assert response.json() == {"detail": "Already claimed by Casey Colleague."}
    _unchanged(work_item, status=Status.CLAIMED, owner=colleague, events=1)


def test_release_by_the_owner_reopens_the_item(api_as, staff, work_item):
    work_item_claim(item=work_item, user=staff)
    response = _post(api_as(staff), work_item, "release")
    assert response.status_code == 200
    _unchanged(work_item, status=Status.OPEN, owner=None, events=2)


def test_release_by_someone_else_is_409(api_as, staff, colleague, work_item):
    work_item_claim(item=work_item, user=colleague)
    response = _post(api_as(staff), work_item, "release")
    assert response.status_code == 409
    assert "or a manager can release" in response.json()["detail"]
    _unchanged(work_item, status=Status.CLAIMED, owner=colleague, events=1)


def test_manager_can_release_anyones_item(api_as, manager, colleague, work_item):
    work_item_claim(item=work_item, user=colleague)
    assert _post(api_as(manager), work_item, "release").status_code == 200
    _unchanged(work_item, status=Status.OPEN, owner=None, events=2)


def test_assign_gives_the_item_to_a_colleague(api_as, staff, colleague, work_item):
    response = _post(api_as(staff), work_item, "assign", {"assignee": colleague.pk})
    assert response.status_code == 200
    _unchanged(work_item, status=Status.CLAIMED, owner=colleague, events=1)


def test_assign_to_a_user_of_another_practice_is_refused(api_as, staff, outsider, work_item):
    # when staff try to assign the item to someone who works elsewhere
    response = _post(api_as(staff), work_item, "assign", {"assignee": outsider.pk})
    # then it is refused as bad input, and nothing changes
    assert response.status_code == 400
    assert response.json() == {"assignee": ["That person is not on this practice's staff."]}
    _unchanged(work_item)


def test_assign_to_a_deactivated_member_is_refused(api_as, staff, colleague, work_item):
    Membership.objects.filter(user=colleague).update(is_active=False)
    response = _post(api_as(staff), work_item, "assign", {"assignee": colleague.pk})
    assert response.status_code == 400
    _unchanged(work_item)


def test_assign_to_a_patient_user_is_refused(api_as, staff, patient_user, work_item):
    response = _post(api_as(staff), work_item, "assign", {"assignee": patient_user.pk})
    assert response.status_code == 400
    _unchanged(work_item)


def test_snooze_hides_the_item_until_then(api_as, staff, work_item):
    until = timezone.now() + timedelta(days=1)
    body = {"until": until.isoformat(), "reason": "Patient asked to call tomorrow"}
    response = _post(api_as(staff), work_item, "snooze", body)
    assert response.status_code == 200
    assert WorkItem.objects.get(pk=work_item.pk).snoozed_until == until
    _unchanged(work_item, status=Status.SNOOZED, events=1)


def test_close_records_the_outcome(api_as, staff, work_item):
    response = _post(api_as(staff), work_item, "close", {"outcome": "  Called back  "})
    assert response.status_code == 200
    assert WorkItem.objects.get(pk=work_item.pk).outcome == "Called back"
    _unchanged(work_item, status=Status.DONE, events=1)


def test_close_as_cancelled(api_as, staff, work_item):
    response = _post(api_as(staff), work_item, "close", {"outcome": "Duplicate", "cancelled": True})
    assert response.status_code == 200
    _unchanged(work_item, status=Status.CANCELLED, events=1)


def test_closing_a_closed_item_is_409(api_as, staff, work_item):
    _post(api_as(staff), work_item, "close", {"outcome": "Called back"})
    response = _post(api_as(staff), work_item, "close", {"outcome": "Again"})
    assert response.status_code == 409
    assert "done" in response.json()["detail"]
    _unchanged(work_item, status=Status.DONE, events=1)


def test_snoozing_a_closed_item_is_409(api_as, practice, staff):
    item = WorkItemFactory(practice=practice, status=Status.DONE)
    until = (timezone.now() + timedelta(days=1)).isoformat()
    assert _post(api_as(staff), item, "snooze", {"until": until}).status_code == 409
    _unchanged(item, status=Status.DONE)


IN_AN_HOUR = (timezone.now() + timedelta(hours=1)).isoformat()
BAD_BODIES = [
    ("claim", {"owner": 1}, "owner"),
    ("release", {"force": True}, "force"),
    ("assign", {}, "assignee"),
    ("assign", {"assignee": "Casey"}, "assignee"),
    ("assign", {"assignee": 1.5}, "assignee"),
    ("assign", {"assignee": True}, "assignee"),
    ("assign", {"assignee": [1]}, "assignee"),
    ("assign", {"assignee": 10**30}, "assignee"),
    ("assign", {"assignee": -1}, "assignee"),
    ("snooze", {}, "until"),
    ("snooze", {"until": "tomorrow"}, "until"),
    ("snooze", {"until": "2001-01-01T00:00:00Z"}, "until"),
    ("snooze", {"until": "9999-12-31T23:59:59-05:00"}, "until"),
    ("snooze", {"until": 1767225600}, "until"),
    ("snooze", {"until": IN_AN_HOUR, "reason": "x" * 201}, "reason"),
    ("close", {}, "outcome"),
    ("close", {"outcome": "   "}, "outcome"),
    ("close", {"outcome": "x" * 301}, "outcome"),
    ("close", {"outcome": 42}, "outcome"),
    ("close", {"outcome": "done", "cancelled": "perhaps"}, "cancelled"),
    ("close", {"outcome": "done", "canceled": True}, "canceled"),
]


@pytest.mark.parametrize(("action", "body", "field"), BAD_BODIES,
                         ids=[f"{a}-{f}-{i}" for i, (a, _, f) in enumerate(BAD_BODIES)])
def test_bad_body_is_400_and_changes_nothing(api_as, staff, work_item, action, body, field):
    response = _post(api_as(staff), work_item, action, body)
    assert response.status_code == 400
    assert field in response.json()
    _unchanged(work_item)


@pytest.mark.parametrize("action", ["claim", "release", "assign", "snooze", "close"])
@pytest.mark.parametrize("raw", [b"{oops", b"[]", b'{"outcome": "\\udfff"}', b"[" * 50_000])
def test_malformed_json_is_400_and_changes_nothing(api_as, staff, work_item, action, raw):
    path = url(work_item.practice, f"work-items/{work_item.pk}/{action}/")
    response = api_as(staff).post(path, raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()
    _unchanged(work_item)


def test_get_on_an_action_is_405(api_as, staff, work_item):
    path = url(work_item.practice, f"work-items/{work_item.pk}/claim/")
    assert api_as(staff).get(path).status_code == 405
    _unchanged(work_item)


def test_provider_can_claim(api_as, provider, work_item):
    assert _post(api_as(provider), work_item, "claim").status_code == 200


def test_assign_to_a_new_member_of_this_practice_works(api_as, practice, staff, work_item):
    newcomer = staff_user(practice, name="Nia Newcomer")
    assert _post(api_as(staff), work_item, "assign", {"assignee": newcomer.pk}).status_code == 200
    _unchanged(work_item, status=Status.CLAIMED, owner=newcomer, events=1)
