"""The patient portal's own records: links, their failed checks, accounts.

A patient reaches the portal with an account (a User tied to one Patient
record) or with a link (a PortalLink, opened after a date-of-birth check).
Nothing here names a workflow app: a link's purpose and target are plain text
that the app which created the link knows how to read.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from vpm.practices.tenancy import TenantManager, TenantModel, TenantQuerySet


def code_digest(code: str) -> str:
    """Links are stored by digest, so a copy of the database opens no link."""
    return hashlib.sha256(code.encode()).hexdigest()


class PortalLinkQuerySet(TenantQuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class PortalLink(TenantModel):
    """A signed, single-purpose, expiring link sent to one patient."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE,
                                related_name="portal_links")
    purpose = models.CharField(max_length=40)
    target = models.CharField(max_length=64, blank=True,
                              help_text="The id of what the link opens, read by its purpose.")
    code_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=16, blank=True)  # used, staff, replaced
    last_checked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager.from_queryset(PortalLinkQuerySet)()

    class Meta:
        indexes = [models.Index(fields=["practice", "patient", "-created_at"])]

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class PortalLinkFailure(TenantModel):
    """One wrong answer to a link's identity check (kept; staff can see them)."""

    link = models.ForeignKey(PortalLink, on_delete=models.CASCADE, related_name="failures")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    caused_lock = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["practice", "patient", "-at"])]


class PortalState(TenantModel):
    """Per-patient portal state: the link lock and when staff ended sessions.

    One row per patient, taken with select_for_update when a check fails, so
    two wrong answers at once count twice and the lock cannot be raced past.
    """

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE,
                                   related_name="portal_state")
    failed_checks = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    sessions_ended_at = models.DateTimeField(null=True, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class PortalAccount(TenantModel):
    """A patient's portal account: how they sign in to their practice's portal.

    The User holds the password; this row ties it to exactly one patient of
    one practice and records the sign-in name (an email or an E.164 number).
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Mobile phone"

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE,
                                   related_name="portal_account")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="portal_account")
    login_kind = models.CharField(max_length=8, choices=Kind.choices)
    login = models.CharField(max_length=254)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When the patient first set a password.")
    deactivated_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Switched off (a merge kept the other record's account): no sign-in, no links.")

    class Meta:
        constraints = [
            # A switched-off account no longer holds its sign-in name.
            models.UniqueConstraint(fields=["practice", "login"], name="portal_account_login_unique",
                                    condition=models.Q(deactivated_at__isnull=True)),
        ]

    @property
    def is_active(self):
        return self.activated_at is not None and self.deactivated_at is None


class PortalSettings(models.Model):
    """A practice's portal choices (one row, created on first use)."""

    practice = models.OneToOneField("practices.Practice", on_delete=models.CASCADE,
                                    related_name="portal_settings")
    link_check_asks_last_name = models.BooleanField(
        default=False, help_text="Links ask for the last name as well as the date of birth.")

    class Meta:
        verbose_name_plural = "portal settings"

    def __str__(self):
        return f"Portal settings of {self.practice}"
