import unicodedata

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
