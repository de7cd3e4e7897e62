import unicodedata

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import ResetPasswordForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .emails import accept_international_addresses


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100,
        help_text="What the token is for, e.g. \"Front desk script\". Only you see it.")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
            raise forms.ValidationError("Use letters, digits and punctuation only.")
        return name


class LoginForm(AllauthLoginForm):
    """allauth's sign-in, accepting internationalised addresses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept_international_addresses(self.fields["login"])


class SignInAddressResetForm(ResetPasswordForm):
    """A password reset goes only to the account whose sign-in address was typed.

    allauth would also match any EmailAddress row naming the address
    (verified or not), and mail each such account's link to it. Here only
    the one account whose sign-in address (User.email, unique) it is counts;
    for any other address the answer looks the same (no enumeration).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept_international_addresses(self.fields["email"])

    def clean_email(self):
        email = super().clean_email()
        self.users = [user for user in self.users if user.email.lower() == email.lower()]
        return email


class _SaysWhenACodeWasJustUsed:
    """A correct TOTP code typed a second time within its window is refused (it
    could be someone replaying it), but the person should hear why: allauth
    says "Incorrect code", which sends them hunting for a typo."""

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError:
            if _was_just_used(self.user, self.data.get("code", "")):
                raise forms.ValidationError(
                    _("That code was just used; wait for the next one.")) from None
            raise


def _was_just_used(user, code: str) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
    from allauth.mfa.utils import decrypt
    from django.core.cache import cache

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None or not code.strip():
        return False
    wrapped = TOTP(totp)
    return (validate_totp_code(decrypt(totp.data["secret"]), code)
            and cache.get(wrapped._get_used_cache_key(code)) is not None)


class CodeForm(_SaysWhenACodeWasJustUsed, AuthenticateForm):
    pass


class ReauthenticateCodeForm(_SaysWhenACodeWasJustUsed, ReauthenticateForm):
    pass


def _plain_labels(form, labels):
    """allauth's fields with VPM's sentence-case labels, and no placeholder repeating them."""
    for name, label in labels.items():
        field = form.fields[name]
        field.label = label
        field.widget.attrs.pop("placeholder", None)
        field.help_text = ""  # allauth's "Forgot your password?" link: the page has its own


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_labels(self, {"oldpassword": "Current password", "password1": "New password",
                             "password2": "New password again"})

    def clean_oldpassword(self):
        # allauth says "Please type your current password." to someone who just did.
        try:
            return super().clean_oldpassword()
        except forms.ValidationError:
            raise forms.ValidationError(
                _("That is not your current password. Nothing was changed.")) from None


class SetPasswordForm(AllauthSetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_labels(self, {"password1": "New password", "password2": "New password again"})


class ReauthenticatePasswordForm(AllauthReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_labels(self, {"password": gettext_lazy("Your password")})
