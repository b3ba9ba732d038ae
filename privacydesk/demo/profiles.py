"""Who the demo population consists of: role profiles, agreements and recipients.

A profile is the set of roles one invented person holds (S1). The weights give a register
that looks like a small Dutch IT service company's: mostly customers, prospects and
representatives of client companies, some (former) employees, and a few people with two
roles. The first people of every population get each profile once, so even a tiny demo
shows every role.
"""

from __future__ import annotations

from dataclasses import dataclass

CUSTOMER = "customer"
PROSPECT = "prospect"
EMPLOYEE = "employee"
FORMER_EMPLOYEE = "former_employee"
CONTACT = "contact"


@dataclass(frozen=True)
class Profile:
    """The roles of one kind of person and how often the kind occurs (relative weight)."""

    roles: frozenset[str]
    weight: float


PROFILES: tuple[Profile, ...] = (
    Profile(frozenset({CUSTOMER}), 0.34),
    Profile(frozenset({PROSPECT}), 0.20),
    Profile(frozenset({CONTACT}), 0.22),
    Profile(frozenset({EMPLOYEE}), 0.07),
    Profile(frozenset({FORMER_EMPLOYEE}), 0.08),
    Profile(frozenset({CUSTOMER, CONTACT}), 0.04),
    Profile(frozenset({FORMER_EMPLOYEE, CUSTOMER}), 0.03),
    Profile(frozenset({PROSPECT, CONTACT}), 0.02),
)

ONE_OFF_TITLES: tuple[str, ...] = (
    "Eenmalige opdracht: installatie netwerk", "Herstel laptop", "Migratie naar Microsoft 365",
    "Installatie printer en scanner", "Gegevensherstel harde schijf", "Inrichting thuiswerkplek",
    "Vervanging server", "Installatie wifi-netwerk", "Overzetten gegevens naar nieuwe pc",
)
SLA_TITLES: tuple[str, ...] = (
    "SLA werkplekbeheer", "SLA serverbeheer", "SLA netwerkbeheer", "SLA back-up en herstel",
    "SLA beheer Microsoft 365", "SLA beveiligingsmonitoring",
)

#: Admin-account systems a customer may let the company manage (C4).
ADMIN_SYSTEMS: tuple[str, ...] = (
    "Microsoft 365-tenant", "Windows-domein", "Synology NAS", "Firewall", "Google Workspace",
    "Wifi-controller",
)


@dataclass(frozen=True)
class Recipient:
    """D2: a third party an agreement may name, with the categories it needs and why."""

    name: str
    categories: tuple[str, ...]
    legal_basis: str
    purpose: str


RECIPIENTS: tuple[Recipient, ...] = (
    Recipient("Microsoft Ireland Operations Ltd", ("names", "email", "account"), "contract",
              "Licenties en beheer van de Microsoft 365-omgeving"),
    Recipient("Belastingdienst", ("names", "address", "financial"), "legal_obligation",
              "Fiscale bewaarplicht (art. 52 AWR)"),
    Recipient("PostNL", ("names", "address"), "contract", "Bezorgen van bestelde apparatuur"),
    Recipient("Back-up Nederland B.V.", ("names", "email"), "contract",
              "Externe opslag van back-ups"),
)
