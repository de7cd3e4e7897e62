from django.urls import path

from . import import_views, views

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_register_view, name="patient_register"),
    path("patients/import/", import_views.import_start, name="patient_import"),
    path("patients/import/<int:import_id>/", import_views.import_detail,
         name="patient_import_detail"),
    path("patients/import/<int:import_id>/report.csv", import_views.import_report_csv,
         name="patient_import_report_csv"),
    path("patients/<uuid:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<uuid:patient_id>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<uuid:patient_id>/insurance/", views.insurance_edit, name="insurance_edit"),
    path("patients/<uuid:patient_id>/merge/", views.patient_merge_view, name="patient_merge"),
    path("patients/<uuid:patient_id>/contact-attempts/", views.contact_attempt_create,
         name="contact_attempt_create"),
    path("patients/<uuid:patient_id>/identity-checks/", views.identity_check_create,
         name="identity_check_create"),
]
