"""Manager pages: the practice's triage rules with a preview, reply templates,
on-call and urgent-contact instructions, and recent staff corrections."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vpm.practices.access import manager_required
from vpm.practices.models import Membership

from . import forms
from .models import OnCall, ReplyTemplate, TriageCorrection, TriageRule
from .selectors import triage_for_practice
from .services import triage_rule_delete, triage_rule_save

CORRECTIONS_SHOWN = 50


def _people(practice):
    return [(m.user_id, f"{m.user.display_name} ({m.get_role_display()})") for m in
            Membership.objects.filter(practice=practice, is_active=True).select_related("user")
            .order_by("user__name")]


def _on_call_initial(practice):
    on_call = OnCall.objects.filter(practice=practice).first()
    return {"person": on_call.person_id if on_call else None,
            "role": on_call.role if on_call else "manager",
            "sms_number": on_call.sms_number if on_call else "",
            "urgent_contact_instructions": practice.urgent_contact_instructions}


@never_cache
@manager_required
def settings_page(request, practice_slug, status=200, **bound):
    practice = request.practice
    preview = bound.pop("preview", None)
    context = {
        "rules": TriageRule.objects.for_practice(practice).order_by("rule_id"),
        "rule_form": bound.get("rule_form") or forms.RuleForm(),
        "preview_form": bound.get("preview_form") or forms.PreviewForm(),
        "preview": preview,
        "templates": ReplyTemplate.objects.for_practice(practice),
        "template_form": bound.get("template_form") or forms.TemplateForm(),
        "on_call_form": bound.get("on_call_form") or forms.OnCallForm(
            initial=_on_call_initial(practice), people=_people(practice)),
        "corrections": TriageCorrection.objects.for_practice(practice)
        .select_related("corrected_by", "message")[:CORRECTIONS_SHOWN],
    }
    return render(request, "messaging/manager/settings.html", context, status=status)


def _back(request, text):
    messages.success(request, text)
    return redirect("messaging_settings", practice_slug=request.practice.slug)


@manager_required
@require_POST
def rule_save(request, practice_slug):
    form = forms.RuleForm(request.POST)
    if form.is_valid():
        try:
            rule = triage_rule_save(practice=request.practice, actor=request.user,
                                    definition=form.cleaned_data["definition"])
        except ValidationError as error:
            form.add_error("definition", error.messages)
        else:
            return _back(request, f"Rule {rule.rule_id} saved; new messages use it now.")
    return settings_page(request, practice_slug, status=400, rule_form=form)


@manager_required
@require_POST
def rule_delete(request, practice_slug, rule_id):
    if triage_rule_delete(practice=request.practice, rule_id=rule_id):
        return _back(request, f"Rule {rule_id} removed; the shipped default applies again.")
    return _back(request, f"There was no rule {rule_id} to remove.")


@never_cache
@manager_required
@require_POST
def rule_preview(request, practice_slug):
    form = forms.PreviewForm(request.POST)
    if not form.is_valid():
        return settings_page(request, practice_slug, status=400, preview_form=form)
    result = triage_for_practice(form.cleaned_data["text"], request.practice)
    return settings_page(request, practice_slug, preview_form=form, preview=result.as_dict())


@manager_required
@require_POST
def template_save(request, practice_slug):
    form = forms.TemplateForm(request.POST)
    if not form.is_valid():
        return settings_page(request, practice_slug, status=400, template_form=form)
    data = form.cleaned_data
    ReplyTemplate.objects.update_or_create(practice=request.practice, name=data["name"],
                                           language=data["language"],
                                           defaults={"body": data["body"]})
    return _back(request, f"Reply template “{data['name']}” saved.")


@manager_required
@require_POST
def template_delete(request, practice_slug, template_id):
    template = get_object_or_404(ReplyTemplate.objects.for_practice(request.practice),
                                 pk=template_id)
    template.delete()
    return _back(request, f"Reply template “{template.name}” deleted.")


@manager_required
@require_POST
def on_call_save(request, practice_slug):
    practice = request.practice
    form = forms.OnCallForm(request.POST, people=_people(practice))
    if not form.is_valid():
        return settings_page(request, practice_slug, status=400, on_call_form=form)
    data = form.cleaned_data
    OnCall.objects.update_or_create(practice=practice, defaults={
        "person_id": data["person"], "role": data["role"], "sms_number": data["sms_number"]})
    practice.urgent_contact_instructions = data["urgent_contact_instructions"].strip()
    practice.save(update_fields=["urgent_contact_instructions"])
    return _back(request, "On-call and urgent-contact instructions saved.")


@never_cache
@manager_required
def corrections_as_cases(request, practice_slug):
    """Recent corrections as labelled test cases (JSON lines: text, urgency,
    topic, language, rule), ready for tests/messaging/triage_cases.py or the
    practice's own checks. Staff-confirmed labels; the text is the patient's."""
    lines = []
    for correction in TriageCorrection.objects.for_practice(request.practice) \
            .select_related("thread", "message")[:500]:
        if correction.message is None:
            continue
        lines.append(json.dumps({
            "text": correction.message.body, "urgency": correction.thread.urgency,
            "topic": correction.thread.topic, "language": correction.thread.language,
            "misfired_rule": correction.rule_id, "field": correction.field}, ensure_ascii=False))
    response = HttpResponse("\n".join(lines) + "\n", content_type="application/x-ndjson")
    response["Content-Disposition"] = 'attachment; filename="triage-corrections.jsonl"'
    return response
