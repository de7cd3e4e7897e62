from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import staff_required

from .models import OutboundMessage


@never_cache
@staff_required
def outbox(request, practice_slug):
    """What patients were sent, newest first: the demo's stand-in for a real inbox."""
    messages = OutboundMessage.objects.for_practice(request.practice) \
        .select_related("patient").order_by("-created_at", "-id")
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.VIEW_OUTBOX)
    return render(request, "notify/outbox.html", {
        "page": page,
        # Say plainly when texts go nowhere (the recording backend).
        "sms_only_recorded": settings.SMS_BACKEND == settings.RECORDING_SMS_BACKEND,
    })
