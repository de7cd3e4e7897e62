from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from vpm.practices.models import Team
from vpm.practices.tenancy import TenantModel, TenantQuerySet
from vpm.validators import STORABLE_FROM, STORABLE_UNTIL


class Kind(models.TextChoices):
    """Every kind of work that needs a human. Workflow apps open items of these kinds."""

    UNVERIFIED_CHANNEL = "unverified_channel", "Unverified contact before a visit"
    DELIVERY_FAILED = "delivery_failed", "Message could not be delivered"
    INSURANCE_UNVERIFIED = "insurance_unverified", "Insurance not verified"
    INTAKE_INCOMPLETE = "intake_incomplete", "Intake incomplete"
    INTAKE_REVIEW = "intake_review", "Intake to review"
    PORTAL_MESSAGE = "portal_message", "Portal message"
    TELEHEALTH_NOT_READY = "telehealth_not_ready", "Not ready for video visit"
    CANNOT_CONNECT = "cannot_connect", "Patient cannot connect"
    POST_VISIT_TASK = "post_visit_task", "Post-visit task"
    RECORDS_REQUEST = "records_request", "Records request"
    CALLBACK = "callback", "Call the patient back"


class Urgency(models.IntegerChoices):
    """Stored as a number so the queue sorts most urgent first on an index."""

    EMERGENCY = 0, "Emergency"
    URGENT = 1, "Urgent"
    ROUTINE = 2, "Routine"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    SNOOZED = "snoozed", "Snoozed"
    # Waiting on the patient: the response clock is paused (vpm.queue.services).
    WAITING = "waiting", "Waiting on the patient"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (Status.OPEN, Status.CLAIMED, Status.SNOOZED, Status.WAITING)


class WorkItemQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def with_people(self):
        """Items with just the patient's and owner's names: a list never loads
        a password hash or a patient's private columns it does not show."""
        return self.select_related("patient", "owner").only(
            *(f.name for f in WorkItem._meta.concrete_fields),
            "patient__id", "patient__first_name", "patient__last_name",
            "owner__id", "owner__name", "owner__email",
        )

    def for_queue(self, practice):
        """The shared queue: most urgent first, then the earliest due."""
        return (
            self.for_practice(practice).active().with_people()
            .order_by("urgency", "due_at", "id")
        )


class WorkItem(TenantModel):
    """Anything that needs a human. Created and changed only via vpm.queue.services."""

    kind = models.CharField(max_length=32, choices=Kind.choices)
    team = models.CharField(max_length=16, choices=Team.choices)
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="work_items")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="owned_work_items")
    due_at = models.DateTimeField()
    is_overdue = models.BooleanField(default=False)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    # What the item is about (an appointment, a message...). The core never
    # imports workflow apps, so this is a generic reference.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Waiting on the patient: why, since when, and how much of the response
    # time was left when the clock paused (business seconds, or clock seconds
    # for targets that count clock time).
    waiting_reason = models.CharField(max_length=200, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    clock_left_seconds = models.IntegerField(null=True, blank=True)
    # Set once when the escalation sweep has told the managers (never twice).
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        constraints = [
            # Sweeps may open the same item again and again: one active item per source.
            models.UniqueConstraint(
                fields=["practice", "kind", "source_type", "source_id"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(source_id=""),
                name="work_item_one_active_per_source",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLAIMED) | Q(owner__isnull=False),
                name="work_item_claimed_has_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SNOOZED) | Q(snoozed_until__isnull=False),
                name="work_item_snoozed_has_until",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.WAITING) | Q(waiting_since__isnull=False),
                name="work_item_waiting_has_since",
            ),
            # Times psycopg can read back (vpm/validators.py): one year-10000 row
            # would make every list that shows it answer 500.
            models.CheckConstraint(
                condition=Q(due_at__gte=STORABLE_FROM, due_at__lt=STORABLE_UNTIL),
                name="work_item_due_at_storable",
            ),
            models.CheckConstraint(
                condition=Q(snoozed_until__isnull=True)
                | Q(snoozed_until__gte=STORABLE_FROM, snoozed_until__lt=STORABLE_UNTIL),
                name="work_item_snoozed_until_storable",
            ),
        ]
        indexes = [
            # Covering: the counts per team and urgency and the team view's totals
            # are index-only scans over the practice's active items, no heap visits.
            models.Index(fields=["practice", "urgency", "due_at", "id"],
                         condition=Q(status__in=ACTIVE_STATUSES), name="work_item_queue_idx",
                         include=["team", "status", "is_overdue", "owner"]),
            # The team view's "oldest first" list: a Limit 50 on an index, not a sort.
            models.Index(fields=["practice", "created_at", "id"],
                         condition=Q(status__in=ACTIVE_STATUSES), name="work_item_oldest_idx"),
            models.Index(fields=["practice", "owner", "status"], name="work_item_owner_idx"),
            models.Index(fields=["practice", "team", "status"], name="work_item_team_idx"),
            models.Index(fields=["due_at"], condition=Q(status__in=("open", "claimed"),
                                                        is_overdue=False),
                         name="work_item_overdue_sweep_idx"),
            models.Index(fields=["snoozed_until"], condition=Q(status="snoozed"),
                         name="work_item_snooze_sweep_idx"),
            models.Index(fields=["due_at"], condition=Q(status__in=("open", "claimed"),
                                                        is_overdue=True,
                                                        escalated_at__isnull=True),
                         name="work_item_escalate_sweep_idx"),
            # Closed items of the last 30 days, newest first.
            models.Index(fields=["practice", "-closed_at"],
                         condition=Q(status__in=("done", "cancelled")),
                         name="work_item_closed_idx"),
            # The queue page's poll: the newest change in a practice, one index entry.
            models.Index(fields=["practice", "updated_at"], name="work_item_changed_idx"),
            models.Index(fields=["practice", "patient", "-created_at"],
                         name="work_item_patient_idx"),
        ]

    def __str__(self):
        return self.title


