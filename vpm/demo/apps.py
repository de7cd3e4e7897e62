from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vpm.demo"
    label = "demo"
