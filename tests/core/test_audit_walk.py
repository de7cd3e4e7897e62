"""Every response that shows a patient's private data writes an audit event
(issue 13, item 4), found by walking the URL resolver, not a hand-kept list.

Each practice URL pattern (pages and API) whose arguments the walk can fill
with real ids (practice, patient, work item, membership) is requested as the
practice's manager: GET, and POST with an empty body (refused input). Any
answer that carries the patient's name or MRN must have written at least one
AuditEvent. Patterns that need other objects are listed in NOT_WALKED with
who covers them, and patterns that never show patient data in NO_PATIENT_DATA;
both lists are checked against the resolver, so a new URL fails here until it
is placed.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import ContactAttemptFactory, PatientFactory, WorkItemFactory
from vpm.audit.models import AuditEvent
from vpm.practices.services import invitation_create

pytestmark = pytest.mark.django_db

FILLABLE = {"practice_slug", "patient_id", "item_id", "membership_id", "invitation_id"}

# Walked, and with this cast (one patient, one work item, one contact attempt,
# no messages or visits) never carrying patient data; checked both ways, so a
# new page must be placed here or show up audited. API writes refused with an
# empty body (400) and portal pages refused to staff (403) are here too.
NO_PATIENT_DATA = {
    "api_contact_attempts", "api_contact_points", "api_insurance_list", "api_patient_merge",
    "api_refill_list", "api_thread_list", "api_triage_preview", "api_triage_rules",
    "api_work_item_assign", "api_work_item_close", "api_work_item_resume", "api_work_item_snooze",
    "api_work_item_take_over", "api_work_item_wait", "corrections_as_cases", "membership_change",
    "invitation_cancel", "invitation_resend",
    "membership_remove", "membership_restore", "messaging_settings", "patient_import",
    "practice_settings", "on_call_save", "outbox",
    "patient_register", "portal_book_confirm", "portal_book_question", "portal_book_result",
    "portal_book_start", "portal_change_password", "portal_contact", "portal_contact_channel",
    "portal_home", "portal_language", "portal_link_check", "portal_message_check",
    "portal_message_new", "portal_message_write", "portal_messages", "portal_onboarding",
    "portal_reset_request", "portal_set_password", "portal_sign_in", "portal_sign_out",
    "queue_bulk_reassign", "queue_closed_days", "queue_person", "queue_settings", "queue_teams",
    "reply_template_save", "schedule", "scheduling_audit", "scheduling_block_new",
    "scheduling_exception_new", "scheduling_question_new", "scheduling_reason_new",
    "scheduling_rules", "scheduling_setup", "scheduling_visit_type_new", "staff_threads", "team",
    "triage_rule_preview", "triage_rule_save",
    # scheduling: with no visits in this cast, its lists and API show no patient
    "api_appointment_list", "api_slot_search", "api_template_block_list",
    "api_template_exception_list", "api_visit_type_list", "api_waitlist", "waitlist",
}

# Patterns whose arguments name objects of a workflow app; their owners' tests
# audit them (tests/messaging, tests/scheduling, tests/portal).
NOT_WALKED_PREFIXES = {
    "/messages/": "messaging threads, attachments, rules (tests/messaging)",
    "/threads/": "messaging threads (tests/messaging)",
    "/refills/": "messaging refills (tests/messaging)",
    "/triage-rules/": "messaging rules (tests/messaging)",
    "/appointments/": "scheduling appointments (tests/scheduling)",
    "/template-blocks/": "scheduling template blocks (tests/scheduling/test_api.py)",
    "/template-exceptions/": "scheduling exceptions (tests/scheduling/test_api.py)",
    "/scheduling/": "scheduling set-up (tests/scheduling)",
    "/portal/": "the patient's own portal (tests/portal)",
    "/queue/teams/": "queue team settings (tests/queue)",
    "/queue/closed-days/": "practice closed days (tests/queue)",
    "/contact-points/": "a patient's contact point (tests/patients)",
    "/insurance/": "a patient's coverage (tests/patients)",
    "/patients/import/": "a CSV import's preview and report (tests/patients/test_import.py)",
}


def _practice_patterns():
    """(path template, name, argument names) of every practice URL in the resolver."""
    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.name

    for template, name in walk(get_resolver(), "/"):
        if template.startswith(("/p/", "/api/v1/p/")):
            yield template, name, set(re.findall(r"<(?:\w+:)?(\w+)>", template))


def _not_walked_reason(template):
    return next((why for prefix, why in NOT_WALKED_PREFIXES.items() if prefix in template), None)


@pytest.fixture
def cast(practice, manager, staff):
    invitation = invitation_create(practice=practice, email="new.hire@example.test",
                                   role="staff", team="", invited_by=manager,
                                   base_url="http://testserver")
    patient = PatientFactory(practice=practice, first_name="Ottilie", last_name="Zwicklmeier",
                             mrn="AUDIT-4711")
    ContactAttemptFactory(patient=patient)
    item = WorkItemFactory(practice=practice, patient=patient, title="Call back")
    return {"practice_slug": practice.slug, "patient_id": str(patient.pk),
            "item_id": str(item.pk), "membership_id": str(staff.memberships.get().pk),
            "invitation_id": str(invitation.pk)}


def _shows_patient(response) -> bool:
    body = response.content.decode(errors="replace")
    return "Zwicklmeier" in body or "AUDIT-4711" in body


def test_every_practice_pattern_is_walked_or_placed():
    unplaced = [template for template, name, args in _practice_patterns()
                if not args <= FILLABLE and not _not_walked_reason(template)]
    assert unplaced == [], "place each new URL: fill its ids here, or add it to NOT_WALKED"


def test_every_response_with_patient_data_writes_an_audit_event(cast, manager):
    pages, api = client_for(manager), client_for(manager, APIClient)
    unaudited, shown, silent = [], set(), set()
    for template, name, args in _practice_patterns():
        if not args <= FILLABLE:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: cast[m.group(1)], template)
        client = api if url.startswith("/api/") else pages
        for method in ("get", "post"):
            before = AuditEvent.objects.count()
            # Redirects are followed as a browser would (a flash message naming the
            # patient is shown on the page the redirect leads to).
            response = getattr(client, method)(url, {}, follow=True)
            assert response.status_code < 500, (method, url, response.status_code)
            if _shows_patient(response):
                shown.add(name)
                if AuditEvent.objects.count() == before:
                    unaudited.append((method.upper(), url, response.status_code))
            else:
                silent.add(name)
    assert unaudited == [], "\n".join(map(str, unaudited))
    # The explicit list of pages without patient data stays true, both ways.
    assert not shown & NO_PATIENT_DATA
    assert silent - shown == NO_PATIENT_DATA


def test_refused_contact_attempt_and_identity_check_are_audited_reads(cast, manager):
    client = client_for(manager)
    base = f"/p/{cast['practice_slug']}/patients/{cast['patient_id']}/"
    for path in ("contact-attempts/", "identity-checks/"):
        before = AuditEvent.objects.count()
        response = client.post(base + path, {"channel": "nonsense"})
        assert response.status_code == 400
        assert _shows_patient(response)
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1
        assert (event.action, str(event.patient_id)) == ("view_patient", cast["patient_id"])


def test_logging_a_contact_attempt_or_identity_check_writes_change_patient(cast, manager):
    client, api = client_for(manager), client_for(manager, APIClient)
    base = f"/p/{cast['practice_slug']}/patients/{cast['patient_id']}/"
    posts = [
        (client, base + "contact-attempts/", {"channel": "phone", "direction": "outbound",
                                              "outcome": "reached", "note": ""}),
        (client, base + "identity-checks/", {"first_identifier": "date_of_birth",
                                             "second_identifier": "address",
                                             "channel": "phone", "passed": "on"}),
        (api, f"/api/v1{base}contact-attempts/", {"channel": "phone", "direction": "outbound",
                                                  "outcome": "reached"}),
    ]
    for who, url, body in posts:
        before = AuditEvent.objects.filter(action="change_patient").count()
        response = who.post(url, body)
        assert response.status_code in (201, 302), (url, response.content[:300])
        changes = AuditEvent.objects.filter(action="change_patient", patient_id=cast["patient_id"])
        assert changes.count() == before + 1, url
    assert set(changes.values_list("via", flat=True)) == {"web", "api"}


def test_api_work_item_actions_naming_the_patient_are_audited(cast, manager):
    api = client_for(manager, APIClient)
    url = f"/api/v1/p/{cast['practice_slug']}/work-items/{cast['item_id']}/claim/"
    response = api.post(url, {}, format="json")
    assert response.json()["patient"]["name"]
    event = AuditEvent.objects.get()
    assert (event.action, event.via, str(event.patient_id)) == \
        ("view_queue", "api", cast["patient_id"])
