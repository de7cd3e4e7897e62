from django.urls import path

from . import settings_views, views

urlpatterns = [
    path("team/", views.team, name="team"),
    path("settings/", settings_views.practice_settings, name="practice_settings"),
    path("team/<int:membership_id>/", views.membership_change, name="membership_change"),
    path("team/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path("team/<int:membership_id>/restore/", views.membership_restore,
         name="membership_restore"),
]
