from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self):
        from vpm.notify.attachments import register_attachments
        from vpm.portal.registry import register_link_purpose, register_status_provider

        from .notices import appointment_attachments
        from .portal_views import VISIT, upcoming_visits_status, visit_link_landing

        # Every appointment email carries its calendar invite.
        register_attachments("appointment_", appointment_attachments)
        # Reminders carry a portal link of purpose "visit": it opens that visit only.
        register_link_purpose(VISIT, landing=visit_link_landing)
        register_status_provider(upcoming_visits_status)
        # A merge of two patient records moves their visits to the kept record.
        from vpm.patients.merge_registry import register_patient_reference

        register_patient_reference("scheduling.Appointment")
        register_patient_reference("scheduling.WaitlistEntry")
        # Waitlist offers carry a link of their own purpose: it opens that offer only.
        from .waitlist import OFFER, offer_link_landing

        register_link_purpose(OFFER, landing=offer_link_landing)
        # Other apps' text (messaging's reply templates) names the next visit.
        from vpm.notify.placeholders import register_placeholder

        from .selectors import next_visit_words

        register_placeholder("next_visit", next_visit_words)
