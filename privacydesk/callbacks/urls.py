from django.urls import path

from privacydesk.callbacks import views

app_name = "callbacks"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attempt/", views.attempt, name="attempt"),
    path("<int:pk>/email/", views.send_email, name="email"),
    path("<int:pk>/letter/", views.letter, name="letter"),
]
