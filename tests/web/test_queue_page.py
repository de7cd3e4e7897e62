"""The queue page: every active item, filters in the URL, counts, the poll,
the side panel, closed items; isolation, roles, audit and bad input."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ContactAttemptFactory,
    PatientFactory,
    WorkItemFactory,
    staff_user,
)
from vpm.audit.models import AuditEvent
from vpm.practices.models import Role, Team
from vpm.queue.models import Kind, Status, Urgency, WorkItem

from .helpers import no_store

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _queue(client, practice, **params):
    return client.get(reverse("staff_home", args=[practice.slug]), params)


def _titles(response):
    return [item.title for item in response.context["items"]]


def _settled(*items):
    """As if the items had last changed a minute ago (outside the poll's settle window)."""
    WorkItem.objects.filter(pk__in=[i.pk for i in items]).update(
        updated_at=timezone.now() - timedelta(minutes=1))


def test_every_active_item_of_every_team_most_urgent_then_earliest_due(as_user, practice,
                                                                       staff, foreign_item):
    now = timezone.now()
    WorkItemFactory(practice=practice, title="Routine soon", due_at=now + timedelta(hours=1))
    WorkItemFactory(practice=practice, title="Urgent later", urgency=Urgency.URGENT,
                    team=Team.TRIAGE, due_at=now + timedelta(hours=5))
    WorkItemFactory(practice=practice, title="Urgent sooner", urgency=Urgency.URGENT,
                    team=Team.RECORDS, due_at=now + timedelta(hours=2))
    WorkItemFactory(practice=practice, title="Emergency", urgency=Urgency.EMERGENCY,
                    team=Team.TELEHEALTH, due_at=now + timedelta(hours=9))
    WorkItemFactory(practice=practice, title="Done", status=Status.DONE)
    response = _queue(as_user(staff), practice)
    assert _titles(response) == ["Emergency", "Urgent sooner", "Urgent later", "Routine soon"]
    assert "Foreign callback" not in response.text and "Done" not in _titles(response)
    assert no_store(response)


def test_a_manager_without_a_team_sees_the_whole_queue(as_user, practice, manager):
    WorkItemFactory(practice=practice, title="Records job", team=Team.RECORDS)
    assert _titles(_queue(as_user(manager), practice)) == ["Records job"]


@pytest.mark.parametrize("params,expected", [
    ({"team": "triage"}, ["Triage, mine"]),
    ({"owner": "me"}, ["Triage, mine"]),
    ({"owner": "unassigned"}, ["Open urgent", "Open overdue"]),
    ({"owner": "colleague"}, ["Colleague's"]),
    ({"kind": "records_request"}, ["Colleague's"]),
    ({"urgency": "urgent"}, ["Open urgent"]),
    ({"overdue": "yes"}, ["Open overdue"]),
    ({"patient": "maria"}, ["Open overdue"]),
    ({"team": "registration", "owner": "unassigned", "urgency": "routine"}, ["Open overdue"]),
])
def test_filters_live_in_the_url(as_user, practice, staff, colleague, patient, params,
                                 expected):
    WorkItemFactory(practice=practice, title="Triage, mine", team=Team.TRIAGE,
                    status=Status.CLAIMED, owner=staff)
    WorkItemFactory(practice=practice, title="Colleague's", kind=Kind.RECORDS_REQUEST,
                    team=Team.RECORDS, status=Status.CLAIMED, owner=colleague)
    WorkItemFactory(practice=practice, title="Open urgent", urgency=Urgency.URGENT)
    WorkItemFactory(practice=practice, title="Open overdue", is_overdue=True, patient=patient,
                    due_at=timezone.now() - timedelta(hours=1))
    values = {"colleague": str(colleague.pk), "maria": str(patient.pk)}
    query = {key: values.get(value, value) for key, value in params.items()}
    response = _queue(as_user(staff), practice, **query)
    assert response.status_code == 200
    assert _titles(response) == expected
    assert response.context["total"] == len(expected)


def test_counts_per_team_and_urgency_never_include_another_practice(as_user, practice, staff,
                                                                    other_practice):
    WorkItemFactory(practice=practice, team=Team.TRIAGE, urgency=Urgency.URGENT)
    WorkItemFactory(practice=practice, team=Team.TRIAGE, status=Status.CLAIMED, owner=staff)
    WorkItemFactory(practice=practice, team=Team.RECORDS, is_overdue=True)
    WorkItemFactory.create_batch(5, practice=other_practice, team=Team.TRIAGE, is_overdue=True,
                                 urgency=Urgency.URGENT)
    counts = _queue(as_user(staff), practice).context["counts"]
    assert (counts.total, counts.overdue, counts.mine, counts.unassigned) == (3, 1, 1, 2)
    assert counts.by_team["triage"] == 2 and counts.by_team["records"] == 1
    assert counts.by_urgency == {"emergency": 0, "urgent": 1, "routine": 2}


def test_owner_filter_offers_only_this_practices_staff(as_user, practice, staff, colleague,
                                                       outsider):
    response = _queue(as_user(staff), practice)
    options = dict(response.context["form"].fields["owner"].choices)
    assert str(colleague.pk) in options and str(outsider.pk) not in options
    assert "Olly Outsider" not in response.text


@pytest.mark.parametrize("params,message", [
    ({"team": "nope"}, "There is no team “nope”; showing every team."),
    ({"owner": "outsider"}, "No one on this practice&#x27;s staff has the id"),
    ({"owner": "99999999999999999999"}, "has the id “99999999999999999999”; showing everyone"),
    ({"kind": "<script>"}, "There is no kind of item “&lt;script&gt;”; showing every kind."),
    ({"urgency": "0"}, "There is no urgency “0”; showing every urgency."),
    ({"overdue": "maybe"}, "“maybe” is not one of the choices for Due"),
    ({"team": "x" * 5000}, "There is no team “" + "x" * 40 + "”"),
    ({"patient": "not-a-uuid"}, "That patient link is not valid."),
    ({"patient": "foreign"}, "No such patient in this practice."),
    ({"page": "abc"}, "Page numbers are whole numbers; showing the first page."),
    ({"page": "0"}, "Pages start at 1; showing the first page."),
    ({"page": "99999999999"}, "There are at most 10,000 pages"),
])
def test_bad_filter_values_are_explained_and_never_applied(as_user, practice, staff, outsider,
                                                           foreign_patient, params, message):
    WorkItemFactory(practice=practice, title="Still listed")
    values = {"outsider": str(outsider.pk), "foreign": str(foreign_patient.pk)}
    query = {key: values.get(value, value) for key, value in params.items()}
    response = _queue(as_user(staff), practice, **query)
    assert response.status_code == 400
    assert message in response.text
    assert _titles(response) == ["Still listed"]
    assert "Felix" not in response.text
    # A screen reader reads the message with the menu: every aria-describedby has its id.
    for described_by in re.findall(r'aria-describedby="([^"]+)"', response.text):
        assert f'id="{described_by}"' in response.text


def test_unstaffed_team_items_are_flagged_for_managers(as_user, practice, manager, staff):
    WorkItemFactory(practice=practice, title="Records job", team=Team.RECORDS)
    WorkItemFactory(practice=practice, title="Registration job", team=Team.REGISTRATION)
    text = _queue(as_user(manager), practice).text
    assert text.count("No one on this team") == 1
    assert "No one on this team" not in _queue(as_user(staff), practice).text


def test_page_renders_csrf_urls_and_assignee_menu_once_not_per_row(as_user, practice, staff,
                                                                   colleague):
    for n in range(30):
        WorkItemFactory(practice=practice, title=f"Item {n}")
    text = _queue(as_user(staff), practice).text
    assert text.count("csrfmiddlewaretoken") <= 3  # availability, row actions, sign out
    assert text.count(f'<option value="{colleague.pk}"') == 1  # the owner filter only
    assert text.count('form="queue-act"') == 30


def test_staff_pages_never_load_django_htmx_debug_script(as_user, practice, staff, settings):
    # In DEBUG that script replaced the whole page with a 400 answer's row.
    settings.DEBUG = True
    text = _queue(as_user(staff), practice).text
    assert "django-htmx.js" not in text and "htmx-2.min.js" in text


# --- The poll ----------------------------------------------------------------

def _poll(client, practice, version="", **params):
    return client.get(reverse("queue_poll", args=[practice.slug]), {"v": version, **params},
                      **HTMX)


def test_poll_answers_304_when_nothing_changed_and_the_fragment_when_something_did(
        as_user, practice, staff, colleague):
    item = WorkItemFactory(practice=practice, title="Call back")
    _settled(item)
    client = as_user(staff)
    version = _queue(client, practice).context["version"]
    events = AuditEvent.objects.count()
    nothing = _poll(client, practice, version)
    assert nothing.status_code == 304 and nothing.content == b""
    assert AuditEvent.objects.count() == events  # nothing shown, nothing to audit

    from vpm.queue.services import work_item_claim
    work_item_claim(item=item, user=colleague)
    changed = _poll(client, practice, version)
    assert changed.status_code == 200
    assert 'id="queue-live"' in changed.text and 'hx-swap-oob="true"' in changed.text
    assert "Casey Colleague" in changed.text
    assert AuditEvent.objects.count() == events + 1


def test_poll_is_not_woken_by_another_practice(as_user, practice, staff, other_practice):
    _settled(WorkItemFactory(practice=practice))
    client = as_user(staff)
    version = _queue(client, practice).context["version"]
    WorkItemFactory(practice=other_practice, title="Elsewhere")
    response = _poll(client, practice, version)
    assert response.status_code == 304


def test_poll_keeps_the_pages_filters(as_user, practice, staff):
    WorkItemFactory(practice=practice, title="Triage job", team=Team.TRIAGE)
    WorkItemFactory(practice=practice, title="Records job", team=Team.RECORDS)
    response = _poll(as_user(staff), practice, "stale", team="triage")
    assert "Triage job" in response.text and "Records job" not in response.text


def test_poll_answers_in_full_while_a_change_is_settling(as_user, practice, staff):
    WorkItemFactory(practice=practice)  # changed just now
    client = as_user(staff)
    version = _queue(client, practice).context["version"]
    assert _poll(client, practice, version).status_code == 200


# --- Actions update every part of the page ------------------------------------

def _post(client, item, action, data=None, current="", **headers):
    url = reverse(f"work_item_{action}", args=[item.practice.slug, item.pk])
    current_url = f"http://testserver/p/{item.practice.slug}/{current}"
    return client.post(url, data or {}, HTTP_HX_CURRENT_URL=current_url, **HTMX, **headers)


def test_claim_updates_the_mine_count_and_announces_it(as_user, practice, staff, work_item):
    response = _post(as_user(staff), work_item, "claim")
    assert re.search(r'id="count-mine">1<', response.text)
    assert 'id="queue-announce" hx-swap-oob="innerHTML"' in response.text
    assert "You claimed" in response.text


def test_closed_item_leaves_the_list_and_the_panel_says_so(as_user, practice, staff, work_item):
    client = as_user(staff)
    _post(client, work_item, "claim")
    response = _post(client, work_item, "close", {"outcome": "Rebooked",
                                                  "panel_item": work_item.pk})
    assert response.status_code == 200
    assert f'id="item-{work_item.pk}"' not in response.text  # gone from the list
    assert 'id="side-panel"' in response.text and "Closed “" in response.text
    assert "Done" in response.text  # the panel shows the item's new status


def test_release_of_an_already_released_item_says_so(as_user, staff, work_item):
    response = _post(as_user(staff), work_item, "release")
    assert response.status_code == 409
    assert "already back in the queue" in response.text
    assert "Only the owner" not in response.text


def test_page_offers_take_over_not_close_for_a_colleagues_item(as_user, practice, staff,
                                                               colleague, work_item):
    from vpm.queue.services import work_item_claim
    work_item_claim(item=work_item, user=colleague)
    panel = as_user(staff).get(reverse("work_item_panel", args=[practice.slug, work_item.pk]),
                               **HTMX).text
    assert "Take over" in panel and "Close item" not in panel and "Snooze" not in panel
    row = _queue(as_user(staff), practice).text
    assert "Take over" in row and f'{work_item.pk}/release/' not in row


def test_take_over_through_the_page_records_the_reason(as_user, practice, staff, colleague,
                                                       work_item):
    from vpm.queue.services import work_item_claim
    work_item_claim(item=work_item, user=colleague)
    refused = _post(as_user(staff), work_item, "take_over", {"reason": " ", "panel_item":
                                                             work_item.pk})
    assert refused.status_code == 400 and "Say why" in refused.text
    response = _post(as_user(staff), work_item, "take_over", {"reason": "Patient on the line"})
    assert response.status_code == 200
    assert WorkItem.objects.get(pk=work_item.pk).owner == staff
    assert work_item.events.last().note == "From Casey Colleague: Patient on the line"


def test_the_owner_is_told_on_their_queue_when_a_colleague_takes_their_item_over(
        as_user, practice, staff, colleague, work_item):
    from vpm.queue.services import work_item_claim, work_item_take_over
    work_item_claim(item=work_item, user=colleague)
    # Given a refused take-over (no reason), nobody is told anything
    assert _post(as_user(staff), work_item, "take_over", {"reason": " "}).status_code == 400
    assert "For you" not in _queue(as_user(colleague), practice).text
    # When Sam takes Casey's item over with a reason
    _post(as_user(staff), work_item, "take_over", {"reason": "Patient on the line"})
    # Then Casey's queue says so, and Sam (who did it) is not told
    page = _queue(as_user(colleague), practice).text
    assert "For you" in page and "Patient on the line" in page and work_item.title in page
    assert "For you" not in _queue(as_user(staff), practice).text
    # And once read it goes; a second take-over of Casey's item tells Casey again
    as_user(colleague).post(reverse("queue_notices_read", args=[practice.slug]))
    assert "For you" not in _queue(as_user(colleague), practice).text
    work_item.refresh_from_db()
    work_item_take_over(item=work_item, actor=colleague, reason="Back from lunch")
    work_item.refresh_from_db()
    work_item_take_over(item=work_item, actor=staff, reason="Casey is off sick")
    assert "Casey is off sick" in _queue(as_user(colleague), practice).text


def test_wait_on_the_patient_and_resume_from_the_page(as_user, practice, staff, work_item):
    client = as_user(staff)
    response = _post(client, work_item, "wait", {"reason": "Asked for a photo"})
    assert response.status_code == 200 and "Clock paused" in response.text
    assert WorkItem.objects.get(pk=work_item.pk).status == Status.WAITING
    response = _post(client, work_item, "resume")
    assert response.status_code == 200 and "running again" in response.text


def test_verify_email_item_says_plainly_that_closing_only_records(as_user, practice, staff,
                                                                  patient):
    item = WorkItemFactory(practice=practice, patient=patient, kind=Kind.UNVERIFIED_CHANNEL,
                           title="Verify email before the visit")
    panel = as_user(staff).get(reverse("work_item_panel", args=[practice.slug, item.pk]),
                               **HTMX).text
    assert "does <strong>not</strong> mark the address verified" in panel


# --- The side panel -----------------------------------------------------------

def test_panel_shows_history_source_and_contact_log_and_audits_it(as_user, practice, staff,
                                                                  patient, work_item):
    ContactAttemptFactory(patient=patient, practice=practice, note="Left voicemail re card")
    from vpm.queue.services import work_item_claim
    work_item_claim(item=work_item, user=staff)
    response = as_user(staff).get(reverse("work_item_panel", args=[practice.slug, work_item.pk]))
    assert response.status_code == 200 and no_store(response)
    assert "Claimed by Alex Staff" in response.text
    assert "Left voicemail re card" in response.text
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_CONTACT_LOG)
    assert (event.patient, event.actor, event.object_id) == (patient, staff, str(work_item.pk))


