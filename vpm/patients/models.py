import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from vpm.practices.tenancy import TenantModel


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"
    PORTAL = "portal", "Portal"
    VIDEO = "video", "Video"
    IN_PERSON = "in_person", "In person"


class Patient(TenantModel):
    """A patient of one practice. UUID ids so URLs reveal nothing countable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="patient_records",
                             help_text="The portal account, if the patient has one.")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    mrn = models.CharField("medical record number", max_length=32)
    preferred_language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    preferred_channel = models.CharField(
        max_length=16, default=Channel.SMS,
        choices=[(c, label) for c, label in Channel.choices if c in ("email", "sms", "phone")],
    )
    address = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "mrn"], name="patient_mrn_unique"),
            models.UniqueConstraint(fields=["practice", "user"], name="patient_one_record_per_user",
                                    condition=models.Q(user__isnull=False)),
        ]
        indexes = [models.Index(fields=["practice", "last_name", "first_name"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class ContactPoint(TenantModel):
    """An email address or phone number of a patient, verified or not."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Mobile phone"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=254)
    is_primary = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "patient", "kind", "value"],
                                    name="contact_point_unique"),
        ]
        indexes = [models.Index(fields=["practice", "patient"])]

    @property
    def is_verified(self):
        return self.verified_at is not None


class ContactAttempt(TenantModel):
    """One entry of the central contact log: who, when, channel, direction, outcome."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "Outbound"
        INBOUND = "inbound", "Inbound"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached the patient"
        LEFT_MESSAGE = "left_message", "Left a message"
        NO_ANSWER = "no_answer", "No answer"
        WRONG_NUMBER = "wrong_number", "Wrong number"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        RECEIVED = "received", "Received from the patient"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="contact_attempts")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+",
                                help_text="Empty for automatic messages.")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.TextField(blank=True, max_length=2000)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "patient", "-occurred_at"])]
        ordering = ["-occurred_at"]


class Identifier(models.TextChoices):
    FULL_NAME = "full_name", "Full name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    ADDRESS = "address", "Home address"
    PHONE = "phone", "Phone number on file"
    MRN = "mrn", "Medical record number"


class IdentityCheck(TenantModel):
    """Staff confirmed two identifiers before discussing anything private (S8)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="identity_checks")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    first_identifier = models.CharField(max_length=16, choices=Identifier.choices)
    second_identifier = models.CharField(max_length=16, choices=Identifier.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    passed = models.BooleanField()
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(first_identifier=models.F("second_identifier")),
                name="identity_check_two_different_identifiers",
            ),
        ]
        indexes = [models.Index(fields=["practice", "patient", "-checked_at"])]
        ordering = ["-checked_at"]

    def clean(self):
        if self.first_identifier == self.second_identifier:
            raise ValidationError("Check two different identifiers.")


from .verification_models import ContactVerification  # noqa: E402,F401 - one model module per owner
