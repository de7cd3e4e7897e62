from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "vpm.practices"
    label = "practices"