def test_panel_of_another_practices_item_is_404(as_user, practice, staff, foreign_item):
    url = reverse("work_item_panel", args=[practice.slug, foreign_item.pk])
    assert as_user(staff).get(url).status_code == 404


# --- Closed items ---------------------------------------------------------------

def test_closed_items_of_the_last_30_days_with_their_outcome(as_user, practice, staff):
    now = timezone.now()
    WorkItemFactory(practice=practice, title="Closed last week", status=Status.DONE,
                    outcome="Rebooked for Tuesday", closed_at=now - timedelta(days=7))
    WorkItemFactory(practice=practice, title="Closed long ago", status=Status.DONE,
                    outcome="x", closed_at=now - timedelta(days=31))
    WorkItemFactory(practice=practice, title="Still open")
    response = _queue(as_user(staff), practice, view="closed")
    assert _titles(response) == ["Closed last week"]
    assert "Rebooked for Tuesday" in response.text


# --- Fixed number of queries ----------------------------------------------------

@pytest.mark.parametrize("rows", [5, 60])
@pytest.mark.parametrize("who", ["staff", "manager"])
@pytest.mark.parametrize("params", [{}, {"team": "registration", "owner": "unassigned"},
                                    {"view": "closed"}])
def test_queue_queries_do_not_grow(request, as_user, practice, patient, rows, who, params,
                                   django_assert_max_num_queries):
    user = request.getfixturevalue(who)
    for n in range(rows):
        other = staff_user(practice, name=f"Person {n}") if n % 10 == 0 else user
        WorkItemFactory(practice=practice, patient=patient, status=Status.CLAIMED, owner=other)
        WorkItemFactory(practice=practice, patient=PatientFactory(practice=practice))
        WorkItemFactory(practice=practice, status=Status.DONE, outcome="x",
                        closed_at=timezone.now())
    client = as_user(user)
    # session, user, memberships + authenticators, page facts (counts, version,
    # colleagues, notices, staffed teams: dashboard.selectors.page_facts), page, (count),
    # audit
    with django_assert_max_num_queries(7):
        response = client.get(reverse("staff_home", args=[practice.slug]), params)
    assert response.status_code == 200
    assert len(response.context["items"]) == min(rows * (1 if params else 2), 50)
    assert response.context["total"] == rows * (1 if params else 2)
    with django_assert_max_num_queries(8):  # the page's, and the version first
        assert client.get(reverse("queue_poll", args=[practice.slug]), params,
                          **HTMX).status_code == 200


