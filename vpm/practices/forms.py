from django import forms
from django.contrib.auth import password_validation

from .models import Membership, Role, Team


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
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

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password
