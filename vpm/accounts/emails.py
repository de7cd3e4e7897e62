"""Email addresses as people have them, including internationalised ones
(josé.müller@exämple.com, RFC 6531). Django's validator takes Unicode domains
but only ASCII before the "@"."""

import re

from django import forms
from django.core.validators import EmailValidator


class InternationalEmailValidator(EmailValidator):
    user_regex = re.compile(
        r"^[-!#$%&'*+/=?^`{}|~\w]+(\.[-!#$%&'*+/=?^`{}|~\w]+)*\Z", re.IGNORECASE)


validate_international_email = InternationalEmailValidator()


class InternationalEmailField(forms.EmailField):
    default_validators = [validate_international_email]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 254)  # what the database columns hold
        super().__init__(*args, **kwargs)


def accept_international_addresses(field: forms.Field) -> None:
    """Swap Django's ASCII-only email check on an existing form field for ours."""
    field.validators = [v for v in field.validators if not isinstance(v, EmailValidator)]
    field.validators.append(validate_international_email)
