"""#15: the server-access pages for Dutch staff. Every access page is reachable from the menu
or the access home page; the request form says where servers are added; agreements are
picked by client name; "who at the client asked" is a search of that client's contacts, and
a person outside that client is refused (A1)."""

from __future__ import annotations

import pytest

from privacydesk.access import contacts
from privacydesk.access.models import AccessRequest
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault.models import AuditEntry

from .conftest import ask, make_staff
from .test_pages_api_cli import signed_in

# Roles end "yesterday" in the fixtures: scripts/test.sh runs these under frozen clocks too.
pytestmark = pytest.mark.dates


# --- the service: a search of the client's contacts ------------------------------------------

def test_the_search_lists_only_the_running_contacts_of_the_servers_client(world,
                                                                         client_contacts):
    found = contacts.search(world.server, "smit", user=world.engineer)
    assert [c.ref for c in found] == [str(client_contacts.eva.ref)]  # not Erik: his role ended
    assert found[0].label.startswith("Eva Smit (P-")
    everyone = contacts.search(world.server, "", user=world.engineer)
    assert [c.ref for c in everyone] == [str(client_contacts.eva.ref)]  # not Globex's Piet
    assert contacts.search(world.server, "jansen", user=world.engineer) == []


def test_a_private_clients_server_has_the_agreements_parties_as_contacts(world,
                                                                        client_contacts):
    assert [c.ref for c in contacts.search(world.router, "", user=world.engineer)] == [
        str(world.anna.ref)]
    assert contacts.client_name(world.router) == "Nieuwe router"
    assert contacts.client_name(world.server) == "Acme BV"


def test_every_contact_shown_by_name_is_an_audited_read_for_security(world, client_contacts):
    contacts.search(world.server, "eva", user=world.engineer)
    read = AuditEntry.objects.get(action="read", person_ref=str(client_contacts.eva.ref))
    assert read.actor == "jan" and read.purpose == "security"


def test_a_person_outside_the_servers_client_cannot_be_who_asked(world, client_contacts):
    for outsider in (client_contacts.piet, client_contacts.erik, world.anna):
        with pytest.raises(RuleViolation) as refused:
            ask(world, agreement=None, repair_reference="T-9",
                repair_contact_ref=str(outsider.ref))
        assert (refused.value.field, refused.value.rule) == ("repair_contact", "A1")
    assert AccessRequest.objects.count() == 0
    req = ask(world, server=world.router, agreement=None, repair_reference="T-9",
              repair_contact_ref=str(world.anna.ref))
    assert req.repair_contact_ref == str(world.anna.ref)


# --- the pages ---------------------------------------------------------------------------------

def test_every_access_page_is_reachable_for_the_roles_that_may_see_it(world):
    jan, lies = signed_in(world.engineer), signed_in(world.lead)
    home = jan.get("/staff/access/").content.decode()
    assert 'href="/staff/access/"' in home and 'href="/staff/access/#key"' in home
    assert 'id="key"' in home and ">Sleutel<" in home
    assert "/staff/access/all/" not in home  # the engineer decides nothing
    assert jan.get("/staff/access/all/").status_code == 403
    assert jan.get("/staff/access/servers/").status_code == 403

    lead_home = lies.get("/staff/access/").content.decode()
    assert 'href="/staff/access/all/">Alle toegang<' in lead_home
    assert 'href="/staff/access/all/#servers">Servers<' in lead_home
    everything = lies.get("/staff/access/all/").content.decode()
    assert 'id="servers"' in everything and 'href="/staff/access/#key"' in everything
    moved = lies.get("/staff/access/servers/")
    assert (moved.status_code, moved["Location"]) == (302, "/staff/access/all/#servers")


def test_the_request_form_says_where_servers_are_added(world):
    lead_form = signed_in(world.lead).get("/staff/access/").content.decode()
    assert ('Staat de server er niet bij? Voeg hem toe onder '
            '<a href="/staff/access/all/#servers">Servers</a>') in lead_form
    jan_form = signed_in(world.engineer).get("/staff/access/").content.decode()
    assert "Vraag een collega met een van deze rollen" in jan_form
    assert "Privacyfunctionaris" in jan_form and "Teamleider service" in jan_form
    assert "/staff/access/all/#servers" not in jan_form


def test_agreements_and_servers_are_picked_by_client_name(world):
    page = signed_in(world.engineer).get("/staff/access/").content.decode()
    assert f'<option value="{world.sla.pk}">Acme BV · ' in page
    assert "SLA-ACME</option>" in page
    assert f'<option value="{world.server.pk}">srv1.acme.example — Acme BV</option>' in page
    assert "registerkenmerk" not in page  # no ref is typed any more


def test_who_asked_is_searched_among_the_clients_contacts_on_the_page(world, client_contacts):
    jan = signed_in(world.engineer)
    page = jan.get("/staff/access/", {"contact_server": world.server.pk,
                                      "contact_name": "Smit"}).content.decode()
    assert '<select id="repair_contact_ref" name="repair_contact_ref">' in page
    assert f'<option value="{client_contacts.eva.ref}">Eva Smit (P-' in page
    assert "Erik" not in page and "Piet" not in page
    assert f'<option value="{world.server.pk}" selected>' in page
    none = jan.get("/staff/access/", {"contact_server": world.server.pk,
                                      "contact_name": "Jansen"}).content.decode()
    assert "Geen contactpersoon van Acme BV heeft deze naam" in none

    filed = jan.post("/staff/access/new/", {
        "server": world.server.pk, "principal": "root", "action": "Restart the mail queue",
        "repair_reference": "T-2024-17", "repair_contact_ref": str(client_contacts.eva.ref)},
        follow=True)
    assert "Toegang aangevraagd" in filed.content.decode()
    assert AccessRequest.objects.get().repair_contact_ref == str(client_contacts.eva.ref)


def test_a_contact_of_another_client_is_refused_in_dutch_naming_field_and_rule(
        world, client_contacts):
    page = signed_in(world.engineer).post("/staff/access/new/", {
        "server": world.server.pk, "principal": "root", "action": "Restart the mail queue",
        "repair_reference": "T-2024-17", "repair_contact_ref": str(client_contacts.piet.ref)},
        follow=True).content.decode()
    assert ("Wie bij de klant vroeg erom: deze persoon is geen contactpersoon van de klant "
            "van de server") in page
    assert "(A1)" in page
    assert AccessRequest.objects.count() == 0


def test_sales_reaches_no_access_page(world):
    sam = signed_in(make_staff("sales", "sam"))
    assert sam.get("/staff/access/").status_code == 403
    assert "/staff/access/" not in sam.get("/staff/").content.decode()
