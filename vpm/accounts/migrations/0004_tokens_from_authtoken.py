"""Carry over keys made with DRF's authtoken (by an operator, before named tokens).

They keep working under the new rules (TOTP enrolled, an active membership),
named so their owner can see and revoke them. Read with SQL because the
authtoken app is no longer installed. Its table is then dropped: Django no
longer knows it, so its foreign key to the user would block deleting a user
(and flushing a test database).
"""

import hashlib

from django.db import migrations


def copy_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        digest = hashlib.sha256(key.encode()).hexdigest()
        if ApiToken.objects.filter(key_digest=digest).exists():
            continue  # the migration ran before
        token = ApiToken.objects.create(user_id=user_id, name="Made by an operator (older key)",
                                        prefix=key[:10], key_digest=digest)
        ApiToken.objects.filter(pk=token.pk).update(created_at=created)
    schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_token")]

    operations = [migrations.RunPython(copy_authtoken_keys, migrations.RunPython.noop)]
