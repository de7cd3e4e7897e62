"""The patient's pages: book (questionnaire → recommended visit → time → check → done),
see a visit, download it to a calendar, move or cancel it with a reason.

Portal conventions (vpm.portal.access): accounts always; a checked link of
purpose "visit" opens only its own visit's pages. Another patient's visit, or
another practice's, is a 404. One question per page, the error by the field.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.portal.access import patient_page

from . import selectors
from .forms import parse_slot_key
from .hooks import steps_for
from .ics import appointment_ics
from .models import Appointment, VisitType
from .notices import visit_context, visit_url
from .services import (
    SchedulingError,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from .views import posted as _posted

VISIT = "visit"  # the portal link purpose that opens one visit's pages
SLOTS_OFFERED = 8
ANSWERS_KEY = "scheduling_answers"


def _own_appointment(request, appointment_id):
    visitor = request.portal
    appointment = get_object_or_404(
        Appointment.objects.for_practice(request.practice)
        .select_related("practice", "visit_type", "provider__user", "patient"),
        pk=appointment_id, patient=visitor.patient)
    visitor.require_target(purpose=VISIT, target=appointment.pk)
    audit_record(request=request, practice=request.practice, patient=visitor.patient,
                 obj=appointment, action=AuditEvent.Action.VIEW_PATIENT)
    return appointment


def _may_change_online(appointment):
    rules = selectors.scheduling_settings_for(appointment.practice)
    return appointment.is_active and appointment.starts_at > timezone.now() + timedelta(
        hours=rules.patient_min_notice_hours)


@never_cache
@patient_page(link_purposes=(VISIT,))
def portal_visit(request, practice_slug, appointment_id):
    appointment = _own_appointment(request, appointment_id)
    language = request.LANGUAGE_CODE
    return render(request, "scheduling/portal/visit.html", {
        **visit_context(appointment, language=language),
        "steps": steps_for(appointment, language=language),
        "may_change": _may_change_online(appointment),
        "waitlist_url": reverse("portal_waitlist_join", args=[practice_slug, appointment.pk]),
    })


@never_cache
@patient_page(link_purposes=(VISIT,))
def portal_visit_ics(request, practice_slug, appointment_id):
    appointment = _own_appointment(request, appointment_id)
    response = HttpResponse(appointment_ics(appointment, visit_url=visit_url(appointment),
                                            language=request.LANGUAGE_CODE),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response


# --- Cancel and move -----------------------------------------------------------

class PortalReasonForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why?"), widget=forms.RadioSelect,
                               error_messages={"required": gettext_lazy("Choose a reason.")})
    note = forms.CharField(label=gettext_lazy("Anything else we should know? (optional)"),
                           max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, practice, action, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = {str(c.pk): c for c in selectors.reason_codes_for(
            practice, action=action, patient=True)}
        self.fields["reason"].choices = [(pk, c.label_for(language))
                                         for pk, c in self.codes.items()]
        self.fields["reason"].error_messages["invalid_choice"] = _("Choose one of the reasons.")

    def clean_reason(self):
        return self.codes[self.cleaned_data["reason"]]


@never_cache
@patient_page(link_purposes=(VISIT,))
@require_http_methods(["GET", "POST"])
def portal_visit_cancel(request, practice_slug, appointment_id):
    appointment = _own_appointment(request, appointment_id)
    form = PortalReasonForm(_posted(request), practice=request.practice, action="cancel",
                            language=request.LANGUAGE_CODE)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                appointment_cancel(practice=request.practice, appointment=appointment,
                                   reason=form.cleaned_data["reason"],
                                   note=form.cleaned_data["note"], via=Appointment.Via.PATIENT)
            except SchedulingError as error:
                form.add_error(None, _patient_message(error))
            else:
                messages.success(request, _("Your visit is cancelled. We sent you a message "
                                            "to say so."))
                return redirect("portal_visit", practice_slug=practice_slug,
                                appointment_id=appointment.pk)
    return render(request, "scheduling/portal/cancel.html",
                  {"appointment": appointment, "form": form,
                   **visit_context(appointment, language=request.LANGUAGE_CODE)}, status=status)


def _patient_message(error):
    """Service messages are English sentences for staff; patients get plain translated ones."""
    if isinstance(error, SlotTaken):
        return _("That time was just taken. Please choose another time.")
    if "too soon" in str(error) or "closes" in str(error) or "started" in str(error):
        return _("This is too close to the visit to do online. Please call us.")
    if error.field == "visit_type":
        return _("This visit cannot be booked online. Please call us to book it.")
    if error.field == "starts_at":
        return _("That time cannot be booked. Please choose another time.")
    return _("We could not do that. Please call us.")


@never_cache
@patient_page(link_purposes=(VISIT,))
@require_http_methods(["GET", "POST"])
def portal_visit_reschedule(request, practice_slug, appointment_id):
    appointment = _own_appointment(request, appointment_id)
    practice = request.practice
    form = PortalReasonForm(_posted(request), practice=practice, action="reschedule",
                            language=request.LANGUAGE_CODE)
    chosen = parse_slot_key(request.POST.get("slot") or request.GET.get("slot", ""),
                            selectors.providers_for(practice))
    status, next_slots = 200, []
    if request.method == "POST" and chosen:
        status = 400
        if form.is_valid():
            provider, starts_at = chosen
            try:
                appointment_reschedule(practice=practice, appointment=appointment,
                                       starts_at=starts_at, provider=provider,
                                       reason=form.cleaned_data["reason"],
                                       note=form.cleaned_data["note"], via=Appointment.Via.PATIENT)
            except SchedulingError as error:
                form.add_error(None, _patient_message(error))
                if isinstance(error, SlotTaken):
                    next_slots, chosen, status = error.next_slots, None, 409
            else:
                messages.success(request, _("Your visit has moved. We sent you a message with "
                                            "the new time."))
                return redirect("portal_visit", practice_slug=practice_slug,
                                appointment_id=appointment.pk)
    slots = next_slots or _offered_slots(practice, appointment.visit_type,
                                         exclude_appointment=appointment)
    return render(request, "scheduling/portal/reschedule.html", {
        "appointment": appointment, "form": form, "chosen": chosen, "slots": slots,
        "chosen_key": request.POST.get("slot") or request.GET.get("slot", ""),
        **visit_context(appointment, language=request.LANGUAGE_CODE)}, status=status)


def _offered_slots(practice, visit_type, *, exclude_appointment=None):
    rules = selectors.scheduling_settings_for(practice)
    after = timezone.now() + timedelta(hours=rules.patient_min_notice_hours)
    today = timezone.localdate()
    return selectors.slot_search(practice=practice, visit_type=visit_type, first_day=today,
                                 last_day=today + timedelta(days=selectors.MAX_SEARCH_DAYS - 1),
                                 not_before=after, limit=SLOTS_OFFERED,
                                 exclude_appointment=exclude_appointment)


# --- Booking -------------------------------------------------------------------

def _answers(request):
    return request.session.get(ANSWERS_KEY, {}).get(str(request.practice.pk), [])


def _set_answers(request, answers):
    stored = request.session.get(ANSWERS_KEY, {})
    stored[str(request.practice.pk)] = answers
    request.session[ANSWERS_KEY] = stored


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(widget=forms.RadioSelect,
                               error_messages={"required": gettext_lazy("Choose an answer."),
                                               "invalid_choice": gettext_lazy("Choose an answer.")})

    def __init__(self, *args, question, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = question.text_for(language)
        self.fields["answer"].choices = [(str(a.pk), a.text_for(language))
                                         for a in question.answers.all()]


@never_cache
@patient_page
def portal_book_start(request, practice_slug):
    _set_answers(request, [])
    return redirect("portal_book_question", practice_slug=practice_slug)


@never_cache
@patient_page
@require_http_methods(["GET", "POST"])
def portal_book_question(request, practice_slug):
    """One question per page; the answers so far live in the session, ids only."""
    practice = request.practice
    answers = _answers(request)
    outcome = selectors.questionnaire_outcome(practice=practice, answer_ids=answers)
    if outcome.next_question is None:
        return redirect("portal_book_result", practice_slug=practice_slug)
    question = outcome.next_question
    form = AnswerForm(_posted(request), question=question, language=request.LANGUAGE_CODE)
    if request.method == "POST" and form.is_valid():
        _set_answers(request, [*answers, int(form.cleaned_data["answer"])])
        return redirect("portal_book_question", practice_slug=practice_slug)
    questions = selectors.questionnaire_for(practice)
    number = next(i for i, q in enumerate(questions, 1) if q.pk == question.pk)
    return render(request, "scheduling/portal/question.html", {
        "form": form, "question": question, "number": number, "total": len(questions),
        "first": not answers}, status=400 if form.errors else 200)


@never_cache
@patient_page
def portal_book_result(request, practice_slug):
    practice = request.practice
    outcome = selectors.questionnaire_outcome(practice=practice, answer_ids=_answers(request))
    if outcome.next_question is not None:
        return redirect("portal_book_question", practice_slug=practice_slug)
    visit_type = outcome.visit_type
    online = visit_type is not None and visit_type.booking == VisitType.Booking.PATIENT
    slots = _offered_slots(practice, visit_type) if online else []
    return render(request, "scheduling/portal/result.html", {
        "visit_type": visit_type, "online": online, "slots": slots,
        "visit_name": visit_type.name_for(request.LANGUAGE_CODE) if visit_type else ""})


@never_cache
@patient_page
@require_http_methods(["GET", "POST"])
def portal_book_confirm(request, practice_slug):
    """Check your answers, then book."""
    practice = request.practice
    patient = request.portal.patient
    key = request.POST.get("slot") or request.GET.get("slot", "")
    chosen = parse_slot_key(key, selectors.providers_for(practice))
    type_id = request.POST.get("visit_type") or request.GET.get("visit_type") or ""
    visit_type = VisitType.objects.for_practice(practice).filter(
        pk=int(type_id) if type_id.isdigit() and len(type_id) < 12 else 0, is_active=True).first()
    if chosen is None or visit_type is None:
        messages.error(request, _("Choose a time first."))
        return redirect("portal_book_result", practice_slug=practice_slug)
    provider, starts_at = chosen
    error, next_slots, status = "", [], 200
    if request.method == "POST":
        try:
            appointment = appointment_book(practice=practice, patient=patient, provider=provider,
                                           visit_type=visit_type, starts_at=starts_at,
                                           via=Appointment.Via.PATIENT)
        except SchedulingError as refusal:
            error, status = _patient_message(refusal), 400
            if isinstance(refusal, SlotTaken):
                next_slots, status = refusal.next_slots, 409
        else:
            _set_answers(request, [])
            messages.success(request, _("Your visit is booked. We sent you a message with the "
                                        "details."))
            return redirect("portal_visit", practice_slug=practice_slug,
                            appointment_id=appointment.pk)
    return render(request, "scheduling/portal/confirm.html", {
        "visit_type": visit_type, "visit_name": visit_type.name_for(request.LANGUAGE_CODE),
        "provider_name": provider.user.display_name, "starts_at": starts_at, "slot_key": key,
        "error": error, "next_slots": next_slots}, status=status)


def upcoming_visits_status(*, practice, patient):
    """The portal status home: each upcoming visit, with what happens next (one query)."""
    from vpm.portal.registry import DOING, StatusEntry

    visits = (Appointment.objects.for_practice(practice).upcoming(timezone.now())
              .filter(patient=patient).select_related("visit_type", "provider__user")
              .order_by("starts_at")[:5])
    for visit in visits:
        language = patient.preferred_language
        yield StatusEntry(
            section=DOING,
            title=_("Your visit: %(visit)s with %(who)s") % {
                "visit": visit.visit_type.name_for(language),
                "who": visit.provider.user.display_name},
            next_step=_("We will send you reminders before the visit."),
            team=_("Front desk team"), due_by=visit.starts_at,
            action_url=reverse("portal_visit", args=[practice.slug, visit.pk]),
            action_label=_("See your visit"))


def visit_link_landing(link):
    return reverse("portal_visit", args=[link.practice.slug, link.target])



# --- Waitlist --------------------------------------------------------------------

class WaitlistJoinForm(forms.Form):
    available_until = forms.DateField(
        label=gettext_lazy("Until when could you come?"), widget=forms.DateInput(
            attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Enter the last day you could come."),
                        "invalid": gettext_lazy("Enter a date like 2027-03-15.")})


@never_cache
@patient_page(link_purposes=(VISIT,))
@require_http_methods(["GET", "POST"])
def portal_waitlist_join(request, practice_slug, appointment_id):
    """Ask for an earlier time than this visit: offers come by text or email."""
    from vpm.validators import check_date_bounds

    from .waitlist import WaitlistError, waitlist_join

    appointment = _own_appointment(request, appointment_id)
    form = WaitlistJoinForm(_posted(request), initial={
        "available_until": timezone.localtime(appointment.starts_at).date()})
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["available_until"]
        try:
            check_date_bounds(until, max_future=timedelta(days=400))
            waitlist_join(practice=request.practice, patient=request.portal.patient,
                          visit_type=appointment.visit_type, appointment=appointment,
                          available_from=timezone.localdate(),
                          available_until=min(until, timezone.localtime(
                              appointment.starts_at).date()))
        except (WaitlistError, forms.ValidationError):
            form.add_error("available_until", _("Choose a day from today until your visit."))
        else:
            messages.success(request, _("You are on the waitlist. If an earlier time is free, "
                                        "we will send you an offer. Your visit stays booked."))
            return redirect("portal_visit", practice_slug=practice_slug,
                            appointment_id=appointment.pk)
    return render(request, "scheduling/portal/waitlist_join.html", {
        "appointment": appointment, "form": form,
        **visit_context(appointment, language=request.LANGUAGE_CODE)},
        status=400 if form.errors else 200)


@never_cache
@patient_page(link_purposes=("waitlist_offer",))
@require_http_methods(["GET", "POST"])
def portal_waitlist_offer(request, practice_slug, offer_id):
    from .models import WaitlistOffer
    from .waitlist import waitlist_offer_accept, waitlist_offer_decline

    visitor = request.portal
    offer = get_object_or_404(
        WaitlistOffer.objects.for_practice(request.practice)
        .select_related("entry__visit_type", "provider__user", "entry__appointment"),
        pk=offer_id, entry__patient=visitor.patient)
    visitor.require_target(purpose="waitlist_offer", target=offer.pk)
    audit_record(request=request, practice=request.practice, patient=visitor.patient, obj=offer,
                 action=AuditEvent.Action.VIEW_PATIENT)
    outcome = None
    if request.method == "POST":
        if request.POST.get("answer") == "accept":
            outcome, appointment = waitlist_offer_accept(practice=request.practice, offer=offer)
            if outcome == "accepted":
                messages.success(request, _("It is yours. Your visit is booked at the new time."))
                if visitor.link is None:
                    return redirect("portal_visit", practice_slug=practice_slug,
                                    appointment_id=appointment.pk)
        elif request.POST.get("answer") == "decline":
            waitlist_offer_decline(practice=request.practice, offer=offer)
            outcome = "declined"
        offer.refresh_from_db()
    return render(request, "scheduling/portal/waitlist_offer.html", {
        "offer": offer, "outcome": outcome or "",
        "visit_name": offer.entry.visit_type.name_for(request.LANGUAGE_CODE)},
        status=409 if outcome == "gone" else 200)
