"""SMS backends. The provider lies outside our stack, so it sits behind this seam.

A backend has `send(*, to, body) -> provider_message_id` and raises
`DeliveryError` when the provider refuses the message (nothing was delivered;
`permanent=False` means trying again later is safe) or `DeliveryUnknown` when
the provider may have it (never retried).
"""

import logging
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The provider did not accept the message. `permanent` means do not retry."""

    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class DeliveryUnknown(Exception):
    """The provider may have the message but did not confirm it (a connection lost
    after handing it over, a timeout waiting for the answer). Never retried: a
    person checks before resending."""


class RecordingSMSBackend:
    """Default: sends nothing; the OutboundMessage row is the record (the demo outbox)."""

    def send(self, *, to, body):
        return f"recorded-{uuid.uuid4()}"


class ConsoleSMSBackend:
    """Development aid: prints that a message went out, without its content."""

    def send(self, *, to, body):
        message_id = f"console-{uuid.uuid4()}"
        logger.info("SMS %s sent (%d characters)", message_id, len(body))
        return message_id


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
