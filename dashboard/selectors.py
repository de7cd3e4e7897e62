"""Reads for the queue page, the poll and the team view: each a fixed
number of queries, whatever the size of the queue, on indexes that lead with
the practice."""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from vpm.practices.models import Membership, Team
from vpm.practices.tenancy import TenantScopeError
from vpm.queue.models import ACTIVE_STATUSES, StaffNotice, Status, Urgency, WorkItem

from .forms import URGENCY_BY_NAME

PAGE_SIZE = 50
CLOSED_DAYS = 30
# A change committed in the last few seconds may belong to a transaction that
# started earlier than one already seen, so its updated_at can be older than
# the newest one a poll saw: while anything changed this recently, a poll
# always answers in full instead of trusting the version.
SETTLE_SECONDS = 10


# What a queue row shows (dashboard/rows.py), and no more, read as plain values:
# building 50 work items, 50 patients and their owners as model instances took
# longer than the query.
ROW_COLUMNS = ("id", "kind", "team", "title", "urgency", "status", "due_at", "is_overdue",
               "snoozed_until", "waiting_reason", "outcome", "closed_at", "patient_id",
               "owner_id", "patient__first_name", "patient__last_name", "owner__name",
               "owner__email")


class Person:
    __slots__ = ("first_name", "last_name", "display_name")

    def __init__(self, first_name="", last_name="", display_name=""):
        self.first_name, self.last_name, self.display_name = first_name, last_name, display_name


class QueueRow:
    """One row of the queue page: the work item's shown fields, its patient's name
    and its owner's display name (as `User.display_name` gives it)."""

    __slots__ = (*ROW_COLUMNS[:14], "patient", "owner", "allowed")

    def __init__(self, values):
        # One unpacking, in ROW_COLUMNS' order (50 rows a page: a setattr loop cost more;
        # test_the_pages_sql_rows_equal_the_orm_query checks every column).
        (self.id, self.kind, self.team, self.title, self.urgency, self.status, self.due_at,
         self.is_overdue, self.snoozed_until, self.waiting_reason, self.outcome, self.closed_at,
         self.patient_id, self.owner_id, first, last, owner_name, owner_email) = values
        self.patient = Person(first, last) if self.patient_id else None
        self.owner = Person(display_name=owner_name or owner_email.split("@")[0]) \
            if self.owner_id else None
        self.allowed = frozenset()

    @property
    def pk(self):
        return self.id


def _rows(items) -> list[QueueRow]:
    """Rows through the ORM (the pages read them with _ROWS_SQL below; tests compare)."""
    return [QueueRow(values) for values in items.values_list(*ROW_COLUMNS)]


def _filtered(items, filters, user):
    if "team" in filters:
        items = items.filter(team=filters["team"])
    if "kind" in filters:
        items = items.filter(kind=filters["kind"])
    if "urgency" in filters:
        items = items.filter(urgency=URGENCY_BY_NAME[filters["urgency"]])
    owner = filters.get("owner")
    if owner == "me":
        items = items.filter(owner=user)
    elif owner == "unassigned":
        items = items.filter(owner__isnull=True)
    elif owner:
        items = items.filter(owner_id=int(owner))
    if filters.get("overdue") == "yes":
        items = items.filter(is_overdue=True)
    elif filters.get("overdue") == "escalated":
        items = items.filter(escalated_at__isnull=False)
    if "patient" in filters:
        items = items.filter(patient_id=filters["patient"])
    return items


@dataclass
class QueueCounts:
    total: int = 0
    overdue: int = 0
    mine: int = 0
    unassigned: int = 0
    by_team: dict = field(default_factory=dict)
    by_urgency: dict = field(default_factory=dict)
    # (team, urgency value) -> {"n", "overdue", "mine", "unassigned"}
    cells: dict = field(default_factory=dict)

    def total_for(self, filters) -> int | None:
        """How many active items match `filters`, when these counts tell it
        (team, urgency, and one of owner me / nobody or overdue); else None."""
        if set(filters) - {"team", "urgency", "owner", "overdue", "page"}:
            return None
        owner, overdue = filters.get("owner"), filters.get("overdue")
        if owner not in (None, "me", "unassigned") or overdue not in (None, "yes") \
                or (owner and overdue):
            return None
        column = {"me": "mine", "unassigned": "unassigned"}.get(owner) or \
            ("overdue" if overdue else "n")
        urgency = URGENCY_BY_NAME.get(filters.get("urgency"))
        return sum(cell[column] for (team, cell_urgency), cell in self.cells.items()
                   if filters.get("team", team) == team
                   and (urgency is None or cell_urgency == urgency))


