from django.apps import AppConfig


class ServerConfig(AppConfig):
    """The web server as a Django app only for its commands: `serve`, `config`, `policy`."""

    name = "privacydesk.server"
    label = "server"
    verbose_name = "Web server"
