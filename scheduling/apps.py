from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self):
        from vpm.notify.attachments import register_attachments

        from .notices import appointment_attachments

        # Every appointment email carries its calendar invite.
        register_attachments("appointment_", appointment_attachments)
