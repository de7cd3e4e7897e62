"""The template audit (S2): what is wrong with the providers' templates for the next weeks.

Findings, each with a link to what fixes it:
- blocks no visit type can use (no accepted type, wrong modality, inactive types,
  or shorter than the shortest accepted visit);
- overlapping blocks of one provider;
- visit types with demand (a waitlist entry, or a questionnaire answer that
  recommends them) and no open time in a week;
- booked visits that no longer fit the template (outside every block, in time off);
and a capacity table: per provider and visit type, open slots and bookings.
The number of queries depends on the number of providers and visit types, not
on the number of appointments.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from .models import Appointment, AppointmentStatus, BookingAnswer, TemplateBlock, WaitlistEntry
from .selectors import (
    local_day_bounds,
    open_windows,
    providers_for,
    slot_search,
    visit_types_for,
)


@dataclass
class Finding:
    kind: str
    message: str
    fix_url: str
    fix_label: str


@dataclass
class AuditReport:
    first_day: object
    last_day: object
    findings: list = field(default_factory=list)
    capacity: list = field(default_factory=list)  # (provider name, visit type, open, booked)


def _dates_overlap(a, b):
    a_end = a.valid_until or a.valid_from.replace(year=9999)
    b_end = b.valid_until or b.valid_from.replace(year=9999)
    return a.valid_from <= b_end and b.valid_from <= a_end


def _block_findings(practice, blocks, slug):
    findings = []
    for block in blocks:
        usable = [t for t in block.visit_types.all()
                  if t.is_active and t.modality == block.modality]
        minutes = (block.end_time.hour * 60 + block.end_time.minute) - (
            block.start_time.hour * 60 + block.start_time.minute)
        if not usable or min(t.duration_minutes for t in usable) > minutes:
            why = ("accepts no visit type" if not block.visit_types.all() else
                   "accepts no active visit type of its modality" if not usable else
                   "is shorter than every visit type it accepts")
            findings.append(Finding(
                "unusable_block", f"{block.provider.user.display_name}: {block} ({block.get_modality_display()}) {why}.",
                reverse("scheduling_block_edit", args=[slug, block.pk]), "Edit the block"))
    by_provider_day = {}
    for block in blocks:
        by_provider_day.setdefault((block.provider_id, block.weekday), []).append(block)
    for group in by_provider_day.values():
        group.sort(key=lambda b: b.start_time)
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                if second.start_time < first.end_time and _dates_overlap(first, second):
                    findings.append(Finding(
                        "overlap", f"{first.provider.user.display_name}: {first} overlaps {second}.",
                        reverse("scheduling_block_edit", args=[slug, second.pk]),
                        "Edit the later block"))
    return findings


def template_audit(*, practice, weeks=4, now=None) -> AuditReport:
    now = now or timezone.now()
    first_day = timezone.localtime(now).date()
    last_day = first_day + timedelta(days=7 * weeks - 1)
    report = AuditReport(first_day, last_day)
    slug = practice.slug
    providers = list(providers_for(practice))
    visit_types = list(visit_types_for(practice))
    blocks = list(TemplateBlock.objects.for_practice(practice)
                  .filter(valid_from__lte=last_day)
                  .exclude(valid_until__lt=first_day)
                  .select_related("provider__user").prefetch_related("visit_types"))
    report.findings += _block_findings(practice, blocks, slug)
    _, range_end = local_day_bounds(practice, last_day)
    booked = list(Appointment.objects.for_practice(practice)
                  .filter(status=AppointmentStatus.BOOKED, starts_at__gte=now,
                          starts_at__lt=range_end)
                  .select_related("visit_type", "provider__user"))
    demanded = _demanded_visit_types(practice)
    for visit_type in visit_types:
        slots = slot_search(practice=practice, visit_type=visit_type, first_day=first_day,
                            last_day=last_day, not_before=now)
        for provider in providers:
            open_count = sum(1 for s in slots if s.provider_id == provider.pk)
            booked_count = sum(1 for a in booked if a.provider_id == provider.pk
                               and a.visit_type_id == visit_type.pk)
            if open_count or booked_count:
                report.capacity.append((provider.user.display_name, visit_type.name,
                                        open_count, booked_count))
        if visit_type.pk in demanded:
            report.findings += _demand_findings(practice, visit_type, slots, first_day, weeks,
                                                demanded[visit_type.pk])
        report.findings += _misfit_findings(practice, visit_type, providers, booked, first_day,
                                            last_day)
    return report


def _demanded_visit_types(practice) -> dict:
    """Visit type id -> why there is demand (waitlist entries, questionnaire answers)."""
    demand = {}
    for type_id in BookingAnswer.objects.for_practice(practice).filter(
            outcome=BookingAnswer.Outcome.RECOMMEND).values_list("visit_type_id", flat=True):
        demand[type_id] = "the questionnaire recommends it"
    for type_id in WaitlistEntry.objects.for_practice(practice).active().values_list(
            "visit_type_id", flat=True):
        demand[type_id] = "patients are waiting for it"
    return demand


def _demand_findings(practice, visit_type, slots, first_day, weeks, why):
    findings = []
    for week in range(weeks):
        start = first_day + timedelta(days=7 * week)
        end = start + timedelta(days=7)
        if not any(start <= timezone.localtime(s.starts_at).date() < end for s in slots):
            findings.append(Finding(
                "no_capacity", f"{visit_type.name}: no open time in the week of "
                               f"{start:%b %-d} although {why}.",
                reverse("scheduling_block_new", args=[practice.slug]), "Add a block"))
    return findings


def _misfit_findings(practice, visit_type, providers, booked, first_day, last_day):
    mine = [a for a in booked if a.visit_type_id == visit_type.pk]
    if not mine:
        return []
    windows, time_off = open_windows(practice=practice, visit_type=visit_type,
                                     providers=providers, first_day=first_day,
                                     last_day=last_day)
    findings = []
    for appointment in mine:
        provider_windows = windows.get(appointment.provider_id, [])
        inside = any(start <= appointment.starts_at and appointment.ends_at <= end
                     for start, end in provider_windows)
        off = any(appointment.starts_at < end and start < appointment.ends_at
                  for start, end in time_off.get(appointment.provider_id, []))
        if not inside or off:
            where = "during time off" if off else "outside the provider's template"
            findings.append(Finding(
                "misfit", f"{appointment.provider.user.display_name}: a {visit_type.name} on "
                          f"{timezone.localtime(appointment.starts_at):%b %-d %H:%M} is {where}.",
                reverse("appointment_detail", args=[practice.slug, appointment.pk]),
                "Move or cancel the visit"))
    return findings
