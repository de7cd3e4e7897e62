from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        from anymail.signals import inbound

        from .inbound import on_anymail_inbound

        # Inbound email arrives through django-anymail's signed webhook view.
        inbound.connect(on_anymail_inbound, dispatch_uid="messaging_inbound_email")
        # A merge of two patient records moves their threads and refills to the kept record.
        from vpm.patients.merge_registry import register_patient_reference

        register_patient_reference("messaging.Thread")
        register_patient_reference("messaging.RefillRequest")
