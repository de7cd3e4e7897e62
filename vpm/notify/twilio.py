"""Texts through Twilio (its official library), and its signed status callbacks.

Configuration (environment): TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and
either TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER. VPM_SITE_URL is
the public address Twilio calls back on (/webhooks/twilio/status/).
TWILIO_API_BASE points the library at another host: the tests run a local
fake of Twilio's HTTP API on loopback; production leaves it unset.

Status callbacks are checked with Twilio's request signature (HMAC-SHA1 of
the URL and the posted fields under the auth token), then update the
message's delivery status. "undelivered" and "failed" mark it bounced, which
opens a work item (vpm.notify.services.message_mark_bounced).
"""

import logging
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from requests.exceptions import ReadTimeout
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from .backends import DeliveryError, DeliveryUnknown
from .models import OutboundMessage

logger = logging.getLogger(__name__)

# Twilio error codes that will not change on a retry: bad number, opted out,
# unreachable carrier, landline.
PERMANENT_ERRORS = {21211, 21408, 21610, 21612, 21614, 30003, 30005, 30006}
BOUNCED_STATUSES = {"undelivered", "failed"}
# Seconds to connect, and to wait for Twilio's answer once the request is sent.
TIMEOUT = 10


class _BaseURLHttpClient(TwilioHttpClient):
    """Sends the library's requests to TWILIO_API_BASE instead of *.twilio.com."""

    def __init__(self, base_url, **kwargs):
        super().__init__(timeout=TIMEOUT, **kwargs)
        self.base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)


def twilio_client() -> Client:
    base = getattr(settings, "TWILIO_API_BASE", "")
    http_client = _BaseURLHttpClient(base) if base else TwilioHttpClient(timeout=TIMEOUT)
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN,
                  http_client=http_client)


def status_callback_url() -> str:
    return settings.VPM_SITE_URL.rstrip("/") + reverse("twilio_status_callback")


class TwilioSMSBackend:
    """`send(*, to, body) -> message sid`; refusals become DeliveryError."""

    def send(self, *, to, body):
        sender = {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID} \
            if settings.TWILIO_MESSAGING_SERVICE_SID else {"from_": settings.TWILIO_FROM_NUMBER}
        try:
            message = twilio_client().messages.create(
                to=to, body=body, status_callback=status_callback_url(), **sender)
        except TwilioRestException as error:
            permanent = error.code in PERMANENT_ERRORS or (400 <= error.status < 500
                                                           and error.status != 429)
            raise DeliveryError(f"Twilio refused the text (error {error.code or error.status})",
                                permanent=permanent) from None
        except ReadTimeout:
            # The request went out; Twilio may have queued the text. Never resent
            # automatically: a person checks (vpm/notify/services.py).
            raise DeliveryUnknown("Twilio did not answer in time after the request was sent") \
                from None
        except (TwilioException, OSError) as error:
            raise DeliveryError(f"Twilio unreachable: {error.__class__.__name__}") from None
        return message.sid


def _signature_valid(request) -> bool:
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    url = settings.VPM_SITE_URL.rstrip("/") + request.get_full_path()
    return validator.validate(url, request.POST.dict(),
                              request.headers.get("X-Twilio-Signature", ""))


def delivery_status_record(*, provider_message_id, status, error_code="") -> bool:
    """Apply one status report. Reports arrive out of order and repeat: a message that
    bounced or was delivered does not go back to "sent"."""
    from .services import message_mark_bounced

    status = status[:32]
    with transaction.atomic():
        message = (OutboundMessage.objects.select_for_update().select_related("practice")
                   .filter(provider_message_id=provider_message_id).first())
        if message is None:
            return False
        if message.delivery_status in ("delivered", *BOUNCED_STATUSES) and \
                status not in ("delivered", *BOUNCED_STATUSES):
            return True
        message.delivery_status = status
        fields = ["delivery_status"]
        if status == "delivered" and message.delivered_at is None:
            message.delivered_at = timezone.now()
            fields.append("delivered_at")
        message.save(update_fields=fields)
        if status in BOUNCED_STATUSES:
            reason = f"the carrier reported it {status}" + (f" (error {error_code})"
                                                            if error_code else "")
            message_mark_bounced(practice=message.practice,
                                 provider_message_id=provider_message_id, reason=reason)
    return True


@csrf_exempt
@require_POST
def status_callback(request):
    """Twilio's report on a text we sent. Unsigned or wrongly signed: 403, nothing changes."""
    if not settings.TWILIO_AUTH_TOKEN or not _signature_valid(request):
        logger.warning("twilio status callback refused: bad signature")
        return HttpResponseForbidden("Bad signature.")
    sid = request.POST.get("MessageSid", "")[:128]
    status = request.POST.get("MessageStatus", "")
    if not sid or not status:
        return HttpResponse("Missing MessageSid or MessageStatus.", status=400)
    found = delivery_status_record(provider_message_id=sid, status=status,
                                   error_code=request.POST.get("ErrorCode", "")[:16])
    logger.info("twilio status %s for message sid found=%s", status[:32], found)
    # 204 either way: Twilio must not retry a report about a message we do not know.
    return HttpResponse(status=204)
