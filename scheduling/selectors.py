"""Reads: the practice's scheduling rules, open slots, day and week views.

Slot search runs a fixed number of queries whatever the range (blocks, the
exceptions, the appointments holding time) and computes slots in Python:
template blocks are wall-clock hours in the practice's zone, turned into
instants day by day, so a 09:00 block is 09:00 local on both sides of a
daylight-saving change.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone

from vpm.practices.models import Membership, Role

from .models import (
    Appointment,
    AppointmentStatus,
    ReasonCode,
    SchedulingSettings,
    TemplateBlock,
    TemplateException,
    VisitType,
)

DEFAULT_REASON_CODES = [
    # code, label, Spanish label, applies to, patient may choose
    ("patient_request", "Patient request", "Petición del paciente", "both", True),
    ("provider_unavailable", "Provider unavailable", "El profesional no está disponible",
     "both", False),
    ("wrong_visit_type", "Wrong visit type", "Tipo de visita equivocado", "both", False),
    ("insurance", "Insurance", "Seguro médico", "both", True),
    ("tech_problem", "Tech problem", "Problema técnico", "both", True),
    ("feeling_better", "Feeling better", "Me siento mejor", "cancel", True),
    ("other", "Other", "Otro motivo", "both", True),
]

MAX_SEARCH_DAYS = 62  # a search longer than two months is a report, not a booking


@dataclass(frozen=True)
class Slot:
    provider_id: int
    provider_name: str
    starts_at: datetime
    ends_at: datetime
    modality: str

    @property
    def key(self):
        """What a booking form posts back: provider and start instant."""
        return f"{self.provider_id}|{self.starts_at.isoformat()}"


def scheduling_settings_for(practice) -> SchedulingSettings:
    """The practice's rules, created with defaults (and the default reason codes) on first use."""
    rules, created = SchedulingSettings.objects.get_or_create(practice=practice)
    if created:
        for position, (code, label, label_es, applies_to, patient_may) in \
                enumerate(DEFAULT_REASON_CODES):
            ReasonCode.objects.get_or_create(
                practice=practice, code=code,
                defaults=dict(label=label, label_es=label_es, applies_to=applies_to,
                              patient_may_choose=patient_may, position=position))
    return rules


def reason_codes_for(practice, *, action, patient=False):
    """Active reason codes usable for `action` ("reschedule" or "cancel")."""
    scheduling_settings_for(practice)
    codes = ReasonCode.objects.for_practice(practice).filter(
        is_active=True, applies_to__in=("both", action))
    if patient:
        codes = codes.filter(patient_may_choose=True)
    return codes


def providers_for(practice):
    return (Membership.objects.filter(practice=practice, role=Role.PROVIDER, is_active=True)
            .select_related("user").order_by("user__name", "id"))


def visit_types_for(practice, *, active=True):
    types = VisitType.objects.for_practice(practice)
    return types.filter(is_active=True) if active else types


def local_day_bounds(practice, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(practice.timezone)
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, end


def _block_windows(block, day, zone):
    start = datetime.combine(day, block.start_time, tzinfo=zone)
    end = datetime.combine(day, block.end_time, tzinfo=zone)
    # Normalise through UTC: a wall-clock time that does not exist (the spring
    # gap) lands on the real instant after it.
    return start.astimezone(UTC), end.astimezone(UTC)


def _overlaps(start, end, ranges):
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


class _BusyTimes:
    """One provider's booked ranges, sorted. They never overlap each other (the exclusion
    constraint), so sorted by start they are sorted by end too: one bisect per question."""

    def __init__(self, ranges):
        ranges = sorted(ranges)
        self.starts = [r[0] for r in ranges]
        self.ends = [r[1] for r in ranges]

    def overlaps(self, start, end):
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start


def open_windows(*, practice, visit_type, providers, first_day, last_day, modality=None):
    """Per provider, the (start, end, modality) windows in which `visit_type` may be seen,
    and the time-off ranges. Three queries."""
    zone = ZoneInfo(practice.timezone)
    provider_ids = [p.pk for p in providers]
    range_start, _ = local_day_bounds(practice, first_day)
    _, range_end = local_day_bounds(practice, last_day)
    modality = modality or visit_type.modality
    blocks = (TemplateBlock.objects.for_practice(practice)
              .filter(provider_id__in=provider_ids, visit_types=visit_type, modality=modality,
                      valid_from__lte=last_day)
              .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day)))
    exceptions = (TemplateException.objects.for_practice(practice)
                  .filter(provider_id__in=provider_ids, starts_at__lt=range_end,
                          ends_at__gt=range_start)
                  .filter(Q(kind=TemplateException.Kind.TIME_OFF)
                          | Q(visit_types=visit_type, modality=modality)).distinct())
    windows = {pk: [] for pk in provider_ids}
    time_off = {pk: [] for pk in provider_ids}
    for exception in exceptions:
        if exception.kind == TemplateException.Kind.TIME_OFF:
            time_off[exception.provider_id].append((exception.starts_at, exception.ends_at))
        else:
            windows[exception.provider_id].append((exception.starts_at, exception.ends_at))
    blocks = list(blocks)
    day = first_day
    while day <= last_day:
        for block in blocks:
            if block.applies_on(day):
                windows[block.provider_id].append(_block_windows(block, day, zone))
        day += timedelta(days=1)
    return windows, time_off


