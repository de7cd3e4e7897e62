"""Scheduling: visit types, provider templates, appointments and their reminders.

Times are stored in UTC. Template blocks are wall-clock times in the
practice's zone (a 09:00 block stays at 09:00 across daylight-saving
changes); appointments are instants. Active appointments of one provider can
never overlap: PostgreSQL refuses it with an exclusion constraint (btree_gist),
whatever the number of web processes booking at once.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q

from vpm.practices.tenancy import TenantModel, TenantQuerySet
from vpm.validators import STORABLE_FROM, STORABLE_UNTIL


class Modality(models.TextChoices):
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def default_reminder_hours():
    return [72, 24, 2]


class SchedulingSettings(models.Model):
    """A practice's scheduling rules. Created with defaults on first use."""

    practice = models.OneToOneField("practices.Practice", on_delete=models.CASCADE,
                                    related_name="scheduling_settings")
    reminder_hours = models.JSONField(
        default=default_reminder_hours,
        help_text="Hours before the visit at which a reminder goes out, e.g. [72, 24, 2].")
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="Slots start every this many minutes inside a template block.")
    booking_horizon_days = models.PositiveSmallIntegerField(
        default=120, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How far ahead a visit may be booked.")
    patient_min_notice_hours = models.PositiveSmallIntegerField(
        default=2, validators=[MaxValueValidator(336)],
        help_text="Patients cannot book, move or cancel online closer to the visit than this.")
    late_cancel_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MaxValueValidator(336)],
        help_text="A cancellation closer to the visit than this counts as a late cancel.")
    unverified_channel_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text="Still unverified this long before the visit: a work item for registration.")
    insurance_check_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Check insurance for visits within this many days.")
    insurance_max_age_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="A verification older than this counts as unverified.")
    waitlist_offer_batch = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many waitlisted patients are offered a freed slot at once.")
    waitlist_offer_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(1440)],
        help_text="An offer expires after this many minutes.")
    waitlist_min_notice_hours = models.PositiveSmallIntegerField(
        default=4, validators=[MaxValueValidator(336)],
        help_text="No backfill offers for slots starting sooner than this.")

    class Meta:
        verbose_name_plural = "scheduling settings"

    def __str__(self):
        return f"Scheduling settings of practice {self.practice_id}"

    def clean(self):
        hours = self.reminder_hours
        if not isinstance(hours, list) or not hours or len(hours) > 6 or not all(
                isinstance(h, int) and 1 <= h <= 24 * 14 for h in hours):
            raise ValidationError({"reminder_hours": "Give one to six whole hours between 1 and "
                                                     "336, e.g. 72, 24, 2."})
        if len(set(hours)) != len(hours):
            raise ValidationError({"reminder_hours": "Each reminder time may appear once."})


class ReasonCode(TenantModel):
    """Why a visit was moved or cancelled; the metrics count them. Editable per practice."""

    class AppliesTo(models.TextChoices):
        BOTH = "both", "Reschedule and cancel"
        RESCHEDULE = "reschedule", "Reschedule only"
        CANCEL = "cancel", "Cancel only"

    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    label_es = models.CharField("label in Spanish", max_length=100, blank=True)
    applies_to = models.CharField(max_length=12, choices=AppliesTo.choices,
                                  default=AppliesTo.BOTH)
    patient_may_choose = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "code"],
                                               name="reason_code_unique")]
        ordering = ["position", "label"]

    def __str__(self):
        return self.label

    def label_for(self, language):
        return self.label_es if language == "es" and self.label_es else self.label


