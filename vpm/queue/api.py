"""API: the shared queue. Reads list and show work items; each change is its
own endpoint calling one service in vpm.queue.services."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from vpm.api import (
    ErrorOutput,
    PersonOutput,
    PracticeAPIView,
    QueryInput,
    StrictCharField,
    StrictInput,
    choice_field,
    conflict_on,
)
from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.models import Team
from vpm.validators import BoundedDateTimeSerializerField

from . import services
from .forms import SNOOZE_MAX
from .models import ACTIVE_STATUSES, Kind, Status, Urgency, WorkItem

URGENCY_BY_NAME = {urgency.name.lower(): urgency.value for urgency in Urgency}
NAME_BY_URGENCY = {value: name for name, value in URGENCY_BY_NAME.items()}
URGENCY_CHOICES = [(urgency.name.lower(), urgency.label) for urgency in Urgency]
MAX_ID = 2**63 - 1  # the largest id Postgres can store; anything bigger is a typo

NOT_FOUND = OpenApiResponse(ErrorOutput, description="No such work item in this practice.")
ACTION_RESPONSES = {
    404: NOT_FOUND,
    409: OpenApiResponse(ErrorOutput, description="Not possible in the item's current state, "
                                                  "e.g. already claimed by someone else."),
}


# --- Output ---------------------------------------------------------------

class PatientRefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="full_name")


class UrgencyNameField(serializers.ChoiceField):
    """Urgency by name (emergency, urgent, routine), as the `urgency` filter takes it."""

    def __init__(self, **kwargs):
        super().__init__(choices=URGENCY_CHOICES, **kwargs)

    def to_representation(self, value):
        return NAME_BY_URGENCY[value]


class WorkItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    team = serializers.ChoiceField(choices=Team.choices)
    title = serializers.CharField()
    detail = serializers.CharField()
    urgency = UrgencyNameField()
    status = serializers.ChoiceField(choices=Status.choices)
    patient = PatientRefOutput(allow_null=True)
    owner = PersonOutput(allow_null=True)
    due_at = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()
    snoozed_until = serializers.DateTimeField(allow_null=True)
    waiting_reason = serializers.CharField()
    waiting_since = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    claimed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


def _when(value, zone):
    """As DRF's DateTimeField writes it (ISO 8601 in the current time zone, "Z"
    for UTC), without a field call per value: seven per row. The test comparing
    work_item_data with WorkItemOutput runs in two time zones."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def work_item_data(item, zone=None) -> dict:
    """`WorkItemOutput(item).data`, built directly: the same keys, order and
    values (a test compares the two on every kind of item) at a fraction of
    the cost of 19 serializer fields and two nested serializers per row. The
    schema is still WorkItemOutput's."""
    patient, owner = item.patient if item.patient_id else None, \
        item.owner if item.owner_id else None
    zone = zone or timezone.get_current_timezone()  # the list passes it: once per page
    return {
        "id": item.pk, "kind": item.kind, "team": item.team, "title": item.title,
        "detail": item.detail, "urgency": NAME_BY_URGENCY[item.urgency],
        "status": item.status,
        "patient": None if patient is None else {"id": str(patient.pk),
                                                 "name": patient.full_name},
        "owner": None if owner is None else {"id": owner.pk, "name": owner.display_name},
        "due_at": _when(item.due_at, zone), "is_overdue": item.is_overdue,
        "snoozed_until": _when(item.snoozed_until, zone), "waiting_reason": item.waiting_reason,
        "waiting_since": _when(item.waiting_since, zone), "outcome": item.outcome,
        "created_at": _when(item.created_at, zone), "updated_at": _when(item.updated_at, zone),
        "claimed_at": _when(item.claimed_at, zone), "closed_at": _when(item.closed_at, zone),
    }