def busy_ranges(*, practice, provider_ids, start, end, exclude_appointment=None):
    """(start, busy_until) of every appointment holding a provider's time in [start, end)."""
    rows = (Appointment.objects.for_practice(practice).holding_time()
            .filter(provider_id__in=provider_ids, starts_at__lt=end, busy_until__gt=start))
    if exclude_appointment is not None:
        rows = rows.exclude(pk=exclude_appointment.pk)
    busy = {pk: [] for pk in provider_ids}
    for provider_id, starts_at, busy_until in rows.values_list("provider_id", "starts_at",
                                                                "busy_until"):
        busy[provider_id].append((starts_at, busy_until))
    return busy


def slot_search(*, practice, visit_type, first_day, last_day, provider=None, modality=None,
                not_before=None, limit=None, exclude_appointment=None) -> list[Slot]:
    """Open slots for `visit_type`, earliest first, for one provider or all of them.

    `not_before` (default: now) hides slots that start sooner; `exclude_appointment`
    lets a visit being moved free its own time.
    """
    if last_day < first_day:
        return []
    last_day = min(last_day, first_day + timedelta(days=MAX_SEARCH_DAYS - 1))
    rules = scheduling_settings_for(practice)
    providers = [provider] if provider is not None else list(providers_for(practice))
    if not providers:
        return []
    names = {p.pk: p.user.display_name for p in providers}
    windows, time_off = open_windows(practice=practice, visit_type=visit_type,
                                     providers=providers, first_day=first_day,
                                     last_day=last_day, modality=modality)
    range_start, _ = local_day_bounds(practice, first_day)
    _, range_end = local_day_bounds(practice, last_day)
    busy = busy_ranges(practice=practice, provider_ids=list(names), start=range_start,
                       end=range_end + visit_type.duration + visit_type.buffer,
                       exclude_appointment=exclude_appointment)
    not_before = not_before or timezone.now()
    step = timedelta(minutes=rules.slot_step_minutes)
    slots = []
    for provider_id, provider_windows in windows.items():
        seen = set()
        booked = _BusyTimes(busy[provider_id])
        for window_start, window_end in sorted(provider_windows):
            start = window_start
            while start + visit_type.duration <= window_end:
                end = start + visit_type.duration
                if (start >= not_before and start not in seen
                        and not _overlaps(start, end, time_off[provider_id])
                        and not booked.overlaps(start, end + visit_type.buffer)):
                    seen.add(start)
                    slots.append(Slot(provider_id, names[provider_id], start, end,
                                      modality or visit_type.modality))
                start += step
    slots.sort(key=lambda s: (s.starts_at, s.provider_name))
    return slots[:limit] if limit else slots


def slot_is_open(*, practice, visit_type, provider, starts_at, modality=None,
                 exclude_appointment=None) -> bool:
    """Is `starts_at` one of the slots the template offers this provider (ignoring bookings
    only when the database will check them anyway)?"""
    day = timezone.localtime(starts_at, ZoneInfo(practice.timezone)).date()
    slots = slot_search(practice=practice, visit_type=visit_type, provider=provider,
                        first_day=day, last_day=day, modality=modality,
                        not_before=starts_at, exclude_appointment=exclude_appointment)
    return any(s.starts_at == starts_at for s in slots)


def next_free_slots(*, practice, visit_type, after, provider=None, modality=None, count=3):
    """The next few open slots after `after`: what we offer when a time was just taken."""
    zone = ZoneInfo(practice.timezone)
    first_day = timezone.localtime(after, zone).date()
    return slot_search(practice=practice, visit_type=visit_type, provider=provider,
                       modality=modality, first_day=first_day,
                       last_day=first_day + timedelta(days=27), not_before=after, limit=count)


def appointments_for_day_view(*, practice, provider, first_day, last_day):
    """A provider's appointments in a range of local days, for the day and week views."""
    start, _ = local_day_bounds(practice, first_day)
    _, end = local_day_bounds(practice, last_day)
    return (Appointment.objects.for_practice(practice)
            .filter(provider=provider, starts_at__gte=start, starts_at__lt=end)
            .select_related("patient", "visit_type", "provider__user")
            .order_by("starts_at"))


def appointments_for_patient(*, practice, patient):
    return (Appointment.objects.for_practice(practice).filter(patient=patient)
            .select_related("visit_type", "provider__user", "cancel_reason")
            .prefetch_related(Prefetch("reminders", to_attr="reminder_list"))
            .order_by("-starts_at"))


def patient_is_new(*, practice, patient) -> bool:
    """New: no visit attended or still booked at this practice."""
    return not Appointment.objects.for_practice(practice).filter(
        patient=patient, status__in=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
    ).exists()


# --- Booking questionnaire ---------------------------------------------------

