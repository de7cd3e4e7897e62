"""The patient's side of messaging, on the portal's conventions (vpm.portal):
their own threads only, never internal notes; one question per page.

Writing a message: 1. the topic (or "not sure"); 2. for a clinical
question, a symptom or "not sure", the red-flag question: "yes" stores an
emergency message at once (so the on-call person is alerted even if the
patient writes nothing more) and shows the urgent instructions; 3. the
message itself, with an optional photo or PDF; 4. the acknowledgement.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.portal.access import patient_page

from .acknowledgement import urgent_instructions
from .models import MAX_BODY_CHARS, Attachment, Message
from .selectors import (
    messages_for_patient,
    refills_for_patient,
    thread_for_patient,
    threads_for_patient,
)
from .services.alerts import THREAD_LINK
from .services.threads import message_receive
from .staff_views import serve_attachment

# The picker: the engine's topics in plain words, a symptom, and "not sure".
TOPIC_PICKS = [
    ("symptom", gettext_lazy("A symptom or feeling unwell")),
    ("clinical_question", gettext_lazy("A question for my care team")),
    ("refill", gettext_lazy("A prescription refill")),
    ("test_result", gettext_lazy("Test results")),
    ("scheduling", gettext_lazy("Booking or changing a visit")),
    ("records", gettext_lazy("My medical records")),
    ("billing", gettext_lazy("A bill or payment")),
    ("referral", gettext_lazy("A referral")),
    ("tech_support", gettext_lazy("Trouble with a video visit or this website")),
    ("other", gettext_lazy("Something else")),
    ("not_sure", gettext_lazy("I'm not sure")),
]
RED_FLAG_PICKS = {"symptom", "clinical_question", "not_sure"}
# What the engine knows the pick as ("" lets the engine decide the topic).
PICK_TO_TOPIC = {"symptom": "clinical_question", "not_sure": ""}
RED_FLAG_SIGNS = [
    gettext_lazy("Chest pain or pressure"),
    gettext_lazy("Trouble breathing"),
    gettext_lazy("Signs of a stroke: a drooping face, a weak arm, or speech that is slurred or strange"),
    gettext_lazy("Heavy bleeding that does not stop"),
    gettext_lazy("Thoughts of hurting yourself or ending your life"),
    gettext_lazy("Fainting, or someone who is very hard to wake"),
    gettext_lazy("A baby or child who is very unwell"),
    gettext_lazy("A bad allergic reaction: a swollen face, lips or throat"),
]


class TopicForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("What is your message about?"),
                              choices=TOPIC_PICKS, widget=forms.RadioSelect,
                              error_messages={"required": gettext_lazy(
                                  "Choose what your message is about, or “I'm not sure”.")})


class RedFlagForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Is any of these happening right now?"), widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        error_messages={"required": gettext_lazy("Choose yes or no.")})


class WriteForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Your message"), max_length=MAX_BODY_CHARS,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": gettext_lazy("Write your message."),
                                           "max_length": gettext_lazy(
                                               "Your message is too long. Keep it under "
                                               "10,000 characters.")})
    attachment = forms.FileField(label=gettext_lazy("Add a photo or PDF (optional)"),
                                 required=False)


def _posted(request, files=False):
    """The posted data, even when empty (an empty POST must show its errors)."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


def _pick(request):
    pick = request.GET.get("topic", "")
    return pick if pick in dict(TOPIC_PICKS) else None


def _to_new(request, step, pick, **extra):
    query = "&".join(f"{key}={value}" for key, value in {"topic": pick, **extra}.items())
    return redirect(f"{reverse(step, args=[request.practice.slug])}?{query}")


@never_cache
@patient_page
def message_list(request, practice_slug):
    patient = request.portal.patient
    threads = threads_for_patient(practice=request.practice, patient=patient)[:50]
    refills = refills_for_patient(practice=request.practice, patient=patient)[:20]
    audit_record(request=request, practice=request.practice, patient=patient,
                 action=AuditEvent.Action.VIEW_MESSAGES)
    return render(request, "messaging/portal/list.html",
                  {"patient": patient, "threads": threads, "refills": refills})


@never_cache
@patient_page
@require_http_methods(["GET", "POST"])
def message_new(request, practice_slug):
    form = TopicForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        pick = form.cleaned_data["topic"]
        step = "portal_message_check" if pick in RED_FLAG_PICKS else "portal_message_write"
        return _to_new(request, step, pick)
    return render(request, "messaging/portal/new_topic.html", {"form": form},
                  status=400 if form.errors else 200)


