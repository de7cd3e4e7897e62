import uuid
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .tenancy import TenantModel


def default_business_hours():
    weekday = ["08:00", "17:00"]
    return {"mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday}


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone, e.g. America/Chicago.")


class Practice(models.Model):
    """A medical practice: the tenant. Every tenant-owned row points to one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="America/New_York",
                                validators=[validate_timezone])
    business_hours = models.JSONField(
        default=default_business_hours,
        help_text='Opening hours per weekday, e.g. {"mon": ["08:00", "17:00"]}.',
    )
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    help_contact = models.CharField(
        max_length=300, blank=True, help_text="Shown on every patient screen."
    )
    urgent_contact_instructions = models.TextField(
        blank=True, help_text="Sent automatically when a message describes an emergency."
    )
    default_language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    phone_region = models.CharField(
        max_length=2, default="US",
        help_text="Country (ISO code) of phone numbers typed without a +country prefix.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", "Front-office staff"
    PROVIDER = "provider", "Provider"
    MANAGER = "manager", "Practice manager"


class Team(models.TextChoices):
    REGISTRATION = "registration", "Registration"
    TRIAGE = "triage", "Message triage"
    TELEHEALTH = "telehealth", "Telehealth support"
    DOCUMENTS = "documents", "Documents"
    RECORDS = "records", "Records release"
    POST_VISIT = "post_visit", "Post-visit"


class Membership(models.Model):
    """A person's place in one practice: their role and team.

    A user may belong to several practices; each request re-checks the
    membership for the practice named in its URL.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    team = models.CharField(max_length=16, choices=Team.choices, blank=True)
    is_active = models.BooleanField(default=True)
    # Fair auto-assignment (vpm.queue.assignment): how many items this person
    # holds at most, and whether they take new work now (away: nothing new).
    capacity = models.PositiveSmallIntegerField(default=10)
    is_available = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="membership_one_per_practice"),
        ]
        indexes = [models.Index(fields=["practice", "role", "team"])]

    def __str__(self):
        return f"{self.user} in {self.practice} ({self.role})"

    @property
    def is_manager(self):
        return self.role == Role.MANAGER


def invitation_expiry():
    return timezone.now() + timedelta(days=7)


class Invitation(models.Model):
    """A manager's invitation for someone to join the practice's staff."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    team = models.CharField(max_length=16, choices=Team.choices, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["practice", "email"],
                                    condition=models.Q(accepted_at__isnull=True),
                                    name="invitation_one_pending_per_email"),
        ]

    def __str__(self):
        return f"Invitation for {self.email} to {self.practice}"

    @property
    def is_usable(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


class ClosedDay(TenantModel):
    """A day the practice is closed (a holiday), kept by the manager.

    The queue's business-hours clock skips these days (vpm.queue.business_hours).
    """

    date = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "date"], name="closed_day_one_per_date"),
        ]

    def __str__(self):
        return f"{self.practice} closed on {self.date}"


class TeamSettings(TenantModel):
    """Per-team queue settings a manager edits: fair auto-assignment on or off,
    and where the round-robin stopped last (the member assigned last)."""

    team = models.CharField(max_length=16, choices=Team.choices)
    auto_assign = models.BooleanField(default=False)
    last_assigned = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "team"], name="team_settings_one_per_team"),
        ]

    def __str__(self):
        return f"{self.get_team_display()} settings in {self.practice_id}"
