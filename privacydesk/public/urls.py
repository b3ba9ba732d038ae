"""Public routes. "/" is the Dutch statement; every page exists under /nl/ and /en/."""

from django.urls import path, register_converter

from privacydesk.public import views


class LanguageConverter:
    regex = "nl|en"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "lang")

app_name = "public"
urlpatterns = [
    path("", views.statement, {"lang": "nl"}, name="home"),
    path("<lang:lang>/", views.statement, name="statement"),
    path("<lang:lang>/contact/", views.contact, name="contact"),
    path("<lang:lang>/request/", views.request_form, name="request"),
    path("<lang:lang>/concern/", views.concern, name="concern"),
    path("<lang:lang>/thanks/<slug:page>/", views.thanks, name="thanks"),
]
