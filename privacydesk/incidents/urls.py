from django.urls import path

from privacydesk.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/breach/", views.incident_breach, name="breach"),
    path("<int:pk>/reported/", views.incident_reported, name="reported"),
    path("<int:pk>/informed/", views.incident_informed, name="informed"),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("<int:pk>/reopen/", views.incident_reopen, name="reopen"),
]
