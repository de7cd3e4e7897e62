"""A colleague's claimed item: staff take it over visibly (a reason and an
event); closing, snoozing, holding or reassigning it is for its owner and
managers. The same rule on the API as on the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vpm.queue.models import Status, WorkItem, WorkItemEvent
from vpm.queue.services import work_item_claim

from .conftest import url

pytestmark = pytest.mark.django_db


def _post(client, item, action, body=None):
    return client.post(url(item.practice, f"work-items/{item.pk}/{action}/"), body or {},
                       format="json")


def _state(item):
    fresh = WorkItem.objects.get(pk=item.pk)
    return fresh.status, fresh.owner_id, fresh.events.count()


@pytest.mark.parametrize("action,body", [
    ("assign", "self"),
    ("close", {"outcome": "Done it for them"}),
    ("snooze", {"until": (timezone.now() + timedelta(days=1)).isoformat()}),
    ("wait", {"reason": "Waiting for a photo"}),
])
def test_staff_cannot_act_on_a_colleagues_claimed_item(api_as, staff, colleague, work_item,
                                                       action, body):
    work_item_claim(item=work_item, user=colleague)
    before = _state(work_item)
    body = {"assignee": staff.pk} if body == "self" else body
    response = _post(api_as(staff), work_item, action, body)
    assert response.status_code == 409
    assert "Casey Colleague has this item" in response.json()["detail"]
    assert _state(work_item) == before


def test_take_over_needs_a_reason_and_records_it(api_as, staff, colleague, work_item):
    work_item_claim(item=work_item, user=colleague)
    before = _state(work_item)
    assert _post(api_as(staff), work_item, "take-over", {"reason": "  "}).status_code == 400
    assert _post(api_as(staff), work_item, "take-over", {}).status_code == 400
    assert _state(work_item) == before

    response = _post(api_as(staff), work_item, "take-over",
                     {"reason": "Patient is on the phone with me"})
    assert response.status_code == 200
    assert response.json()["owner"]["id"] == staff.pk
    event = WorkItemEvent.objects.filter(work_item=work_item).last()
    assert event.action == "taken_over" and event.actor == staff
    assert event.note == "From Casey Colleague: Patient is on the phone with me"
    # ...and now it is theirs to close
    assert _post(api_as(staff), work_item, "close", {"outcome": "Answered"}).status_code == 200


def test_manager_may_reassign_and_close_a_colleagues_item(api_as, manager, staff, colleague,
                                                          work_item):
    work_item_claim(item=work_item, user=colleague)
    response = _post(api_as(manager), work_item, "assign", {"assignee": staff.pk})
    assert response.status_code == 200 and response.json()["owner"]["id"] == staff.pk
    assert _post(api_as(manager), work_item, "close", {"outcome": "Duplicate"}).status_code == 200
    assert WorkItem.objects.get(pk=work_item.pk).status == Status.DONE


def test_staff_may_assign_an_unowned_item_to_a_colleague(api_as, staff, colleague, work_item):
    response = _post(api_as(staff), work_item, "assign", {"assignee": colleague.pk})
    assert response.status_code == 200 and response.json()["owner"]["id"] == colleague.pk


def test_taking_over_your_own_or_an_open_item_is_refused(api_as, staff, work_item):
    assert "claim it instead" in _post(api_as(staff), work_item, "take-over",
                                       {"reason": "x"}).json()["detail"]
    work_item_claim(item=work_item, user=staff)
    assert "already hold" in _post(api_as(staff), work_item, "take-over",
                                   {"reason": "x"}).json()["detail"]


def test_wait_and_resume_through_the_api(api_as, staff, work_item):
    work_item_claim(item=work_item, user=staff)
    response = _post(api_as(staff), work_item, "wait", {"reason": "Asked for the card"})
    assert response.status_code == 200
    assert response.json()["status"] == "waiting"
    assert response.json()["waiting_reason"] == "Asked for the card"
    response = _post(api_as(staff), work_item, "resume")
    assert response.status_code == 200 and response.json()["status"] == "claimed"
    assert _post(api_as(staff), work_item, "resume").status_code == 409


def test_take_over_of_another_practices_item_is_404(api_as, outsider, work_item, colleague):
    work_item_claim(item=work_item, user=colleague)
    for action in ("take-over", "wait", "resume"):
        path = f"/api/v1/p/{work_item.practice.slug}/work-items/{work_item.pk}/{action}/"
        assert api_as(outsider).post(path, {"reason": "x"}, format="json").status_code == 404
