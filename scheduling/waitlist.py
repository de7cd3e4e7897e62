"""Waitlist and backfill (S9): a freed time is offered to waitlisted patients who fit it.

- When a visit is cancelled or moved, `waitlist_backfill` runs in the same
  transaction: if the freed time is an open slot for waiting patients' visit
  types and starts after the practice's minimum notice, the first
  `waitlist_offer_batch` matching entries (oldest first) get an offer by their
  channel, with a portal link (purpose "waitlist_offer") to accept it.
- Accepting books the time (or moves the patient's booked visit there). The
  appointment's exclusion constraint decides between two accepts at once: the
  loser's offer becomes "gone" and they are told so; when one wins, every
  other offer for that time becomes "gone" and those patients are told.
- The minute sweep expires offers past their time and offers the time to the
  next batch while it is still free and far enough ahead.
Offers, acceptances and fills are rows (WaitlistOffer) and appointment events
(booked or moved "via waitlist"), so the acceptance rate can be measured.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import (
    Appointment,
    AppointmentStatus,
    ReasonCode,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
)
from .selectors import scheduling_settings_for, slot_is_open

OfferStatus = WaitlistOffer.Status
OFFER = "waitlist_offer"  # portal link purpose


class WaitlistError(Exception):
    """The message is for the person at the form."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def waitlist_join(*, practice, patient, visit_type, available_from, available_until,
                  provider=None, appointment=None) -> WaitlistEntry:
    today = timezone.localtime(timezone.now(), ZoneInfo(practice.timezone)).date()
    rules = scheduling_settings_for(practice)
    if visit_type.practice_id != practice.pk or not visit_type.is_active:
        raise WaitlistError("Choose one of the practice's visit types.", field="visit_type")
    if available_from < today:
        raise WaitlistError("Choose a first day from today on.", field="available_from")
    if available_until < available_from:
        raise WaitlistError("The last day must be on or after the first.",
                            field="available_until")
    if available_until > today + timedelta(days=rules.booking_horizon_days):
        raise WaitlistError(f"Choose a last day within {rules.booking_horizon_days} days.",
                            field="available_until")
    if appointment is not None:
        if appointment.patient_id != patient.pk or not appointment.is_active:
            raise WaitlistError("That visit cannot be moved.")
        existing = WaitlistEntry.objects.for_practice(practice).active().filter(
            appointment=appointment).first()
        if existing is not None:
            return existing
    return WaitlistEntry.objects.create(
        practice=practice, patient=patient, visit_type=visit_type, provider=provider,
        appointment=appointment, available_from=available_from, available_until=available_until)


@transaction.atomic
def waitlist_leave(*, practice, entry):
    WaitlistEntry.objects.for_practice(practice).filter(pk=entry.pk, status="active").update(
        status=WaitlistEntry.Status.CANCELLED, closed_at=timezone.now())
    _close_offers(practice, WaitlistOffer.objects.filter(entry=entry, status=OfferStatus.OFFERED),
                  OfferStatus.EXPIRED, tell=False)


def _matching_entries(*, practice, provider, starts_at, visit_type_ids, exclude_entry_ids):
    day = timezone.localtime(starts_at, ZoneInfo(practice.timezone)).date()
    entries = (WaitlistEntry.objects.for_practice(practice).active()
               .filter(visit_type_id__in=visit_type_ids, available_from__lte=day,
                       available_until__gte=day)
               .filter(Q(provider__isnull=True) | Q(provider=provider))
               # A patient whose visit is already at or before this time gains nothing.
               .exclude(appointment__starts_at__lte=starts_at)
               .exclude(pk__in=exclude_entry_ids)
               .select_related("patient", "visit_type", "appointment", "practice")
               .order_by("created_at", "id"))
    return entries