class WorkItemEvent(TenantModel):
    """One row per change of a work item, written in the same transaction.

    The metrics (first response, closure rate, overdue per team) read these.
    """

    class Action(models.TextChoices):
        OPENED = "opened", "Opened"
        UPDATED = "updated", "Updated"
        CLAIMED = "claimed", "Claimed"
        ASSIGNED = "assigned", "Assigned"
        RELEASED = "released", "Released"
        SNOOZED = "snoozed", "Snoozed"
        WOKEN = "woken", "Back from snooze"
        WAITING = "waiting", "Waiting on the patient"
        RESUMED = "resumed", "Clock resumed"
        TAKEN_OVER = "taken_over", "Taken over"
        ESCALATED = "escalated", "Escalated to managers"
        OVERDUE = "overdue", "Became overdue"
        CLOSED = "closed", "Closed"

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "work_item", "at"])]
        ordering = ["at", "id"]


class SlaTarget(TenantModel):
    """A practice's own response target for one kind and urgency; without a
    row the shipped default (vpm.queue.sla.DEFAULT_TARGETS) applies."""

    kind = models.CharField(max_length=32, choices=Kind.choices)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices)
    minutes = models.PositiveIntegerField()
    # Business hours (the practice's opening hours and closed days) or plain
    # clock time (emergencies, statutory deadlines).
    business_hours = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "urgency"],
                                    name="sla_target_one_per_kind_urgency"),
        ]

    def __str__(self):
        return f"{self.kind}/{self.urgency}: {self.minutes} min"


class QueueSettings(TenantModel):
    """Practice-wide queue settings a manager edits."""

    # An item overdue by more than this tells the managers (once).
    escalate_after_minutes = models.PositiveIntegerField(default=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="queue_settings_one_per_practice"),
        ]


class StaffNotice(TenantModel):
    """An in-app notice for one staff member: an item escalated to them (managers),
    or their item taken over by a colleague.

    Unique per (item, person, kind), so a sweep that runs twice tells once; a
    second take-over of the same person's item renews their notice.
    """

    class Kind(models.TextChoices):
        ESCALATED = "escalated", "Escalated"
        TAKEN_OVER = "taken_over", "Taken over"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="staff_notices")
    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work_item", "user", "kind"],
                                    name="staff_notice_once"),
        ]
        indexes = [models.Index(fields=["practice", "user", "-created_at"])]
