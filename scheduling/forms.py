"""Forms of the scheduling pages. Every date and time is bounded (vpm.validators)."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from vpm.patients.models import IdentityCheck
from vpm.validators import BoundedDateField

from .models import (
    Appointment,
    BookingAnswer,
    BookingQuestion,
    ReasonCode,
    SchedulingSettings,
    TemplateBlock,
    TemplateException,
    VisitType,
)
from .selectors import MAX_SEARCH_DAYS, providers_for, reason_codes_for, visit_types_for

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# A schedule is planned at most this far ahead, and looked back on this far.
PLAN_AHEAD = timedelta(days=400)
LOOK_BACK = timedelta(days=400)


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return membership.user.display_name


class SlotSearchForm(forms.Form):
    visit_type = forms.ModelChoiceField(queryset=VisitType.objects.none(),
                                        empty_label="Choose a visit type")
    provider = ProviderChoiceField(queryset=None, required=False, empty_label="Any provider")
    from_day = BoundedDateField(label="From", widget=DATE_INPUT, max_past=timedelta(days=0),
                                max_future=PLAN_AHEAD, required=False)
    days = forms.IntegerField(label="Days to search", min_value=1, max_value=MAX_SEARCH_DAYS,
                              initial=14, required=False)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_type"].queryset = visit_types_for(practice)
        self.fields["provider"].queryset = providers_for(practice)

    def clean(self):
        cleaned = super().clean()
        cleaned["from_day"] = cleaned.get("from_day") or timezone.localdate()
        cleaned["days"] = cleaned.get("days") or 14
        return cleaned


def parse_slot_key(key: str, providers) -> tuple[object, datetime] | None:
    """"<provider id>|<ISO start>" back to (membership, aware datetime), or None."""
    provider_id, _, start = (key or "").partition("|")
    try:
        starts_at = datetime.fromisoformat(start)
        provider = providers.get(pk=int(provider_id))
    except (ValueError, TypeError, OverflowError, providers.model.DoesNotExist):
        return None
    if starts_at.tzinfo is None:
        return None
    return provider, starts_at


class SlotChoiceForm(forms.Form):
    """The slot button a person pressed: provider and start, checked again by the service."""

    slot = forms.CharField(max_length=80)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice

    def clean_slot(self):
        parsed = parse_slot_key(self.cleaned_data["slot"], providers_for(self.practice))
        if parsed is None:
            raise forms.ValidationError("Choose one of the open times.")
        return parsed


class BookForm(SlotChoiceForm):
    visit_type = forms.ModelChoiceField(queryset=VisitType.objects.none())
    channel = forms.ChoiceField(label="Reminders by", choices=Appointment.Channel.choices)
    reason_note = forms.CharField(label="Reason for visit", max_length=300, required=False)
    identity_check = forms.ModelChoiceField(
        queryset=IdentityCheck.objects.none(), required=False,
        label="Identity checked by phone", empty_label="Not booked by phone")

    def __init__(self, *args, practice, patient, **kwargs):
        super().__init__(*args, practice=practice, **kwargs)
        self.fields["visit_type"].queryset = visit_types_for(practice)
        self.fields["identity_check"].queryset = IdentityCheck.objects.for_practice(practice) \
            .filter(patient=patient, passed=True,
                    checked_at__gte=timezone.now() - timedelta(hours=12))
        self.fields["channel"].initial = patient.preferred_channel \
            if patient.preferred_channel in dict(Appointment.Channel.choices) else "sms"


class ReasonForm(forms.Form):
    reason = forms.ModelChoiceField(queryset=ReasonCode.objects.none(), empty_label="Choose a reason",
                                    error_messages={"required": "Choose a reason."})
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, practice, action, patient=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reason_codes_for(practice, action=action, patient=patient)


class RescheduleForm(SlotChoiceForm):
    reason = ReasonForm.base_fields["reason"]
    note = ReasonForm.base_fields["note"]

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, practice=practice, **kwargs)
        self.fields["reason"].queryset = reason_codes_for(practice, action="reschedule")


class AttendanceForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("arrived", "Arrived"), ("no_show", "No-show"),
                                         ("late_cancel", "Late cancel")])


class IdentityLinkForm(forms.Form):
    identity_check = forms.ModelChoiceField(queryset=IdentityCheck.objects.none(),
                                            empty_label="Choose a check")

    def __init__(self, *args, practice, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_check"].queryset = IdentityCheck.objects.for_practice(practice) \
            .filter(patient=patient).order_by("-checked_at")


class DayViewForm(forms.Form):
    provider = ProviderChoiceField(queryset=None, required=False, empty_label="Choose a provider")
    day = BoundedDateField(widget=DATE_INPUT, max_past=LOOK_BACK, max_future=PLAN_AHEAD,
                           required=False)
    view = forms.ChoiceField(choices=[("day", "Day"), ("week", "Week")], required=False)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers_for(practice)


# --- Manager forms -----------------------------------------------------------

class ListField(forms.CharField):
    """Names, one per line (intake forms, documents)."""

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if any(len(line) > 100 for line in lines) or len(lines) > 20:
            raise forms.ValidationError("Up to 20 names of up to 100 characters, one per line.")
        return lines


class VisitTypeForm(forms.ModelForm):
    intake_forms = ListField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="One per line; the intake workflow sends them.")
    required_documents = ListField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="One per line, e.g. Referral letter.")

    class Meta:
        model = VisitType
        fields = ["name", "name_es", "duration_minutes", "buffer_minutes", "modality", "booking",
                  "patient_status", "min_age_years", "max_age_years", "intake_forms",
                  "required_documents", "instructions", "is_active"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.practice = practice

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = VisitType.objects.for_practice(self.instance.practice).filter(name=name) \
            .exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("There is already a visit type with this name.")
        return name


class ReasonCodeForm(forms.ModelForm):
    class Meta:
        model = ReasonCode
        fields = ["label", "label_es", "code", "applies_to", "patient_may_choose", "is_active",
                  "position"]

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.practice = practice

    def clean_code(self):
        code = self.cleaned_data["code"]
        if ReasonCode.objects.for_practice(self.instance.practice).filter(code=code) \
                .exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another reason already uses this code.")
        return code


class HoursListField(forms.CharField):
    def prepare_value(self, value):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value):
        parts = [p.strip().removesuffix("h") for p in (value or "").replace(";", ",").split(",")]
        try:
            return [int(p) for p in parts if p]
        except ValueError:
            raise forms.ValidationError("Whole hours separated by commas, e.g. 72, 24, 2.") \
                from None


class SchedulingSettingsForm(forms.ModelForm):
    reminder_hours = HoursListField(label="Reminders (hours before the visit)")

    class Meta:
        model = SchedulingSettings
        fields = ["reminder_hours", "slot_step_minutes", "booking_horizon_days",
                  "patient_min_notice_hours", "late_cancel_hours", "unverified_channel_hours",
                  "insurance_check_days", "insurance_max_age_days", "waitlist_offer_batch",
                  "waitlist_offer_minutes", "waitlist_min_notice_hours"]


class TemplateBlockForm(forms.ModelForm):
    provider = ProviderChoiceField(queryset=None)
    valid_from = BoundedDateField(widget=DATE_INPUT, max_past=LOOK_BACK * 5, max_future=PLAN_AHEAD)
    valid_until = BoundedDateField(widget=DATE_INPUT, max_past=LOOK_BACK * 5,
                                   max_future=PLAN_AHEAD * 3, required=False,
                                   help_text="Empty: no end date.")

    class Meta:
        model = TemplateBlock
        fields = ["provider", "weekday", "start_time", "end_time", "modality", "visit_types",
                  "valid_from", "valid_until"]
        widgets = {"start_time": TIME_INPUT, "end_time": TIME_INPUT,
                   "visit_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.practice = practice
        self.fields["provider"].queryset = providers_for(practice)
        self.fields["visit_types"].queryset = visit_types_for(practice)
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The block must end after it starts.")
        since, until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if since and until and until < since:
            self.add_error("valid_until", "The last day must be on or after the first.")
        return cleaned


class TemplateExceptionForm(forms.ModelForm):
    provider = ProviderChoiceField(queryset=None)

    class Meta:
        model = TemplateException
        fields = ["provider", "kind", "starts_at", "ends_at", "modality", "visit_types", "note"]
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT,
                   "visit_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        from vpm.validators import BoundedDateTimeField

        self.instance.practice = practice
        self.fields["provider"].queryset = providers_for(practice)
        self.fields["visit_types"].queryset = visit_types_for(practice)
        for name in ("starts_at", "ends_at"):
            self.fields[name] = BoundedDateTimeField(
                label=self.fields[name].label, widget=DATETIME_INPUT, max_past=LOOK_BACK,
                max_future=PLAN_AHEAD)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", "The end must be after the start.")
        if start and end and end - start > timedelta(days=92):
            self.add_error("ends_at", "One exception covers at most three months.")
        if cleaned.get("kind") == TemplateException.Kind.EXTRA:
            if not cleaned.get("modality"):
                self.add_error("modality", "Choose how the extra session's visits happen.")
            if not cleaned.get("visit_types"):
                self.add_error("visit_types", "Choose the visit types the session accepts.")
        return cleaned


class BookingQuestionForm(forms.ModelForm):
    class Meta:
        model = BookingQuestion
        fields = ["text", "text_es", "position"]

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.practice = practice


class BookingAnswerForm(forms.ModelForm):
    class Meta:
        model = BookingAnswer
        fields = ["text", "text_es", "outcome", "visit_type", "position"]

    def __init__(self, *args, practice, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.practice = practice
        self.instance.question = question
        self.fields["visit_type"].queryset = visit_types_for(practice)
        self.fields["visit_type"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == BookingAnswer.Outcome.RECOMMEND and not cleaned.get(
                "visit_type"):
            self.add_error("visit_type", "Choose the visit type this answer recommends.")
        if cleaned.get("outcome") != BookingAnswer.Outcome.RECOMMEND:
            cleaned["visit_type"] = None
        return cleaned


class AuditForm(forms.Form):
    weeks = forms.IntegerField(min_value=1, max_value=12, initial=4, required=False)