def test_a_poll_that_finds_nothing_new_runs_four_queries(as_user, practice, staff,
                                                         django_assert_num_queries):
    _settled(*(WorkItemFactory(practice=practice) for _ in range(3)))
    client = as_user(staff)
    version = _queue(client, practice).context["version"]
    # session, user, memberships with practices + authenticators, newest change
    with django_assert_num_queries(4):
        assert _poll(client, practice, version).status_code == 304


def test_healthz_with_a_staff_session_cookie_loads_neither_session_nor_user(
        as_user, staff, django_assert_num_queries):
    client = as_user(staff)
    with django_assert_num_queries(1):  # its own SELECT 1
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("filters", [
    {}, {"team": "triage"}, {"urgency": "urgent"}, {"team": "records", "urgency": "routine"},
    {"owner": "me"}, {"owner": "unassigned", "team": "triage"}, {"overdue": "yes"},
    {"overdue": "yes", "urgency": "emergency"}, {"page": 2, "team": "triage"}])
def test_the_total_taken_from_the_counts_equals_a_count_of_the_rows(practice, staff,
                                                                    colleague, filters):
    from dashboard import selectors

    now = timezone.now()
    for n in range(36):
        WorkItemFactory(practice=practice, team=(Team.TRIAGE, Team.RECORDS)[n % 2],
                        urgency=n % 3, due_at=now + timedelta(hours=n - 10),
                        is_overdue=n < 10, status=Status.CLAIMED if n % 4 else Status.OPEN,
                        owner=(staff, colleague, staff, colleague)[n % 4] if n % 4 else None)
    counts = selectors.queue_counts(practice=practice, user=staff)
    expected = selectors._filtered(WorkItem.objects.for_queue(practice),
                                   {k: v for k, v in filters.items() if k != "page"},
                                   staff).count()
    assert counts.total_for(filters) == expected


