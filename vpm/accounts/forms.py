import unicodedata

from allauth.account.forms import ResetPasswordForm
from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100,
        help_text="What the token is for, e.g. \"Front desk script\". Only you see it.")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
            raise forms.ValidationError("Use letters, digits and punctuation only.")
        return name


class SignInAddressResetForm(ResetPasswordForm):
    """A password reset goes only to the account whose sign-in address was typed.

    allauth would also match any EmailAddress row naming the address
    (verified or not), and mail each such account's link to it. Here only
    the one account whose sign-in address (User.email, unique) it is counts;
    for any other address the answer looks the same (no enumeration).
    """

    def clean_email(self):
        email = super().clean_email()
        self.users = [user for user in self.users if user.email.lower() == email.lower()]
        return email
