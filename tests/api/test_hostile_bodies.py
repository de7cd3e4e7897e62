"""Oversized, overfull and mis-encoded requests get the API's JSON answers, quickly."""

import json
import time

import pytest

from tests.conftest import client_for
from vpm.patients.models import ContactAttempt
from vpm.queue.models import WorkItem

from .conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff):
    from rest_framework.test import APIClient

    return client_for(staff, client_class=APIClient)


def _contact_log(practice, patient):
    return url(practice, f"patients/{patient.pk}/contact-attempts/")


def test_many_unknown_keys_name_only_the_first_few(api, practice, work_item):
    body = {f"k{n:05d}": n for n in range(60_000)}
    started = time.monotonic()
    response = api.post(url(practice, f"work-items/{work_item.pk}/close/"),
                        json.dumps({"outcome": "done", **body}), content_type="application/json")
    assert time.monotonic() - started < 3
    assert response.status_code == 400
    assert len(response.content) < 2_000
    errors = response.json()
    assert list(errors)[:5] == ["k00000", "k00001", "k00002", "k00003", "k00004"]
    assert errors["non_field_errors"] == ["And 59,995 more unknown names."]
    assert WorkItem.objects.get(pk=work_item.pk).status == "open"


@pytest.mark.parametrize("content_type", ["form", "multipart"])
def test_invalid_utf8_in_a_form_body_is_refused_like_in_json(api, practice, patient,
                                                             content_type):
    if content_type == "form":
        response = api.generic("POST", _contact_log(practice, patient),
                               b"channel=phone&direction=outbound&outcome=reached&note=caf%E9",
                               content_type="application/x-www-form-urlencoded")
    else:
        boundary = "XyZ"
        parts = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value + b"\r\n"
            for name, value in [("channel", b"phone"), ("direction", b"outbound"),
                                ("outcome", b"reached"), ("note", b"caf\xe9")])
        response = api.generic("POST", _contact_log(practice, patient),
                               parts + f"--{boundary}--\r\n".encode(),
                               content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert response.json() == {"detail": "The body is not valid UTF-8 text; send the form as UTF-8."}
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_body_over_the_limit_is_a_json_413(api, practice, patient, content_type):
    note = "x" * 3_000_000
    body = json.dumps({"note": note}) if content_type == "application/json" else f"note={note}"
    response = api.generic("POST", _contact_log(practice, patient), body,
                           content_type=content_type)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large (at most 2.5 MB)."}


def test_too_many_form_fields_is_a_json_400(api, practice, patient):
    body = "&".join(f"f{n}=1" for n in range(1_001))
    response = api.generic("POST", _contact_log(practice, patient), body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "at most 1,000" in response.json()["detail"]


def test_too_many_query_parameters_is_a_json_400(api, practice):
    query = "&".join(f"f{n}=1" for n in range(1_001))
    response = api.get(url(practice, "work-items/") + "?" + query)
    assert response.status_code == 400
    assert "at most 1,000" in response.json()["detail"]
