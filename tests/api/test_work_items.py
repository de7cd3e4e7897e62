from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from tests.factories import PatientFactory, WorkItemFactory, staff_user
from vpm.audit.models import AuditEvent
from vpm.practices.models import Team
from vpm.queue.models import Kind, Status, Urgency

from .conftest import url

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _soon(hours):
    return timezone.now() + timedelta(hours=hours)


def test_queue_is_most_urgent_first_then_earliest_due(api_as, practice, staff):
    routine_soon = WorkItemFactory(practice=practice, due_at=_soon(1))
    urgent_late = WorkItemFactory(practice=practice, urgency=Urgency.URGENT, due_at=_soon(9))
    emergency = WorkItemFactory(practice=practice, urgency=Urgency.EMERGENCY, due_at=_soon(5))
    routine_late = WorkItemFactory(practice=practice, due_at=_soon(3))
    ids = _ids(api_as(staff).get(url(practice, "work-items/")))
    assert ids == [emergency.pk, urgent_late.pk, routine_soon.pk, routine_late.pk]


def test_queue_leaves_out_closed_items_unless_asked(api_as, practice, staff, work_item):
    done = WorkItemFactory(practice=practice, status=Status.DONE)
    client = api_as(staff)
    assert _ids(client.get(url(practice, "work-items/"))) == [work_item.pk]
    assert _ids(client.get(url(practice, "work-items/?status=done"))) == [done.pk]


def test_queue_never_shows_another_practices_items(api_as, practice, other_practice, staff,
                                                   work_item):
    WorkItemFactory(practice=other_practice)
    assert _ids(api_as(staff).get(url(practice, "work-items/"))) == [work_item.pk]


def test_work_item_shows_patient_owner_and_urgency_by_name(api_as, practice, staff, patient):
    item = WorkItemFactory(practice=practice, patient=patient, owner=staff,
                           status=Status.CLAIMED, urgency=Urgency.URGENT)
    body = api_as(staff).get(url(practice, f"work-items/{item.pk}/")).json()
    assert body["patient"] == {"id": str(patient.pk), "name": "Maria Garcia"}
    assert body["owner"] == {"id": staff.pk, "name": "Alex Staff"}
    assert (body["urgency"], body["status"], body["kind"]) == ("urgent", "claimed", "callback")


def test_work_item_detail_shows_a_closed_item(api_as, practice, staff):
    item = WorkItemFactory(practice=practice, status=Status.CANCELLED, outcome="not needed")
    response = api_as(staff).get(url(practice, f"work-items/{item.pk}/"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "not needed"


@pytest.mark.parametrize(("query", "matching"), [
    ("team=triage", {"team": Team.TRIAGE}),
    ("kind=records_request", {"kind": Kind.RECORDS_REQUEST}),
    ("status=snoozed", {"status": Status.SNOOZED, "snoozed_until": _soon(2)}),
    ("urgency=emergency", {"urgency": Urgency.EMERGENCY}),
    ("overdue=true", {"is_overdue": True}),
])
def test_each_filter_keeps_only_matching_items(api_as, practice, staff, query, matching):
    # given an ordinary item and one that matches the filter
    WorkItemFactory(practice=practice)
    wanted = WorkItemFactory(practice=practice, **matching)
    # when the queue is filtered, then only the matching item is listed
    assert _ids(api_as(staff).get(url(practice, f"work-items/?{query}"))) == [wanted.pk]


def test_overdue_false_leaves_out_overdue_items(api_as, practice, staff, work_item):
    WorkItemFactory(practice=practice, is_overdue=True)
    assert _ids(api_as(staff).get(url(practice, "work-items/?overdue=false"))) == [work_item.pk]


def test_owner_filter_takes_me_or_a_user_id(api_as, practice, staff, colleague):
    mine = WorkItemFactory(practice=practice, owner=staff, status=Status.CLAIMED)
    theirs = WorkItemFactory(practice=practice, owner=colleague, status=Status.CLAIMED)
    WorkItemFactory(practice=practice)
    client = api_as(staff)
    assert _ids(client.get(url(practice, "work-items/?owner=me"))) == [mine.pk]
    assert _ids(client.get(url(practice, f"work-items/?owner={colleague.pk}"))) == [theirs.pk]


def test_empty_filter_value_means_no_filter(api_as, practice, staff, work_item):
    # as an HTML form sends it: "?team=&kind=" filters nothing
    assert _ids(api_as(staff).get(url(practice, "work-items/?team=&kind="))) == [work_item.pk]


def test_filters_combine(api_as, practice, staff):
    WorkItemFactory(practice=practice, team=Team.TRIAGE)
    WorkItemFactory(practice=practice, urgency=Urgency.URGENT)
    both = WorkItemFactory(practice=practice, team=Team.TRIAGE, urgency=Urgency.URGENT)
    ids = _ids(api_as(staff).get(url(practice, "work-items/?team=triage&urgency=urgent")))
    assert ids == [both.pk]


@pytest.mark.parametrize(("query", "field", "message"), [
    ("team=plumbing", "team", "use one of: registration"),
    ("kind=Callback", "kind", "use one of: unverified_channel"),
    ("status=OPEN", "status", "use one of: open, claimed"),
    ("urgency=1", "urgency", "use one of: emergency, urgent, routine"),
    ("owner=you", "owner", 'Use "me" or the id of a user'),
    ("owner=-3", "owner", 'Use "me" or the id of a user'),
    ("owner=99999999999999999999", "owner", "Use \"me\""),
    ("overdue=maybe", "overdue", "use one of: true, false"),
    ("stauts=open", "stauts", "Unknown name"),
])
def test_invalid_filter_is_400_with_a_clear_message(api_as, practice, staff, query, field,
                                                    message):
    response = api_as(staff).get(url(practice, f"work-items/?{query}"))
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_queue_runs_a_fixed_number_of_queries(api_as, practice, staff,
                                              count_queries):
    # given 5 items, each with a patient and an owner, then 60 (more than a page)
    client = api_as(staff)
    _items(practice, staff, 5)
    few = count_queries(client, url(practice, "work-items/"), 10)
    _items(practice, staff, 55)
    many = count_queries(client, url(practice, "work-items/"), 10)
    assert few == many


def _items(practice, owner, count):
    patients = PatientFactory.create_batch(count, practice=practice)
    WorkItemFactory.create_batch(count, practice=practice, owner=owner, status=Status.CLAIMED,
                                 patient=factory.Iterator(patients))



def test_reading_the_queue_is_audited(api_as, practice, staff, work_item):
    api_as(staff).get(url(practice, "work-items/"))
    api_as(staff).get(url(practice, f"work-items/{work_item.pk}/"))
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor", "patient",
                                                                "via"))
    assert events == [("view_queue", staff.pk, None, "api"),
                      ("view_queue", staff.pk, work_item.patient_id, "api")]


