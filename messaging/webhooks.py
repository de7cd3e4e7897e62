"""The signed webhook an SMS provider calls for every text a patient sends.

Form fields: From, Body, MessageSid (the provider's id). Headers:
X-VPM-Timestamp (Unix seconds) and X-VPM-Signature, the hex HMAC-SHA256 of
"<timestamp>.<raw body>" with SMS_INBOUND_WEBHOOK_SECRET. A bad or stale
signature is refused (403) and stores nothing; a replay of a stored text
answers 200 and stores nothing again.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vpm.practices.models import Practice

from .inbound import sms_receive, sms_signature_valid


def _refuse(status, detail):
    return JsonResponse({"detail": detail}, status=status)


@csrf_exempt
@require_POST
def sms_inbound(request, slug):
    # Not "practice_slug": the provider is not a signed-in member; the signature is its key.
    valid = sms_signature_valid(timestamp=request.headers.get("X-VPM-Timestamp", ""),
                                signature=request.headers.get("X-VPM-Signature", ""),
                                body=request.body)
    if not valid:
        return _refuse(403, "The webhook signature is missing, wrong or too old.")
    practice = Practice.objects.filter(slug=slug).first()
    if practice is None:
        return _refuse(404, "No such practice.")
    sender, provider_id = request.POST.get("From", ""), request.POST.get("MessageSid", "")
    if not sender or not provider_id:
        return _refuse(400, "From and MessageSid are required.")
    try:
        sms_receive(practice=practice, sender=sender, body=request.POST.get("Body", ""),
                    provider_id=provider_id)
    except ValidationError as error:
        return _refuse(400, " ".join(error.messages))
    return HttpResponse(status=204)
