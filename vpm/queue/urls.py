from django.urls import path

from . import views

urlpatterns = [
    path("items/<int:item_id>/claim/", views.claim, name="work_item_claim"),
    path("items/<int:item_id>/release/", views.release, name="work_item_release"),
    path("items/<int:item_id>/assign/", views.assign, name="work_item_assign"),
    path("items/<int:item_id>/snooze/", views.snooze, name="work_item_snooze"),
    path("items/<int:item_id>/close/", views.close, name="work_item_close"),
]
