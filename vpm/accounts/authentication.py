"""API token authentication: `Authorization: Token <key>`.

A token is refused (401, saying why) when it is unknown or revoked, when its
user is inactive, has no TOTP enrolled, or has no active membership in any
practice. Which practice it may read is decided per request by the API base
view, as for sessions. One query per request, plus an UPDATE of the last-used
time at most once a minute per token.
"""

from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from vpm.practices.models import Membership

from .models import ApiToken
from .services import api_token_digest

LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: send 'Authorization: Token <key>'.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = self._find(key)
        self._check(token)
        self._touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword

    def _find(self, key: str) -> ApiToken:
        token = (
            ApiToken.objects.filter(key_digest=api_token_digest(key), revoked_at__isnull=True)
            .select_related("user")
            .annotate(
                has_totp=Exists(Authenticator.objects.filter(
                    user=OuterRef("user"), type=Authenticator.Type.TOTP)),
                has_membership=Exists(Membership.objects.filter(
                    user=OuterRef("user"), is_active=True)),
            )
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return token

    def _check(self, token: ApiToken) -> None:
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.has_totp:
            raise exceptions.AuthenticationFailed(
                "This token's user has no two-step sign-in; tokens work only with it enrolled.")
        if not token.has_membership:
            raise exceptions.AuthenticationFailed(
                "This token's user is no longer a member of any practice.")

    def _touch(self, token: ApiToken) -> None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describe VPM's own API tokens (vpm.accounts.authentication) in the schema."""

    target_class = "vpm.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": 'Send "Token <key>". Make a token on /accounts/api-tokens/.'}
