from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        from anymail.signals import inbound

        from vpm.portal.registry import register_link_purpose

        from .inbound import on_anymail_inbound
        from .services.alerts import THREAD_LINK, thread_link_landing

        # Inbound email arrives through django-anymail's signed webhook view.
        inbound.connect(on_anymail_inbound, dispatch_uid="messaging_inbound_email")
        # Reply notices carry a portal link that opens that one thread after the
        # date-of-birth check (no account needed).
        register_link_purpose(THREAD_LINK, landing=thread_link_landing)
        # A merge of two patient records moves their threads and refills to the kept record.
        from vpm.patients.merge_registry import register_patient_reference

        register_patient_reference("messaging.Thread")
        register_patient_reference("messaging.RefillRequest")
