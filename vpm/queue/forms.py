from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from vpm.practices.models import Membership
from vpm.validators import BoundedDateTimeField

# A snooze is a plan for the coming weeks; a year out is the longest that makes sense.
SNOOZE_MAX = timedelta(days=366)


class CloseForm(forms.Form):
    outcome = forms.CharField(max_length=300, label="Outcome",
                              error_messages={"required": "Say what was done before closing."})


class SnoozeForm(forms.Form):
    until = BoundedDateTimeField(label="Snooze until", max_future=SNOOZE_MAX,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                error_messages={"required": "Choose when to bring it back.",
                                                "invalid": "Enter a date and time, "
                                                           "e.g. 2030-05-17 09:00."})
    reason = forms.CharField(max_length=200, required=False)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise forms.ValidationError("Choose a time in the future to snooze until.")
        return until


def assignee_choices(*, practice):
    """The practice's active staff, for the assign menu: one query."""
    # Three columns, no model instances (the queue page asks for this on every load);
    # the name as User.display_name gives it.
    return [(user_id, name or email.split("@")[0]) for user_id, name, email in
            Membership.objects.filter(practice=practice, is_active=True)
            .order_by("user__name", "user__email")
            .values_list("user_id", "user__name", "user__email")]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Assign to",
        error_messages={"required": "Choose someone to assign it to.",
                        "invalid_choice": "Choose someone on this practice's staff."})

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this practice's active staff can be chosen: a foreign user id is refused.
        member_ids = Membership.objects.filter(practice=practice, is_active=True) \
            .values("user_id")
        self.fields["assignee"].queryset = get_user_model().objects.filter(pk__in=member_ids)
