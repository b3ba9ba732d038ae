"""Sec1, Sec3: each staff role sees only the categories the policy gives it; staff
management only for roles with "manage_staff" (the privacy officer)."""

from __future__ import annotations

import pytest

from privacydesk.policy.active import get_policy
from privacydesk.staff.permissions import has_permission, visible_categories
from privacydesk.vault.models import AuditEntry

from .conftest import CARLA_BSN


def test_visible_categories_come_from_the_policy(make_staff):
    policy = get_policy()
    for key, role in policy.staff_roles.items():
        assert visible_categories(make_staff(key)) == role.categories


def test_no_role_and_no_account_see_nothing(make_staff):
    from django.contrib.auth.models import AnonymousUser

    nobody = make_staff("sales")
    nobody.staff_role = ""
    assert visible_categories(nobody) == frozenset()
    assert visible_categories(AnonymousUser()) == frozenset()
    assert not has_permission(AnonymousUser(), "manage_staff")


def test_sales_does_not_see_carlas_identity_data(staff_client, people):
    client = staff_client("sales")
    page = client.get(f"/staff/persons/{people.carla.ref}/?purpose=legal_obligation")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Carla" in html
    assert CARLA_BSN not in html
    assert get_policy().categories["identity"].label("en") not in html


def test_hr_sees_carlas_identity_data(staff_client, people):
    client = staff_client("hr")
    page = client.get(f"/staff/persons/{people.carla.ref}/?purpose=legal_obligation")
    assert page.status_code == 200
    assert CARLA_BSN in page.content.decode()


def test_the_person_page_shows_nothing_before_a_purpose_is_chosen(staff_client, people):
    client = staff_client("hr")
    before = AuditEntry.objects.filter(action="read").count()
    html = client.get(f"/staff/persons/{people.carla.ref}/").content.decode()
    assert CARLA_BSN not in html and "Jansen" not in html
    assert AuditEntry.objects.filter(action="read").count() == before


def test_a_view_is_audited_with_its_purpose_and_the_reader(staff_client, people):
    client = staff_client("hr")
    client.get(f"/staff/persons/{people.carla.ref}/?purpose=legal_obligation")
    entry = AuditEntry.objects.filter(action="read").order_by("-seq").first()
    assert entry.actor == client.staff_user.username
    assert entry.purpose == "legal_obligation"
    assert entry.person_ref == str(people.carla.ref)
    assert CARLA_BSN not in entry.detail


def test_an_unknown_purpose_shows_nothing(staff_client, people):
    client = staff_client("hr")
    html = client.get(f"/staff/persons/{people.carla.ref}/?purpose=curiosity").content.decode()
    assert CARLA_BSN not in html


def test_sales_cannot_open_the_identity_form_of_carla(staff_client, people):
    client = staff_client("sales")
    assert client.get(f"/staff/persons/{people.carla.ref}/data/identity/new/").status_code == 403


@pytest.mark.parametrize("role", ["service_engineer", "sales", "finance", "hr"])
@pytest.mark.parametrize("url", ["/staff/users/", "/staff/users/new/"])
def test_staff_management_refuses_every_role_but_the_privacy_officer(staff_client, role, url):
    assert staff_client(role).get(url).status_code == 403


def test_the_privacy_officer_manages_staff(staff_client):
    assert staff_client("privacy_officer").get("/staff/users/").status_code == 200