_COUNTS_SQL = """
SELECT team, urgency, count(*) AS n, count(*) FILTER (WHERE is_overdue) AS overdue,
       count(*) FILTER (WHERE owner_id = %(user)s) AS mine,
       count(*) FILTER (WHERE owner_id IS NULL) AS unassigned
FROM queue_workitem WHERE practice_id = %(practice)s AND status IN ({active})
GROUP BY team, urgency
""".format(active=", ".join(f"'{status}'" for status in ACTIVE_STATUSES))  # the index's own list


def queue_counts(*, practice, user) -> QueueCounts:
    """Active items per team and per urgency, with overdue, mine and nobody's: one query,
    an index-only scan of `work_item_queue_idx` (which INCLUDEs these columns). Plain
    SQL: the ORM spent longer building this aggregate than Postgres spent running it."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_SQL, {"practice": practice.pk, "user": user.pk})
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return _counts_from(rows)


def _counts_from(rows) -> QueueCounts:
    """QueueCounts from _COUNTS_SQL's rows (dicts with its column names)."""
    counts = QueueCounts(by_team={team: 0 for team in Team.values},
                         by_urgency={u.name.lower(): 0 for u in Urgency})
    for row in rows:
        counts.total += row["n"]
        counts.overdue += row["overdue"]
        counts.mine += row["mine"]
        counts.unassigned += row["unassigned"]
        counts.by_team[row["team"]] += row["n"]
        counts.by_urgency[Urgency(row["urgency"]).name.lower()] += row["n"]
        counts.cells[(row["team"], row["urgency"])] = row
    return counts


# The rows of a page, as plain SQL: the ORM took about as long to build this
# query as Postgres took to run it. The same columns as ROW_COLUMNS (the work
# item's own, then its patient's and owner's names) and the same conditions as
# _filtered; tests/web/test_queue_page.py compares the two on every filter.
_ROWS_SQL = """
SELECT w.id, w.kind, w.team, w.title, w.urgency, w.status, w.due_at, w.is_overdue,
       w.snoozed_until, w.waiting_reason, w.outcome, w.closed_at, w.patient_id, w.owner_id,
       p.first_name, p.last_name, u.name, u.email
FROM queue_workitem w
LEFT OUTER JOIN patients_patient p ON p.id = w.patient_id
LEFT OUTER JOIN accounts_user u ON u.id = w.owner_id
WHERE w.practice_id = %s AND {where}
ORDER BY {order} LIMIT %s OFFSET %s
"""
_ACTIVE = "w.status IN ({})".format(", ".join(f"'{status}'" for status in ACTIVE_STATUSES))
_QUEUE_ORDER = "w.urgency, w.due_at, w.id"
_CLOSED = f"w.status IN ('{Status.DONE}', '{Status.CANCELLED}') AND w.closed_at >= %s"
_CLOSED_ORDER = "w.closed_at DESC, w.id DESC"


def _conditions(filters, user) -> tuple[list[str], list]:
    """_filtered's conditions as SQL text (constants only) and their parameters."""
    where, params = [], []

    def add(condition, *values):
        where.append(condition)
        params.extend(values)

    if "team" in filters:
        add("w.team = %s", filters["team"])
    if "kind" in filters:
        add("w.kind = %s", filters["kind"])
    if "urgency" in filters:
        add("w.urgency = %s", URGENCY_BY_NAME[filters["urgency"]])
    owner = filters.get("owner")
    if owner == "me":
        add("w.owner_id = %s", user.pk)
    elif owner == "unassigned":
        add("w.owner_id IS NULL")
    elif owner:
        add("w.owner_id = %s", int(owner))
    if filters.get("overdue") == "yes":
        add("w.is_overdue")
    elif filters.get("overdue") == "escalated":
        add("w.escalated_at IS NOT NULL")
    if "patient" in filters:
        add("w.patient_id = %s", filters["patient"])
    return where, params


