"""Back-office routes for retention under /staff/retention/ (privacy officers)."""

from django.urls import path

from privacydesk.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("runs/<int:first>/", views.sweep_run, name="sweep_run"),
    path("holds/<uuid:ref>/", views.person_holds, name="person_holds"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
]
