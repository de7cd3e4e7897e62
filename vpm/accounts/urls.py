"""VPM's account pages under /accounts/, ahead of allauth's (same names where
one replaces allauth's page)."""

from django.urls import path

from . import views

urlpatterns = [
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
    path("email/", views.email_address, name="account_email"),  # switched off: read-only
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke_view,
         name="api_token_revoke"),
]
