from datetime import timedelta

from django import forms
from django.utils import timezone

from vpm.patients.models import Patient
from vpm.practices.models import Membership

from .models import AuditEvent

# Audit rows are kept for years; a report further back than this is a typo.
REPORT_MAX_PAST = timedelta(days=366 * 10)


class AccessReportForm(forms.Form):
    """Filters of the access report. Posted, so an MRN never sits in a URL."""

    mrn = forms.CharField(label="Patient (MRN)", max_length=32, required=False)
    actor = forms.TypedChoiceField(label="Staff member", required=False, coerce=int,
                                   empty_value=None)
    start = forms.DateField(label="From", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.ChoiceField(label="What", required=False,
                               choices=[("", "Everything"), *AuditEvent.Action.choices])
    via = forms.ChoiceField(label="From", required=False,
                            choices=[("", "Web and API"), ("web", "Web"), ("api", "API"),
                                     ("import", "Import")])

    def __init__(self, *args, practice, **kwargs):
        self.practice = practice
        super().__init__(*args, **kwargs)
        self.fields["via"].label = "Where"
        members = Membership.objects.filter(practice=practice).select_related("user") \
            .order_by("user__name")
        self.fields["actor"].choices = [("", "Everyone"),
                                        *[(m.user_id, m.user.display_name) for m in members]]

    def clean_mrn(self):
        mrn = self.cleaned_data["mrn"].strip().upper()
        if not mrn:
            return ""
        patient = Patient.objects.for_practice(self.practice).filter(mrn=mrn).first()
        if patient is None:
            raise forms.ValidationError(f"No patient of this practice has MRN {mrn}.")
        self.cleaned_data["patient"] = patient
        return mrn

    def _clean_day(self, name):
        day = self.cleaned_data[name]
        today = timezone.localdate()
        if day and day > today:
            raise forms.ValidationError("Choose a day up to today.")
        if day and day < today - REPORT_MAX_PAST:
            raise forms.ValidationError("Choose a day in the last ten years.")
        return day

    def clean_start(self):
        return self._clean_day("start")

    def clean_end(self):
        return self._clean_day("end")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", "The end day must be on or after the start day.")
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data
        return {"patient": data.get("patient"), "actor_id": data.get("actor"),
                "start": data.get("start"), "end": data.get("end"),
                "action": data.get("action", ""), "via": data.get("via", "")}
