"""audit_record writes its row by hand (vpm/sql.py insert_one): the row must be
the one the ORM's create() writes."""

import pytest
from django.test import RequestFactory

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record

pytestmark = pytest.mark.django_db

COMPARED = ("practice_id", "actor_id", "patient_id", "action", "object_type", "object_id",
            "via", "ip_address", "user_agent")


def test_the_hand_written_insert_equals_the_orms(practice, staff, patient):
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8::7", HTTP_USER_AGENT="É" * 400)
    request.user = staff
    event = audit_record(request=request, practice=practice, patient=patient, obj=patient,
                         action=AuditEvent.Action.VIEW_PATIENT, via="api")
    by_orm = AuditEvent.objects.create(
        practice=practice, actor=staff, patient=patient, action=AuditEvent.Action.VIEW_PATIENT,
        object_type="patients.patient", object_id=str(patient.pk), via="api",
        ip_address="2001:db8::7", user_agent="É" * 300)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert {f: getattr(stored, f) for f in COMPARED} == {f: getattr(by_orm, f) for f in COMPARED}
    assert stored.at is not None and abs((by_orm.at - stored.at).total_seconds()) < 5
    assert event.at == stored.at and event._state.adding is False


def test_an_anonymous_read_has_no_actor(practice):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    event = audit_record(request=request, practice=practice, action=AuditEvent.Action.VIEW_QUEUE)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id is None and stored.patient_id is None and stored.ip_address == "192.0.2.1"
