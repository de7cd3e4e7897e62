import json
import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

OUR_PATHS = {
    "/api/v1/practices/",
    "/api/v1/p/{practice_slug}/patients/",
    "/api/v1/p/{practice_slug}/patients/{patient_id}/",
    "/api/v1/p/{practice_slug}/patients/{patient_id}/contact-attempts/",
    "/api/v1/p/{practice_slug}/patients/{patient_id}/merge/",
    "/api/v1/p/{practice_slug}/patients/{patient_id}/contact-points/",
    "/api/v1/p/{practice_slug}/patients/{patient_id}/contact-points/{point_id}/",
    "/api/v1/p/{practice_slug}/patients/{patient_id}/insurance/",
    "/api/v1/p/{practice_slug}/patients/{patient_id}/insurance/{insurance_id}/",
    "/api/v1/p/{practice_slug}/work-items/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/claim/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/release/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/assign/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/snooze/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/close/",
    # messaging
    "/api/v1/p/{practice_slug}/threads/",
    "/api/v1/p/{practice_slug}/threads/{thread_id}/",
    "/api/v1/p/{practice_slug}/threads/{thread_id}/messages/",
    "/api/v1/p/{practice_slug}/threads/{thread_id}/notes/",
    "/api/v1/p/{practice_slug}/refills/",
    "/api/v1/p/{practice_slug}/refills/{refill_id}/status/",
    "/api/v1/p/{practice_slug}/triage-rules/",
    "/api/v1/p/{practice_slug}/triage-rules/preview/",
    "/api/v1/p/{practice_slug}/triage-rules/{rule_id}/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/take-over/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/wait/",
    "/api/v1/p/{practice_slug}/work-items/{item_id}/resume/",
    # scheduling
    "/api/v1/p/{practice_slug}/visit-types/",
    "/api/v1/p/{practice_slug}/template-blocks/",
    "/api/v1/p/{practice_slug}/template-blocks/{block_id}/",
    "/api/v1/p/{practice_slug}/template-exceptions/",
    "/api/v1/p/{practice_slug}/template-exceptions/{exception_id}/",
    "/api/v1/p/{practice_slug}/slots/",
    "/api/v1/p/{practice_slug}/appointments/",
    "/api/v1/p/{practice_slug}/appointments/{appointment_id}/",
    "/api/v1/p/{practice_slug}/appointments/{appointment_id}/reschedule/",
    "/api/v1/p/{practice_slug}/appointments/{appointment_id}/cancel/",
    "/api/v1/p/{practice_slug}/appointments/{appointment_id}/attendance/",
    "/api/v1/p/{practice_slug}/waitlist/",
}


def test_schema_is_yaml_listing_every_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == OUR_PATHS


def test_every_operation_documents_the_errors_it_can_answer(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), \
                (method, path)
    assert schema["components"]["schemas"]["CloseInput"]["additionalProperties"] is False


def test_schema_validates_without_warnings(tmp_path):
    # an endpoint without schema annotations would warn, and fail this
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yml")
    assert (tmp_path / "s.yml").read_text().startswith("openapi:")


def test_schema_is_also_served_as_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert set(json.loads(response.content)["paths"]) == OUR_PATHS


def test_schema_documents_the_work_item_filters(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    parameters = schema["paths"]["/api/v1/p/{practice_slug}/work-items/"]["get"]["parameters"]
    names = {p["name"] for p in parameters if p["in"] == "query"}
    assert names == {"team", "kind", "status", "urgency", "owner", "overdue", "page"}


def test_schema_offers_no_token_endpoint(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    assert not any("token" in path for path in schema["paths"])


def _external_asset_urls(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|link|img)\b[^>]*>", html, flags=re.IGNORECASE)
    urls = [url for tag in tags for url in re.findall(r'(?:src|href)="([^"]*)"', tag)]
    return [url for url in urls if re.match(r"(?i)(https?:)?//", url)]


def test_docs_page_loads_only_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert _external_asset_urls(html) == []


def test_docs_page_turns_off_the_online_validator(client):
    html = client.get("/api/docs/").content.decode()
    assert '"validatorUrl": null' in html