def test_an_outsiders_queue_read_is_not_audited(api_as, practice, outsider, work_item):
    assert api_as(outsider).get(url(practice, f"work-items/{work_item.pk}/")).status_code == 404
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_list_gives_each_item_exactly_as_the_documented_serializer_does(
        api_as, practice, staff, zone):
    # The list builds its rows directly (vpm.queue.api.work_item_data) for speed;
    # the schema documents WorkItemOutput, so the two must agree on every kind of item.
    from zoneinfo import ZoneInfo

    from vpm.queue.api import LIST_COLUMNS, ListRow, WorkItemOutput, work_item_data
    from vpm.queue.models import WorkItem

    now = timezone.now()
    patient = PatientFactory(practice=practice, first_name="Ana <b>", last_name="O'Neil")
    WorkItemFactory(practice=practice, patient=patient, title="Plain & open")
    WorkItemFactory(practice=practice, status=Status.CLAIMED, owner=staff, claimed_at=now,
                    urgency=Urgency.EMERGENCY, is_overdue=True, detail="Line\nbreak")
    WorkItemFactory(practice=practice, status=Status.SNOOZED, snoozed_until=_soon(4),
                    urgency=Urgency.URGENT)
    WorkItemFactory(practice=practice, status=Status.WAITING, waiting_since=now,
                    waiting_reason="Asked for a photo ID", patient=patient)
    WorkItemFactory(practice=practice, status=Status.DONE, outcome="Called back",
                    closed_at=now, owner=staff)
    WorkItemFactory(practice=practice, status=Status.CLAIMED, claimed_at=now,
                    owner=staff_user(practice, name="", email="no.name@example.com"))
    with timezone.override(ZoneInfo(zone)):
        for item in WorkItem.objects.for_practice(practice).with_people():
            assert work_item_data(item) == WorkItemOutput(item).data
            assert list(work_item_data(item)) == list(WorkItemOutput(item).data)
            # ... and the list's plain rows (values, not instances) give the same.
            values = WorkItem.objects.filter(pk=item.pk).values_list(*LIST_COLUMNS).get()
            assert work_item_data(ListRow(values)) == WorkItemOutput(item).data
    listed = api_as(staff).get(url(practice, "work-items/")).json()["results"]
    assert {row["title"] for row in listed} >= {"Plain & open"}
    assert next(r for r in listed if r["patient"])["patient"]["name"] == "Ana <b> O'Neil"


