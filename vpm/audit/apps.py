from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vpm.audit"
    label = "audit"
