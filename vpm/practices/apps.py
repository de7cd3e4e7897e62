from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "vpm.practices"
    label = "practices"

    def ready(self):
        from django.db.backends.signals import connection_created

        from vpm.timestamps import use_c_timestamp_loader

        # Timestamps parsed by psycopg's C code (vpm/timestamps.py).
        connection_created.connect(use_c_timestamp_loader, dispatch_uid="vpm-c-timestamps")
