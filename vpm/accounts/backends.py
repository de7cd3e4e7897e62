"""Django's and allauth's authentication backends, loading the signed-in user
with one hand-written statement.

Every signed-in request loads its user (`django.contrib.auth.get_user`, which
then checks the session's hash against the user's, unchanged). The ORM's
`get(pk=...)` spent longer building the query and the instance than Postgres
spent on it; `load_user` reads the same row, with the same conversions, by
hand (tests/accounts/test_sessions.py compares the two). Signing in
(`authenticate`) is Django's and allauth's own code.
"""

import functools

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.db import connection

from vpm.sql import model_loader


@functools.cache
def _user_statement():
    user_model = get_user_model()
    columns, _, load = model_loader(user_model, "u")
    table = connection.ops.quote_name(user_model._meta.db_table)
    return f"SELECT {columns} FROM {table} u WHERE u.id = %s", load  # noqa: S608


def load_user(user_id):
    """The user with this primary key, or None (as `User.objects.get(pk=...)`)."""
    sql, load = _user_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    return load(row) if row else None


class _LoadsUserByHand:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_LoadsUserByHand, backends.ModelBackend):
    pass


class AuthenticationBackend(_LoadsUserByHand, auth_backends.AuthenticationBackend):
    pass