def _sql_rows(*, practice, base, base_params, order, filters, user, offset):
    where, params = _conditions(filters, user)
    sql = _ROWS_SQL.format(where=" AND ".join([base, *where]), order=order)
    with connection.cursor() as cursor:
        cursor.execute(sql, [practice.pk, *base_params, *params, PAGE_SIZE, offset])
        return [QueueRow(values) for values in cursor.fetchall()]


def queue_page(*, practice, user, filters, counts=None):
    """One page of the active queue, most urgent first then earliest due,
    and how many items match in all (from `counts` when they tell it: no
    separate COUNT query for the usual filters)."""
    page = filters.get("page", 1)
    offset = (page - 1) * PAGE_SIZE
    rows = _sql_rows(practice=practice, base=_ACTIVE, base_params=[], order=_QUEUE_ORDER,
                     filters=filters, user=user, offset=offset)
    if len(rows) < PAGE_SIZE and (rows or page == 1):
        total = offset + len(rows)
    else:
        known = counts.total_for(filters) if counts is not None else None
        total = known if known is not None else _filtered(
            WorkItem.objects.for_practice(practice).active(), filters, user).count()
    return rows, total


def _closed_items(practice, since):
    return (WorkItem.objects.for_practice(practice)
            .filter(status__in=(Status.DONE, Status.CANCELLED), closed_at__gte=since)
            .order_by("-closed_at", "-id"))


def closed_page(*, practice, user, filters):
    """Items closed in the last 30 days, newest first, with their outcome."""
    since = timezone.now() - timedelta(days=CLOSED_DAYS)
    filters = {k: v for k, v in filters.items() if k != "overdue"}
    page = filters.get("page", 1)
    offset = (page - 1) * PAGE_SIZE
    rows = _sql_rows(practice=practice, base=_CLOSED, base_params=[since], order=_CLOSED_ORDER,
                     filters=filters, user=user, offset=offset)
    total = offset + len(rows) if len(rows) < PAGE_SIZE and (rows or page == 1) \
        else _filtered(_closed_items(practice, since), filters, user).count()
    return rows, total


def staffed_teams(*, practice) -> set[str]:
    """Teams with at least one active member: an item of any other team is
    on nobody's screen but the managers'."""
    return set(Membership.objects.filter(practice=practice, is_active=True)
               .exclude(team="").values_list("team", flat=True).distinct())


def queue_version(*, practice) -> tuple[str, bool]:
    """A cheap token that changes whenever any item of the practice changes
    (one index entry on (practice_id, updated_at)), plus whether a change was
    so recent that a poll should answer in full regardless.

    The minute is part of it, so "due in 5 minutes" texts refresh once a minute.
    """
    now = timezone.now()
    with connection.cursor() as cursor:  # plain SQL: the poll's one query of its own
        cursor.execute("SELECT max(updated_at) FROM queue_workitem WHERE practice_id = %s",
                       [practice.pk])
        newest = cursor.fetchone()[0]
    return _version_from(newest, now)


def _version_from(newest, now) -> tuple[str, bool]:
    stamp = f"{newest.timestamp():.6f}" if newest else "0"
    recent = newest is not None and (now - newest).total_seconds() < SETTLE_SECONDS
    return f"{stamp}.{int(now.timestamp() // 60)}", recent


NOTICES_SHOWN = 5


def unread_notices(*, practice, user, limit=NOTICES_SHOWN):
    return list(StaffNotice.objects.for_practice(practice)
                .filter(user=user, read_at__isnull=True).order_by("-created_at")[:limit])


# --- Everything the queue page reads besides its rows, in one round trip -----

@dataclass
class Notice:
    """What the page shows of a StaffNotice (unread_notices gives the model)."""
    id: int
    work_item_id: int
    text: str


@dataclass
class PageFacts:
    counts: QueueCounts
    version: str
    recent: bool
    colleagues: list  # (user id, display name), as vpm.queue.forms.assignee_choices
    notices: list  # Notice, as unread_notices (empty unless asked for)
    staffed_teams: set  # as staffed_teams


