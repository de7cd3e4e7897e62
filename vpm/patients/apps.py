from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "vpm.patients"
    label = "patients"
