from django.urls import path

from . import views

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/<int:membership_id>/", views.membership_change, name="membership_change"),
    path("team/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path("team/<int:membership_id>/restore/", views.membership_restore,
         name="membership_restore"),
]
