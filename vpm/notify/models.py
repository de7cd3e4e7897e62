from django.db import models

from vpm.practices.tenancy import TenantModel


class OutboundMessage(TenantModel):
    """One email or text to a patient. The row exists before anything is sent.

    The idempotency key (e.g. "reminder:<appointment>:24h") is unique per
    practice, so asking twice to send the same message creates one row, and
    the status compare-and-set in services means it is sent at most once.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="outbound_messages")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to = models.CharField(max_length=254)
    template = models.CharField(max_length=64)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    idempotency_key = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    send_started_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # What the provider last reported after accepting it (Twilio's status
    # callback: "delivered", "undelivered", ...), and when it was delivered.
    delivery_status = models.CharField(max_length=32, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "idempotency_key"],
                                    name="outbound_message_idempotency"),
        ]
        indexes = [
            models.Index(fields=["practice", "-created_at"]),
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="queued"),
                         name="outbound_due_idx"),
            # Status callbacks find their message by the provider's id.
            models.Index(fields=["provider_message_id"], condition=~models.Q(provider_message_id=""),
                         name="outbound_provider_id_idx"),
        ]
        ordering = ["-created_at"]