@pytest.mark.parametrize("query", [
    {}, {"team": "triage"}, {"kind": "portal_message"}, {"urgency": "urgent"},
    {"owner": "me"}, {"owner": "colleague"}, {"overdue": "true"}, {"overdue": "false"},
    {"status": "claimed"}, {"status": "done"}, {"status": "open", "team": "triage"},
    {"page": "2"}, {"team": "records", "owner": "me",
                                                       "urgency": "routine"}])
def test_the_lists_sql_equals_the_orm_query(api_as, practice, other_practice, staff, colleague,
                                            query):
    """The list reads its rows and count with plain SQL (ListSql); the same page,
    the same count, as the view's ORM queryset (scoped_queryset) gives."""
    from vpm.queue.api import WorkItemListView, work_item_data
    from vpm.queue.models import WorkItem

    now = timezone.now()
    patient = PatientFactory(practice=practice)
    for n in range(70):
        WorkItemFactory(
            practice=practice, team=(Team.TRIAGE, Team.RECORDS)[n % 2], urgency=n % 3,
            kind=(Kind.PORTAL_MESSAGE, Kind.CANNOT_CONNECT)[n % 5 % 2],
            due_at=now + timedelta(hours=n % 17 - 5), is_overdue=n % 7 == 0,
            status=(Status.OPEN, Status.CLAIMED, Status.DONE, Status.SNOOZED)[n % 4],
            snoozed_until=_soon(2) if n % 4 == 3 else None,
            owner=(staff, colleague)[n // 4 % 2] if n % 4 in (1, 2) else None,
            patient=patient if n % 3 == 0 else None)
    WorkItemFactory(practice=other_practice)  # never listed
    params = {k: str(colleague.pk) if v == "colleague" else v for k, v in query.items()}
    answer = api_as(staff).get(url(practice, "work-items/"), params).json()

    view = WorkItemListView()
    view.request = type("Request", (), {"query_params": {k: v for k, v in params.items()
                                                        if k != "page"},
                                        "user": staff})()
    view.format_kwarg = None
    items = view.scoped_queryset(practice)
    page = int(params.get("page", 1))
    expected = [work_item_data(item) for item in items[(page - 1) * 50:page * 50]]
    assert answer["count"] == items.count() == WorkItem.objects.filter(
        pk__in=items.values("pk")).count()
    assert answer["results"] == expected
    assert answer["results"] or page > 1 or "owner" in query and "urgency" in query


def test_each_query_check_has_its_own_fields(rf, staff):
    """QueryInput copies its declared fields shallowly (vpm/api.py): binding one
    check's fields must not touch another's or the declared ones."""
    from rest_framework.request import Request

    from vpm.queue.api import WorkItemListQuery

    request = Request(rf.get("/"))
    request.user = staff
    good = WorkItemListQuery(data={"team": "triage"}, context={"request": request})
    bad = WorkItemListQuery(data={"team": "nope", "owner": "me"}, context={"request": request})
    assert good.is_valid() and good.validated_data == {"team": "triage"}
    assert not bad.is_valid() and set(bad.errors) == {"team"}
    assert good.fields["team"] is not bad.fields["team"]
    assert good.fields["team"].parent is good and bad.fields["team"].parent is bad
    declared = WorkItemListQuery._declared_fields["team"]
    assert getattr(declared, "parent", None) is None and declared.field_name is None


def test_a_list_asked_for_without_parameters_gets_the_same_checks_answer(api_as, practice,
                                                                          staff, monkeypatch):
    """With no query parameters the check's answer (its defaults) is kept per class
    (vpm/api.py _no_parameters); a required parameter is still refused every time."""
    from rest_framework.exceptions import ValidationError

    from scheduling.api import SlotQuery
    from vpm.api import _no_parameters
    from vpm.patients.api import PatientListQuery
    from vpm.queue.api import WorkItemListQuery

    assert _no_parameters(WorkItemListQuery) == {}
    assert _no_parameters(PatientListQuery) == {"q": ""}
    # The API's check takes the kept answer: no serializer is built for an empty query.
    built = []
    original = WorkItemListQuery.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(WorkItemListQuery, "__init__", counting)
    assert api_as(staff).get(url(practice, "work-items/")).status_code == 200
    assert built == []
    assert api_as(staff).get(url(practice, "work-items/?team=triage")).status_code == 200
    assert built == [1]
    for _ in range(2):
        with pytest.raises(ValidationError):
            _no_parameters(SlotQuery)
    assert api_as(staff).get(url(practice, "work-items/")).status_code == 200
    refused = api_as(staff).get(url(practice, "slots/"))
    assert refused.status_code == 400 and "visit_type" in refused.json()
