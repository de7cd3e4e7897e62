from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vpm.accounts"
    label = "accounts"
