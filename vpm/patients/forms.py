from datetime import timedelta

from django import forms
from django.utils import timezone

from vpm.validators import BoundedDateTimeField

from .contact import email_normalise, phone_normalise
from .dates import parse_date, validate_birth_date
from .models import Channel, ContactAttempt, ContactPoint, IdentityCheck, Insurance, Patient
from .text import note_clean, validate_multiline_text, validate_plain_text

# The contact log is for what happened recently; older history belongs in the chart.
CONTACT_LOG_MAX_PAST = timedelta(days=366)
# Clocks of phones and desktops drift a little; a minute or two ahead is not "the future".
CLOCK_SKEW = timedelta(minutes=5)


class PatientSearchForm(forms.Form):
    # A form, not a raw GET read: it refuses NUL bytes, which Postgres cannot compare.
    q = forms.CharField(label="Search by name, date of birth, phone, email or MRN",
                        max_length=100, required=False,
                        widget=forms.TextInput(attrs={"placeholder": "Last, First · DOB · phone · email · MRN",
                                                      "type": "search"}))


class BirthDateField(forms.DateField):
    """A date of birth typed the way people write it (5/17/1980, 1980-05-17, May 17 1980)."""

    def __init__(self, *, region="US", **kwargs):
        self.region = region
        kwargs.setdefault("help_text", "For example 5/17/1980 or 1980-05-17.")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or hasattr(value, "year"):
            return super().to_python(value)
        parsed = parse_date(str(value), region=self.region)
        if parsed is None:
            raise forms.ValidationError("Enter a real date, for example 5/17/1980.", code="invalid")
        return parsed


def _plain_text_everywhere(form):
    """Every text input refuses control characters (bidi overrides, escapes).

    Multi-line inputs (an address) may keep their line breaks.
    """
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or field.validators[-1:] in (
                [validate_plain_text], [validate_multiline_text]):
            continue
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators.append(validate_multiline_text if multiline else validate_plain_text)


class PatientForm(forms.ModelForm):
    """Registration and edit of a patient's own details and main contact points."""

    CONTACT_FIELDS = {"email": ContactPoint.Kind.EMAIL, "mobile_phone": ContactPoint.Kind.PHONE,
                      "home_phone": ContactPoint.Kind.HOME_PHONE}

    email = forms.CharField(max_length=254, required=False, label="Email")
    mobile_phone = forms.CharField(max_length=40, required=False, label="Mobile phone")
    home_phone = forms.CharField(max_length=40, required=False, label="Home phone")

    class Meta:
        model = Patient
        fields = list(Patient.EDITABLE_FIELDS)
        labels = {"mrn": "MRN", "sex": "Sex (as recorded)", "gender_identity": "Gender identity"}
        help_texts = {"mrn": "Leave empty to have one made."}
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, practice, **kwargs):
        self.practice = practice
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"] = BirthDateField(region=practice.phone_region,
                                                      label="Date of birth")
        self.fields["mrn"].required = False
        self.fields["preferred_language"].initial = practice.default_language
        _plain_text_everywhere(self)
        if not self.instance._state.adding:  # (UUID pks exist before the first save)
            self.fields["mrn"].help_text = ""
            self.initial.update(self._current_contacts())

    def _current_contacts(self):
        points = {}
        for point in self.instance.contact_points.all():
            points.setdefault(point.kind, point.value)
        return {name: points.get(kind, "") for name, kind in self.CONTACT_FIELDS.items()}

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        validate_birth_date(value)
        return value

    def clean_mrn(self):
        mrn = self.cleaned_data["mrn"].strip().upper()
        if not mrn:
            if not self.instance._state.adding:
                raise forms.ValidationError("A registered patient keeps an MRN; type one.")
            return ""
        taken = Patient.objects.for_practice(self.practice).filter(mrn=mrn) \
            .exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(f"MRN {mrn} belongs to another patient of this practice.")
        return mrn

    def clean_email(self):
        return email_normalise(self.cleaned_data["email"]) if self.cleaned_data["email"] else ""

    def _clean_phone(self, name):
        raw = self.cleaned_data[name]
        return phone_normalise(raw, region=self.practice.phone_region) if raw else ""

    def clean_mobile_phone(self):
        return self._clean_phone("mobile_phone")

    def clean_home_phone(self):
        return self._clean_phone("home_phone")

    def clean_emergency_contact_phone(self):
        return self._clean_phone("emergency_contact_phone")

    def clean(self):
        cleaned = super().clean()
        channel = cleaned.get("preferred_channel")
        needs = {"email": "email", "sms": "mobile_phone"}.get(channel)
        if needs and needs in cleaned and not cleaned[needs]:
            self.add_error("preferred_channel", f"{self.fields[needs].label} is needed for "
                           f"{Patient(preferred_channel=channel).get_preferred_channel_display()}"
                           f" as the preferred channel; add it or choose another channel.")
        if channel == "phone" and not (cleaned.get("mobile_phone") or cleaned.get("home_phone")):
            self.add_error("preferred_channel",
                           "A phone number is needed for phone calls; add one or choose another.")
        return cleaned

    def patient_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in Patient.EDITABLE_FIELDS}

    def contact_data(self) -> dict:
        return {kind: self.cleaned_data[name] for name, kind in self.CONTACT_FIELDS.items()}


