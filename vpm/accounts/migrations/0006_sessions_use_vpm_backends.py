"""Sessions signed in before VPM's own authentication backends (vpm/accounts/backends.py)
name Django's or allauth's backend, which are no longer listed: Django would
sign those people out. Rewrite the backend named in each live session."""

from django.db import migrations
from django.utils import timezone

MOVED = {
    "django.contrib.auth.backends.ModelBackend": "vpm.accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend":
        "vpm.accounts.backends.AuthenticationBackend",
}


def _rewrite(apps, schema_editor, moves):
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    live = Session.objects.using(schema_editor.connection.alias) \
        .filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=1000):
        data = store.decode(session.session_data)
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in moves:
            data[BACKEND_SESSION_KEY] = moves[backend]
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])


def forwards(apps, schema_editor):
    _rewrite(apps, schema_editor, MOVED)


def backwards(apps, schema_editor):
    _rewrite(apps, schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_sign_in_addresses_only"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