@never_cache
@patient_page
@require_http_methods(["GET", "POST"])
def message_check(request, practice_slug):
    pick = _pick(request)
    if pick is None:
        return redirect("portal_message_new", practice_slug=practice_slug)
    form = RedFlagForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["answer"] == "yes":
            return _emergency_now(request, pick)
        return _to_new(request, "portal_message_write", pick, red_flag="no")
    return render(request, "messaging/portal/new_check.html",
                  {"form": form, "signs": RED_FLAG_SIGNS, "pick": pick},
                  status=400 if form.errors else 200)


def _emergency_now(request, pick):
    """"Yes": the net that holds whatever the words. Store it now, as an emergency."""
    received = message_receive(
        practice=request.practice, patient=request.portal.patient, channel=Message.Channel.PORTAL,
        body=_("I answered YES: something on the emergency list is happening right now."),
        topic_picked=PICK_TO_TOPIC.get(pick, pick), red_flag_answer=Message.RedFlag.YES)
    return render(request, "messaging/portal/emergency.html", {
        "instructions": urgent_instructions(practice=request.practice,
                                            language=request.portal.patient.preferred_language),
        "thread": received.thread})


@never_cache
@patient_page
@require_http_methods(["GET", "POST"])
def message_write(request, practice_slug):
    pick = _pick(request)
    if pick is None:
        return redirect("portal_message_new", practice_slug=practice_slug)
    form = WriteForm(_posted(request), _posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            received = _send(request, form.cleaned_data, pick=pick,
                             red_flag=request.GET.get("red_flag") == "no" and "no" or "")
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return _acknowledged(request, received)
    return render(request, "messaging/portal/new_write.html",
                  {"form": form, "pick": pick, "pick_label": dict(TOPIC_PICKS)[pick]},
                  status=400 if form.errors else 200)


def _send(request, data, *, pick=None, red_flag="", into_thread=None):
    attachment = data.get("attachment")
    return message_receive(
        practice=request.practice, patient=request.portal.patient, body=data["body"],
        channel=Message.Channel.PORTAL, topic_picked=PICK_TO_TOPIC.get(pick, pick or ""),
        red_flag_answer=red_flag, attachments=[attachment] if attachment else [],
        into_thread=into_thread)


def _errors_to_form(form, error):
    mapping = {"body": "body", "attachments": "attachment", "topic": None}
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(mapping.get(field), errors)


def _acknowledged(request, received):
    ack = received.acknowledgement
    if ack is not None:
        for line in ack.lines:
            messages.info(request, line)
    else:
        messages.info(request, _("Your message was added to this conversation."))
    return redirect("portal_thread", practice_slug=request.practice.slug,
                    thread_id=received.thread.pk)


@never_cache
@patient_page(link_purposes=(THREAD_LINK,))
@require_http_methods(["GET", "POST"])
def thread_detail(request, practice_slug, thread_id):
    """One thread: for a signed-in patient, or through the link of a reply notice,
    which opens this thread only (another thread of theirs is a 404)."""
    patient = request.portal.patient
    thread = thread_for_patient(practice=request.practice, patient=patient, thread_id=thread_id)
    request.portal.require_target(purpose=THREAD_LINK, target=thread.pk)
    form = WriteForm(_posted(request), _posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            received = _send(request, form.cleaned_data, into_thread=thread)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            return _acknowledged(request, received)
    audit_record(request=request, practice=request.practice, patient=patient, obj=thread,
                 action=AuditEvent.Action.VIEW_THREAD)
    return render(request, "messaging/portal/thread.html", {
        "thread": thread, "thread_messages": messages_for_patient(thread), "form": form,
        "refills": thread.refills.order_by("-created_at")}, status=400 if form.errors else 200)


@never_cache
@patient_page(link_purposes=(THREAD_LINK,))
def attachment_download(request, practice_slug, attachment_id):
    attachment = get_object_or_404(
        Attachment.objects.for_practice(request.practice).select_related("message__thread")
        .exclude(message__direction=Message.Direction.NOTE),
        pk=attachment_id, message__thread__patient=request.portal.patient)
    request.portal.require_target(purpose=THREAD_LINK, target=attachment.message.thread_id)
    return serve_attachment(request, attachment)
