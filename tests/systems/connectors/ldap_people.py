"""The staff directory of the LDAP connector's tests: the personas in a real slapd, and the
dataset declaration InFactor's directory would have (docs/connectors/ldap.md)."""

from __future__ import annotations

import copy
from typing import Any

from privacydesk.systems.connector import Connection, Subject
from privacydesk.systems.connectors import ldap
from tests.systems.servers.ldap import Tree

R3_PAYROLL = ("R3: de loonadministratie verwijst vijf jaar naar het personeelsnummer "
              "(art. 28 Wet op de loonbelasting 1964)")

DATASET: dict[str, Any] = {
    "object_class": "inetOrgPerson",
    "bases": [
        {"dn": "ou=people", "kind": "medewerker", "erase": "disable", "move_to": "ou=former",
         "mark": {"attribute": "employeeType", "value": "uitgeschakeld"},
         "keep": ["employeeNumber"], "reason": R3_PAYROLL},
        {"dn": "ou=former", "kind": "oud-medewerker", "erase": "disable",
         "mark": {"attribute": "employeeType", "value": "uitgeschakeld"},
         "keep": ["employeeNumber"], "reason": R3_PAYROLL},
        {"dn": "ou=contacts", "kind": "contactpersoon", "erase": "delete"},
    ],
    "attributes": {
        "mail": {"category": "email", "identity": "email"},
        "telephoneNumber": {"category": "phone", "identity": "phone"},
        "mobile": {"category": "phone", "identity": "phone"},
        "cn": {"category": "names", "identity": "name"},
        "sn": {"category": "names"},
        "givenName": {"category": "names"},
        "employeeNumber": {"category": "identity", "identity": "employee_number"},
        "postalCode": {"category": "address"},
        "description": {"category": "names", "text": True},
    },
}

ANNA = Subject(name="Anna de Vries", emails=("anna@example.nl",), phones=("+31612345678",),
               postcode_house_numbers=("9712AB 12",))
BRAM = Subject(name="Bram Bakker", emails=("bram@example.com",), phones=("+31687654321",))
CARLA = Subject(name="Carla Jansen", emails=("carla@infactor.nl",), phones=("+31623456789",),
                ids={"employee_number": ("E-007",)})
DAAN = Subject(name="Daan Smit", emails=("daan.smit@example.org",), phones=("+31634567890",),
               ids={"employee_number": ("E-003",)})
EVA = Subject(name="Eva Visser", emails=("eva@client.example",))
OLAF = Subject(name="Olaf", emails=("olaf@elders.example",), phones=("+31699999999",))

PERSON = ["inetOrgPerson"]


def seed(tree: Tree) -> dict[str, str]:
    """The personas in `tree`; return their DNs by first name (and the groups')."""
    for ou in ("people", "former", "contacts", "groups"):
        tree.add(f"ou={ou}", ["organizationalUnit"], {})
    dns = {
        "carla": tree.add("uid=carla,ou=people", PERSON, {
            "cn": "Carla Jansen", "sn": "Jansen", "givenName": "Carla",
            "mail": "carla@infactor.nl", "mobile": "06-23456789",
            "telephoneNumber": "+31 50 123 4567", "employeeNumber": "E-007",
            "userPassword": "{SSHA}geheim", "uid": "carla",
            "description": "Vaste contactpersoon van Anna de Vries, bel 06 1234 5678"}),
        "daan": tree.add("uid=daan,ou=former", PERSON, {
            "cn": "Daan Smit", "sn": "Smit", "givenName": "Daan",
            "mail": "daan.smit@example.org", "mobile": "+31 6 34567890",
            "employeeNumber": "E-003", "userPassword": "{SSHA}oud", "uid": "daan",
            "homePhone": "050-7654321", "description": "Uit dienst sinds 30 juni 2025"}),
        "anna": tree.add("cn=Anna de Vries,ou=contacts", PERSON, {
            "sn": "de Vries", "givenName": "Anna", "mail": "anna@example.nl",
            "telephoneNumber": "+31 6 12345678", "postalCode": "9712 AB",
            "description": "Klant sinds 2019, eigenaar van Café De Vries"}),
        "bram": tree.add("uid=bram,ou=contacts", PERSON, {
            "cn": "Bram Bakker", "sn": "Bakker", "mail": "bram@example.com",
            "telephoneNumber": "06 87654321", "uid": "bram",
            "description": "Vroeg een offerte aan"}),
        "eva": tree.add("uid=eva,ou=contacts", PERSON, {
            "cn": "Eva Visser", "sn": "Visser", "mail": "eva@client.example", "uid": "eva",
            "description": "Collega van Bram Bakker bij de klant"}),
    }
    dns["newsletter"] = tree.add("cn=nieuwsbrief,ou=groups", ["groupOfNames"], {
        "member": [dns["anna"], dns["bram"]]})
    dns["anna-only"] = tree.add("cn=vip,ou=groups", ["groupOfNames"], {
        "member": [dns["anna"]]})
    dns["support"] = tree.add("cn=support,ou=groups", ["groupOfNames"], {
        "member": [dns["carla"], dns["daan"]]})
    return dns


def connection(tree: Tree, dataset: dict[str, Any] | None = None, *, url: str | None = None,
               hosts: tuple[str, ...] = ("127.0.0.1",), timeout: float = 5.0) -> Connection:
    return Connection("directory", url or tree.url,
                      copy.deepcopy(DATASET if dataset is None else dataset), hosts, timeout)


def directory(tree: Tree, dataset: dict[str, Any] | None = None) -> ldap.LdapConnector:
    return ldap.connect(connection(tree, dataset))
