from django import forms
from django.contrib.auth import get_user_model, password_validation

from vpm.accounts.emails import InternationalEmailField

from .models import Membership, Role, Team


class InvitationForm(forms.Form):
    email = InternationalEmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.STAFF)
    team = forms.ChoiceField(choices=[("", "No team")] + Team.choices, required=False)


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "team"]


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    password = forms.CharField(label="Choose a password", widget=forms.PasswordInput,
                               help_text="At least 10 characters, not a common password.")

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Checked against the person's email too (UserAttributeSimilarityValidator).
        person = get_user_model()(email=self.email, name=self.cleaned_data.get("name", ""))
        password_validation.validate_password(password, user=person)
        return password
