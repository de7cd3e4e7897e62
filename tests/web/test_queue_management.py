"""Managers' queue pages: team view and bulk reassignment, auto-assignment
and capacity, response targets, closed days. Bad input changes nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkItemFactory
from vpm.practices.models import ClosedDay, Membership, Team, TeamSettings
from vpm.queue.models import Kind, QueueSettings, SlaTarget, Status, Urgency, WorkItem

pytestmark = pytest.mark.django_db


def _url(practice, name, *args):
    return reverse(name, args=[practice.slug, *args])


def test_team_view_counts_per_team_and_person(as_user, practice, manager, staff, other_practice):
    WorkItemFactory(practice=practice, team=Team.REGISTRATION, status=Status.CLAIMED,
                    owner=staff, is_overdue=True)
    WorkItemFactory(practice=practice, team=Team.REGISTRATION)
    WorkItemFactory(practice=practice, team=Team.RECORDS, title="Records job nobody has")
    WorkItemFactory.create_batch(4, practice=other_practice, team=Team.REGISTRATION)
    response = as_user(manager).get(_url(practice, "queue_teams"))
    by_team = response.context["by_team"]
    assert (by_team["registration"]["open"], by_team["registration"]["claimed"],
            by_team["registration"]["overdue"]) == (1, 1, 1)
    assert by_team["records"]["unstaffed"] and not by_team["registration"]["unstaffed"]
    person = next(p for p in response.context["people"] if p["membership"].user == staff)
    assert (person["held"], person["overdue"]) == (1, 1)
    assert "Records job nobody has" in response.text  # oldest first list


def test_bulk_reassign_moves_the_ticked_items(as_user, practice, manager, staff, colleague):
    items = WorkItemFactory.create_batch(3, practice=practice)
    WorkItem.objects.filter(pk=items[0].pk).update(status=Status.CLAIMED, owner=staff)
    response = as_user(manager).post(_url(practice, "queue_bulk_reassign"),
                                     {"items": [items[0].pk, items[1].pk],
                                      "assignee": colleague.pk})
    assert response.status_code == 302
    owners = {i.pk: i.owner_id for i in WorkItem.objects.all()}
    assert owners == {items[0].pk: colleague.pk, items[1].pk: colleague.pk, items[2].pk: None}


@pytest.mark.parametrize("data,message", [
    ({"assignee": "colleague"}, "Tick at least one item"),
    ({"items": ["first"], "assignee": ""}, "Choose someone"),
    ({"items": ["first"], "assignee": "outsider"}, "Choose someone on this practice"),
    ({"items": ["foreign"], "assignee": "colleague"}, "no longer in the list"),
    ({"items": ["abc"], "assignee": "colleague"}, "no longer in the list"),
])
def test_bad_bulk_reassign_changes_nothing(as_user, practice, manager, colleague, outsider,
                                           foreign_item, data, message):
    item = WorkItemFactory(practice=practice)
    values = {"first": item.pk, "foreign": foreign_item.pk, "colleague": colleague.pk,
              "outsider": outsider.pk}
    post = {k: ([values.get(x, x) for x in v] if isinstance(v, list) else values.get(v, v))
            for k, v in data.items()}
    response = as_user(manager).post(_url(practice, "queue_bulk_reassign"), post)
    assert response.status_code == 400 and message in response.text
    assert not WorkItem.objects.exclude(owner=None).exists()


def test_auto_assign_switch_and_capacity(as_user, practice, manager, staff):
    client = as_user(manager)
    response = client.post(_url(practice, "queue_team_auto_assign", "registration"),
                           {"auto_assign": "on"})
    assert response.status_code == 302
    assert TeamSettings.objects.get(practice=practice, team="registration").auto_assign
    assert client.post(_url(practice, "queue_team_auto_assign", "nope")).status_code == 404
    membership = Membership.objects.get(user=staff)
    response = client.post(_url(practice, "queue_person", membership.pk), {"capacity": "4"})
    membership.refresh_from_db()
    assert (membership.capacity, membership.is_available) == (4, False)
    for bad in ("", "-1", "201", "lots"):
        response = client.post(_url(practice, "queue_person", membership.pk),
                               {"capacity": bad, "is_available": "on"})
        assert response.status_code == 400, bad
    membership.refresh_from_db()
    assert (membership.capacity, membership.is_available) == (4, False)


def test_capacity_of_another_practices_member_is_404(as_user, practice, manager, outsider):
    foreign = Membership.objects.get(user=outsider)
    response = as_user(manager).post(_url(practice, "queue_person", foreign.pk), {"capacity": 1})
    assert response.status_code == 404


def test_staff_mark_themselves_away(as_user, practice, staff):
    client = as_user(staff)
    client.post(_url(practice, "queue_my_availability"))
    assert not Membership.objects.get(user=staff).is_available
    client.post(_url(practice, "queue_my_availability"), {"is_available": "on"})
    assert Membership.objects.get(user=staff).is_available


def _targets_form(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_manager_edits_response_targets(as_user, practice, manager, staff):
    client = as_user(manager)
    data = _targets_form(client.get(_url(practice, "queue_settings")))
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data[f"t_{Kind.CALLBACK}_{Urgency.URGENT}"] = "45"
    data["escalate_after_minutes"] = "90"
    response = client.post(_url(practice, "queue_settings"), data)
    assert response.status_code == 302
    row = SlaTarget.objects.get(practice=practice)
    assert (row.kind, row.urgency, row.minutes) == (Kind.CALLBACK, Urgency.URGENT, 45)
    assert QueueSettings.objects.get(practice=practice).escalate_after_minutes == 90


@pytest.mark.parametrize("value,message", [("0", "At least 1."), ("x", "Whole minutes."),
                                           ("", "Enter minutes."),
                                           ("9999999999", "At most")])
def test_bad_target_is_shown_by_its_field_and_saves_nothing(as_user, practice, manager, value,
                                                            message):
    client = as_user(manager)
    data = _targets_form(client.get(_url(practice, "queue_settings")))
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    field = f"t_{Kind.CALLBACK}_{Urgency.URGENT}"
    data[field] = value
    response = client.post(_url(practice, "queue_settings"), data)
    assert response.status_code == 400
    assert message in response.text and f'id="id_{field}-error"' in response.text
    assert not SlaTarget.objects.exists() and not QueueSettings.objects.exists()


def test_closed_days_added_refused_and_removed(as_user, practice, manager, other_practice):
    client = as_user(manager)
    day = timezone.localdate() + timedelta(days=20)
    assert client.post(_url(practice, "queue_closed_days"),
                       {"date": day.isoformat(), "reason": "Staff training"}).status_code == 302
    duplicate = client.post(_url(practice, "queue_closed_days"), {"date": day.isoformat()})
    assert duplicate.status_code == 400 and "already a closed day" in duplicate.text
    for bad in ("", "tomorrow", "2999-01-01", "1800-01-01"):
        assert client.post(_url(practice, "queue_closed_days"),
                           {"date": bad}).status_code == 400, bad
    assert ClosedDay.objects.filter(practice=practice).count() == 1
    foreign = ClosedDay.objects.create(practice=other_practice, date=date(2030, 1, 1))
    assert client.post(_url(practice, "queue_closed_day_delete",
                            foreign.pk)).status_code == 404
    mine = ClosedDay.objects.get(practice=practice)
    assert client.post(_url(practice, "queue_closed_day_delete", mine.pk)).status_code == 302
    assert not ClosedDay.objects.filter(practice=practice).exists()
    assert ClosedDay.objects.filter(pk=foreign.pk).exists()
