"""Staff and manager pages of scheduling. Thin: forms check input, services change things."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.patients.selectors import patient_get_for_staff
from vpm.practices.access import manager_required, staff_required

from . import forms, selectors
from .channels import channel_status, channel_verification_send
from .models import Appointment
from .services import (
    SchedulingError,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_link_identity_check,
    appointment_mark_attendance,
    appointment_reschedule,
)

SLOTS_SHOWN = 40


def posted(request):
    """The POST data, or None on GET: an empty POST must still bind (and fail) the form."""
    return request.POST if request.method == "POST" else None


def _when(practice, value):
    return timezone.localtime(value).strftime("%a %b %-d, %-I:%M %p %Z")


def _form_error(form, error: SchedulingError):
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


# --- Booking from the patient page -------------------------------------------

@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def book_for_patient(request, practice_slug, patient_id):
    """Search open slots and book one: visit type, provider or any, from a day."""
    practice = request.practice
    patient = patient_get_for_staff(practice=practice, patient_id=patient_id)
    audit_record(request=request, practice=practice, patient=patient, obj=patient,
                 action=AuditEvent.Action.VIEW_PATIENT)
    search = forms.SlotSearchForm(request.GET or None, practice=practice)
    book_form = forms.BookForm(posted(request), practice=practice, patient=patient)
    status, next_slots = 200, []
    if request.method == "POST":
        if book_form.is_valid():
            provider, starts_at = book_form.cleaned_data["slot"]
            try:
                appointment = appointment_book(
                    practice=practice, patient=patient, provider=provider,
                    visit_type=book_form.cleaned_data["visit_type"], starts_at=starts_at,
                    via=Appointment.Via.STAFF, booked_by=request.user,
                    channel=book_form.cleaned_data["channel"],
                    reason_note=book_form.cleaned_data["reason_note"],
                    identity_check=book_form.cleaned_data["identity_check"])
            except SlotTaken as taken:
                _form_error(book_form, taken)
                next_slots, status = taken.next_slots, 409
            except SchedulingError as error:
                _form_error(book_form, error)
                status = 400
            else:
                messages.success(request, f"Booked {appointment.visit_type.name} with "
                                          f"{provider.user.display_name} on "
                                          f"{_when(practice, starts_at)}.")
                return redirect("appointment_detail", practice_slug=practice.slug,
                                appointment_id=appointment.pk)
        else:
            status = 400
    slots = []
    if search.is_bound and search.is_valid():
        data = search.cleaned_data
        slots = selectors.slot_search(
            practice=practice, visit_type=data["visit_type"], provider=data["provider"],
            first_day=data["from_day"], last_day=data["from_day"] + timedelta(days=data["days"] - 1),
            limit=SLOTS_SHOWN)
    elif search.is_bound:
        status = 400
    return render(request, "scheduling/staff/book.html", {
        "patient": patient, "search": search, "book_form": book_form, "slots": slots,
        "next_slots": next_slots,
        "visit_type": search.cleaned_data.get("visit_type") if search.is_bound and search.is_valid() else None,
        "channels": {c: channel_status(patient=patient, channel=c) for c in ("sms", "email")},
        "upcoming": selectors.appointments_for_patient(practice=practice, patient=patient)[:5],
    }, status=status)


# --- One appointment ---------------------------------------------------------

def _appointment(request, appointment_id):
    appointment = get_object_or_404(
        Appointment.objects.for_practice(request.practice).select_related(
            "patient", "visit_type", "provider__user", "booked_by", "cancel_reason",
            "identity_check__checked_by"),
        pk=appointment_id)
    audit_record(request=request, practice=request.practice, patient=appointment.patient,
                 obj=appointment, action=AuditEvent.Action.VIEW_PATIENT)
    return appointment


def _render_appointment(request, appointment, *, status=200, **forms_given):
    practice = request.practice
    context = selectors.appointment_page(practice=practice, appointment=appointment)
    context.update({
        "cancel_form": forms.ReasonForm(practice=practice, action="cancel", auto_id="cancel_%s"),
        "attendance_form": forms.AttendanceForm(auto_id="attendance_%s"),
        "identity_form": forms.IdentityLinkForm(practice=practice, patient=appointment.patient),
        **forms_given,
    })
    return render(request, "scheduling/staff/appointment.html", context, status=status)


@never_cache
@staff_required
def appointment_detail(request, practice_slug, appointment_id):
    return _render_appointment(request, _appointment(request, appointment_id))


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def appointment_reschedule_view(request, practice_slug, appointment_id):
    practice = request.practice
    appointment = _appointment(request, appointment_id)
    form = forms.RescheduleForm(posted(request), practice=practice)
    status, next_slots = 200, []
    if request.method == "POST":
        if form.is_valid():
            provider, starts_at = form.cleaned_data["slot"]
            try:
                appointment_reschedule(practice=practice, appointment=appointment,
                                       starts_at=starts_at, provider=provider,
                                       reason=form.cleaned_data["reason"],
                                       note=form.cleaned_data["note"], via=Appointment.Via.STAFF,
                                       actor=request.user)
            except SlotTaken as taken:
                _form_error(form, taken)
                next_slots, status = taken.next_slots, 409
            except SchedulingError as error:
                _form_error(form, error)
                status = 400
            else:
                messages.success(request, f"Moved to {_when(practice, starts_at)}. The patient "
                                          "is told and reminders are planned again.")
                return redirect("appointment_detail", practice_slug=practice.slug,
                                appointment_id=appointment.pk)
        else:
            status = 400
    search = forms.SlotSearchForm(request.GET or None, practice=practice)
    first_day = timezone.localdate()
    days, provider = 14, None
    if search.is_bound and search.is_valid():
        first_day, days = search.cleaned_data["from_day"], search.cleaned_data["days"]
        provider = search.cleaned_data["provider"]
    slots = selectors.slot_search(
        practice=practice, visit_type=appointment.visit_type, provider=provider,
        first_day=first_day, last_day=first_day + timedelta(days=days - 1), limit=SLOTS_SHOWN,
        exclude_appointment=appointment)
    return render(request, "scheduling/staff/reschedule.html", {
        "appointment": appointment, "form": form, "search": search, "slots": slots,
        "next_slots": next_slots}, status=status)


def _refused(request, appointment, error, **forms_given):
    messages.error(request, str(error))
    return _render_appointment(request, appointment, status=400, **forms_given)


@never_cache
@staff_required
@require_POST
def appointment_cancel_view(request, practice_slug, appointment_id):
    appointment = _appointment(request, appointment_id)
    form = forms.ReasonForm(request.POST, practice=request.practice, action="cancel",
                            auto_id="cancel_%s")
    if not form.is_valid():
        return _render_appointment(request, appointment, status=400, cancel_form=form)
    try:
        appointment = appointment_cancel(practice=request.practice, appointment=appointment,
                                         reason=form.cleaned_data["reason"],
                                         note=form.cleaned_data["note"],
                                         via=Appointment.Via.STAFF, actor=request.user)
    except SchedulingError as error:
        _form_error(form, error)
        return _render_appointment(request, appointment, status=400, cancel_form=form)
    messages.success(request, f"{appointment.get_status_display()}: the patient is told and "
                              "reminders are stopped.")
    return redirect("appointment_detail", practice_slug=practice_slug,
                    appointment_id=appointment.pk)


@never_cache
@staff_required
@require_POST
def appointment_attendance_view(request, practice_slug, appointment_id):
    appointment = _appointment(request, appointment_id)
    form = forms.AttendanceForm(request.POST, auto_id="attendance_%s")
    if not form.is_valid():
        return _render_appointment(request, appointment, status=400, attendance_form=form)
    try:
        appointment = appointment_mark_attendance(
            practice=request.practice, appointment=appointment,
            outcome=form.cleaned_data["outcome"], actor=request.user)
    except SchedulingError as error:
        _form_error(form, error)
        return _render_appointment(request, appointment, status=400, attendance_form=form)
    messages.success(request, f"Recorded: {appointment.get_status_display()}.")
    return redirect("appointment_detail", practice_slug=practice_slug,
                    appointment_id=appointment.pk)


@never_cache
@staff_required
@require_POST
def appointment_verify_channel(request, practice_slug, appointment_id):
    appointment = _appointment(request, appointment_id)
    try:
        channel_verification_send(patient=appointment.patient, channel=appointment.channel)
    except SchedulingError as error:
        return _refused(request, appointment, error)
    messages.success(request, "Code sent. The patient confirms it by the code or the link.")
    return redirect("appointment_detail", practice_slug=practice_slug,
                    appointment_id=appointment.pk)


@never_cache
@staff_required
@require_POST
def appointment_identity_check(request, practice_slug, appointment_id):
    appointment = _appointment(request, appointment_id)
    form = forms.IdentityLinkForm(request.POST, practice=request.practice,
                                  patient=appointment.patient)
    if not form.is_valid():
        return _render_appointment(request, appointment, status=400, identity_form=form)
    appointment_link_identity_check(practice=request.practice, appointment=appointment,
                                    identity_check=form.cleaned_data["identity_check"],
                                    actor=request.user)
    messages.success(request, "Identity check linked to this visit.")
    return redirect("appointment_detail", practice_slug=practice_slug,
                    appointment_id=appointment.pk)


# --- Day and week view -------------------------------------------------------

@never_cache
@staff_required
def schedule(request, practice_slug):
    practice = request.practice
    form = forms.DayViewForm(request.GET or None, practice=practice)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    providers = list(selectors.providers_for(practice))
    provider = data.get("provider") or (providers[0] if providers else None)
    day = data.get("day") or timezone.localdate()
    view = data.get("view") or "day"
    first_day = day - timedelta(days=day.weekday()) if view == "week" else day
    last_day = first_day + timedelta(days=6 if view == "week" else 0)
    days = []
    if provider is not None:
        appointments = list(selectors.appointments_for_day_view(
            practice=practice, provider=provider, first_day=first_day, last_day=last_day))
        for offset in range((last_day - first_day).days + 1):
            date = first_day + timedelta(days=offset)
            days.append((date, [a for a in appointments
                                if timezone.localtime(a.starts_at).date() == date]))
        audit_record(request=request, practice=practice, action=AuditEvent.Action.LIST_PATIENTS)
    step = timedelta(days=7 if view == "week" else 1)
    return render(request, "scheduling/staff/schedule.html", {
        "form": form, "provider": provider, "providers": providers, "days": days, "view": view,
        "day": day, "previous_day": day - step, "next_day": day + step,
    }, status=200 if valid else 400)


# --- Manager set-up ----------------------------------------------------------

def _edit(request, form_class, *, instance=None, template_title, done_url, done_message,
          **form_kwargs):
    form = form_class(posted(request), instance=instance, practice=request.practice,
                      **form_kwargs)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, done_message)
            return redirect(done_url)
        status = 400
    else:
        status = 200
    return render(request, "scheduling/manage/form.html",
                  {"form": form, "title": template_title, "back_url": done_url}, status=status)


@never_cache
@manager_required
def setup(request, practice_slug):
    practice = request.practice
    return render(request, "scheduling/manage/setup.html",
                  selectors.setup_overview(practice=practice))


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def visit_type_edit(request, practice_slug, visit_type_id=None):
    instance = visit_type_id and get_object_or_404(
        selectors.visit_types_for(request.practice, active=False), pk=visit_type_id)
    return _edit(request, forms.VisitTypeForm, instance=instance or None,
                 template_title="Edit visit type" if instance else "New visit type",
                 done_url=reverse("scheduling_setup", args=[practice_slug]) + "#visit-types",
                 done_message="Visit type saved.")


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def reason_code_edit(request, practice_slug, reason_id=None):
    from .models import ReasonCode

    instance = reason_id and get_object_or_404(ReasonCode.objects.for_practice(request.practice),
                                               pk=reason_id)
    return _edit(request, forms.ReasonCodeForm, instance=instance or None,
                 template_title="Edit reason" if instance else "New reason",
                 done_url=reverse("scheduling_setup", args=[practice_slug]) + "#reasons",
                 done_message="Reason saved.")


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def settings_edit(request, practice_slug):
    rules = selectors.scheduling_settings_for(request.practice)
    form = forms.SchedulingSettingsForm(posted(request), instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Scheduling rules saved. New bookings use them at once; "
                                  "reminders already planned keep their times.")
        return redirect(reverse("scheduling_setup", args=[practice_slug]) + "#rules")
    return render(request, "scheduling/manage/form.html", {
        "form": form, "title": "Scheduling rules",
        "back_url": reverse("scheduling_setup", args=[practice_slug])},
        status=400 if form.errors else 200)


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def block_edit(request, practice_slug, block_id=None):
    from .models import TemplateBlock

    instance = block_id and get_object_or_404(
        TemplateBlock.objects.for_practice(request.practice), pk=block_id)
    return _edit(request, forms.TemplateBlockForm, instance=instance or None,
                 template_title="Edit template block" if instance else "New template block",
                 done_url=reverse("scheduling_setup", args=[practice_slug]) + "#templates",
                 done_message="Template block saved.")


@never_cache
@manager_required
@require_POST
def block_delete(request, practice_slug, block_id):
    from .models import TemplateBlock

    block = get_object_or_404(TemplateBlock.objects.for_practice(request.practice), pk=block_id)
    block.delete()
    messages.success(request, "Block removed. Visits already booked in it stay booked: the "
                              "template audit lists any that no longer fit.")
    return redirect(reverse("scheduling_setup", args=[practice_slug]) + "#templates")


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def exception_new(request, practice_slug):
    return _edit(request, forms.TemplateExceptionForm, template_title="New time off or extra session",
                 done_url=reverse("scheduling_setup", args=[practice_slug]) + "#exceptions",
                 done_message="Saved.")


@never_cache
@manager_required
@require_POST
def exception_delete(request, practice_slug, exception_id):
    from .models import TemplateException

    exception = get_object_or_404(TemplateException.objects.for_practice(request.practice),
                                  pk=exception_id)
    exception.delete()
    messages.success(request, "Removed.")
    return redirect(reverse("scheduling_setup", args=[practice_slug]) + "#exceptions")


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def question_edit(request, practice_slug, question_id=None):
    from .models import BookingQuestion

    instance = question_id and get_object_or_404(
        BookingQuestion.objects.for_practice(request.practice), pk=question_id)
    return _edit(request, forms.BookingQuestionForm, instance=instance or None,
                 template_title="Edit question" if instance else "New question",
                 done_url=reverse("scheduling_setup", args=[practice_slug]) + "#questionnaire",
                 done_message="Question saved.")


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def answer_new(request, practice_slug, question_id):
    from .models import BookingQuestion

    question = get_object_or_404(BookingQuestion.objects.for_practice(request.practice),
                                 pk=question_id)
    return _edit(request, forms.BookingAnswerForm, question=question,
                 template_title=f"New answer to “{question.text}”",
                 done_url=reverse("scheduling_setup", args=[practice_slug]) + "#questionnaire",
                 done_message="Answer saved.")


@never_cache
@manager_required
@require_POST
def answer_delete(request, practice_slug, answer_id):
    from .models import BookingAnswer

    answer = get_object_or_404(BookingAnswer.objects.for_practice(request.practice), pk=answer_id)
    answer.delete()
    messages.success(request, "Answer removed.")
    return redirect(reverse("scheduling_setup", args=[practice_slug]) + "#questionnaire")


@never_cache
@manager_required
def audit(request, practice_slug):
    from .template_audit import template_audit

    form = forms.AuditForm(request.GET or None)
    weeks = (form.cleaned_data.get("weeks") if form.is_bound and form.is_valid() else None) or 4
    return render(request, "scheduling/manage/audit.html", {
        "form": form, "weeks": weeks,
        "report": template_audit(practice=request.practice, weeks=weeks),
    }, status=400 if form.is_bound and form.errors else 200)


@never_cache
@staff_required
def waitlist(request, practice_slug):
    """Who is waiting, and the offers out: sent, accepted, gone, expired."""
    from .models import WaitlistEntry, WaitlistOffer

    practice = request.practice
    entries = (WaitlistEntry.objects.for_practice(practice).active()
               .select_related("patient", "visit_type", "provider__user", "appointment")
               .order_by("created_at", "id")[:200])
    offers = (WaitlistOffer.objects.for_practice(practice)
              .select_related("entry__patient", "entry__visit_type", "provider__user")
              .order_by("-created_at", "-id")[:100])
    audit_record(request=request, practice=practice, action=AuditEvent.Action.LIST_PATIENTS)
    return render(request, "scheduling/staff/waitlist.html",
                  {"entries": entries, "offers": offers,
                   "stats": selectors.waitlist_stats(practice=practice)})
