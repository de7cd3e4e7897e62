"""Small helpers shared by the page tests."""

import re
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

from django.utils import timezone

from vpm.notify.models import OutboundMessage


def statuses(client, urls, method="get", **kwargs):
    """{url: status} for each url, so a failing assert names the URL."""
    return {url: getattr(client, method)(url, **kwargs).status_code for url in urls}


def error_next_to(response, field_id):
    """The error Django shows for one field, checking it is tied to that field.

    Django renders the error list just above the input, gives it the id
    `<field id>_error`, and points the input's aria-describedby at it, so a
    screen reader reads the error with the field.
    """
    html = response.content.decode()
    field = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert field, f"no field #{field_id}"
    assert 'aria-invalid="true"' in field.group(0), f"#{field_id} is not marked invalid"
    assert re.search(rf'aria-describedby="[^"]*\b{field_id}_error\b', field.group(0))
    errors = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.S)
    assert errors, f"no error list for #{field_id}"
    return unescape(re.sub(r"<[^>]+>", " ", errors.group(1))).strip()


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def outbound_message(patient, n=0, **fields):
    """A message already sent to `patient`, as the outbox lists it."""
    return OutboundMessage.objects.create(**{
        "practice": patient.practice, "patient": patient, "channel": "sms",
        "to": f"+1312555{n:04d}", "template": "welcome", "body": f"Welcome message {n}",
        "idempotency_key": f"test:{patient.pk}:{n}", "next_attempt_at": timezone.now(),
        "status": OutboundMessage.Status.SENT, **fields})


def local_form_time(practice, **from_now):
    """A time as staff type it into a form: the practice's local time, to the minute."""
    moment = timezone.now() + timedelta(**from_now)
    return timezone.localtime(moment, ZoneInfo(practice.timezone)).strftime("%Y-%m-%dT%H:%M")
