from django.urls import path

from privacydesk.access import views

app_name = "access"
urlpatterns = [
    path("", views.home, name="home"),
    path("key/", views.upload_key, name="key"),
    path("new/", views.new_request, name="new"),
    path("grants/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("grants/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("all/", views.all_grants, name="all"),
    path("requests/<int:pk>/approve/", views.approve, name="approve"),
    path("requests/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("servers/", views.add_server, name="servers"),
]
