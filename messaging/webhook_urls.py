from django.urls import include, path

from . import webhooks

urlpatterns = [
    path("sms/<slug:slug>/inbound/", webhooks.sms_inbound, name="sms_inbound_webhook"),
    # django-anymail: email/mailgun/inbound/ (signed with the Mailgun webhook signing key)
    path("email/", include("anymail.urls")),
]
