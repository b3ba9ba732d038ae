from django.apps import AppConfig


class CallbacksConfig(AppConfig):
    name = "privacydesk.callbacks"
    label = "callbacks"
    verbose_name = "Callbacks"

    def ready(self) -> None:
        # #15: the dashboard's callbacks to make (P1).
        from privacydesk.callbacks import work

        work.register()
