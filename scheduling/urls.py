from django.urls import path

from . import portal_views

urlpatterns = [
    path("portal/visits/<uuid:appointment_id>/", portal_views.portal_visit, name="portal_visit"),
    path("portal/visits/<uuid:appointment_id>/visit.ics", portal_views.portal_visit_ics,
         name="portal_visit_ics"),
]
