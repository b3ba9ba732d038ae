"""Public consent pages (D3): /consent/<nl|en>/<token>/ and the withdrawal link."""

from django.urls import path

from privacydesk.disclosure import public_views
from privacydesk.public.urls import LanguageConverter  # noqa: F401 (registers <lang:>)

app_name = "disclosure_public"
urlpatterns = [
    path("<lang:lang>/<str:token>/", public_views.answer, name="answer"),
    path("<lang:lang>/withdraw/<str:token>/", public_views.withdraw, name="withdraw"),
]
