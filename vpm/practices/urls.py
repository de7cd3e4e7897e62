from django.urls import path

from . import settings_views, views

urlpatterns = [
    path("team/", views.team, name="team"),
    path("settings/", settings_views.practice_settings, name="practice_settings"),
    path("team/<int:membership_id>/", views.membership_change, name="membership_change"),
    path("team/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path("team/<int:membership_id>/restore/", views.membership_restore,
         name="membership_restore"),
    path("team/invitations/<int:invitation_id>/cancel/", views.invitation_cancel_view,
         name="invitation_cancel"),
    path("team/invitations/<int:invitation_id>/resend/", views.invitation_resend_view,
         name="invitation_resend"),
]
