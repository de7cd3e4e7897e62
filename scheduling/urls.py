from django.urls import path

from . import portal_views, views

urlpatterns = [
    # Patients
    path("portal/visits/<uuid:appointment_id>/", portal_views.portal_visit, name="portal_visit"),
    path("portal/visits/<uuid:appointment_id>/visit.ics", portal_views.portal_visit_ics,
         name="portal_visit_ics"),
    # Staff
    path("patients/<uuid:patient_id>/book/", views.book_for_patient, name="book_for_patient"),
    path("schedule/", views.schedule, name="schedule"),
    path("appointments/<uuid:appointment_id>/", views.appointment_detail,
         name="appointment_detail"),
    path("appointments/<uuid:appointment_id>/reschedule/", views.appointment_reschedule_view,
         name="appointment_reschedule"),
    path("appointments/<uuid:appointment_id>/cancel/", views.appointment_cancel_view,
         name="appointment_cancel"),
    path("appointments/<uuid:appointment_id>/attendance/", views.appointment_attendance_view,
         name="appointment_attendance"),
    path("appointments/<uuid:appointment_id>/verify-channel/", views.appointment_verify_channel,
         name="appointment_verify_channel"),
    path("appointments/<uuid:appointment_id>/identity-check/", views.appointment_identity_check,
         name="appointment_identity_check"),
    # Managers
    path("scheduling/setup/", views.setup, name="scheduling_setup"),
    path("scheduling/rules/", views.settings_edit, name="scheduling_rules"),
    path("scheduling/audit/", views.audit, name="scheduling_audit"),
    path("scheduling/visit-types/new/", views.visit_type_edit, name="scheduling_visit_type_new"),
    path("scheduling/visit-types/<int:visit_type_id>/", views.visit_type_edit,
         name="scheduling_visit_type_edit"),
    path("scheduling/reasons/new/", views.reason_code_edit, name="scheduling_reason_new"),
    path("scheduling/reasons/<int:reason_id>/", views.reason_code_edit,
         name="scheduling_reason_edit"),
    path("scheduling/blocks/new/", views.block_edit, name="scheduling_block_new"),
    path("scheduling/blocks/<int:block_id>/", views.block_edit, name="scheduling_block_edit"),
    path("scheduling/blocks/<int:block_id>/delete/", views.block_delete,
         name="scheduling_block_delete"),
    path("scheduling/exceptions/new/", views.exception_new, name="scheduling_exception_new"),
    path("scheduling/exceptions/<int:exception_id>/delete/", views.exception_delete,
         name="scheduling_exception_delete"),
    path("scheduling/questions/new/", views.question_edit, name="scheduling_question_new"),
    path("scheduling/questions/<int:question_id>/", views.question_edit,
         name="scheduling_question_edit"),
    path("scheduling/questions/<int:question_id>/answers/new/", views.answer_new,
         name="scheduling_answer_new"),
    path("scheduling/answers/<int:answer_id>/delete/", views.answer_delete,
         name="scheduling_answer_delete"),
]
