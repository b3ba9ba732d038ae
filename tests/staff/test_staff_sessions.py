"""Sec1: disabling an account ends its sessions for good (issue #13, 5.11).

The attack: Daan's account is disabled when he leaves; weeks later it is enabled again (by
mistake, or for his return). A browser that still holds his old session cookie must not be
signed in again by that.
"""

from __future__ import annotations

from django.test import Client

from privacydesk.staff.models import StaffUser

from .conftest import sign_in_with_mfa


def _disable_on_the_staff_page(officer: Client, user: StaffUser, active: bool) -> None:
    response = officer.post(f"/staff/users/{user.pk}/", {
        "staff_role": user.staff_role, **({"is_active": "on"} if active else {})})
    assert response.status_code == 302


def test_a_disabled_then_re_enabled_account_has_to_sign_in_again(make_staff, staff_client):
    daan = make_staff("sales", username="daan")
    his_browser = sign_in_with_mfa(Client(), daan)
    assert his_browser.get("/staff/").status_code == 200
    officer = staff_client("privacy_officer")
    _disable_on_the_staff_page(officer, daan, active=False)
    assert his_browser.get("/staff/").status_code == 302
    _disable_on_the_staff_page(officer, daan, active=True)
    response = his_browser.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")


def test_disabling_by_any_path_ends_the_sessions(make_staff):
    daan = make_staff("sales", username="daan")
    his_browser = sign_in_with_mfa(Client(), daan)
    daan.is_active = False
    daan.save(update_fields=["is_active"])  # e.g. a script, not the staff page
    daan.is_active = True
    daan.save(update_fields=["is_active"])
    assert his_browser.get("/staff/").status_code == 302


def test_a_new_password_ends_the_sessions(make_staff):
    carla = make_staff("hr", username="carla")
    old_browser = sign_in_with_mfa(Client(), carla)
    carla.set_password("a completely new passphrase 7")
    carla.save()
    assert old_browser.get("/staff/").status_code == 302


def test_changing_only_the_role_keeps_the_session(make_staff, staff_client):
    eva = make_staff("sales", username="eva")
    her_browser = sign_in_with_mfa(Client(), eva)
    officer = staff_client("privacy_officer")
    response = officer.post(f"/staff/users/{eva.pk}/", {"staff_role": "finance",
                                                        "is_active": "on"})
    assert response.status_code == 302
    assert her_browser.get("/staff/").status_code == 200