class VisitType(TenantModel):
    """What a visit is: how long, how it happens, who may book it and for whom."""

    class Booking(models.TextChoices):
        PATIENT = "patient", "Patients book it themselves"
        REQUEST = "request", "Patients ask; staff book it"
        STAFF = "staff", "Staff only"

    class PatientStatus(models.TextChoices):
        ANY = "any", "New and established patients"
        NEW = "new", "New patients only"
        ESTABLISHED = "established", "Established patients only"

    name = models.CharField(max_length=100)
    name_es = models.CharField("name in Spanish", max_length=100, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)])
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(120)],
        help_text="Kept free after the visit (notes, room turnover).")
    modality = models.CharField(max_length=12, choices=Modality.choices)
    booking = models.CharField("who may book", max_length=8, choices=Booking.choices,
                               default=Booking.PATIENT)
    patient_status = models.CharField("eligible patients", max_length=12,
                                      choices=PatientStatus.choices, default=PatientStatus.ANY)
    min_age_years = models.PositiveSmallIntegerField(null=True, blank=True,
                                                     validators=[MaxValueValidator(130)])
    max_age_years = models.PositiveSmallIntegerField(null=True, blank=True,
                                                     validators=[MaxValueValidator(130)])
    # Placeholders the intake workflow fills in: names of forms and documents.
    intake_forms = models.JSONField(default=list, blank=True)
    required_documents = models.JSONField(default=list, blank=True)
    instructions = models.TextField(
        blank=True, max_length=1000,
        help_text="What the patient should do before the visit; sent with reminders.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="visit_type_name_unique"),
            models.CheckConstraint(
                condition=Q(min_age_years__isnull=True) | Q(max_age_years__isnull=True)
                | Q(min_age_years__lte=F("max_age_years")),
                name="visit_type_age_range"),
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name

    def name_for(self, language):
        return self.name_es if language == "es" and self.name_es else self.name

    @property
    def duration(self):
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self):
        return timedelta(minutes=self.buffer_minutes)

    def clean(self):
        if self.min_age_years is not None and self.max_age_years is not None \
                and self.min_age_years > self.max_age_years:
            raise ValidationError({"max_age_years": "The upper age must be at least the lower."})
        for field in ("intake_forms", "required_documents"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValidationError({field: "A list of names."})


class BookingQuestion(TenantModel):
    """One question of the booking questionnaire, asked in order."""

    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=200)
    text_es = models.CharField("text in Spanish", max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["practice", "position"])]

    def __str__(self):
        return self.text

    def text_for(self, language):
        return self.text_es if language == "es" and self.text_es else self.text


class BookingAnswer(TenantModel):
    """An answer and what it leads to: the next question, a visit type, or "call us"."""

    class Outcome(models.TextChoices):
        NEXT = "next", "Go on to the next question"
        RECOMMEND = "recommend", "Recommend a visit type"
        CALL_US = "call_us", "Ask the patient to call"

    question = models.ForeignKey(BookingQuestion, on_delete=models.CASCADE,
                                 related_name="answers")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=200)
    text_es = models.CharField("text in Spanish", max_length=200, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.NEXT)
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="recommend") | Q(visit_type__isnull=False),
                name="booking_answer_recommend_has_type"),
        ]

    def __str__(self):
        return self.text

    def text_for(self, language):
        return self.text_es if language == "es" and self.text_es else self.text


class TemplateBlock(TenantModel):
    """A weekly availability block of one provider: weekday, wall-clock hours, modality,
    the visit types it accepts, and the dates it applies between."""

    provider = models.ForeignKey("practices.Membership", on_delete=models.CASCADE,
                                 related_name="template_blocks")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    modality = models.CharField(max_length=12, choices=Modality.choices)
    visit_types = models.ManyToManyField(VisitType, blank=True, related_name="template_blocks")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True, help_text="Empty: no end date.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        indexes = [models.Index(fields=["practice", "provider", "weekday"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")),
                                   name="template_block_ends_after_start"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="template_block_valid_range"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def applies_on(self, day):
        return day.weekday() == self.weekday and self.valid_from <= day and (
            self.valid_until is None or day <= self.valid_until)


