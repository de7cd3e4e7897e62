"""Patient pages live under /p/<practice>/portal/; staff actions under the patient page."""

from django.urls import path

from . import account_views, contact_views, staff_views, views

urlpatterns = [
    path("portal/", views.home, name="portal_home"),
    path("portal/l/<str:token>/", views.link_open, name="portal_link_open"),
    path("portal/check/", views.link_check, name="portal_link_check"),
    path("portal/language/", views.language, name="portal_language"),
    path("portal/sign-out/", views.sign_out, name="portal_sign_out"),
    path("portal/welcome/", views.onboarding, name="portal_onboarding"),
    path("portal/welcome/<int:step>/", views.onboarding, name="portal_onboarding_step"),
    path("portal/sign-in/", account_views.sign_in, name="portal_sign_in"),
    path("portal/password/forgot/", account_views.reset_request, name="portal_reset_request"),
    path("portal/password/new/", account_views.set_password, name="portal_set_password"),
    path("portal/password/", account_views.change_password, name="portal_change_password"),
    path("portal/contact/", contact_views.contact, name="portal_contact"),
    path("portal/contact/how/", contact_views.contact_channel, name="portal_contact_channel"),
    path("portal/contact/<str:kind_word>/", contact_views.contact_change,
         name="portal_contact_change"),
    path("portal/contact/<str:kind_word>/code/", contact_views.contact_verify,
         name="portal_contact_verify"),
    path("portal/contact/<str:kind_word>/new-code/", contact_views.contact_resend,
         name="portal_contact_resend"),
    path("portal/confirm/<str:link_code>/", contact_views.contact_verify_link,
         name="contact_verify_link"),
    path("patients/<uuid:patient_id>/portal/invite/", staff_views.invite,
         name="portal_staff_invite"),
    path("patients/<uuid:patient_id>/portal/revoke/", staff_views.revoke,
         name="portal_staff_revoke"),
    path("patients/<uuid:patient_id>/portal/unlock/", staff_views.unlock,
         name="portal_staff_unlock"),
    path("patients/<uuid:patient_id>/portal/status-link/", staff_views.send_status_link,
         name="portal_staff_status_link"),
]
