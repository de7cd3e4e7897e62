"""The access report: every audit event for a patient, a staff member or a date range."""

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PatientFactory
from tests.web.helpers import error_next_to
from vpm.audit.models import AuditEvent
from vpm.patients.services import patient_merge

pytestmark = pytest.mark.django_db


def _event(practice, actor, patient, days_ago=0, action="view_patient"):
    event = AuditEvent.objects.create(practice=practice, actor=actor, patient=patient,
                                      action=action)
    AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(days=days_ago))
    return event


def _report(client, practice, **filters):
    return client.post(reverse("access_report", args=[practice.slug]), filters)


def test_a_patient_sees_who_looked_at_their_record_including_a_merged_duplicate(
        as_user, manager, staff, colleague, practice, patient):
    duplicate = PatientFactory(practice=practice)
    _event(practice, staff, patient)
    _event(practice, colleague, duplicate)
    _event(practice, colleague, PatientFactory(practice=practice))  # someone else's record
    patient_merge(kept=patient, merged=duplicate, actor=manager)
    response = _report(as_user(manager), practice, mrn=patient.mrn)
    rows = [e for e in response.context["page"] if e.action == "view_patient"]
    assert sorted(e.actor.display_name for e in rows) == ["Alex Staff", "Casey Colleague"]


def test_filters_by_staff_member_and_dates(as_user, manager, staff, colleague, practice, patient):
    _event(practice, staff, patient, days_ago=1)
    _event(practice, staff, patient, days_ago=40)
    _event(practice, colleague, patient, days_ago=1)
    today = timezone.localdate(timezone=ZoneInfo(practice.timezone))  # the practice's today
    response = _report(as_user(manager), practice, actor=staff.pk,
                       start=(today - timedelta(days=7)).isoformat(), end=today.isoformat())
    assert response.status_code == 200, response.context["form"].errors
    assert [(e.actor, e.action) for e in response.context["page"]] == [(staff, "view_patient")]


def test_reading_the_report_is_audited(as_user, manager, practice, patient):
    _report(as_user(manager), practice, mrn=patient.mrn)
    event = AuditEvent.objects.get(action="view_access_report")
    assert (event.actor, event.patient) == (manager, patient)


def test_csv_export_has_every_matching_event(as_user, manager, staff, practice, patient):
    for _ in range(130):
        _event(practice, staff, patient)
    response = _report(as_user(manager), practice, mrn=patient.mrn, export="csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when", "who", "patient MRN"]
    views = [row for row in rows if row[3] == "Viewed a patient record"]
    assert len(views) == 130 and views[0][1] == "Alex Staff" and views[0][2] == patient.mrn


@pytest.mark.parametrize("filters, field, message", [
    ({"mrn": "NOPE"}, "id_mrn", "No patient of this practice"),
    ({"start": "2999-01-01"}, "id_start", "up to today"),
    ({"start": "0001-01-01"}, "id_start", "last ten years"),
    ({"start": "2026-13-45"}, "id_start", "Enter a valid date"),
    ({"actor": "999999"}, "id_actor", "Select a valid choice"),
])
def test_bad_filters_are_refused_next_to_the_field(as_user, manager, practice, filters, field,
                                                   message):
    response = _report(as_user(manager), practice, **filters)
    assert response.status_code == 400
    assert message in error_next_to(response, field)


def test_another_practices_patient_and_events_are_not_reported(as_user, manager, practice,
                                                               other_practice, outsider):
    foreign = PatientFactory(practice=other_practice)
    _event(other_practice, outsider, foreign)
    client = as_user(manager)
    assert "No patient of this practice" in error_next_to(
        _report(client, practice, mrn=foreign.mrn), "id_mrn")
    shown = client.get(reverse("access_report", args=[practice.slug])).context["page"]
    assert [e.action for e in shown] == ["view_access_report"]  # only the report's own reading


def test_only_managers_of_the_practice_see_it(as_user, staff, outsider, practice):
    url = reverse("access_report", args=[practice.slug])
    assert as_user(staff).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(outsider).post(url, {}).status_code == 404


def test_report_queries_do_not_grow(as_user, manager, staff, practice, patient,
                                    django_assert_max_num_queries):
    for _ in range(150):
        _event(practice, staff, PatientFactory(practice=practice))
    client = as_user(manager)
    with django_assert_max_num_queries(11):
        response = _report(client, practice)
    assert len(response.context["page"]) == 100
