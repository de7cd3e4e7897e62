from django.apps import AppConfig


class QueueConfig(AppConfig):
    name = "vpm.queue"
    label = "queue"
