from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo as a Django app, for its command (`privacydesk demo`)."""

    name = "privacydesk.demo"
    label = "demo"
    verbose_name = "Demo"