@pytest.mark.parametrize("filters", [{"kind": "callback"}, {"owner": "me", "overdue": "yes"},
                                     {"overdue": "escalated"}, {"owner": "12"}])
def test_filters_the_counts_cannot_answer_fall_back_to_a_count_query(practice, staff, filters):
    from dashboard import selectors

    assert selectors.queue_counts(practice=practice, user=staff).total_for(filters) is None


def test_manager_pages_refuse_staff(as_user, practice, staff, provider):
    for user in (staff, provider):
        for name in ("queue_teams", "queue_settings", "queue_closed_days"):
            assert as_user(user).get(reverse(name, args=[practice.slug])).status_code == 403


def test_role_matrix_provider_sees_queue(as_user, practice, provider):
    user = staff_user(practice, role=Role.PROVIDER, team="", name="Dr. Two")
    assert _queue(as_user(user), practice).status_code == 200
    assert _queue(as_user(provider), practice).status_code == 200


# --- Shortcuts compared with the straightforward path -----------------------------

def test_page_facts_equal_the_five_reads_they_replace(practice, other_practice, staff,
                                                      colleague, manager, outsider):
    """page_facts' one statement against queue_counts, queue_version,
    assignee_choices, unread_notices and staffed_teams, each its own query."""
    from dashboard import selectors
    from vpm.practices.models import Membership
    from vpm.queue.forms import assignee_choices
    from vpm.queue.models import StaffNotice

    now = timezone.now()
    items = [WorkItemFactory(practice=practice, team=(Team.TRIAGE, Team.RECORDS)[n % 2],
                             urgency=n % 3, is_overdue=n < 3,
                             status=Status.CLAIMED if n % 3 else Status.OPEN,
                             owner=(staff, colleague)[n % 2] if n % 3 else None)
             for n in range(12)]
    WorkItemFactory(practice=other_practice, team=Team.TRIAGE)  # never counted
    staff_user(practice, name="", email="no.name@example.com", team=Team.TELEHEALTH)
    gone = staff_user(practice, name="Left us", team=Team.DOCUMENTS)
    Membership.objects.filter(user=gone).update(is_active=False)
    for n, item in enumerate(items[:7]):  # more than the five shown, one read
        notice = StaffNotice.objects.create(practice=practice, user=staff, work_item=item,
                                            kind="escalated", text=f"Notice {n} <b>")
        StaffNotice.objects.filter(pk=notice.pk).update(created_at=now - timedelta(minutes=n))
    StaffNotice.objects.filter(user=staff, text="Notice 1 <b>").update(read_at=now)
    StaffNotice.objects.create(practice=practice, user=colleague, work_item=items[0],
                               kind="escalated", text="Not for staff")
    foreign = WorkItemFactory(practice=other_practice)
    StaffNotice.objects.create(practice=other_practice, user=outsider, work_item=foreign,
                               kind="escalated", text="Other practice")

    for user in (staff, colleague, manager):
        facts = selectors.page_facts(practice=practice, user=user, notices=True)
        assert facts.counts == selectors.queue_counts(practice=practice, user=user)
        assert (facts.version, facts.recent) == selectors.queue_version(practice=practice)
        assert facts.colleagues == assignee_choices(practice=practice)
        assert facts.staffed_teams == selectors.staffed_teams(practice=practice)
        expected = selectors.unread_notices(practice=practice, user=user)
        assert [(n.id, n.work_item_id, n.text) for n in facts.notices] == \
            [(n.id, n.work_item_id, n.text) for n in expected]
    assert [n.text for n in selectors.page_facts(practice=practice, user=staff,
                                                 notices=True).notices] == \
        ["Notice 0 <b>", "Notice 2 <b>", "Notice 3 <b>", "Notice 4 <b>", "Notice 5 <b>"]
    assert selectors.page_facts(practice=practice, user=staff).notices == []
    # An empty practice: zero counts, no version yet, nobody staffed.
    empty = selectors.page_facts(practice=other_practice, user=outsider)
    assert empty.counts == selectors.queue_counts(practice=other_practice, user=outsider)
    assert empty.colleagues == assignee_choices(practice=other_practice)