class TemplateException(TenantModel):
    """A date-bounded change to a provider's template: time off, or a one-off extra session.

    A changed clinic day is time off for the usual hours plus an extra session.
    """

    class Kind(models.TextChoices):
        TIME_OFF = "time_off", "Time off"
        EXTRA = "extra", "Extra session"

    provider = models.ForeignKey("practices.Membership", on_delete=models.CASCADE,
                                 related_name="template_exceptions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    modality = models.CharField(max_length=12, choices=Modality.choices, blank=True,
                                help_text="Extra sessions only.")
    visit_types = models.ManyToManyField(VisitType, blank=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["practice", "provider", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="template_exception_ends_after_start"),
            models.CheckConstraint(condition=Q(starts_at__gte=STORABLE_FROM,
                                               ends_at__lt=STORABLE_UNTIL),
                                   name="template_exception_times_storable"),
            models.CheckConstraint(condition=Q(kind="time_off") | ~Q(modality=""),
                                   name="template_exception_extra_has_modality"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"
    LATE_CANCELLED = "late_cancelled", "Late cancel"


# Statuses that hold the provider's time. A no-show held it too: it stays.
HOLDS_TIME = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW)
CANCELLED = (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED)


class AppointmentQuerySet(TenantQuerySet):
    def holding_time(self):
        return self.filter(status__in=HOLDS_TIME)

    def upcoming(self, now):
        return self.filter(status=AppointmentStatus.BOOKED, starts_at__gt=now)


class Appointment(TenantModel):
    """A booked visit. Rescheduling moves this row (same id, `sequence` + 1), so the
    patient's calendar entry (UID from the id) is updated rather than duplicated."""

    class Via(models.TextChoices):
        STAFF = "staff", "Staff"
        PATIENT = "patient", "Patient online"
        WAITLIST = "waitlist", "Waitlist offer"
        API = "api", "API"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        PHONE = "phone", "Phone call"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="appointments")
    provider = models.ForeignKey("practices.Membership", on_delete=models.PROTECT,
                                 related_name="appointments")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT,
                                   related_name="appointments")
    modality = models.CharField(max_length=12, choices=Modality.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # ends_at plus the visit type's buffer: the provider's time this visit holds.
    busy_until = models.DateTimeField()
    status = models.CharField(max_length=16, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    channel = models.CharField("reminder channel", max_length=8, choices=Channel.choices)
    reason_note = models.CharField("reason for visit", max_length=300, blank=True)
    booked_via = models.CharField(max_length=10, choices=Via.choices)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    identity_check = models.ForeignKey("patients.IdentityCheck", on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="appointments",
                                       help_text="The check made when it was booked by phone.")
    sequence = models.PositiveIntegerField(default=0, help_text="Bumped on every move (iCal).")
    cancel_reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+")
    cancel_note = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        constraints = [
            ExclusionConstraint(
                name="appointment_no_double_booking",
                expressions=[
                    ("practice", RangeOperators.EQUAL),
                    ("provider", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "busy_until"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=HOLDS_TIME),
                violation_error_message="That time was just taken.",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="appointment_ends_after_start"),
            models.CheckConstraint(condition=Q(starts_at__gte=STORABLE_FROM,
                                               busy_until__lt=STORABLE_UNTIL),
                                   name="appointment_times_storable"),
            models.CheckConstraint(condition=Q(busy_until__gte=F("ends_at")),
                                   name="appointment_busy_covers_visit"),
            models.CheckConstraint(
                condition=~Q(status__in=CANCELLED) | Q(cancel_reason__isnull=False),
                name="appointment_cancel_has_reason"),
        ]
        indexes = [
            models.Index(fields=["practice", "provider", "starts_at"],
                         name="appointment_provider_idx"),
            models.Index(fields=["practice", "patient", "-starts_at"],
                         name="appointment_patient_idx"),
            models.Index(fields=["practice", "starts_at"], name="appointment_day_idx"),
        ]
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.visit_type} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_active(self):
        return self.status == AppointmentStatus.BOOKED

    @property
    def is_cancelled(self):
        return self.status in CANCELLED


class AppointmentEvent(TenantModel):
    """One row per change of an appointment, written in the same transaction.

    The metrics read these: reschedule and cancel reasons, no-shows, fills.
    """

    class Action(models.TextChoices):
        BOOKED = "booked", "Booked"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"
        LATE_CANCELLED = "late_cancelled", "Cancelled late"
        ARRIVED = "arrived", "Arrived"
        NO_SHOW = "no_show", "No-show"
        REMINDER_QUEUED = "reminder_queued", "Reminder queued"
        REMINDER_SKIPPED = "reminder_skipped", "Reminder skipped"
        IDENTITY_CHECKED = "identity_checked", "Identity check linked"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE,
                                    related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    via = models.CharField(max_length=10, choices=Appointment.Via.choices, blank=True)
    reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    note = models.CharField(max_length=300, blank=True)
    previous_starts_at = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "appointment", "at"]),
            models.Index(fields=["practice", "action", "at"]),
        ]
        ordering = ["at", "id"]


