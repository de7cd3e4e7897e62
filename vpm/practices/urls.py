from django.urls import path

from . import views

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/<int:membership_id>/", views.membership_change, name="membership_change"),
]