def test_the_filter_labels_are_the_ones_django_writes(as_user, practice, staff):
    from dashboard.forms import QueueFilterForm

    text = _queue(as_user(staff), practice).text
    form = QueueFilterForm({}, practice=practice, colleagues=[])
    for name in ("team", "owner", "kind", "urgency", "overdue"):
        assert str(form[name].label_tag()) in text


def _row_tuple(row):
    from dashboard.selectors import ROW_COLUMNS

    return (*(getattr(row, name) for name in ROW_COLUMNS[:14]),
            row.patient and (row.patient.first_name, row.patient.last_name),
            row.owner and row.owner.display_name)


@pytest.mark.parametrize("filters", [
    {}, {"team": "triage"}, {"kind": "portal_message"}, {"urgency": "urgent"}, {"owner": "me"},
    {"owner": "unassigned", "team": "triage"}, {"owner": "colleague"}, {"overdue": "yes"},
    {"overdue": "escalated"}, {"patient": True}, {"page": 2}, {"page": 2, "team": "records"},
    {"page": 9}])
@pytest.mark.parametrize("view", ["", "closed"])
def test_the_pages_sql_rows_equal_the_orm_query(practice, other_practice, staff, colleague,
                                                patient, filters, view):
    """queue_page / closed_page read their rows with plain SQL (_ROWS_SQL); the
    same rows, in the same order, as the ORM query with _filtered."""
    from datetime import timedelta as td

    from dashboard import selectors

    now = timezone.now()
    nameless = staff_user(practice, name="", email="nameless@example.com")
    for n in range(130):
        closed = n % 5 == 0
        WorkItemFactory(
            practice=practice, team=(Team.TRIAGE, Team.RECORDS)[n % 2], urgency=n % 3,
            kind=(Kind.PORTAL_MESSAGE, Kind.CANNOT_CONNECT)[n % 5 % 2],
            due_at=now + td(hours=n % 17 - 5), is_overdue=n % 7 == 0,
            escalated_at=now if n % 11 == 0 else None,
            status=Status.DONE if closed else (Status.CLAIMED if n % 4 else Status.OPEN),
            closed_at=now - td(days=n % 40) if closed else None, outcome="x" if closed else "",
            owner=(staff, colleague, nameless)[n % 3] if n % 4 else None,
            patient=patient if n % 6 == 0 else None)
    WorkItemFactory(practice=other_practice)  # never listed
    wanted = dict(filters)
    if wanted.get("owner") == "colleague":
        wanted["owner"] = str(colleague.pk)
    if wanted.get("patient"):
        wanted["patient"] = patient.pk
    page = wanted.get("page", 1)
    if view:
        rows, _ = selectors.closed_page(practice=practice, user=staff, filters=wanted)
        items = selectors._closed_items(practice,  # (some were closed exactly 30 days ago)
                                        timezone.now() - td(days=selectors.CLOSED_DAYS))
        wanted.pop("overdue", None)
    else:
        rows, _ = selectors.queue_page(practice=practice, user=staff, filters=wanted)
        items = WorkItem.objects.for_practice(practice).active().order_by("urgency", "due_at",
                                                                          "id")
    expected = selectors._rows(selectors._filtered(items, wanted, staff)
                               [(page - 1) * 50:page * 50])
    assert [_row_tuple(r) for r in rows] == [_row_tuple(r) for r in expected]
    assert rows or page > 1  # the first pages compare something