def waitlist_backfill(*, practice, provider, starts_at, now=None) -> list[WaitlistOffer]:
    """Offer a freed time to the next batch of fitting waitlisted patients."""
    now = now or timezone.now()
    rules = scheduling_settings_for(practice)
    if starts_at < now + timedelta(hours=rules.waitlist_min_notice_hours):
        return []
    already = WaitlistOffer.objects.for_practice(practice).filter(provider=provider,
                                                                   starts_at=starts_at)
    if already.filter(status__in=(OfferStatus.OFFERED, OfferStatus.ACCEPTED)).exists():
        return []  # a batch is out, or it was taken
    waiting_types = set(WaitlistEntry.objects.for_practice(practice).active()
                        .values_list("visit_type_id", flat=True))
    fitting = [t for t in VisitType.objects.for_practice(practice).filter(pk__in=waiting_types)
               if slot_is_open(practice=practice, visit_type=t, provider=provider,
                               starts_at=starts_at)]
    if not fitting:
        return []
    entries = _matching_entries(practice=practice, provider=provider, starts_at=starts_at,
                                visit_type_ids=[t.pk for t in fitting],
                                exclude_entry_ids=already.values("entry_id"))
    offers = []
    for entry in entries[:rules.waitlist_offer_batch]:
        offer = WaitlistOffer.objects.create(
            practice=practice, entry=entry, provider=provider, starts_at=starts_at,
            expires_at=min(now + timedelta(minutes=rules.waitlist_offer_minutes), starts_at))
        _tell(offer, "waitlist_offer")
        offers.append(offer)
    return offers