# One statement with five sub-selects, each the same query as its own function
# (queue_counts, queue_version, unread_notices, staffed_teams above and
# vpm.queue.forms.assignee_choices), the
# lists as JSON (ints and strings only, so nothing is lost in the conversion).
# Each request paid a round trip and the ORM's query building for each of
# these; the JSON comes back as text (::text) and is decoded here.
# tests/web/test_queue_page.py compares page_facts with the five
# functions on the same data. Only constant text is formatted in.
_PAGE_FACTS_SQL = f"""
SELECT
  (SELECT max(updated_at) FROM queue_workitem WHERE practice_id = %(practice)s) AS newest,
  (SELECT coalesce(json_agg(c), '[]')::text FROM ({_COUNTS_SQL}) c) AS counts,
  (SELECT coalesce(json_agg(json_build_array(m.user_id, u.name, u.email)
                            ORDER BY u.name, u.email), '[]')::text
     FROM practices_membership m JOIN accounts_user u ON u.id = m.user_id
    WHERE m.practice_id = %(practice)s AND m.is_active) AS colleagues,
  (SELECT coalesce(json_agg(json_build_array(n.id, n.work_item_id, n.text)
                            ORDER BY n.created_at DESC), '[]')::text
     FROM (SELECT id, work_item_id, text, created_at FROM queue_staffnotice
            WHERE practice_id = %(practice)s AND user_id = %(user)s AND read_at IS NULL
            ORDER BY created_at DESC LIMIT %(notices)s) n) AS notices,
  (SELECT coalesce(json_agg(DISTINCT team), '[]')::text FROM practices_membership
    WHERE practice_id = %(practice)s AND is_active AND team <> '') AS staffed
"""  # noqa: S608 (constant text only)


def page_facts(*, practice, user, notices=False) -> PageFacts:
    """The counts, the poll version, the colleagues menu, the staffed teams and (when
    asked for) the user's unread notices, in one query instead of five."""
    if practice is None or practice.pk is None:  # as for_practice: fail closed
        raise TenantScopeError("page_facts without a practice")
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_FACTS_SQL, {"practice": practice.pk, "user": user.pk,
                                         "notices": NOTICES_SHOWN if notices else 0})
        newest, *lists = cursor.fetchone()
    counts, colleagues, unread, staffed = (json.loads(text) for text in lists)
    version, recent = _version_from(newest, timezone.now())
    return PageFacts(
        counts=_counts_from(counts), version=version, recent=recent,
        colleagues=[(user_id, name or email.split("@")[0])
                    for user_id, name, email in colleagues],
        notices=[Notice(*row) for row in unread], staffed_teams=set(staffed))


# --- The team view (managers) ------------------------------------------------

def team_overview(*, practice):
    """Per team and per person: open, overdue, claimed and waiting items,
    with each person's capacity and availability. Three queries."""
    by_team = {team: {"label": label, "open": 0, "overdue": 0, "claimed": 0, "waiting": 0,
                      "members": []} for team, label in Team.choices}
    rows = (WorkItem.objects.for_practice(practice).active().values("team")
            .annotate(open=Count("id", filter=Q(status=Status.OPEN)),
                      overdue=Count("id", filter=Q(is_overdue=True)),
                      claimed=Count("id", filter=Q(status=Status.CLAIMED)),
                      waiting=Count("id", filter=Q(status=Status.WAITING)))
            .order_by())
    for row in rows:
        by_team[row["team"]].update({k: row[k] for k in ("open", "overdue", "claimed",
                                                          "waiting")})
    held = {row["owner_id"]: row for row in
            WorkItem.objects.for_practice(practice).filter(status__in=ACTIVE_STATUSES,
                                                          owner__isnull=False)
            .values("owner_id").annotate(held=Count("id"),
                                         overdue=Count("id", filter=Q(is_overdue=True)))
            .order_by()}
    people = []
    for membership in (Membership.objects.filter(practice=practice, is_active=True)
                       .select_related("user").order_by("user__name", "user__email")):
        load = held.get(membership.user_id, {})
        person = {"membership": membership, "held": load.get("held", 0),
                  "overdue": load.get("overdue", 0)}
        people.append(person)
        if membership.team:
            by_team[membership.team]["members"].append(person)
    return by_team, people


def oldest_active(*, practice, team=None, owner_id=None, limit=PAGE_SIZE):
    """The oldest active items first (the team view's list for bulk reassignment)."""
    items = WorkItem.objects.for_practice(practice).active().with_people() \
        .order_by("created_at", "id")
    if team:
        items = items.filter(team=team)
    if owner_id:
        items = items.filter(owner_id=owner_id)
    return list(items[:limit])