# The list reads its rows as plain values, not model instances: building 50
# work items with their patients and owners as (deferred) instances took longer
# than the query. A ListRow has what work_item_data reads, under the same names;
# a test compares the two paths on every kind of item.
LIST_COLUMNS = ("id", "kind", "team", "title", "detail", "urgency", "status", "due_at",
                "is_overdue", "snoozed_until", "waiting_reason", "waiting_since", "outcome",
                "created_at", "updated_at", "claimed_at", "closed_at", "patient_id", "owner_id",
                "patient__first_name", "patient__last_name", "owner__name", "owner__email")
_OWN = LIST_COLUMNS[:19]  # the work item's own columns


class _Ref:
    """A patient (pk, full_name as Patient.full_name) or an owner (pk,
    display_name as User.display_name)."""

    __slots__ = ("pk", "full_name", "display_name")

    def __init__(self, pk, full_name="", display_name=""):
        self.pk, self.full_name, self.display_name = pk, full_name, display_name


class ListRow:
    __slots__ = (*_OWN, "patient", "owner")

    def __init__(self, values):
        for name, value in zip(_OWN, values, strict=False):
            setattr(self, name, value)
        first, last, owner_name, owner_email = values[len(_OWN):]
        self.patient = _Ref(self.patient_id, full_name=f"{first} {last}") \
            if self.patient_id else None
        self.owner = _Ref(self.owner_id, display_name=owner_name or owner_email.split("@")[0]) \
            if self.owner_id else None

    @property
    def pk(self):
        return self.id


class ListSql:
    """The list's rows and their count in plain SQL, for DRF's paginator (which
    asks for count() and a slice, as of a queryset): building the ORM's query
    and its COUNT took longer than Postgres took to run them. The conditions
    are WorkItemListView.scoped_queryset's; a test compares the two on every
    filter and page."""

    _FROM = ("FROM queue_workitem w LEFT OUTER JOIN patients_patient p ON p.id = w.patient_id "
             "LEFT OUTER JOIN accounts_user u ON u.id = w.owner_id WHERE ")
    _COLUMNS = ", ".join([*(f"w.{name}" for name in _OWN),
                          "p.first_name", "p.last_name", "u.name", "u.email"])

    def __init__(self, *, practice, filters):
        where, params = ["w.practice_id = %s"], [practice.pk]
        status = filters.get("status")
        if status is None:
            where.append("w.status = ANY(%s)")
            params.append(list(ACTIVE_STATUSES))
        else:
            where.append("w.status = %s")
            params.append(status)
        for name in ("team", "kind"):
            if name in filters:
                where.append(f"w.{name} = %s")
                params.append(filters[name])
        if "urgency" in filters:
            where.append("w.urgency = %s")
            params.append(URGENCY_BY_NAME[filters["urgency"]])
        if "owner" in filters:
            where.append("w.owner_id = %s")
            params.append(filters["owner"])
        if "overdue" in filters:
            where.append("w.is_overdue = %s")
            params.append(filters["overdue"] == "true")
        self.where, self.params = " AND ".join(where), params

    def count(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM queue_workitem w WHERE {self.where}",  # noqa: S608 (constant text)
                           self.params)
            return cursor.fetchone()[0]

    def __getitem__(self, window: slice) -> list[ListRow]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self._COLUMNS} {self._FROM}{self.where} "  # noqa: S608 (constant text)
                           "ORDER BY w.urgency, w.due_at, w.id LIMIT %s OFFSET %s",
                           [*self.params, window.stop - window.start, window.start])
            return [ListRow(values) for values in cursor.fetchall()]


# --- Input ----------------------------------------------------------------

class WorkItemListQuery(QueryInput):
    team = choice_field(Team.choices, required=False)
    kind = choice_field(Kind.choices, required=False)
    status = choice_field(Status.choices, required=False,
                          help_text="Without it, the active items (open, claimed, snoozed, waiting).")
    urgency = choice_field(URGENCY_CHOICES, required=False)
    owner = StrictCharField(required=False, max_length=20,
                                  help_text='"me", or the id of a user.')
    overdue = choice_field([("true", "Only overdue items"), ("false", "Only items not overdue")],
                           required=False)

    def validate_owner(self, value):
        if value == "me":
            return self.context["request"].user.pk
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
            raise serializers.ValidationError('Use "me" or the id of a user (a whole number).')
        return int(value)


