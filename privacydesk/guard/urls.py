from django.urls import path

from privacydesk.guard import views

app_name = "guard"
urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/lift/", views.lift, name="lift"),
    path("allow/", views.allow, name="allow"),
    path("allow/<int:pk>/remove/", views.disallow, name="disallow"),
    path("export/", views.export, name="export"),
]
