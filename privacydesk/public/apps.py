from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "privacydesk.public"
    label = "public"
    verbose_name = "Public website"
