from django import forms
from django.contrib.auth import get_user_model

from vpm.practices.models import Membership


class CloseForm(forms.Form):
    outcome = forms.CharField(max_length=300, label="Outcome",
                              error_messages={"required": "Say what was done before closing."})


class SnoozeForm(forms.Form):
    until = forms.DateTimeField(label="Snooze until",
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(max_length=200, required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Assign to")

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this practice's active staff can be chosen: a foreign user id is refused.
        member_ids = Membership.objects.filter(practice=practice, is_active=True) \
            .values("user_id")
        self.fields["assignee"].queryset = get_user_model().objects.filter(pk__in=member_ids)
