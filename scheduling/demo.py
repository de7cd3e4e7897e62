"""Demo data for scheduling: visit types, a questionnaire, templates, a few weeks of
appointments (with reminders planned and in the outbox), a waitlist, stale insurance.

Called from vpm.demo.seed after patients exist; running it again adds nothing.
Appointments go through the booking service, so they obey the templates and the
exclusion constraint like real ones.
"""

import random
from datetime import date, time, timedelta

from django.utils import timezone

from vpm.patients.models import Insurance, Patient

from .models import (
    BookingAnswer,
    BookingQuestion,
    TemplateBlock,
    TemplateException,
    VisitType,
)
from .notices import reminders_send_due
from .selectors import providers_for, scheduling_settings_for, slot_search
from .services import SchedulingError, appointment_book, appointment_cancel, scheduling_reason
from .waitlist import waitlist_join

VISIT_TYPES = [
    # name, Spanish, minutes, buffer, modality, who books, for whom, instructions
    ("New patient visit", "Primera visita", 45, 15, "in_person", "request", "new",
     "Bring your ID, insurance card and a list of your medicines."),
    ("Follow-up (video)", "Seguimiento (video)", 20, 5, "video", "patient", "established",
     "Find a quiet place with good light."),
    ("Medication refill", "Receta de medicamentos", 15, 0, "video", "patient", "any",
     "Have your medicine bottles with you."),
    ("Phone check-in", "Llamada de control", 15, 0, "phone", "patient", "any", ""),
    ("Annual physical", "Examen anual", 40, 10, "in_person", "staff", "established", ""),
]


def demo_seed(practice) -> None:
    if VisitType.objects.for_practice(practice).exists():
        return
    rules = scheduling_settings_for(practice)
    types = {}
    for name, name_es, minutes, buffer, modality, booking, status, steps in VISIT_TYPES:
        types[name] = VisitType.objects.create(
            practice=practice, name=name, name_es=name_es, duration_minutes=minutes,
            buffer_minutes=buffer, modality=modality, booking=booking, patient_status=status,
            instructions=steps, intake_forms=["Health history"] if status == "new" else [],
            required_documents=["Insurance card"] if status == "new" else [])
    _questionnaire(practice, types)
    providers = list(providers_for(practice))
    if not providers:
        return
    _templates(practice, providers, types)
    _appointments(practice, providers, types, rules)


def _questionnaire(practice, types):
    first = BookingQuestion.objects.create(
        practice=practice, position=1, text="Have you been seen here before?",
        text_es="¿Le han atendido aquí antes?")
    second = BookingQuestion.objects.create(
        practice=practice, position=2, text="What is the visit for?", text_es="¿Para qué es la cita?")
    BookingAnswer.objects.create(practice=practice, question=first, position=1,
                                 text="No, this is my first visit", text_es="No, es mi primera visita",
                                 outcome="recommend", visit_type=types["New patient visit"])
    BookingAnswer.objects.create(practice=practice, question=first, position=2,
                                 text="Yes", text_es="Sí", outcome="next")
    for position, (text, text_es, outcome, name) in enumerate([
            ("A medication refill only", "Solo una receta", "recommend", "Medication refill"),
            ("A follow-up on something we already treat", "Seguimiento de algo que ya tratamos",
             "recommend", "Follow-up (video)"),
            ("A quick question by phone", "Una pregunta rápida por teléfono", "recommend",
             "Phone check-in"),
            ("A new problem, pain or injury", "Un problema nuevo, dolor o lesión", "call_us", None),
    ], start=1):
        BookingAnswer.objects.create(practice=practice, question=second, position=position,
                                     text=text, text_es=text_es, outcome=outcome,
                                     visit_type=types[name] if name else None)


