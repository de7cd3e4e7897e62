"""Forget addresses added through allauth's email page (now switched off).

Any account could add any address there, unverified, and make it primary;
such rows made resets and invitations go astray. Only the sign-in address
(User.email) counts now, so every other EmailAddress row is removed.
"""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Lower


def keep_sign_in_addresses_only(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.annotate(address=Lower("email"), own=Lower("user__email")) \
        .exclude(address=F("own")).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_tokens_from_authtoken"),
                    ("account", "0009_emailaddress_unique_primary_email")]

    operations = [migrations.RunPython(keep_sign_in_addresses_only, migrations.RunPython.noop)]
