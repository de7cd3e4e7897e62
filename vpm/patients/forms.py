from django import forms
from django.utils import timezone

from vpm.validators import BoundedDateTimeField

from .models import Channel, ContactAttempt, IdentityCheck


class PatientSearchForm(forms.Form):
    # A form, not a raw GET read: it refuses NUL bytes, which Postgres cannot compare.
    q = forms.CharField(label="Search by name or MRN", max_length=100, required=False,
                        widget=forms.TextInput(attrs={"placeholder": "Name or MRN",
                                                      "type": "search"}))


# The contact log is for what happened recently; older history belongs in the chart.
CONTACT_LOG_MAX_PAST = timezone.timedelta(days=366)
# Clocks of phones and desktops drift a little; a minute or two ahead is not "the future".
CLOCK_SKEW = timezone.timedelta(minutes=5)


class ContactAttemptForm(forms.ModelForm):
    occurred_at = BoundedDateTimeField(
        label="When", required=False, max_past=CONTACT_LOG_MAX_PAST, max_future=CLOCK_SKEW, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for now.",
    )

    class Meta:
        model = ContactAttempt
        fields = ["channel", "direction", "outcome", "note", "occurred_at"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        # The patient page shows this form and IdentityCheckForm together: both
        # have a "channel" field, and element ids must stay unique on a page.
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)

    def clean_occurred_at(self):
        return self.cleaned_data.get("occurred_at") or timezone.now()


class IdentityCheckForm(forms.ModelForm):
    class Meta:
        model = IdentityCheck
        fields = ["first_identifier", "second_identifier", "channel", "passed"]
        labels = {"passed": "Both identifiers matched"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "identity_%s")
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (c, label) for c, label in Channel.choices if c in ("phone", "video", "sms", "portal")
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first_identifier") and \
                cleaned.get("first_identifier") == cleaned.get("second_identifier"):
            # On the field, so the message sits next to it; this also keeps the
            # model's own clean() and check constraint from repeating it.
            self.add_error("second_identifier",
                           "Check two different identifiers, e.g. name and date of birth.")
        return cleaned