def test_the_count_links_are_the_ones_the_template_loop_wrote(as_user, practice, staff):
    """The "By urgency" and "By team" links are written in Python (dashboard/rows.py,
    count_links); the markup is the one the template loop gave."""
    from django.template import Context, Template

    from dashboard.selectors import queue_counts

    WorkItemFactory(practice=practice, team=Team.TRIAGE, urgency=Urgency.URGENT)
    WorkItemFactory(practice=practice, team=Team.RECORDS, urgency=Urgency.ROUTINE)
    text = _queue(as_user(staff), practice).text
    counts = queue_counts(practice=practice, user=staff)
    loops = Template(
        '{% for name, n in counts.by_urgency.items %}<a href="?urgency={{ name }}">'
        '{{ name|capfirst }} <span class="count">{{ n }}</span></a> {% endfor %}|'
        '{% for team, n in team_counts %}<a href="?team={{ team.0 }}">{{ team.1 }} '
        '<span class="count">{{ n }}</span></a> {% endfor %}').render(Context({
            "counts": counts,
            "team_counts": [(choice, counts.by_team[choice[0]]) for choice in Team.choices]}))
    by_urgency, by_team = loops.split("|")
    assert f"By urgency: {by_urgency}</p>" in text
    assert f"By team: {by_team}</p>" in text
    assert '?team=triage">Message triage <span class="count">1</span>' in text


