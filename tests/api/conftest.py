"""Clients and the table of every practice endpoint, for the API tests."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from vpm.accounts.second_factor import dangerously_record_second_factor

# Every endpoint under /api/v1/p/<slug>/, with a body that is valid for it.
# "{patient}", "{item}" and "{me}" are filled in by `call`.
ENDPOINTS = [
    ("get", "patients/", None),
    ("get", "patients/{patient}/", None),
    ("get", "patients/{patient}/contact-attempts/", None),
    ("post", "patients/{patient}/contact-attempts/",
     {"channel": "phone", "direction": "outbound", "outcome": "reached"}),
    ("get", "work-items/", None),
    ("get", "work-items/{item}/", None),
    ("post", "work-items/{item}/claim/", {}),
    ("post", "work-items/{item}/release/", {}),
    ("post", "work-items/{item}/assign/", {"assignee": "{me}"}),
    ("post", "work-items/{item}/snooze/", {"until": "{tomorrow}", "reason": "waiting"}),
    ("post", "work-items/{item}/close/", {"outcome": "called back"}),
    # Registration: create, change and merge patients, their contact points and insurance.
    ("post", "patients/", {"first_name": "Ana", "last_name": "Ruiz", "date_of_birth": "1990-02-03",
                           "preferred_channel": "email", "email": "ana@example.com"}),
    ("patch", "patients/{patient}/", {"preferred_name": "Mari"}),
    ("post", "patients/{patient}/merge/", {"merged": "{patient}"}),
    ("post", "patients/{patient}/contact-points/", {"kind": "email", "value": "m@example.com"}),
    ("post", "patients/{patient}/insurance/", {"payer": "Aetna", "member_id": "W1"}),
]
ENDPOINT_IDS = [f"{method} {path}" for method, path, _ in ENDPOINTS]
OBJECT_ENDPOINTS = [e for e in ENDPOINTS if "{" in e[1]]
OBJECT_ENDPOINT_IDS = [f"{method} {path}" for method, path, _ in OBJECT_ENDPOINTS]


@pytest.fixture
def count_queries(django_assert_max_num_queries):
    """GET `path` as `client`; answer how many queries it ran (at most `ceiling`)."""

    def count(client, path, ceiling=12) -> int:
        with django_assert_max_num_queries(ceiling) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured.captured_queries)

    return count


@pytest.fixture
def api_as():
    """An API client signed in by session as `user` (or anonymous for None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
            dangerously_record_second_factor(client, user)
        return client

    return make


def url(practice, path: str) -> str:
    return f"/api/v1/p/{practice.slug}/{path}"


def call(client, method, practice, path, body, *, patient, item, me):
    """Call one row of ENDPOINTS with the ids filled in."""
    ids = {"patient": str(patient.pk), "item": str(item.pk), "me": str(me.pk if me else 0),
           "tomorrow": (timezone.now() + timedelta(days=1)).isoformat()}
    filled = {k: v.format(**ids) if isinstance(v, str) else v for k, v in (body or {}).items()}
    if method == "get":
        return client.get(url(practice, path.format(**ids)))
    return getattr(client, method)(url(practice, path.format(**ids)), filled, format="json")
