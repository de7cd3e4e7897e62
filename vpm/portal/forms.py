"""Portal forms. Every message is in the patient's language and says how to fix it."""

from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

OLDEST_YEAR = 1900


class PortalForm(forms.Form):
    """Labels without a trailing colon, as GOV.UK writes them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateOfBirthForm(PortalForm):
    """The GOV.UK date pattern: day, month and year in three boxes.

    All errors of the date land on `day` (the first box), so the summary link
    and the message by the field point at the same place.
    """

    day = forms.CharField(label=_("Day"), required=False,
                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                        "autocomplete": "bday-day", "size": 2}))
    month = forms.CharField(label=_("Month"), required=False,
                            widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                          "autocomplete": "bday-month",
                                                          "size": 2}))
    year = forms.CharField(label=_("Year"), required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "bday-year", "size": 4}))

    def __init__(self, *args, ask_last_name=False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_last_name:
            self.fields["last_name"] = forms.CharField(
                label=_("Last name"), max_length=100,
                error_messages={"required": _("Enter your last name."),
                                "max_length": _("Enter your last name. It is too long.")},
                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))

    def clean(self):
        cleaned = super().clean()
        parts = [(cleaned.get(name) or "").strip() for name in ("day", "month", "year")]
        if not all(parts):
            self.add_error("day", _("Enter your date of birth: day, month and year."))
            return cleaned
        day, month, year = parts
        if not all(p.isdigit() for p in parts) or len(day) > 2 or len(month) > 2 \
                or len(year) != 4:
            self.add_error("day", _("Use numbers only, for example 27 3 1985."))
            return cleaned
        try:
            born = date(int(year), int(month), int(day))
        except ValueError:
            self.add_error("day", _("That date does not exist. Check the day and the month."))
            return cleaned
        if not date(OLDEST_YEAR, 1, 1) <= born <= timezone.localdate():
            self.add_error("day", _("Enter a real date of birth. It must be in the past."))
            return cleaned
        cleaned["date_of_birth"] = born
        return cleaned


class LanguageForm(PortalForm):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(max_length=500, required=False)


class SignInForm(PortalForm):
    login = forms.CharField(label=_("Email or mobile number"), max_length=254,
                            error_messages={"required": _("Enter your email or mobile number."),
                                            "max_length": _("That is too long. Check it.")},
                            widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), max_length=128, strip=False,
                               error_messages={"required": _("Enter your password.")},
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))


class ResetRequestForm(PortalForm):
    login = forms.CharField(label=_("Email or mobile number"), max_length=254,
                            error_messages={"required": _("Enter your email or mobile number."),
                                            "max_length": _("That is too long. Check it.")},
                            widget=forms.TextInput(attrs={"autocomplete": "username"}))


PASSWORD_HINT = _("Use 10 or more letters, numbers or signs. Do not use a common word.")


class NewPasswordForm(PortalForm):
    """A new password, typed twice, checked by the project's password rules."""

    password1 = forms.CharField(label=_("New password"), max_length=128, strip=False,
                                help_text=PASSWORD_HINT,
                                error_messages={"required": _("Enter a new password.")},
                                widget=forms.PasswordInput(attrs={"autocomplete":
                                                                  "new-password"}))
    password2 = forms.CharField(label=_("New password again"), max_length=128, strip=False,
                                error_messages={"required": _("Enter the new password again.")},
                                widget=forms.PasswordInput(attrs={"autocomplete":
                                                                  "new-password"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password1(self):
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password1"]
        try:
            validate_password(password, self.user)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("Choose a stronger password. %(hint)s") % {"hint": PASSWORD_HINT}) from None
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") is not None \
                and cleaned["password1"] != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords are not the same. Type them again."))
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    current = forms.CharField(label=_("Your password now"), max_length=128, strip=False,
                              error_messages={"required": _("Enter your password now.")},
                              widget=forms.PasswordInput(attrs={"autocomplete":
                                                                "current-password"}))
    field_order = ["current", "password1", "password2"]

    def clean_current(self):
        if not self.user.check_password(self.cleaned_data["current"]):
            raise forms.ValidationError(_("That is not your password now. Try again."))
        return self.cleaned_data["current"]


class ContactChangeForm(PortalForm):
    """A new email or mobile number, checked with a real parser before anything is sent."""

    value = forms.CharField(max_length=254, error_messages={
        "max_length": _("That is too long. Check it and try again.")})

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        field = self.fields["value"]
        if kind == "email":
            field.label = _("Your new email")
            field.error_messages["required"] = _("Enter your new email.")
            field.widget = forms.EmailInput(attrs={"autocomplete": "email"})
        else:
            field.label = _("Your new mobile number")
            field.help_text = _("For example, (312) 555-0100.")
            field.error_messages["required"] = _("Enter your new mobile number.")
            field.widget = forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel",
                                                  "type": "tel"})

    def clean_value(self):
        from vpm.patients.verification import ContactValueError, contact_value_normalise

        try:
            return contact_value_normalise(kind=self.kind, value=self.cleaned_data["value"])
        except ContactValueError as error:
            raise forms.ValidationError(str(error)) from None


class CodeForm(PortalForm):
    code = forms.CharField(label=_("Code"), max_length=6, min_length=6,
                           help_text=_("It has 6 numbers."),
                           error_messages={"required": _("Enter the code we sent you."),
                                           "min_length": _("The code has 6 numbers."),
                                           "max_length": _("The code has 6 numbers.")},
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Use numbers only. The code has 6 numbers."))
        return code


class ChannelForm(PortalForm):
    channel = forms.ChoiceField(
        label=_("How should we reach you?"), widget=forms.RadioSelect,
        choices=[("sms", _("Text message")), ("email", _("Email")), ("phone", _("Phone call"))],
        error_messages={"required": _("Choose how we should reach you."),
                        "invalid_choice": _("Choose one of the ways in the list.")})

    def __init__(self, *args, verified_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.verified_kinds = verified_kinds

    def clean_channel(self):
        channel = self.cleaned_data["channel"]
        needs = "email" if channel == "email" else "phone"
        if needs not in self.verified_kinds:
            raise forms.ValidationError(
                _("First show us your email is yours.") if needs == "email"
                else _("First show us your mobile number is yours."))
        return channel


class InviteForm(PortalForm):
    """Staff: which of the patient's contacts the invitation goes to."""

    kind = forms.ChoiceField(choices=[("email", "Email"), ("phone", "Mobile")])
