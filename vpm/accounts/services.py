"""Writes on accounts: API tokens."""

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

KEY_PREFIX = "vpm_"


def api_token_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a token; answer it and its key, which is never shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=key[:10],
                                    key_digest=api_token_digest(key))
    return token, key


def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke one token; False when it was already revoked."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True)
                .update(revoked_at=timezone.now()))


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every token of `user` (their second factor was removed)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True) \
        .update(revoked_at=timezone.now())