def test_each_filter_form_has_its_own_owner_menu(practice, staff, colleague):
    """The menus share their fixed choices between forms (MenuField); the owner
    menu, filled per form with that practice's staff, must not leak between them."""
    from dashboard.forms import OWNER_CHOICES, QueueFilterForm

    first = QueueFilterForm({}, practice=practice, colleagues=[(staff.pk, "Sam")])
    second = QueueFilterForm({}, practice=practice, colleagues=[(colleague.pk, "Kim")])
    assert (str(staff.pk), "Sam") in first.fields["owner"].choices
    assert (str(staff.pk), "Sam") not in second.fields["owner"].choices
    assert ">Sam</option>" in str(first["owner"]) and ">Sam</option>" not in str(second["owner"])
    assert ">Kim</option>" in str(second["owner"])
    # The written <option>s are kept per process by their choices (_options_html):
    # that is only right while no label is a lazy translation.
    for name in QueueFilterForm.MENUS:
        assert all(type(label) is str for _, label in first.fields[name].choices), name
    assert list(QueueFilterForm.base_fields["owner"].choices) == OWNER_CHOICES
    assert QueueFilterForm({"owner": str(colleague.pk)}, practice=practice,
                           colleagues=[(staff.pk, "Sam")]).valid_filters() == {}


