"""The visits section of the patient page (owned by registration): one tag, one query."""

from django import template
from django.utils import timezone

from scheduling.models import Appointment

register = template.Library()


@register.inclusion_tag("scheduling/staff/_patient_visits.html", takes_context=True)
def patient_visits(context, patient):
    practice = context["practice"]
    visits = list(Appointment.objects.for_practice(practice).filter(patient=patient)
                  .select_related("visit_type", "provider__user").order_by("-starts_at")[:10])
    now = timezone.now()
    return {"practice": practice, "patient": patient,
            "upcoming": [v for v in visits if v.is_active and v.starts_at > now][::-1],
            "past": [v for v in visits if not (v.is_active and v.starts_at > now)]}
