"""The staff home and the actions on one work item, through htmx and plain posts."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkItemFactory
from vpm.audit.models import AuditEvent
from vpm.practices.models import Team
from vpm.queue.models import Status, WorkItem, WorkItemEvent

from .helpers import local_form_time, no_store

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _act(client, item, action, data=None, htmx=True, **headers):
    url = reverse(f"work_item_{action}", args=[item.practice.slug, item.pk])
    return client.post(url, data or {}, **(HTMX if htmx else {}), **headers)


def _unchanged(item):
    """The item's state as the database has it, to compare before and after."""
    fresh = WorkItem.objects.get(pk=item.pk)
    return (fresh.status, fresh.owner_id, fresh.snoozed_until, fresh.outcome,
            WorkItemEvent.objects.filter(work_item=fresh).count())


def _in_future(practice, hours=2):
    return local_form_time(practice, hours=hours)


# --- Staff home (the queue page) -------------------------------------------

def test_home_says_how_late_or_how_soon_each_item_is_due(as_user, practice, staff):
    WorkItemFactory(practice=practice, title="Late", is_overdue=True,
                    due_at=timezone.now() - timedelta(hours=2, minutes=5))
    WorkItemFactory(practice=practice, title="Soon", due_at=timezone.now() + timedelta(hours=3))
    text = as_user(staff).get(reverse("staff_home", args=[practice.slug])).text
    assert "overdue by 2\xa0hours" in text and "in 2\xa0hours, 59\xa0minutes" in text


def test_opening_my_work_is_audited_and_not_cached(as_user, practice, staff, work_item):
    response = as_user(staff).get(reverse("staff_home", args=[practice.slug]))
    assert no_store(response)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.practice) == ("view_queue", staff, practice)


# --- Claim ------------------------------------------------------------------

def test_claim_with_htmx_answers_the_updated_row(as_user, staff, work_item):
    response = _act(as_user(staff), work_item, "claim")
    assert response.status_code == 200
    assert f'id="item-{work_item.pk}"' in response.text and "<strong>You</strong>" in response.text
    assert "You claimed" in response.text and 'hx-swap-oob="true"' in response.text
    assert "Release" in response.text and "<html" not in response.text
    assert no_store(response)
    work_item.refresh_from_db()
    assert (work_item.status, work_item.owner) == (Status.CLAIMED, staff)


def test_htmx_answer_keeps_the_filters_of_the_page_it_came_from(as_user, practice, staff,
                                                               work_item):
    WorkItemFactory(practice=practice, title="Triage item", team=Team.TRIAGE)
    response = _act(as_user(staff), work_item, "claim", None, htmx=True,
                    HTTP_HX_CURRENT_URL=f"http://testserver/p/{practice.slug}/?team=registration")
    assert work_item.title in response.text and "Triage item" not in response.text


def test_second_claim_is_refused_with_the_owners_name(as_user, staff, colleague, work_item):
    # Given Alex claimed the item first
    _act(as_user(staff), work_item, "claim")
    before = _unchanged(work_item)
    # When Casey tries to claim it too
    response = _act(as_user(colleague), work_item, "claim")
    # Then Casey is told who has it, and nothing changes
    assert response.status_code == 409
    assert "Already claimed by Alex Staff." in response.text
    assert 'class="flash-error"' in response.text
    assert _unchanged(work_item) == before


def test_plain_post_claim_redirects_back_to_next(as_user, practice, staff, work_item):
    next_url = reverse("patient_list", args=[practice.slug])
    response = _act(as_user(staff), work_item, "claim", {"next": next_url}, htmx=False)
    assert (response.status_code, response.url) == (302, next_url)
    assert WorkItem.objects.get(pk=work_item.pk).owner == staff


def test_plain_post_refusal_answers_409_with_the_reason_on_the_items_page(as_user, staff,
                                                                         colleague, work_item):
    _act(as_user(staff), work_item, "claim")
    response = _act(as_user(colleague), work_item, "claim", htmx=False)
    assert response.status_code == 409
    assert "Already claimed by Alex Staff." in response.text
    assert "Back to the queue" in response.text  # the page keeps its layout


def test_refused_assign_without_htmx_answers_400_not_302(as_user, staff, work_item):
    # Issue 13: this used to redirect (302) instead of the documented 400.
    before = _unchanged(work_item)
    response = _act(as_user(staff), work_item, "assign", {"assignee": "abc"}, htmx=False)
    assert response.status_code == 400
    assert "Choose someone" in response.text
    assert 'id="panel-error"' in response.text and 'aria-invalid="true"' in response.text
    assert _unchanged(work_item) == before


def test_next_pointing_off_site_is_ignored(as_user, practice, staff, work_item):
    for next_url in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        WorkItem.objects.filter(pk=work_item.pk).update(status=Status.OPEN, owner=None)
        response = _act(as_user(staff), work_item, "claim", {"next": next_url}, htmx=False)
        assert response.url == reverse("staff_home", args=[practice.slug]), next_url


def test_actions_refuse_get(as_user, staff, work_item):
    url = reverse("work_item_claim", args=[work_item.practice.slug, work_item.pk])
    assert as_user(staff).get(url).status_code == 405
    assert WorkItem.objects.get(pk=work_item.pk).status == Status.OPEN