def _templates(practice, providers, types):
    since = timezone.localdate() - timedelta(days=30)
    video = [types["Follow-up (video)"], types["Medication refill"]]
    in_person = [types["New patient visit"], types["Annual physical"]]
    for provider in providers:
        for weekday in range(5):
            morning = TemplateBlock.objects.create(
                practice=practice, provider=provider, weekday=weekday, start_time=time(8),
                end_time=time(12), modality="in_person", valid_from=since)
            morning.visit_types.set(in_person)
            afternoon = TemplateBlock.objects.create(
                practice=practice, provider=provider, weekday=weekday, start_time=time(13),
                end_time=time(16), modality="video", valid_from=since)
            afternoon.visit_types.set(video)
        phone = TemplateBlock.objects.create(
            practice=practice, provider=provider, weekday=4, start_time=time(16),
            end_time=time(17), modality="phone", valid_from=since)
        phone.visit_types.set([types["Phone check-in"]])
        # A block nobody can use: the template audit flags it.
        TemplateBlock.objects.create(practice=practice, provider=provider, weekday=2,
                                     start_time=time(16), end_time=time(17), modality="video",
                                     valid_from=since)
        friday = timezone.localdate() + timedelta(days=(4 - timezone.localdate().weekday()) % 7 + 14)
        TemplateException.objects.create(
            practice=practice, provider=provider, kind="time_off", note="Conference",
            starts_at=_at(practice, friday, 0), ends_at=_at(practice, friday + timedelta(days=1), 0))


def _at(practice, day: date, hour: int):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(practice.timezone))


def _appointments(practice, providers, types, rules):
    rng = random.Random(f"schedule:{practice.slug}")
    patients = list(Patient.objects.for_practice(practice).order_by("mrn"))
    today = timezone.localdate()
    bookable = [types["Follow-up (video)"], types["Medication refill"], types["Annual physical"],
                types["Phone check-in"]]
    booked = []
    for visit_type in bookable:
        slots = slot_search(practice=practice, visit_type=visit_type, first_day=today,
                            last_day=today + timedelta(days=27))
        for slot in rng.sample(slots, min(len(slots), 14)):
            patient = rng.choice(patients)
            provider = next(p for p in providers if p.pk == slot.provider_id)
            try:
                booked.append(appointment_book(
                    practice=practice, patient=patient, provider=provider,
                    visit_type=visit_type, starts_at=slot.starts_at, via="staff",
                    channel=patient.preferred_channel))
            except SchedulingError:
                continue  # eligibility (new vs established) or a neighbour took it
    # Reminders already due (visits in the next 3 days) go to the outbox now.
    reminders_send_due()
    # A waitlist: a few patients want something earlier than their visit.
    later = sorted((a for a in booked if a.visit_type_id == types["Follow-up (video)"].pk),
                   key=lambda a: a.starts_at)[-4:]
    for appointment in later:
        waitlist_join(practice=practice, patient=appointment.patient,
                      visit_type=appointment.visit_type, appointment=appointment,
                      available_from=today, available_until=timezone.localtime(
                          appointment.starts_at).date())
    # One early follow-up is cancelled: its time is offered to the waitlist.
    early = sorted((a for a in booked if a.visit_type_id == types["Follow-up (video)"].pk
                    and a.starts_at > timezone.now() + timedelta(days=2)),
                   key=lambda a: a.starts_at)
    if early:
        appointment_cancel(practice=practice, appointment=early[0], via="staff",
                           reason=scheduling_reason(practice, "patient_request"),
                           note="Demo: freed for the waitlist")
    _stale_insurance(practice, patients, rng)


def _stale_insurance(practice, patients, rng):
    now = timezone.now()
    for n, patient in enumerate(patients[:30]):
        if Insurance.objects.for_practice(practice).filter(patient=patient).exists():
            continue
        verified = None if n % 3 == 0 else now - timedelta(days=rng.choice([10, 40, 200, 400]))
        Insurance.objects.create(practice=practice, patient=patient, payer=rng.choice(
            ["Blue Cross", "Aetna", "Medicaid", "UnitedHealthcare"]),
            member_id=f"M{practice.pk}{n:05d}", verified_at=verified)