class NoInput(StrictInput):
    """Claim and release take no body; anything sent is refused, not ignored."""


class AssignInput(StrictInput):
    assignee = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                        help_text="Id of an active member of this practice.")

    def validate_assignee(self, value):
        # Only this practice's active staff: a user id of another practice is refused.
        user = (get_user_model().objects
                .filter(pk=value, memberships__practice=self.context["practice"],
                        memberships__is_active=True).first())
        if user is None:
            raise serializers.ValidationError("That person is not on this practice's staff.")
        return user


class SnoozeInput(StrictInput):
    until = BoundedDateTimeSerializerField(
        max_future=SNOOZE_MAX, help_text="ISO 8601, e.g. 2025-06-02T09:00:00-05:00; at most a year ahead.")
    reason = StrictCharField(max_length=200, allow_blank=True, default="")

    def validate_until(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("Choose a time in the future to snooze until.")
        return value


class CloseInput(StrictInput):
    outcome = StrictCharField(max_length=300, help_text="What was done.")
    cancelled = serializers.BooleanField(default=False,
                                         help_text="True when the work was not needed after all.")


# --- Views ----------------------------------------------------------------

class WorkItemListView(PracticeAPIView):
    def scoped_queryset(self, practice):
        filters = self.validated_query(WorkItemListQuery)
        status = filters.get("status")
        if status is None or status in ACTIVE_STATUSES:
            items = WorkItem.objects.for_queue(practice)
        else:  # closed items are not in the queue; list them in the queue's order
            items = (WorkItem.objects.for_practice(practice).with_people()
                     .order_by("urgency", "due_at", "id"))
        if status is not None:
            items = items.filter(status=status)
        if "team" in filters:
            items = items.filter(team=filters["team"])
        if "kind" in filters:
            items = items.filter(kind=filters["kind"])
        if "urgency" in filters:
            items = items.filter(urgency=URGENCY_BY_NAME[filters["urgency"]])
        if "owner" in filters:
            items = items.filter(owner_id=filters["owner"])
        if "overdue" in filters:
            items = items.filter(is_overdue=filters["overdue"] == "true")
        return items

    @extend_schema(summary="The queue: most urgent first, then earliest due",
                   parameters=[WorkItemListQuery], responses=WorkItemOutput(many=True))
    def get(self, request, practice_slug):
        """Active work items (open, claimed, snoozed) unless `status` asks for others.

        Filters combine with AND; an unknown filter name or value is a 400.
        """
        filters = self.validated_query(WorkItemListQuery)
        page = self.paginate_queryset(ListSql(practice=self.practice, filters=filters))
        audit_record(request=self.request, practice=self.practice,
                     action=AuditEvent.Action.VIEW_QUEUE, via="api")
        zone = timezone.get_current_timezone()
        return self.get_paginated_response([work_item_data(row, zone) for row in page])


class WorkItemView(PracticeAPIView):
    """One work item of the practice, whatever its status."""

    lookup_url_kwarg = "item_id"

    def scoped_queryset(self, practice):
        return WorkItem.objects.for_practice(practice).select_related("patient", "owner")

    def item_response(self, item) -> Response:
        """The item as it now is; it names its patient, so sending it is an audited read."""
        if item.patient_id:
            audit_record(request=self.request, practice=self.practice, patient=item.patient,
                         obj=item, action=AuditEvent.Action.VIEW_QUEUE, via="api")
        return Response(work_item_data(item))


class WorkItemDetailView(WorkItemView):
    @extend_schema(summary="One work item, whatever its status",
                   responses={200: WorkItemOutput, 404: NOT_FOUND})
    def get(self, request, practice_slug, item_id):
        """Any item of the practice, including done and cancelled ones."""
        return self.item_response(self.get_object())


class WorkItemClaimView(WorkItemView):
    @extend_schema(summary="Claim an open item for myself", request=None,
                   responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """Only an open item can be claimed; a claimed one is a 409 naming its owner."""
        self.validated_body(NoInput)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_claim(item=item, user=request.user)
        return self.item_response(item)


class WorkItemReleaseView(WorkItemView):
    @extend_schema(summary="Put a claimed item back in the queue (owner or manager)",
                   request=None, responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """Only the owner or a manager can release; the item becomes open again."""
        self.validated_body(NoInput)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_release(item=item, actor=request.user,
                                              is_manager=self.access.is_manager)
        return self.item_response(item)


class WorkItemAssignView(WorkItemView):
    @extend_schema(summary="Give an item to a member of this practice", request=AssignInput,
                   responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """Assigns (or re-assigns) an active item; the assignee must be an active member
        of this practice, anyone else is a 400 and nothing changes."""
        data = self.validated_body(AssignInput, practice=self.practice)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_assign(item=item, assignee=data["assignee"],
                                             actor=request.user,
                                             is_manager=self.access.is_manager)
        return self.item_response(item)


class WorkItemSnoozeView(WorkItemView):
    @extend_schema(summary="Hide an item from the queue until a time", request=SnoozeInput,
                   responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """An open or claimed item leaves the queue until `until`, then comes back to its owner."""
        data = self.validated_body(SnoozeInput)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_snooze(item=item, actor=request.user, until=data["until"],
                                             reason=data["reason"],
                                             is_manager=self.access.is_manager)
        return self.item_response(item)


class WorkItemCloseView(WorkItemView):
    @extend_schema(summary="Close an item as done (or cancelled), saying what was done",
                   request=CloseInput, responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """`outcome` is required; `cancelled: true` closes it as cancelled instead of done."""
        data = self.validated_body(CloseInput)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_close(item=item, actor=request.user,
                                            outcome=data["outcome"], cancelled=data["cancelled"],
                                            is_manager=self.access.is_manager)
        return self.item_response(item)


class ReasonInput(StrictInput):
    reason = StrictCharField(max_length=200, help_text="Why; recorded in the item's history.")


class WorkItemTakeOverView(WorkItemView):
    @extend_schema(summary="Take over a colleague's item, saying why", request=ReasonInput,
                   responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """A colleague's claimed, snoozed or waiting item becomes yours; the reason and the
        previous owner are recorded as a `taken_over` event. Closing, snoozing or putting on
        hold a colleague's item is refused (409) for everyone but its owner and managers."""
        data = self.validated_body(ReasonInput)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_take_over(item=item, actor=request.user,
                                                reason=data["reason"])
        return self.item_response(item)


class WorkItemWaitView(WorkItemView):
    @extend_schema(summary="Wait on the patient: the response clock pauses", request=ReasonInput,
                   responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """An open or claimed item becomes `waiting`; its due time stops counting until the
        patient answers or someone resumes it."""
        data = self.validated_body(ReasonInput)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_wait_on_patient(item=item, actor=request.user,
                                                      reason=data["reason"],
                                                      is_manager=self.access.is_manager)
        return self.item_response(item)


class WorkItemResumeView(WorkItemView):
    @extend_schema(summary="Resume an item that waited on the patient", request=None,
                   responses={200: WorkItemOutput, **ACTION_RESPONSES})
    def post(self, request, practice_slug, item_id):
        """The item is due the time it had left when it was put on hold, counted from now."""
        self.validated_body(NoInput)
        item = self.get_object()
        with conflict_on(services.WorkItemError):
            item = services.work_item_resume(item=item, actor=request.user,
                                             is_manager=self.access.is_manager)
        return self.item_response(item)