# --- Release ----------------------------------------------------------------

def test_owner_releases_their_item(as_user, staff, work_item):
    client = as_user(staff)
    _act(client, work_item, "claim")
    assert _act(client, work_item, "release").status_code == 200
    assert WorkItem.objects.get(pk=work_item.pk).status == Status.OPEN


def test_release_by_another_staff_member_is_refused(as_user, staff, colleague, work_item):
    _act(as_user(staff), work_item, "claim")
    before = _unchanged(work_item)
    response = _act(as_user(colleague), work_item, "release")
    assert response.status_code == 409
    assert "Only Alex Staff or a manager can release this item." in response.text
    assert _unchanged(work_item) == before


def test_manager_releases_someone_elses_item(as_user, staff, manager, work_item):
    _act(as_user(staff), work_item, "claim")
    assert _act(as_user(manager), work_item, "release").status_code == 200
    work_item.refresh_from_db()
    assert (work_item.status, work_item.owner) == (Status.OPEN, None)


# --- Assign -----------------------------------------------------------------

def test_assign_to_a_colleague(as_user, staff, colleague, work_item):
    response = _act(as_user(staff), work_item, "assign", {"assignee": colleague.pk})
    assert response.status_code == 200
    work_item.refresh_from_db()
    assert (work_item.status, work_item.owner) == (Status.CLAIMED, colleague)


@pytest.mark.parametrize("assignee", ["outsider", "patient_user", "garbage", "missing"])
def test_assign_to_someone_not_on_the_staff_is_refused(request, as_user, staff, work_item,
                                                       assignee):
    value = {"garbage": "abc", "missing": ""}.get(assignee)
    if value is None:
        value = request.getfixturevalue(assignee).pk
    before = _unchanged(work_item)
    response = _act(as_user(staff), work_item, "assign", {"assignee": value})
    assert response.status_code == 400
    assert "Choose someone" in response.text
    assert _unchanged(work_item) == before


# --- Snooze -----------------------------------------------------------------

def test_snooze_until_later_today(as_user, staff, work_item):
    response = _act(as_user(staff), work_item, "snooze",
                    {"until": _in_future(work_item.practice), "reason": "Patient at work"})
    assert response.status_code == 200
    assert "snoozed until" in response.text
    assert WorkItem.objects.get(pk=work_item.pk).status == Status.SNOOZED


@pytest.mark.parametrize(("until", "message"), [
    ("2001-01-01T09:00", "Choose a time in the future to snooze until."),
    ("next tuesday", "Enter a date and time"),
    ("", "Choose when to bring it back."),
])
def test_bad_snooze_is_refused_with_the_reason(as_user, staff, work_item, until, message):
    before = _unchanged(work_item)
    response = _act(as_user(staff), work_item, "snooze", {"until": until})
    assert response.status_code == 400
    assert message in response.text
    assert _unchanged(work_item) == before


def test_snooze_time_is_read_in_the_practices_time_zone(as_user, practice, staff, work_item):
    # Given Riverside is in Chicago, when Alex snoozes until 9:00
    today = timezone.localdate()
    next_january = today.year + (1 if today >= today.replace(month=1, day=15) else 0)
    _act(as_user(staff), work_item, "snooze", {"until": f"{next_january}-01-15T09:00"})
    # Then the item wakes at 9:00 in Chicago
    until = WorkItem.objects.get(pk=work_item.pk).snoozed_until
    assert until.astimezone(ZoneInfo(practice.timezone)).hour == 9


# --- Close ------------------------------------------------------------------

def test_close_with_an_outcome(as_user, staff, work_item):
    client = as_user(staff)
    _act(client, work_item, "claim")
    response = _act(client, work_item, "close", {"outcome": "Called back, rebooked"})
    assert response.status_code == 200
    work_item.refresh_from_db()
    assert (work_item.status, work_item.outcome) == (Status.DONE, "Called back, rebooked")


@pytest.mark.parametrize("outcome", ["", "   ", "x" * 301])
def test_close_without_a_usable_outcome_is_refused(as_user, staff, work_item, outcome):
    client = as_user(staff)
    _act(client, work_item, "claim")
    before = _unchanged(work_item)
    response = _act(client, work_item, "close", {"outcome": outcome, "panel_item": work_item.pk})
    assert response.status_code == 400
    assert 'class="error" role="alert" id="panel-error"' in response.text
    assert f'id="outcome-{work_item.pk}" name="outcome"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert _unchanged(work_item) == before


def test_close_without_outcome_says_what_to_do(as_user, staff, work_item):
    response = _act(as_user(staff), work_item, "close", {"outcome": ""})
    assert "Say what was done before closing." in response.text


def test_action_on_a_closed_item_is_refused(as_user, staff, work_item):
    client = as_user(staff)
    _act(client, work_item, "close", {"outcome": "done by phone"})
    before = _unchanged(work_item)
    response = _act(client, work_item, "claim")
    assert response.status_code == 409
    assert "This item is done; refresh the queue." in response.text
    assert _unchanged(work_item) == before