def _tell(offer, template):
    """A message about an offer, on the patient's channel, with a link to answer it."""
    from django.conf import settings

    from vpm.notify.services import message_queue
    from vpm.portal.services import portal_link_create

    from .notices import contact_for_patient

    entry = offer.entry
    patient = entry.patient
    contact = contact_for_patient(practice=offer.practice, patient_id=patient.pk,
                                  channel=patient.preferred_channel)
    if contact is None:
        return None

    channel, to = contact
    url = ""
    if template == "waitlist_offer":
        lives = max(offer.expires_at - timezone.now(), timedelta(minutes=5))
        _link, path = portal_link_create(patient=patient, purpose=OFFER, target=offer.pk,
                                         expires_in=min(lives, timedelta(days=30)))
        url = settings.VPM_SITE_URL.rstrip("/") + path
    with timezone.override(ZoneInfo(offer.practice.timezone)):
        return message_queue(
            practice=offer.practice, patient=patient, channel=channel, to=to, template=template,
            context={"offer": offer, "visit_name": entry.visit_type.name_for(
                patient.preferred_language), "starts_local": offer.starts_at,
                "provider_name": offer.provider.user.display_name, "url": url,
                "minutes": int((offer.expires_at - offer.created_at).total_seconds() // 60)},
            idempotency_key=f"waitlist-offer:{offer.pk}:{template}")


def _close_offers(practice, offers, status, *, tell):
    now = timezone.now()
    closed = list(offers.select_related("entry__patient", "entry__visit_type", "provider__user",
                                        "practice"))
    WaitlistOffer.objects.filter(pk__in=[o.pk for o in closed]).update(status=status,
                                                                       responded_at=now)
    if tell:
        for offer in closed:
            offer.status = status
            _tell(offer, "waitlist_gone")
    return closed


def _waitlist_reason(practice) -> ReasonCode:
    reason, _ = ReasonCode.objects.get_or_create(
        practice=practice, code="waitlist",
        defaults=dict(label="Earlier time from the waitlist", label_es="Hora antes, de la lista "
                      "de espera", applies_to=ReasonCode.AppliesTo.RESCHEDULE,
                      patient_may_choose=False, position=90))
    return reason


def waitlist_offer_accept(*, practice, offer) -> tuple[str, Appointment | None]:
    """("accepted", appointment) for the first to accept; ("gone", None) for the rest;
    ("expired", None) when too late."""
    from .services import (
        SchedulingError,
        SlotTaken,
        appointment_book,
        appointment_reschedule,
        lock_providers,
    )

    now = timezone.now()
    with transaction.atomic():
        # The provider's booking lock first, then the offer row: accepts of one time queue
        # up here, so the winner can close the others' offers without waiting on them.
        lock_providers(offer.provider_id)
        offer = (WaitlistOffer.objects.for_practice(practice).select_for_update(of=("self",))
                 .select_related("entry__patient", "entry__visit_type", "entry__appointment",
                                 "provider").get(pk=offer.pk))
        if offer.status == OfferStatus.ACCEPTED:
            return "accepted", offer.appointment
        if offer.status != OfferStatus.OFFERED:
            return offer.status, None
        if offer.expires_at <= now:
            offer.status, offer.responded_at = OfferStatus.EXPIRED, now
            offer.save(update_fields=["status", "responded_at"])
            return "expired", None
        entry = offer.entry
        try:
            with transaction.atomic():
                if entry.appointment is not None and entry.appointment.is_active:
                    appointment = appointment_reschedule(
                        practice=practice, appointment=entry.appointment,
                        starts_at=offer.starts_at, provider=offer.provider,
                        reason=_waitlist_reason(practice), via=Appointment.Via.WAITLIST,
                        note="accepted a waitlist offer")
                else:
                    appointment = appointment_book(
                        practice=practice, patient=entry.patient, provider=offer.provider,
                        visit_type=entry.visit_type, starts_at=offer.starts_at,
                        via=Appointment.Via.WAITLIST)
        except (SlotTaken, SchedulingError):
            offer.status, offer.responded_at = OfferStatus.GONE, now
            offer.save(update_fields=["status", "responded_at"])
            return "gone", None
        offer.status, offer.responded_at, offer.appointment = OfferStatus.ACCEPTED, now, appointment
        offer.save(update_fields=["status", "responded_at", "appointment"])
        entry.status, entry.closed_at = WaitlistEntry.Status.FULFILLED, now
        entry.save(update_fields=["status", "closed_at"])
        others = WaitlistOffer.objects.for_practice(practice).filter(
            provider=offer.provider, starts_at=offer.starts_at,
            status=OfferStatus.OFFERED).exclude(pk=offer.pk)
        _close_offers(practice, others, OfferStatus.GONE, tell=True)
    return "accepted", appointment


@transaction.atomic
def waitlist_offer_decline(*, practice, offer):
    WaitlistOffer.objects.for_practice(practice).filter(
        pk=offer.pk, status=OfferStatus.OFFERED).update(status=OfferStatus.DECLINED,
                                                        responded_at=timezone.now())


def waitlist_sweep(*, now=None) -> dict:
    """Beat, every minute: expire offers past their time; offer still-free times to the next
    batch."""
    now = now or timezone.now()
    expired = list(WaitlistOffer.objects.filter(status=OfferStatus.OFFERED, expires_at__lte=now)
                   .values_list("pk", flat=True)[:1000])
    WaitlistOffer.objects.filter(pk__in=expired, status=OfferStatus.OFFERED).update(
        status=OfferStatus.EXPIRED, responded_at=now)
    # Times whose offers all ended unanswered, still ahead: next batch.
    candidates = (WaitlistOffer.objects.filter(
        status__in=(OfferStatus.EXPIRED, OfferStatus.DECLINED), starts_at__gt=now,
        responded_at__gte=now - timedelta(days=1))
        .values_list("practice_id", "provider_id", "starts_at").distinct())
    offered = 0
    for practice_id, provider_id, starts_at in candidates[:200]:
        with transaction.atomic():
            from vpm.practices.models import Membership

            provider = Membership.objects.select_related("practice", "user").get(pk=provider_id)
            if Appointment.objects.filter(practice_id=practice_id, provider_id=provider_id,
                                          status__in=(AppointmentStatus.BOOKED,),
                                          starts_at=starts_at).exists():
                continue
            offered += len(waitlist_backfill(practice=provider.practice, provider=provider,
                                             starts_at=starts_at, now=now))
    return {"expired": len(expired), "offered": offered}


def offer_link_landing(link):
    from django.urls import reverse

    return reverse("portal_waitlist_offer", args=[link.practice.slug, link.target])
