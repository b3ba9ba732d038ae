"""Back-office routes under /staff/. Every view is staff-only unless marked public."""

from django.urls import path

from privacydesk.staff.views import (
    account,
    agreements,
    auth,
    dashboard,
    data,
    persons,
    tokens,
    users,
)

app_name = "staff"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", auth.login_view, name="login"),
    path("mfa/", auth.mfa_view, name="mfa"),
    path("mfa/setup/", auth.mfa_setup_view, name="mfa_setup"),
    path("logout/", auth.logout_view, name="logout"),
    path("protocol/", auth.protocol_view, name="protocol"),
    path("account/", account.account, name="account"),
    path("persons/", persons.person_list, name="person_list"),
    path("persons/new/", persons.person_create, name="person_create"),
    path("persons/<uuid:ref>/", persons.person_detail, name="person_detail"),
    path("persons/<uuid:ref>/roles/", data.person_roles, name="person_roles"),
    path("persons/<uuid:ref>/roles/<int:pk>/end/", data.role_end, name="role_end"),
    path("persons/<uuid:ref>/data/<slug:category>/new/", data.datum_add, name="datum_add"),
    path("persons/<uuid:ref>/data/<slug:category>/<int:pk>/edit/", data.datum_edit,
         name="datum_edit"),
    path("persons/<uuid:ref>/data/<slug:category>/<int:pk>/delete/", data.datum_delete,
         name="datum_delete"),
    path("organisations/", agreements.organisation_list, name="organisation_list"),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/reset-mfa/", users.user_reset_mfa, name="user_reset_mfa"),
    path("users/<int:pk>/lift-pause/", users.user_lift_pause, name="user_lift_pause"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
