"""Back-office routes under /staff/disclosures/ (permission disclose_data)."""

from django.urls import path

from privacydesk.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("", views.disclosure_log, name="log"),
    path("new/", views.disclosure_new, name="new"),
    path("consents/", views.consent_list, name="consent_list"),
    path("consents/new/", views.consent_new, name="consent_new"),
    path("consents/<uuid:uid>/", views.consent_detail, name="consent_detail"),
    path("consents/<uuid:uid>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
