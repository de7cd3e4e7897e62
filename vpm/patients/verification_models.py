"""The record of one contact verification (imported into models.py)."""

from django.db import models

from vpm.practices.tenancy import TenantModel


class ContactVerification(TenantModel):
    """A code (and a link) sent to an email or number to prove it is the patient's.

    The new value is held here, not on the record, until it is confirmed: an
    unconfirmed number is never used to send anything else.
    """

    class Via(models.TextChoices):
        CODE = "code", "Code"
        LINK = "link", "Link"

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE,
                                related_name="contact_verifications")
    kind = models.CharField(max_length=8, choices=[("email", "Email"), ("phone", "Mobile phone")])
    value = models.CharField(max_length=254, help_text="Normalised: lower-case email or E.164.")
    code_digest = models.CharField(max_length=64)
    link_digest = models.CharField(max_length=64, unique=True)
    requested_via = models.CharField(max_length=16, default="portal")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failed_tries = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=8, choices=Via.choices, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    contact_point = models.ForeignKey("patients.ContactPoint", on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="verifications")

    class Meta:
        indexes = [models.Index(fields=["practice", "patient", "-created_at"])]
