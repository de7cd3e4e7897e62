"""The REST API, version 1. Practice-owned resources live under p/<practice_slug>/.

Every view here checks the practice in the URL against the caller's
membership itself (vpm.api.PracticeAPIView); paths that match nothing,
including malformed ids, get a JSON 404.
"""

from django.urls import include, path, re_path

from messaging import api as messaging
from scheduling import api as scheduling
from vpm.api import api_not_found
from vpm.patients import api as patients
from vpm.practices import api as practices
from vpm.queue import api as queue

practice_urls = [
    path("patients/", patients.PatientListView.as_view(), name="api_patient_list"),
    path("patients/<uuid:patient_id>/", patients.PatientDetailView.as_view(),
         name="api_patient_detail"),
    path("patients/<uuid:patient_id>/contact-attempts/", patients.ContactAttemptsView.as_view(),
         name="api_contact_attempts"),
    path("patients/<uuid:patient_id>/merge/", patients.PatientMergeView.as_view(),
         name="api_patient_merge"),
    path("patients/<uuid:patient_id>/contact-points/", patients.ContactPointsView.as_view(),
         name="api_contact_points"),
    path("patients/<uuid:patient_id>/contact-points/<int:point_id>/",
         patients.ContactPointDetailView.as_view(), name="api_contact_point_detail"),
    path("patients/<uuid:patient_id>/insurance/", patients.InsuranceListView.as_view(),
         name="api_insurance_list"),
    path("patients/<uuid:patient_id>/insurance/<int:insurance_id>/",
         patients.InsuranceDetailView.as_view(), name="api_insurance_detail"),
    path("work-items/", queue.WorkItemListView.as_view(), name="api_work_item_list"),
    path("work-items/<int:item_id>/", queue.WorkItemDetailView.as_view(),
         name="api_work_item_detail"),
    path("work-items/<int:item_id>/claim/", queue.WorkItemClaimView.as_view(),
         name="api_work_item_claim"),
    path("work-items/<int:item_id>/release/", queue.WorkItemReleaseView.as_view(),
         name="api_work_item_release"),
    path("work-items/<int:item_id>/assign/", queue.WorkItemAssignView.as_view(),
         name="api_work_item_assign"),
    path("work-items/<int:item_id>/snooze/", queue.WorkItemSnoozeView.as_view(),
         name="api_work_item_snooze"),
    path("work-items/<int:item_id>/close/", queue.WorkItemCloseView.as_view(),
         name="api_work_item_close"),
    # Messaging
    path("threads/", messaging.ThreadListView.as_view(), name="api_thread_list"),
    path("threads/<uuid:thread_id>/", messaging.ThreadDetailView.as_view(),
         name="api_thread_detail"),
    path("threads/<uuid:thread_id>/messages/", messaging.ThreadMessagesView.as_view(),
         name="api_thread_messages"),
    path("threads/<uuid:thread_id>/notes/", messaging.ThreadNotesView.as_view(),
         name="api_thread_notes"),
    path("refills/", messaging.RefillListView.as_view(), name="api_refill_list"),
    path("refills/<uuid:refill_id>/status/", messaging.RefillStatusView.as_view(),
         name="api_refill_status"),
    path("triage-rules/", messaging.RuleListView.as_view(), name="api_triage_rules"),
    path("triage-rules/preview/", messaging.RulePreviewView.as_view(),
         name="api_triage_preview"),
    path("triage-rules/<str:rule_id>/", messaging.RuleDetailView.as_view(),
         name="api_triage_rule"),
    path("work-items/<int:item_id>/take-over/", queue.WorkItemTakeOverView.as_view(),
         name="api_work_item_take_over"),
    path("work-items/<int:item_id>/wait/", queue.WorkItemWaitView.as_view(),
         name="api_work_item_wait"),
    path("work-items/<int:item_id>/resume/", queue.WorkItemResumeView.as_view(),
         name="api_work_item_resume"),
]

# Scheduling: visit types, templates, exceptions, slots, appointments, waitlist.
practice_urls += [
    path("visit-types/", scheduling.VisitTypeListView.as_view(), name="api_visit_type_list"),
    path("template-blocks/", scheduling.TemplateBlockListView.as_view(),
         name="api_template_block_list"),
    path("template-blocks/<int:block_id>/", scheduling.TemplateBlockDetailView.as_view(),
         name="api_template_block_detail"),
    path("template-exceptions/", scheduling.TemplateExceptionListView.as_view(),
         name="api_template_exception_list"),
    path("template-exceptions/<int:exception_id>/",
         scheduling.TemplateExceptionDetailView.as_view(), name="api_template_exception_detail"),
    path("slots/", scheduling.SlotSearchView.as_view(), name="api_slot_search"),
    path("appointments/", scheduling.AppointmentListView.as_view(), name="api_appointment_list"),
    path("appointments/<uuid:appointment_id>/", scheduling.AppointmentDetailView.as_view(),
         name="api_appointment_detail"),
    path("appointments/<uuid:appointment_id>/reschedule/",
         scheduling.AppointmentRescheduleView.as_view(), name="api_appointment_reschedule"),
    path("appointments/<uuid:appointment_id>/cancel/", scheduling.AppointmentCancelView.as_view(),
         name="api_appointment_cancel"),
    path("appointments/<uuid:appointment_id>/attendance/",
         scheduling.AppointmentAttendanceView.as_view(), name="api_appointment_attendance"),
    path("waitlist/", scheduling.WaitlistListView.as_view(), name="api_waitlist"),
]

urlpatterns = [
    path("practices/", practices.MyPracticeListView.as_view(), name="api_practice_list"),
    path("p/<slug:practice_slug>/", include(practice_urls)),
    re_path(r"^", api_not_found),
]
