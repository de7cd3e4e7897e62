"""API for threads, messages, notes, refills and triage rules: isolation,
roles, audit, bad input, fixed query counts, and the schema."""

import pytest

from messaging.models import Message, RefillRequest, Thread, TriageRule
from messaging.services.threads import message_receive
from tests.factories import PatientFactory
from vpm.audit.models import AuditEvent

from .conftest import url


@pytest.fixture
def thread(practice, patient):
    return message_receive(practice=practice, patient=patient, channel="portal",
                           body="I need a refill of my lisinopril").thread


def endpoints(thread):
    refill = RefillRequest.objects.get(thread=thread)
    return [
        ("get", "threads/", None),
        ("get", f"threads/{thread.pk}/", None),
        ("get", f"threads/{thread.pk}/messages/", None),
        ("post", f"threads/{thread.pk}/messages/", {"body": "Sent to Dr. Lee."}),
        ("post", f"threads/{thread.pk}/notes/", {"body": "Pharmacy is CVS"}),
        ("get", "refills/", None),
        ("post", f"refills/{refill.pk}/status/", {"status": "sent_to_provider"}),
    ]


def request(client, method, practice, path, body):
    if method == "get":
        return client.get(url(practice, path))
    return client.post(url(practice, path), body, format="json")


def test_outsider_gets_404_everywhere_and_changes_nothing(api_as, practice, thread, outsider):
    client = api_as(outsider)
    for method, path, body in endpoints(thread):
        assert request(client, method, practice, path, body).status_code == 404, path
    assert Message.objects.count() == 2  # the patient's message and its acknowledgement


def test_foreign_ids_under_own_practice_are_404(api_as, other_practice, thread, outsider):
    client = api_as(outsider)
    for method, path, body in endpoints(thread):
        if path in ("threads/", "refills/"):
            continue  # lists: the outsider's own (empty) ones
        assert request(client, method, other_practice, path, body).status_code == 404, path


def test_patient_user_gets_403(api_as, practice, thread, patient_user):
    client = api_as(patient_user)
    for method, path, body in endpoints(thread):
        assert request(client, method, practice, path, body).status_code == 403, path


def test_staff_reads_a_thread_and_its_messages_audited(api_as, practice, thread, staff, patient):
    response = api_as(staff).get(url(practice, f"threads/{thread.pk}/messages/"))

    assert response.status_code == 200
    assert [m["direction"] for m in response.json()] == ["inbound", "outbound"]
    assert AuditEvent.objects.filter(action="view_thread", via="api", patient=patient).exists()


def test_reply_and_note_through_the_api(api_as, practice, thread, staff):
    client = api_as(staff)

    reply = client.post(url(practice, f"threads/{thread.pk}/messages/"),
                        {"body": "Sent to Dr. Lee."}, format="json")
    note = client.post(url(practice, f"threads/{thread.pk}/notes/"), {"body": "CVS"},
                       format="json")

    assert reply.status_code == 201 and reply.json()["direction"] == "outbound"
    assert note.status_code == 201 and note.json()["direction"] == "note"
    assert Thread.objects.get().first_response_minutes is not None


@pytest.mark.parametrize("body", [{"body": ""}, {"body": 42}, {"body": "x" * 10_001},
                                  {"body": "ok", "chanel": "sms"}])
def test_bad_reply_is_a_400_and_stores_nothing(api_as, practice, thread, staff, body):
    response = api_as(staff).post(url(practice, f"threads/{thread.pk}/messages/"), body,
                                  format="json")

    assert response.status_code == 400
    assert not Message.objects.filter(author=staff).exists()


def test_refill_status_step_refused_is_a_400(api_as, practice, thread, staff):
    refill = RefillRequest.objects.get()

    response = api_as(staff).post(url(practice, f"refills/{refill.pk}/status/"),
                                  {"status": "sent_to_pharmacy"}, format="json")

    assert response.status_code == 400 and "can only become" in str(response.json())


def test_thread_list_has_a_fixed_number_of_queries(api_as, practice, staff, count_queries):
    for _ in range(3):
        message_receive(practice=practice, patient=PatientFactory(practice=practice),
                        channel="portal", body="Can I move my appointment?")
    few = count_queries(api_as(staff), url(practice, "threads/"))
    for _ in range(60):
        message_receive(practice=practice, patient=PatientFactory(practice=practice),
                        channel="portal", body="Can I move my appointment?")
    many = count_queries(api_as(staff), url(practice, "threads/"))

    assert few == many


def test_rules_are_for_managers_only(api_as, practice, staff, manager):
    rule = {"definition": {"id": "flu", "phrases": ["flu clinic"], "sets_topic": "scheduling",
                           "priority": 50}}

    assert api_as(staff).post(url(practice, "triage-rules/"), rule, format="json") \
        .status_code == 403
    assert api_as(manager).post(url(practice, "triage-rules/"), rule, format="json") \
        .status_code == 201
    preview = api_as(manager).post(url(practice, "triage-rules/preview/"),
                                   {"text": "flu clinic hours?"}, format="json")
    assert preview.json()["topic"] == "scheduling"
    assert api_as(manager).delete(url(practice, "triage-rules/flu/")).status_code == 204
    assert not TriageRule.objects.exists()


def test_invalid_rule_is_a_400(api_as, practice, manager):
    response = api_as(manager).post(url(practice, "triage-rules/"),
                                    {"definition": {"id": "x", "patterns": ["(a+)+"],
                                                    "sets_topic": "billing"}}, format="json")

    assert response.status_code == 400 and not TriageRule.objects.exists()


def test_messaging_endpoints_are_in_the_schema(api_as, staff):
    schema = api_as(staff).get("/api/schema/?format=json").json()

    for path in ("threads/", "threads/{thread_id}/messages/", "threads/{thread_id}/notes/",
                 "refills/", "triage-rules/", "triage-rules/preview/"):
        assert f"/api/v1/p/{{practice_slug}}/{path}" in schema["paths"], path