def test_the_notice_links_are_the_ones_the_template_loop_wrote(as_user, practice, staff):
    from django.template import Context, Template

    from dashboard.selectors import unread_notices
    from vpm.queue.models import StaffNotice

    item = WorkItemFactory(practice=practice)
    StaffNotice.objects.create(practice=practice, user=staff, work_item=item,
                               text='Kim took over "Call <Ana> & Bo"')
    text = _queue(as_user(staff), practice).text
    item_base = reverse("work_item_panel", args=[practice.slug, 0]).removesuffix("0/")
    loop = Template(
        '<ul>{% for notice in notices %}<li><a href="{{ item_base }}{{ notice.work_item_id }}/" '
        'hx-get="{{ item_base }}{{ notice.work_item_id }}/" hx-target="#side-panel" '
        'data-panel-link>{{ notice.text }}</a></li>{% endfor %}</ul>').render(Context({
            "notices": unread_notices(practice=practice, user=staff), "item_base": item_base}))
    assert loop in text and "Call &lt;Ana&gt; &amp; Bo" in loop


@pytest.mark.parametrize("query", [{}, {"team": "nope", "owner": "12345", "urgency": "high",
                                        "kind": "<b>", "overdue": "maybe"},
                                   {"team": "triage", "overdue": "yes"}])
@pytest.mark.parametrize("with_due", [True, False])
def test_the_filter_menus_are_the_ones_the_template_wrote(practice, staff, query, with_due):
    """QueueFilterForm.menus_html writes the menus, labels and errors the template did."""
    from django.template import Context, Template

    from dashboard.forms import QueueFilterForm

    form = QueueFilterForm(query, practice=practice, colleagues=[(staff.pk, "Sam <S>")])
    form.valid_filters()
    menu = ('<div class="filter"><label for="id_{0}">{1}:</label>{{{{ f.{0} }}}}'
            '{{% if f.{0}.errors %}}<p class="error" id="id_{0}_error">{{{{ f.{0}.errors.0 }}}}'
            '</p>{{% endif %}}</div>')
    names = [("team", "Team"), ("owner", "Owner"), ("kind", "Kind"), ("urgency", "Urgency"),
             *([("overdue", "Due")] if with_due else [])]
    template = Template("\n  ".join(menu.format(*pair) for pair in names))
    assert form.menus_html(with_due=with_due) == template.render(Context({"f": form}))
    if query.get("team") == "nope":
        assert 'aria-describedby="id_team_error"' in form.menus_html()
    if not query:  # the page without filters uses an unbound form: the same menus
        unbound = QueueFilterForm(None, practice=practice, colleagues=[(staff.pk, "Sam <S>")])
        assert unbound.valid_filters() == {}
        assert unbound.menus_html(with_due=with_due) == form.menus_html(with_due=with_due)


@pytest.mark.parametrize("attrs", [
    {}, {"id": "id_team"}, {"id": "id_owner", "aria-describedby": "id_owner_error",
                            "aria-invalid": "true", "required": True, "disabled": False},
    {"data-x": 'a "quoted" <value> & more', "hidden": True, "title": None},
])
def test_menu_attributes_are_written_as_django_writes_them(attrs):
    from django.forms.utils import flatatt
    from django.utils.safestring import mark_safe

    from dashboard.forms import _attributes

    assert _attributes(attrs) == flatatt(attrs)
    assert _attributes({"data-safe": mark_safe("<b>")}) == flatatt({"data-safe": mark_safe("<b>")})
