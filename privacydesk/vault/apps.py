from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "privacydesk.vault"
    label = "vault"
    verbose_name = "Vault"
