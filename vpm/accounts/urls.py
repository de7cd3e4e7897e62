"""VPM's account pages under /accounts/, ahead of allauth's (same names where
one replaces allauth's page)."""

from django.urls import path

from . import views

urlpatterns = [
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
]
