from django.urls import path

from . import manager_views, portal_views, staff_views

urlpatterns = [
    # Staff
    path("messages/", staff_views.thread_list, name="staff_threads"),
    path("messages/<uuid:thread_id>/", staff_views.thread_detail, name="staff_thread"),
    path("messages/<uuid:thread_id>/reply/", staff_views.thread_reply, name="thread_reply"),
    path("messages/<uuid:thread_id>/note/", staff_views.thread_note, name="thread_note"),
    path("messages/<uuid:thread_id>/call/", staff_views.thread_call, name="thread_call"),
    path("messages/<uuid:thread_id>/record/", staff_views.thread_record, name="thread_record"),
    path("messages/<uuid:thread_id>/close/", staff_views.thread_close, name="thread_close"),
    path("messages/<uuid:thread_id>/correct/", staff_views.thread_correct,
         name="thread_correct"),
    path("messages/<uuid:thread_id>/match/", staff_views.thread_match, name="thread_match"),
    path("messages/<uuid:thread_id>/merge/", staff_views.thread_merge, name="thread_merge"),
    path("messages/<uuid:thread_id>/split/<int:message_id>/", staff_views.message_split,
         name="message_split"),
    path("messages/<uuid:thread_id>/refills/<uuid:refill_id>/", staff_views.refill_status,
         name="refill_status"),
    path("messages/attachments/<uuid:attachment_id>/", staff_views.attachment_download,
         name="staff_attachment"),
    # Managers
    path("messages/settings/", manager_views.settings_page, name="messaging_settings"),
    path("messages/settings/rules/", manager_views.rule_save, name="triage_rule_save"),
    path("messages/settings/rules/preview/", manager_views.rule_preview,
         name="triage_rule_preview"),
    path("messages/settings/rules/<str:rule_id>/delete/", manager_views.rule_delete,
         name="triage_rule_delete"),
    path("messages/settings/templates/", manager_views.template_save, name="reply_template_save"),
    path("messages/settings/templates/<int:template_id>/delete/", manager_views.template_delete,
         name="reply_template_delete"),
    path("messages/settings/on-call/", manager_views.on_call_save, name="on_call_save"),
    path("messages/settings/corrections.jsonl", manager_views.corrections_as_cases,
         name="corrections_as_cases"),
    # Patients
    path("portal/messages/", portal_views.message_list, name="portal_messages"),
    path("portal/messages/new/", portal_views.message_new, name="portal_message_new"),
    path("portal/messages/new/check/", portal_views.message_check, name="portal_message_check"),
    path("portal/messages/new/write/", portal_views.message_write, name="portal_message_write"),
    path("portal/messages/<uuid:thread_id>/", portal_views.thread_detail, name="portal_thread"),
    path("portal/messages/attachments/<uuid:attachment_id>/", portal_views.attachment_download,
         name="portal_attachment"),
]
