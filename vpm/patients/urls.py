from django.urls import path

from . import views

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/<uuid:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<uuid:patient_id>/contact-attempts/", views.contact_attempt_create,
         name="contact_attempt_create"),
    path("patients/<uuid:patient_id>/identity-checks/", views.identity_check_create,
         name="identity_check_create"),
]
