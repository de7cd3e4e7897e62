"""A practice's own triage rules and routing, on top of the shipped defaults.

The engine (`messaging.triage`) is pure Python; these rows are what a
practice changes. `selectors.triage_rules_for_practice` turns them into a
validated `RuleSet`; `services.triage_rule_save` refuses a rule that would
is not valid or would weaken the emergency safety net.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from messaging.triage import TEAMS, TOPICS, URGENCIES
from vpm.practices.tenancy import TenantModel, TenantQuerySet


class TriageRule(TenantModel):
    """One rule of a practice: an override of a default rule (same id), or an
    addition (a new id). `definition` is the rule as JSON, in the format of
    docs/triage.md; {"id": "...", "enabled": false} switches a default off."""

    rule_id = models.CharField(max_length=100)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "rule_id"],
                                    name="triage_rule_unique_per_practice"),
        ]

    def __str__(self):
        return self.rule_id


class TriageRouting(models.Model):
    """Where a practice sends each topic, and how fast it answers each urgency.

    Missing keys fall back to the defaults (DEFAULT_TEAM_MAP,
    DEFAULT_RESPONSE_TARGETS), so a practice only stores what it changed.
    """

    practice = models.OneToOneField("practices.Practice", on_delete=models.CASCADE,
                                    related_name="triage_routing")
    team_map = models.JSONField(default=dict, blank=True,
                                help_text='Topic to team, e.g. {"billing": "records"}.')
    response_targets = models.JSONField(
        default=dict, blank=True, help_text='Minutes per urgency, e.g. {"urgent": 120}.')
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Triage routing of {self.practice}"

    def clean(self):
        errors = {}
        team_problem = _mapping_problem(self.team_map, TOPICS, "topic",
                                        lambda team: team in TEAMS,
                                        f"a team ({', '.join(TEAMS)})")
        if team_problem:
            errors["team_map"] = team_problem
        target_problem = _mapping_problem(
            self.response_targets, URGENCIES, "urgency",
            lambda minutes: isinstance(minutes, int) and not isinstance(minutes, bool)
            and 0 <= minutes <= 60 * 24 * 30,
            "a whole number of minutes from 0 to 43200")
        if target_problem:
            errors["response_targets"] = target_problem
        if errors:
            raise ValidationError(errors)


def _mapping_problem(value, keys, key_name, value_ok, value_name) -> str | None:
    if not isinstance(value, dict):
        return f"Give an object of {key_name} to value."
    for key, item in value.items():
        if key not in keys:
            return f"'{key}' is not a {key_name}; use one of: {', '.join(keys)}."
        if not value_ok(item):
            return f"The value for '{key}' must be {value_name}."
    return None


# --- Conversations (M1, M4, M6, M8) ---------------------------------------

URGENCY_CHOICES = [(u, u.capitalize()) for u in URGENCIES]
TOPIC_CHOICES = [(t, t.replace("_", " ").capitalize()) for t in TOPICS]
TEAM_CHOICES = [(t, t.replace("_", " ").capitalize()) for t in TEAMS]
# Matches vpm.queue.models.Urgency: most urgent is the smallest number.
URGENCY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}
MAX_BODY_CHARS = 10_000


class ThreadQuerySet(TenantQuerySet):
    def open(self):
        return self.filter(status__in=Thread.OPEN_STATUSES)

    def for_list(self, practice):
        """The staff thread list: most urgent, then the latest activity."""
        return (self.for_practice(practice).filter(merged_into__isnull=True)
                .select_related("patient", "assigned_team_member")
                .order_by("urgency_rank", "-last_message_at", "id"))


class Thread(TenantModel):
    """One conversation with a patient, whatever channels its messages came by.

    A thread with no patient is an inbound message from an unknown sender,
    waiting for staff to match it to a patient. An open thread is one work
    item in the shared queue.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting on the patient"
        CLOSED = "closed", "Closed"
        MERGED = "merged", "Merged into another thread"

    OPEN_STATUSES = (Status.OPEN, Status.WAITING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="message_threads")
    unknown_sender = models.CharField(max_length=254, blank=True,
                                      help_text="The address or number of an unmatched sender.")
    subject = models.CharField(max_length=200, blank=True)
    topic = models.CharField(max_length=24, choices=TOPIC_CHOICES, default="other")
    urgency = models.CharField(max_length=12, choices=URGENCY_CHOICES, default="routine")
    urgency_rank = models.PositiveSmallIntegerField(default=2)
    team = models.CharField(max_length=16, choices=TEAM_CHOICES, default="triage")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=300, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="merged_threads")
    assigned_team_member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(max_length=8, default="en")
    # Clocks (M8), in business minutes of the practice.
    respond_by = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "urgency_rank", "-last_message_at", "id"],
                         condition=models.Q(merged_into__isnull=True),
                         name="thread_list_idx"),
            # The default staff list (open and waiting threads): its pages and its count
            # read only open threads, however many closed ones years of history hold.
            models.Index(fields=["practice", "urgency_rank", "-last_message_at", "id"],
                         condition=models.Q(merged_into__isnull=True,
                                            status__in=["open", "waiting"]),
                         name="thread_open_list_idx"),
            models.Index(fields=["practice", "patient", "topic", "status"],
                         name="thread_patient_topic_idx"),
            models.Index(fields=["practice", "status", "-created_at"], name="thread_status_idx"),
            # The counts beside the list's filters, from the index alone.
            models.Index(fields=["practice", "status"], include=["patient"],
                         name="thread_counts_idx"),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} thread"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class Message(TenantModel):
    """One message in a thread: from the patient, to the patient, or an internal
    note the patient never sees."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", "From the patient"
        OUTBOUND = "outbound", "To the patient"
        NOTE = "note", "Internal note"

    class Channel(models.TextChoices):
        PORTAL = "portal", "Portal"
        PHONE = "phone", "Phone note"
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    class RedFlag(models.TextChoices):
        NOT_ASKED = "", "Not asked"
        YES = "yes", "Yes, happening now"
        NO = "no", "No"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               help_text="Empty for automatic replies and webhooks.")
    is_automatic = models.BooleanField(default=False)
    body = models.TextField(max_length=MAX_BODY_CHARS)
    sender = models.CharField(max_length=254, blank=True,
                              help_text="The address or number an inbound message came from.")
    # Provider message id of an inbound SMS/email: a replayed webhook finds it.
    external_id = models.CharField(max_length=200, blank=True)
    topic_picked = models.CharField(max_length=24, blank=True,
                                    help_text="The topic the patient chose; empty for not sure.")
    red_flag_answer = models.CharField(max_length=3, choices=RedFlag.choices, blank=True)
    triage = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "channel", "external_id"],
                                    condition=~models.Q(external_id=""),
                                    name="message_external_id_once"),
        ]
        indexes = [models.Index(fields=["practice", "thread", "created_at"])]
        ordering = ["created_at", "id"]

    @property
    def is_note(self):
        return self.direction == self.Direction.NOTE

    @property
    def triage_labels(self) -> str:
        """What triage decided, in the words the rest of the page uses ("Urgent · Refill")."""
        if not self.triage:
            return ""
        urgency = dict(URGENCY_CHOICES).get(self.triage.get("urgency"), self.triage.get("urgency"))
        topic = dict(TOPIC_CHOICES).get(self.triage.get("topic"), self.triage.get("topic"))
        return f"{urgency} · {topic}"


def attachment_path(instance, filename):
    # The stored name says nothing about the patient or the original file.
    return f"messaging/{instance.practice_id}/{uuid.uuid4().hex}"


class Attachment(TenantModel):
    """A photo or PDF sent with a message, checked by content, stored privately."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # The default storage is private: outside the web root, served only by a view.
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "message"])]


