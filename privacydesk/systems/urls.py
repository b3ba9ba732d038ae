"""Back-office routes of the systems' tasks under /staff/systems/ (#16.3)."""

from django.urls import path

from privacydesk.systems import views

app_name = "systems"
urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
]
