"""Every date and time input is bounded, and the database refuses what psycopg cannot read.

A snooze to 9999-12-31 23:59 in Chicago is year 10000 in UTC: stored, it made
the item, the patient's page and the practice's work-item list answer 500.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import WorkItemFactory
from vpm.patients.models import ContactAttempt
from vpm.queue.models import Status, WorkItem
from vpm.validators import check_datetime_bounds

pytestmark = pytest.mark.django_db


def _api_as(user):
    return client_for(user, APIClient)  # signed in with TOTP passed in the session


def _snooze_page(client, item, until):
    url = reverse("work_item_snooze", args=[item.practice.slug, item.pk])
    return client.post(url, {"until": until}, HTTP_HX_REQUEST="true")


def test_far_future_snooze_is_refused_and_the_queue_still_opens(as_user, staff, work_item):
    client = as_user(staff)
    response = _snooze_page(client, work_item, "9999-12-31T23:59")
    assert response.status_code == 400
    assert "Choose a time at most 1 year from now." in response.text
    assert WorkItem.objects.get(pk=work_item.pk).status == Status.OPEN
    assert client.get(reverse("staff_home", args=[work_item.practice.slug])).status_code == 200


def test_snooze_beyond_a_year_is_refused_in_the_api(staff, work_item):
    url = f"/api/v1/p/{work_item.practice.slug}/work-items/{work_item.pk}/snooze/"
    response = _api_as(staff).post(url, {"until": "2150-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 400
    assert response.json()["until"] == ["Choose a time at most 1 year from now."]
    assert WorkItem.objects.get(pk=work_item.pk).snoozed_until is None


def test_contact_attempt_from_another_century_is_refused(as_user, staff, patient):
    page = reverse("contact_attempt_create", args=[patient.practice.slug, patient.pk])
    response = as_user(staff).post(page, {"channel": "phone", "direction": "outbound",
                                        "outcome": "no_answer", "occurred_at": "2999-01-01T00:00"})
    assert response.status_code == 400
    assert "This cannot be in the future." in response.text
    api = f"/api/v1/p/{patient.practice.slug}/patients/{patient.pk}/contact-attempts/"
    body = {"channel": "phone", "direction": "outbound", "outcome": "reached",
            "occurred_at": (timezone.now() - timedelta(days=800)).isoformat()}
    response = _api_as(staff).post(api, body, format="json")
    assert response.json()["occurred_at"] == ["Choose a time at most 1 year ago."]
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize("field", ["due_at", "snoozed_until"])
def test_database_refuses_a_time_psycopg_could_not_read_back(practice, field):
    item = WorkItemFactory(practice=practice)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.filter(pk=item.pk).update(**{field: datetime(9999, 12, 31, tzinfo=UTC)})
    assert WorkItem.objects.get(pk=item.pk).due_at == item.due_at


def test_bounds_compare_year_9999_west_of_utc_without_overflow():
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="between 1900 and 2099"):
        check_datetime_bounds(datetime(9999, 12, 31, 23, 59, tzinfo=ZoneInfo("America/Chicago")))
    check_datetime_bounds(timezone.now() + timedelta(days=30), max_future=timedelta(days=366))