class RefillRequest(TenantModel):
    """A refill asked for in any channel: a tracked item whose status the patient sees (M4)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        SENT_TO_PROVIDER = "sent_to_provider", "Sent to the provider"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        SENT_TO_PHARMACY = "sent_to_pharmacy", "Sent to the pharmacy"

    FINAL = (Status.DENIED, Status.SENT_TO_PHARMACY)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="refills")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="refill_requests")
    medication = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    note_to_patient = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["practice", "patient", "-created_at"]),
                   models.Index(fields=["practice", "status", "-created_at"])]

    @property
    def is_final(self):
        return self.status in self.FINAL


class TriageCorrection(TenantModel):
    """A staff correction of the engine's urgency, topic or team, with the
    rule that misfired, so a manager can turn it into a test case (M2)."""

    class Field(models.TextChoices):
        URGENCY = "urgency", "Urgency"
        TOPIC = "topic", "Topic"
        TEAM = "team", "Team"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="corrections")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    field = models.CharField(max_length=8, choices=Field.choices)
    from_value = models.CharField(max_length=24)
    to_value = models.CharField(max_length=24)
    rule_id = models.CharField(max_length=100, blank=True,
                               help_text="The rule that decided the corrected value, if any.")
    rules_version = models.CharField(max_length=32, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["practice", "-corrected_at"])]
        ordering = ["-corrected_at"]


class ReplyTemplate(TenantModel):
    """A reply in continuity language; {patient_name} and {next_visit} are filled in (M7)."""

    name = models.CharField(max_length=100)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    body = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "name", "language"],
                                               name="reply_template_unique_name")]
        ordering = ["name", "language"]

    def __str__(self):
        return self.name


class OnCall(models.Model):
    """Who a practice alerts when a message describes an emergency (M3):
    a named person, or every member of a role when nobody is named."""

    practice = models.OneToOneField("practices.Practice", on_delete=models.CASCADE,
                                    related_name="messaging_on_call")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=16, default="manager",
                            help_text="Alerted when no person is named.")
    sms_number = models.CharField(max_length=32, blank=True,
                                  help_text="Texted on every emergency; empty sends no text.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"On call at {self.practice}"


class OnCallAlert(TenantModel):
    """An in-app alert of an emergency thread for one person, until they open it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "thread", "recipient"],
                                               name="on_call_alert_once")]
        indexes = [models.Index(fields=["practice", "recipient", "seen_at"])]
