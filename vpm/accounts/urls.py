"""VPM's account pages under /accounts/, ahead of allauth's (same names where
one replaces or wraps allauth's page).

A signed-in patient is sent to the portal's own password page, and from the
staff-only pages (sessions, API tokens) to the portal's home; the pages a
patient may use too (sign-in address, two-step sign-in, confirming it is them,
signing out) are drawn in the portal's layout and the patient's language.
"""

from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
from allauth.usersessions import views as usersessions_views
from django.urls import path

from . import views
from .views import patients_in_portal_layout, patients_to_portal

to_portal_password = patients_to_portal("portal_change_password")
to_portal = patients_to_portal()
portal_layout = patients_in_portal_layout

urlpatterns = [
    path("password/change/", to_portal_password(account_views.password_change),
         name="account_change_password"),
    path("password/set/", to_portal_password(account_views.password_set),
         name="account_set_password"),
    path("reauthenticate/", portal_layout(account_views.reauthenticate),
         name="account_reauthenticate"),
    path("logout/", portal_layout(account_views.logout),
         name="account_logout"),
    path("sessions/", to_portal(usersessions_views.list_usersessions), name="usersessions_list"),
    path("2fa/", portal_layout(mfa_views.index), name="mfa_index"),
    path("2fa/reauthenticate/", portal_layout(mfa_views.reauthenticate), name="mfa_reauthenticate"),
    path("2fa/totp/activate/", portal_layout(views.activate_totp), name="mfa_activate_totp"),
    path("2fa/totp/deactivate/", portal_layout(totp_views.deactivate_totp),
         name="mfa_deactivate_totp"),
    path("2fa/recovery-codes/", portal_layout(recovery_views.view_recovery_codes),
         name="mfa_view_recovery_codes"),
    path("2fa/recovery-codes/generate/", portal_layout(recovery_views.generate_recovery_codes),
         name="mfa_generate_recovery_codes"),
    path("2fa/recovery-codes/download/", portal_layout(recovery_views.download_recovery_codes),
         name="mfa_download_recovery_codes"),
    path("email/", portal_layout(views.email_address), name="account_email"),  # read-only
    path("api-tokens/", to_portal(views.api_tokens), name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", to_portal(views.api_token_revoke_view),
         name="api_token_revoke"),
]
