from django import template

from ..contact import phone_display
from ..text import note_clean

register = template.Library()


@register.inclusion_tag("patients/_field_group.html")
def field_group(form, legend, names):
    """Render the named fields of `form` ("first_name last_name ...") as one fieldset."""
    return {"legend": legend, "fields": [form[name] for name in names.split()]}


@register.filter
def safe_note(value):
    """A stored note with bidi controls dropped (notes saved before the input was cleaned)."""
    return note_clean(value)


FIELD_LABELS = {"contact:email": "email", "contact:phone": "mobile phone",
                "contact:home_phone": "home phone", "insurance": "insurance"}


@register.filter
def field_label(name):
    """'contact:phone' → 'mobile phone', 'date_of_birth' → 'date of birth'."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.startswith("insurance:"):
        return "insurance " + name.split(":", 1)[1].replace("_", " ")
    return name.replace("_", " ")


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, for keys with spaces ("already here")."""
    return mapping.get(key)


_PHONE_FIELDS = {"contact:phone", "contact:home_phone", "emergency_contact_phone"}


@register.simple_tag
def change_value(change, value, practice):
    """A history value as the page shows it: phones in the practice's national format."""
    if value and change.field in _PHONE_FIELDS and str(value).startswith("+"):
        return phone_display(value, region=practice.phone_region)
    return value