class AppointmentReminder(TenantModel):
    """One planned reminder of one appointment, e.g. "24 h before".

    Its message's idempotency key names the appointment, the reminder kind and
    the appointment's sequence, so a reminder is sent once per booked time:
    the sweep running twice, or two workers, still send one message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Planned"
        QUEUED = "queued", "Handed to the outbox"
        SKIPPED = "skipped", "Skipped"
        CANCELLED = "cancelled", "Cancelled"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE,
                                    related_name="reminders")
    hours_before = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField(help_text="The appointment's sequence it was planned for.")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.ForeignKey("notify.OutboundMessage", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    skip_reason = models.CharField(max_length=200, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "sequence", "hours_before"],
                                    name="appointment_reminder_once"),
        ]
        indexes = [
            # The minute sweep reads only this index: due pending reminders, by time.
            models.Index(fields=["due_at", "id"], condition=Q(status="pending"),
                         name="appointment_reminder_due_idx"),
            models.Index(fields=["practice", "appointment"], name="appointment_reminder_appt_idx"),
        ]
        ordering = ["due_at"]

    @property
    def kind(self):
        return f"{self.hours_before}h"


class WaitlistEntryQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(status=WaitlistEntry.Status.ACTIVE)


class WaitlistEntry(TenantModel):
    """A patient who wants an earlier (or any) time for a visit type (S9).

    With `appointment`, accepting an offer moves that visit earlier; without,
    it books a new one. Entries are offered in the order they were made.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Waiting"
        FULFILLED = "fulfilled", "Got a time"
        CANCELLED = "cancelled", "No longer waiting"

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE,
                                related_name="waitlist_entries")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("practices.Membership", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+", help_text="Empty: any provider.")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="waitlist_entries",
                                    help_text="The booked visit to move earlier, if any.")
    available_from = models.DateField()
    available_until = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["practice", "visit_type", "status", "created_at"],
                                name="waitlist_entry_match_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(available_until__gte=F("available_from")),
                                   name="waitlist_entry_window"),
            models.UniqueConstraint(fields=["practice", "appointment"],
                                    condition=Q(status="active", appointment__isnull=False),
                                    name="waitlist_one_active_entry_per_visit"),
        ]


class WaitlistOffer(TenantModel):
    """A freed time offered to one waitlisted patient. The first to accept gets it; the
    appointment's exclusion constraint decides, so two accepts can never both win."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        GONE = "gone", "Taken by someone else"
        EXPIRED = "expired", "Expired"

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey("practices.Membership", on_delete=models.CASCADE,
                                 related_name="+")
    starts_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    expires_at = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+",
                                    help_text="The visit the acceptance booked or moved.")
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["practice", "provider", "starts_at"], name="waitlist_offer_slot_idx"),
            models.Index(fields=["expires_at"], condition=Q(status="offered"),
                         name="waitlist_offer_expiry_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["entry", "provider", "starts_at"],
                                    name="waitlist_offer_once_per_entry_and_slot"),
        ]