class InsuranceForm(forms.ModelForm):
    """The main coverage, typed at registration or later; every field optional until a payer."""

    verified = forms.BooleanField(required=False, label="I verified this coverage with the payer today")

    class Meta:
        model = Insurance
        fields = ["payer", "member_id", "group_number", "subscriber_name", "subscriber_relationship"]
        labels = {"member_id": "Member ID", "group_number": "Group number"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "insurance")
        super().__init__(*args, **kwargs)
        self.fields["payer"].required = False
        self.fields["member_id"].required = False
        _plain_text_everywhere(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("payer") and not cleaned.get("member_id"):
            self.add_error("member_id", "Enter the member ID from the insurance card.")
        if cleaned.get("member_id") and not cleaned.get("payer"):
            self.add_error("payer", "Enter the insurance company for this member ID.")
        if cleaned.get("verified") and not cleaned.get("payer"):
            self.add_error("verified", "Add the coverage before marking it verified.")
        return cleaned

    @property
    def has_coverage(self):
        return bool(self.cleaned_data.get("payer"))

    def insurance_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ContactAttemptForm(forms.ModelForm):
    occurred_at = BoundedDateTimeField(
        label="When", required=False, max_past=CONTACT_LOG_MAX_PAST, max_future=CLOCK_SKEW,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
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

    def clean_note(self):
        return note_clean(self.cleaned_data["note"])

    def clean(self):
        cleaned = super().clean()
        direction, outcome = cleaned.get("direction"), cleaned.get("outcome")
        if direction and outcome:
            problem = ContactAttempt.outcome_problem(direction, outcome)
            if problem:
                self.add_error("outcome", problem)
        return cleaned


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
        self.fields["first_identifier"].error_messages["required"] = \
            "Choose the first identifier you checked."
        self.fields["second_identifier"].error_messages["required"] = \
            "Choose the second identifier you checked."
        self.fields["channel"].error_messages["required"] = "Choose how you were in contact."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first_identifier") and \
                cleaned.get("first_identifier") == cleaned.get("second_identifier"):
            # On the field, so the message sits next to it; this also keeps the
            # model's own clean() and check constraint from repeating it.
            self.add_error("second_identifier",
                           "Check two different identifiers, e.g. name and date of birth.")
        return cleaned

    def _post_clean(self):
        # The model's clean() compares the two identifiers too; with both
        # missing it would add "Check two different identifiers." above the
        # two "required" messages. The form has already said what is wrong.
        if self.errors:
            return
        super()._post_clean()


class MergeForm(forms.Form):
    """Which record to fold into the one on screen; confirmed on a second step."""

    mrn = forms.CharField(label="MRN of the duplicate record", max_length=32,
                          validators=[validate_plain_text])
    reason = forms.CharField(label="Why these are the same person", max_length=500,
                             required=False, validators=[validate_plain_text],
                             widget=forms.TextInput())
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, practice, kept, **kwargs):
        self.practice, self.kept = practice, kept
        super().__init__(*args, **kwargs)

    def clean_mrn(self):
        mrn = self.cleaned_data["mrn"].strip().upper()
        other = Patient.objects.for_practice(self.practice).filter(mrn=mrn).first()
        if other is None:
            raise forms.ValidationError(f"No patient of this practice has MRN {mrn}.")
        if other.pk == self.kept.pk:
            raise forms.ValidationError("That is this record; enter the duplicate's MRN.")
        if other.merged_into_id:
            raise forms.ValidationError(f"MRN {mrn} has already been merged into another record.")
        self.cleaned_data["other"] = other
        return mrn


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="CSV file of patients", help_text=(
        "First row: column names. Needed: first_name, last_name, date_of_birth. Optional: "
        "preferred_name, sex, mrn, email, mobile_phone, home_phone, address, "
        "preferred_language, preferred_channel. Up to 20,000 patients, 5 MB."))


class ImportCommitForm(forms.Form):
    include_likely_duplicates = forms.BooleanField(
        required=False, label="Also import the rows marked as likely duplicates")
