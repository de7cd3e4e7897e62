from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from .models import ContactAttempt, IdentityCheck, Patient


def patient_search(*, practice, query: str = ""):
    """Patients of a practice, by name or MRN, alphabetical."""
    patients = Patient.objects.for_practice(practice).order_by("last_name", "first_name", "id")
    for word in query.split()[:3]:
        patients = patients.filter(
            Q(last_name__istartswith=word) | Q(first_name__istartswith=word) | Q(mrn=word)
        )
    return patients


def patient_get_for_staff(*, practice, patient_id):
    """One patient with everything the patient page shows, in a fixed number of queries.

    A patient of another practice is a 404, exactly like a missing one.
    """
    return get_object_or_404(
        Patient.objects.for_practice(practice).prefetch_related(
            "contact_points",
            Prefetch("identity_checks",
                     queryset=IdentityCheck.objects.select_related("checked_by")),
        ),
        pk=patient_id,
    )


CONTACT_LOG_PAGE_SIZE = 50


def contact_log_page(*, practice, patient, page_number=None) -> Page:
    """One page of the patient's contact log, newest first (two queries).

    A page number that is not a number or past the end gives the nearest page.
    """
    attempts = ContactAttempt.objects.for_practice(practice).filter(patient=patient) \
        .select_related("made_by").order_by("-occurred_at", "-id")
    return Paginator(attempts, CONTACT_LOG_PAGE_SIZE).get_page(page_number)
