"""The manager's practice settings form. Business hours keep the queue's format:
{"mon": ["08:00", "17:00"], ...}, a missing weekday being closed."""

import zoneinfo

import phonenumbers
from django import forms
from django.conf import settings

from vpm.patients.contact import phone_normalise
from vpm.patients.text import validate_multiline_text, validate_plain_text

from .models import Practice

WEEKDAYS = [("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
            ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday")]
TIME_ZONES = sorted(z for z in zoneinfo.available_timezones() if "/" in z and
                    not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))


class PracticeSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label="Time zone", choices=[(z, z) for z in TIME_ZONES])
    default_language = forms.ChoiceField(label="Default language for patients",
                                         choices=settings.LANGUAGES)
    phone_region = forms.CharField(label="Country of the practice's phone numbers",
                                   max_length=2, help_text="Two letters, e.g. US or CA.")

    class Meta:
        model = Practice
        fields = ["name", "timezone", "phone", "phone_region", "email", "help_contact",
                  "urgent_contact_instructions", "default_language"]
        labels = {"help_contact": "Help contact shown to patients",
                  "urgent_contact_instructions": "What patients should do in an emergency"}
        widgets = {"urgent_contact_instructions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in WEEKDAYS:
            span = (self.instance.business_hours or {}).get(name)
            open_day = isinstance(span, list | tuple) and len(span) == 2
            self.fields[f"{name}_open"] = forms.BooleanField(
                required=False, label=f"Open on {label}", initial=open_day)
            self.fields[f"{name}_opens"] = forms.TimeField(
                required=False, label=f"{label} opens", initial=span[0] if open_day else "",
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
            self.fields[f"{name}_closes"] = forms.TimeField(
                required=False, label=f"{label} closes", initial=span[1] if open_day else "",
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(validate_multiline_text if multiline
                                        else validate_plain_text)

    def weekday_rows(self):
        return [(label, self[f"{name}_open"], self[f"{name}_opens"], self[f"{name}_closes"])
                for name, label in WEEKDAYS]

    def clean_phone_region(self):
        region = self.cleaned_data["phone_region"].strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise forms.ValidationError("Use a two-letter country code, e.g. US.")
        return region

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        region = (self.data.get(self.add_prefix("phone_region")) or "US").strip().upper()
        return phone_normalise(phone, region=region) if phone else ""

    def clean(self):
        cleaned = super().clean()
        hours = {}
        for name, label in WEEKDAYS:
            if not cleaned.get(f"{name}_open"):
                continue
            opens, closes = cleaned.get(f"{name}_opens"), cleaned.get(f"{name}_closes")
            if opens is None or closes is None:
                self.add_error(f"{name}_opens" if opens is None else f"{name}_closes",
                               f"Enter the opening and closing times for {label}, "
                               "or untick it.")
            elif opens >= closes:
                self.add_error(f"{name}_closes", f"{label} must close after it opens.")
            else:
                hours[name] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
        cleaned["business_hours"] = hours
        return cleaned
