from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "privacydesk.callbacks"
    label = "callbacks"
    verbose_name = "Callbacks"
