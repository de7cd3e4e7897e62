from django.urls import path

from . import portal_views

urlpatterns = [
    path("portal/messages/", portal_views.message_list, name="portal_messages"),
]
