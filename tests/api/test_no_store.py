"""API answers with patient data are never kept by a cache (issue 13, item 6),
and the patient page's title names no one."""

import pytest
from django.urls import reverse

from .conftest import ENDPOINT_IDS, ENDPOINTS, call

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_every_practice_endpoint_answers_no_store(method, path, body, api_as, practice, patient,
                                                  work_item, staff):
    response = call(api_as(staff), method, practice, path, body,
                    patient=patient, item=work_item, me=staff)
    assert response.status_code < 500, response.content[:200]  # answered, even if refused
    assert "no-store" in response["Cache-Control"]


def test_refused_and_my_practices_answers_are_no_store_too(api_as, practice, patient, staff):
    assert "no-store" in api_as(staff).get("/api/v1/practices/")["Cache-Control"]
    refused = api_as(staff).post(f"/api/v1/p/{practice.slug}/patients/{patient.pk}/"
                                 "contact-attempts/", {"channel": "nope"}, format="json")
    assert refused.status_code == 400 and "no-store" in refused["Cache-Control"]


def test_patient_page_title_does_not_name_the_patient(as_user, practice, patient, staff):
    response = as_user(staff).get(reverse("patient_detail", args=[practice.slug, patient.pk]))
    title = response.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Garcia" not in title and "Maria" not in title
    assert "Patient record" in title
