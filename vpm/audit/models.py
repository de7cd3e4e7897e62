from django.conf import settings
from django.db import models

from vpm.practices.tenancy import TenantModel


class AuditEvent(TenantModel):
    """Who saw or changed which patient's data, when, and from where.

    Append-only: nothing in the app updates or deletes these rows.
    """

    class Action(models.TextChoices):
        VIEW_PATIENT = "view_patient", "Viewed a patient record"
        VIEW_CONTACT_LOG = "view_contact_log", "Viewed a contact log"
        VIEW_FILE = "view_file", "Viewed a file"
        LIST_PATIENTS = "list_patients", "Listed patients"
        VIEW_OUTBOX = "view_outbox", "Viewed messages sent to patients"
        VIEW_QUEUE = "view_queue", "Viewed work items (which name patients)"
        CHANGE_PATIENT = "change_patient", "Changed a patient record"
        VIEW_ACCESS_REPORT = "view_access_report", "Viewed the access report"
        # Messaging: reading a conversation, its list, or an attachment.
        VIEW_MESSAGES = "view_messages", "Viewed a patient's messages"
        VIEW_THREAD = "view_thread", "Viewed a message thread"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=8, default="web", help_text="web or api")
    at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "patient", "-at"]),
            models.Index(fields=["practice", "-at"]),
            # The access report for one staff member.
            models.Index(fields=["practice", "actor", "-at"], name="audit_practice_actor_at"),
        ]
        ordering = ["-at"]
