"""The Twilio SMS backend against a local fake of Twilio's API, and its signed status
callback. The real twilio library does the HTTP; only the far end is fake."""

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from vpm.notify import services
from vpm.notify.backends import DeliveryError
from vpm.notify.models import OutboundMessage
from vpm.notify.twilio import TwilioSMSBackend
from vpm.queue.models import Kind, WorkItem

from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

pytestmark = pytest.mark.django_db
SITE = "https://vpm.example.org"


@pytest.fixture
def twilio(settings):
    with FakeTwilio() as fake:
        settings.SMS_BACKEND = "vpm.notify.twilio.TwilioSMSBackend"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
        settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
        settings.TWILIO_FROM_NUMBER = "+13125550100"
        settings.TWILIO_MESSAGING_SERVICE_SID = ""
        settings.TWILIO_API_BASE = fake.base_url
        settings.VPM_SITE_URL = SITE
        yield fake


def _queue(patient, to="+13125550142", key="welcome:1"):
    return services.message_queue(practice=patient.practice, patient=patient, channel="sms",
                                  to=to, template="welcome", context={}, idempotency_key=key)


def signed_post(client, fields, *, token=AUTH_TOKEN):
    url = reverse("twilio_status_callback")
    signature = RequestValidator(token).compute_signature(SITE + url, fields)
    return client.post(url, fields, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_text_goes_to_twilio_with_our_status_callback(twilio, patient):
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "sent"
    [sent] = twilio.sent
    assert message.provider_message_id == sent["sid"]
    assert sent["To"] == "+13125550142" and sent["From"] == "+13125550100"
    assert sent["Body"] == message.body
    assert sent["StatusCallback"] == SITE + "/webhooks/twilio/status/"


def test_a_refused_number_fails_at_once_and_becomes_a_work_item(twilio, patient):
    twilio.refuse["+13125550199"] = 21211
    message = _queue(patient, to="+13125550199")
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "failed" and "21211" in message.error
    assert WorkItem.objects.filter(kind=Kind.DELIVERY_FAILED, patient=patient).exists()
    assert twilio.requests == 1


def test_a_twilio_outage_is_retried_later(twilio, patient):
    twilio.fail.add("+13125550142")
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    assert message.next_attempt_at > message.created_at


def test_an_unreachable_twilio_is_a_temporary_failure(settings, twilio):
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(DeliveryError) as error:
        TwilioSMSBackend().send(to="+13125550142", body="hello")
    assert not error.value.permanent


def test_signed_delivered_callback_records_delivery(client, twilio, patient):
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    response = signed_post(client, {"MessageSid": message.provider_message_id,
                                    "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID})
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.delivery_status == "delivered" and message.delivered_at is not None
    # A late "sent" report does not undo "delivered".
    signed_post(client, {"MessageSid": message.provider_message_id, "MessageStatus": "sent"})
    message.refresh_from_db()
    assert message.delivery_status == "delivered"


def test_undelivered_callback_bounces_the_message_into_a_work_item(client, twilio, patient):
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    signed_post(client, {"MessageSid": message.provider_message_id,
                         "MessageStatus": "undelivered", "ErrorCode": "30006"})
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.BOUNCED
    assert "30006" in message.error
    item = WorkItem.objects.get(kind=Kind.DELIVERY_FAILED, patient=patient)
    assert item.status == "open"


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_unsigned_or_forged_callbacks_change_nothing(client, twilio, patient, signature):
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    response = client.post(reverse("twilio_status_callback"),
                           {"MessageSid": message.provider_message_id,
                            "MessageStatus": "undelivered"},
                           HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == "sent" and message.delivery_status == ""


def test_callback_signed_with_another_token_is_refused(client, twilio, patient):
    response = signed_post(client, {"MessageSid": "SMx", "MessageStatus": "delivered"},
                           token="someone-elses-token")
    assert response.status_code == 403


def test_callback_for_an_unknown_message_is_acknowledged_and_ignored(client, twilio):
    response = signed_post(client, {"MessageSid": "SM" + "0" * 32, "MessageStatus": "failed"})
    assert response.status_code == 204


def test_callback_without_fields_is_a_400(client, twilio):
    assert signed_post(client, {"MessageStatus": "delivered"}).status_code == 400


def test_callback_answers_only_post(client, twilio):
    assert client.get(reverse("twilio_status_callback")).status_code == 405