@dataclass(frozen=True)
class QuestionnaireResult:
    """Where the answers so far lead: another question, a visit type, or "call us"."""

    next_question: object | None = None  # BookingQuestion
    visit_type: VisitType | None = None
    call_us: bool = False


def questionnaire_for(practice):
    from .models import BookingAnswer, BookingQuestion

    return list(BookingQuestion.objects.for_practice(practice).prefetch_related(
        Prefetch("answers", queryset=BookingAnswer.objects.select_related("visit_type"))))


def questionnaire_outcome(*, practice, answer_ids) -> QuestionnaireResult:
    """Walk the questions in order with the answers given (one per question).

    The first answer that recommends a visit type or says "call us" decides;
    answers that say "next" lead to the following question. Running out of
    questions without a decision means "call us": a person chooses.
    """
    given = {int(a) for a in answer_ids}
    for question in questionnaire_for(practice):
        chosen = next((a for a in question.answers.all() if a.pk in given), None)
        if chosen is None:
            return QuestionnaireResult(next_question=question)
        if chosen.outcome == chosen.Outcome.RECOMMEND:
            if chosen.visit_type.is_active:
                return QuestionnaireResult(visit_type=chosen.visit_type)
            return QuestionnaireResult(call_us=True)
        if chosen.outcome == chosen.Outcome.CALL_US:
            return QuestionnaireResult(call_us=True)
    return QuestionnaireResult(call_us=True)


# --- Pages -------------------------------------------------------------------

def appointment_page(*, practice, appointment) -> dict:
    """Everything the staff appointment page shows, in a fixed number of queries."""
    from .channels import channel_status
    from .models import AppointmentEvent, AppointmentReminder

    patient = (type(appointment.patient).objects.for_practice(practice)
               .prefetch_related("contact_points").get(pk=appointment.patient_id))
    reminders = (AppointmentReminder.objects.for_practice(practice)
                 .filter(appointment=appointment).select_related("message")
                 .order_by("-sequence", "due_at"))
    events = (AppointmentEvent.objects.for_practice(practice).filter(appointment=appointment)
              .select_related("actor", "reason").order_by("at", "id"))
    return {
        "appointment": appointment,
        "patient": patient,
        "channel": channel_status(patient=patient, channel=appointment.channel),
        "reminders": list(reminders),
        "events": list(events),
        "insurance": insurance_status(practice=practice, patient=patient),
    }


@dataclass(frozen=True)
class InsuranceStatus:
    payer: str
    verified_at: datetime | None
    stale: bool


def insurance_status(*, practice, patient) -> InsuranceStatus | None:
    """The patient's primary coverage and whether its verification is recent enough;
    None when no coverage is on file."""
    from vpm.patients.models import Insurance

    coverage = (Insurance.objects.for_practice(practice).filter(patient=patient, is_primary=True)
                .order_by("-verified_at").first())
    if coverage is None:
        return None
    limit = timedelta(days=scheduling_settings_for(practice).insurance_max_age_days)
    stale = coverage.verified_at is None or coverage.verified_at < timezone.now() - limit
    return InsuranceStatus(coverage.payer, coverage.verified_at, stale)


def setup_overview(*, practice) -> dict:
    from .models import ReasonCode

    scheduling_settings_for(practice)
    blocks = (TemplateBlock.objects.for_practice(practice)
              .select_related("provider__user").prefetch_related("visit_types")
              .order_by("provider__user__name", "weekday", "start_time"))
    exceptions = (TemplateException.objects.for_practice(practice)
                  .filter(ends_at__gte=timezone.now()).select_related("provider__user")
                  .order_by("starts_at")[:100])
    return {
        "rules": scheduling_settings_for(practice),
        "visit_types": visit_types_for(practice, active=False),
        "reasons": ReasonCode.objects.for_practice(practice),
        "blocks": blocks,
        "exceptions": exceptions,
        "questions": questionnaire_for(practice),
        "providers": providers_for(practice),
    }


def waitlist_stats(*, practice, days=28) -> dict:
    """Offers sent and accepted over the last `days`: the acceptance rate (one query)."""
    from django.db.models import Count, Q

    from .models import WaitlistOffer

    counts = WaitlistOffer.objects.for_practice(practice).filter(
        created_at__gte=timezone.now() - timedelta(days=days)).aggregate(
        sent=Count("id"), accepted=Count("id", filter=Q(status="accepted")))
    counts["rate"] = round(100 * counts["accepted"] / counts["sent"]) if counts["sent"] else None
    return counts


def next_visit_words(*, patient, now, language) -> str | None:
    """The patient's next booked visit in words, in `language` and the practice's zone
    ("martes 2 de junio de 2026, 17:00 CDT"), for other apps' text (one query).
    Registered as the "next_visit" placeholder in SchedulingConfig.ready."""
    from django.utils import translation

    from vpm.portal.templatetags.portal import portal_when

    visit = (Appointment.objects.for_practice(patient.practice).upcoming(now)
             .filter(patient=patient).order_by("starts_at").values_list("starts_at", flat=True)
             .first())
    if visit is None:
        return None
    with translation.override(language), timezone.override(ZoneInfo(patient.practice.timezone)):
        return portal_when(visit)
