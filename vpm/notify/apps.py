from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "vpm.notify"
    label = "notify"
