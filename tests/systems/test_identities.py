"""Anna is found by what the other systems know her by, not only by what the register knows
(#16, Fides #1257 and #3412).

The register knows Anna by anna.de.vries@example.nl and +31 6 12345678. The CRM wrote down
her work address anna@werk.example and her customer number: a mail she sent from her work
address to the shared mailbox, and a ticket by her customer number, are hers too. The first
round searches every system with the register's identities; what the records found hold
beyond them is added, and every system that can be searched by such an identity is searched
again — twice at most, never by an identity another person in the register holds (or the
company's own info@), and a system only by the kinds it declares. Her access report says
that the mail was found by the address the CRM knows; her erasure reaches that mail, and the
re-search, with the same identities, finds nothing left.

The systems here are plain in-test classes that keep the connector contract
(`privacydesk.systems.connector`), registered as the connector kind "plain": the app's logic
is under test, not a server (tests/systems/test_identities_live.py does this against the real
PostgreSQL CRM and Dovecot).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import translation

from privacydesk.register import services
from privacydesk.requests import _systems, _systems_views, actions
from privacydesk.systems import declared, erasing, registry, searching, tasks
from privacydesk.systems.connector import (
    Connection,
    ConnectorError,
    Export,
    Outcome,
    Record,
    Sample,
    Subject,
)
from privacydesk.systems.models import SystemTask
from privacydesk.vault.models import AuditEntry
from tests.requests.conftest import ANNA, officer, personas, smtp  # noqa: F401 - fixtures
from tests.requests.helpers import verified

WORK = "anna@werk.example"
INFO = "info@infactor.nl"          # the controller's own address (InFactor's policy)
CARLA = "carla.jansen@example.nl"  # another person in the register (the personas)


@dataclass
class Held:
    """One thing an in-test system holds: what finds it (kind -> normalised values, as the
    Subject holds them) and the other identities it names (`Record.identities`)."""

    locator: str
    kind: str
    found_by: dict[str, tuple[str, ...]]
    identities: dict[str, tuple[str, ...]] = field(default_factory=dict)


#: What each in-test system holds, every subject it was asked for and every record it
#: exported, by connection URL.
_HELD: dict[str, list[Held]] = {}
_ASKED: dict[str, list[Subject]] = {}
_EXPORTED: dict[str, list[str]] = {}
#: How many of the next finds of a system fail as unreachable (a mail server restarting).
_DOWN: dict[str, int] = {}


def _values(subject: Subject, kind: str) -> tuple[str, ...]:
    if kind == "email":
        return subject.emails
    if kind == "phone":
        return subject.phones
    if kind == "name":
        return (subject.name,) if subject.name else ()
    return subject.ids.get(kind, ())


class Plain:
    """A connector that keeps the contract over a list (no network, no mock of a server)."""

    def __init__(self, connection: Connection) -> None:
        self.system_id, self._url = connection.system_id, connection.url
        self._found: set[str] = set()   # what this instance's find read

    def ping(self) -> None:
        return None

    def find(self, subject: Subject) -> list[Record]:
        _ASKED[self._url].append(subject)
        if _DOWN.get(self._url):
            _DOWN[self._url] -= 1
            raise ConnectorError("unreachable", f"{self.system_id}: connection refused")
        found = []
        for held in _HELD[self._url]:
            matched = tuple(kind for kind, values in held.found_by.items()
                            if set(values) & set(_values(subject, kind)))
            if matched:
                found.append(Record(self.system_id, held.locator, held.kind, ("email",),
                                    {"onderwerp": held.kind}, matched_by=matched,
                                    identities=held.identities))
                self._found.add(held.locator)
        return found

    def export(self, records: Sequence[Record]) -> list[Export]:
        # A connector hands out what its own find just read (IMAP, REST keep it); a record
        # it did not read itself would be fetched again.
        _EXPORTED[self._url] += [r.locator + ("" if r.locator in self._found
                                              else " (fetched again)") for r in records]
        return [Export(r.locator.replace("/", "-") + ".txt", "text/plain", r.kind.encode())
                for r in records]

    def correct(self, record: Record, field_name: str, value: str) -> Outcome:
        raise NotImplementedError

    def erase(self, records: Sequence[Record], subject: Subject) -> list[Outcome]:
        gone = {r.locator for r in records}
        _HELD[self._url][:] = [h for h in _HELD[self._url] if h.locator not in gone]
        return [Outcome(self.system_id, locator, "deleted") for locator in sorted(gone)]

    def sample(self, limit: int) -> Iterator[Sample]:
        return iter(())


def connect(connection: Connection) -> Plain:
    """The "plain" connector kind's factory (registry.CONNECTORS)."""
    return Plain(connection)


def _system(system_id: str, label: str, identities: tuple[str, ...]) -> declared.Declared:
    return declared.Declared(id=system_id, label={"nl": label, "en": label},
                             owner="privacy_officer", categories=("names", "email"),
                             roles=("customer",), purposes=("agreement",),
                             identities=identities, capabilities=("find", "export", "erase"),
                             connector="plain", hosts=("127.0.0.1",))


REGISTER = declared.Declared(id="register", label={"nl": "Register", "en": "Register"},
                             connector="register")
CRM = _system("crm", "Klantenbestand (CRM)", ("email", "name", "phone", "customer_number"))
MAILBOX = _system("mailbox", "Gedeelde mailbox info@", ("email",))
TICKETING = _system("ticketing", "Ticketsysteem", ("email", "phone", "customer_number"))


@pytest.fixture
def places(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Held]]]:
    """The CRM, the shared mailbox and the ticketing system, declared and connected (each
    its own URL, so no other run shares what they hold), empty: each test fills them."""
    monkeypatch.setitem(registry.CONNECTORS, "plain", __name__)
    held: dict[str, list[Held]] = {}
    for system in (CRM, MAILBOX, TICKETING):
        url = f"plain://127.0.0.1/{system.id}-{uuid.uuid4().hex}"
        monkeypatch.setenv(f"PRIVACYDESK_SYSTEM_{system.id.upper()}_URL", url)
        _HELD[url], _ASKED[url], _EXPORTED[url] = [], [], []
        held[system.id] = _HELD[url]
    declared.use((REGISTER, CRM, MAILBOX, TICKETING))
    try:
        yield held
    finally:
        declared.use(None)
        for url in [u for u in _HELD if u.rsplit("/", 1)[-1].split("-")[0] in held]:
            _HELD.pop(url, None)
            _ASKED.pop(url, None)
            _EXPORTED.pop(url, None)
            _DOWN.pop(url, None)


def _asked(system: declared.Declared) -> list[Subject]:
    url = registry.connection_url(system.id) or ""
    return _ASKED[url]


def _exported(system: declared.Declared) -> list[str]:
    return _EXPORTED[registry.connection_url(system.id) or ""]


def _annas_crm_row(**identities: tuple[str, ...]) -> Held:
    return Held("customers/1", "klant", {"email": (ANNA,)},
                {"email": (" Anna@Werk.example ",), "customer_number": ("K-1001",),
                 **identities})


def _search(request: Any, export: bool = False) -> dict[str, searching.Section]:
    person = actions.person_of(request)
    return {s.system.id: s for s in _systems.search(request, person, actor="po",
                                                    export=export)}


def test_a_mail_from_the_address_only_the_crm_knows_is_found_and_says_so(
        smtp, personas, places, officer):  # noqa: F811
    places["crm"].append(_annas_crm_row())
    places["mailbox"] += [Held("INBOX/7", "e-mail", {"email": (WORK,)}),
                          Held("INBOX/8", "e-mail", {"email": ("bram@bakker.example",)})]
    places["ticketing"].append(Held("issues/3", "ticket", {"customer_number": ("K-1001",)}))
    request = verified(smtp, "access", ANNA)

    sections = _search(request)

    assert [r.locator for r in sections["mailbox"].records] == ["INBOX/7"]
    assert [r.locator for r in sections["ticketing"].records] == ["issues/3"]
    assert sections["mailbox"].via == {"INBOX/7": (("email", ("crm",)),)}
    # Her report says by what each record was found, the source system by its label.
    report = {s["system"]: s for s in _systems.report_sections(list(sections.values()), "nl")}
    assert report["mailbox"]["records"][0]["found_by"] == (
        "gevonden via het e-mailadres dat Klantenbestand (CRM) kent")
    assert report["ticketing"]["records"][0]["found_by"] == (
        "gevonden via het klantnummer dat Klantenbestand (CRM) kent")
    assert report["crm"]["records"][0]["found_by"] == "gevonden via uw e-mailadres"
    readable = [text for _style, text in _systems.report_lines(
        {"systems": list(report.values()), "language": "nl"})]
    assert ("e-mail — onderwerp: e-mail (gevonden via het e-mailadres dat Klantenbestand "
            "(CRM) kent)") in readable
    english = _systems.report_sections(list(sections.values()), "en")
    assert english[1]["records"][0]["found_by"] == (
        "found by the e-mail address Klantenbestand (CRM) holds")
    # The task keeps counts and system ids, never the address (Sec4).
    mailbox = SystemTask.objects.get(request_uid=request.uid, system="mailbox")
    assert mailbox.detail["searched_again"] == {"from": ["crm"], "found": 1}
    crm = SystemTask.objects.get(request_uid=request.uid, system="crm")
    assert crm.detail["identities_given"] == {"email": 1, "customer_number": 1}
    entry = json.loads(AuditEntry.objects.filter(action="systems.search").last().detail)
    assert entry["identities_added"] == {"email": 1, "customer_number": 1}
    assert WORK not in str(entry) + str(mailbox.detail) + str(crm.detail)


def test_each_system_is_searched_again_only_by_the_kinds_it_declares(
        smtp, personas, places, officer):  # noqa: F811
    places["crm"].append(_annas_crm_row(phone=("06 5555 0000",)))
    request = verified(smtp, "access", ANNA)

    _search(request)

    first, second = _asked(MAILBOX)
    assert first.emails == (ANNA,) and second.emails == (ANNA, WORK)
    assert second.phones == first.phones and not second.ids     # e-mail only, as declared
    again = _asked(TICKETING)[-1]
    assert again.phones[-1] == "+31655550000" and again.ids == {"customer_number": ("K-1001",)}
    assert len(_asked(CRM)) == 2    # the CRM too: what it holds may find more there


def test_an_address_another_person_in_the_register_holds_is_not_added(
        smtp, personas, places, officer):  # noqa: F811
    # The CRM's row names Carla's address and the company's own info@ beside Anna's: a
    # shared box or a colleague's address would reach other people's data.
    places["crm"] += [Held("customers/1", "klant", {"email": (ANNA,)},
                           {"email": (CARLA, INFO, "+31 50 525 9060")}),
                      Held("contacts/4", "contactpersoon", {"email": (ANNA,)},
                           {"email": (CARLA.upper(),)})]   # counted once, not per record
    places["mailbox"] += [Held("INBOX/1", "e-mail", {"email": (CARLA,)}),
                          Held("INBOX/2", "e-mail", {"email": (INFO,)})]
    request = verified(smtp, "access", ANNA)

    sections = _search(request)

    assert sections["mailbox"].records == []
    assert all(s.emails == (ANNA,) for s in _asked(MAILBOX))
    crm = SystemTask.objects.get(request_uid=request.uid, system="crm")
    assert crm.detail["identities_shared"] == {"email": 2}
    assert "identities_given" not in crm.detail
    entry = json.loads(AuditEntry.objects.filter(action="systems.search").last().detail)
    assert entry["identities_shared"] == {"email": 2}
    # Staff read on the request page that two were left out, and why — not which.
    with translation.override("nl"):
        rows = {row["task"].system: row for row in _systems_views.context(request)
                ["system_rows"]}
    assert rows["crm"]["identities"] == [
        "2 identiteiten uit de gegevens hier niet gebruikt: een andere persoon in het "
        "register, of het bedrijf zelf, heeft die ook"]


def test_a_shared_phone_number_is_not_added_either(smtp, personas, places, officer):  # noqa: F811
    services.add_datum(personas.carla, "phone", {"number": "050 123 4567"}, source="staff",
                       purpose="callback", basis="consent", actor="seed")
    places["crm"].append(Held("customers/1", "klant", {"email": (ANNA,)},
                              {"phone": ("050-1234567",)}))
    request = verified(smtp, "access", ANNA)

    _search(request)

    assert all("+31501234567" not in s.phones for s in _asked(TICKETING))
    assert SystemTask.objects.get(request_uid=request.uid, system="crm"
                                  ).detail["identities_shared"] == {"phone": 1}


def test_two_rounds_at_most(smtp, personas, places, officer):  # noqa: F811
    # The mail found by her work address names a third address: it is not followed.
    places["crm"].append(_annas_crm_row())
    places["mailbox"].append(Held("INBOX/7", "e-mail", {"email": (WORK,)},
                                  {"email": ("a.devries@privé.example",)}))
    places["ticketing"].append(Held("issues/9", "ticket",
                                    {"email": ("a.devries@privé.example",)}))
    request = verified(smtp, "access", ANNA)

    sections = _search(request)

    assert sections["ticketing"].records == []
    assert len(_asked(TICKETING)) == 2


def test_her_portability_zip_holds_what_each_round_found_each_record_exported_once(
        smtp, personas, places, officer):  # noqa: F811
    # The CRM gives her customer number; the mailbox cannot be searched by one, so its
    # first round's mail is exported as found, by the connector that found it, while the
    # CRM and the ticketing system are searched again and export what that round found.
    places["crm"].append(Held("customers/1", "klant", {"email": (ANNA,)},
                              {"customer_number": ("K-1001",)}))
    places["mailbox"].append(Held("INBOX/5", "e-mail", {"email": (ANNA,)}))
    places["ticketing"].append(Held("issues/3", "ticket", {"customer_number": ("K-1001",)}))
    request = verified(smtp, "portability", ANNA)

    sections = _search(request, export=True)

    assert [e.filename for e in sections["mailbox"].exports] == ["INBOX-5.txt"]
    assert [e.filename for e in sections["ticketing"].exports] == ["issues-3.txt"]
    assert (_exported(CRM), _exported(MAILBOX), _exported(TICKETING)) == (
        ["customers/1"], ["INBOX/5"], ["issues/3"])
    assert len(_asked(MAILBOX)) == 1 and len(_asked(TICKETING)) == 2
    assert _systems.export_files(list(sections.values())) == {
        "systems/crm/customers-1.txt": b"klant", "systems/mailbox/INBOX-5.txt": b"e-mail",
        "systems/ticketing/issues-3.txt": b"ticket"}


def test_nothing_new_means_one_round(smtp, personas, places, officer):  # noqa: F811
    places["crm"].append(Held("customers/1", "klant", {"email": (ANNA,)},
                              {"email": (ANNA.upper(),)}))   # her own address, other case
    request = verified(smtp, "access", ANNA)

    _search(request)

    assert [len(_asked(s)) for s in (CRM, MAILBOX, TICKETING)] == [1, 1, 1]


def test_her_erasure_reaches_the_mail_from_her_work_address_and_retries_search_the_same(
        smtp, personas, places, officer,  # noqa: F811
        django_capture_on_commit_callbacks):
    places["crm"].append(_annas_crm_row())
    places["mailbox"] += [Held("INBOX/7", "e-mail", {"email": (WORK,)}),
                          Held("INBOX/8", "e-mail", {"email": ("bram@bakker.example",)})]
    request = verified(smtp, "erasure", ANNA)

    with django_capture_on_commit_callbacks(execute=True):   # as a committed erasure
        actions.erase(request, actor="po")
    erase_tasks = {t.system: t for t in tasks.of_request(request.uid, SystemTask.ERASE)}
    sealed = tasks.subject_of(erase_tasks["mailbox"])
    assert sealed.emails == (ANNA, WORK)    # kept with the task: every try searches by it
    assert erase_tasks["mailbox"].detail["searched_with"] == ["crm"]
    for task in erase_tasks.values():
        erasing.run(task.pk)

    mailbox = SystemTask.objects.get(pk=erase_tasks["mailbox"].pk)
    assert (mailbox.status, mailbox.done, mailbox.remaining) == (SystemTask.DONE, 1, 0)
    assert [h.locator for h in places["mailbox"]] == ["INBOX/8"]   # Bram's mail stays
    assert _asked(MAILBOX)[-1].emails == (ANNA, WORK)   # the re-search, by the same
    assert not mailbox.key_id    # settled: the subject is forgotten (R1)


def test_a_retry_after_the_mailbox_was_down_searches_by_the_same_addresses(
        smtp, personas, places, officer,  # noqa: F811
        django_capture_on_commit_callbacks):
    places["crm"].append(_annas_crm_row())
    places["mailbox"].append(Held("INBOX/7", "e-mail", {"email": (WORK,)}))
    request = verified(smtp, "erasure", ANNA)
    with django_capture_on_commit_callbacks(execute=True):   # as a committed erasure
        actions.erase(request, actor="po")
    mailbox = SystemTask.objects.get(request_uid=request.uid, system="mailbox",
                                     action=SystemTask.ERASE)
    _DOWN[registry.connection_url("mailbox") or ""] = 1

    erasing.run(mailbox.pk, 1)
    mailbox.refresh_from_db()
    assert (mailbox.status, mailbox.error_kind) == (SystemTask.RETRYING, "unreachable")
    erasing.run(mailbox.pk, 2)

    mailbox.refresh_from_db()
    assert (mailbox.status, mailbox.done, mailbox.remaining) == (SystemTask.DONE, 1, 0)
    assert [s.emails for s in _asked(MAILBOX)[-3:]] == [(ANNA, WORK)] * 3
    assert places["mailbox"] == []


@pytest.mark.parametrize("matched, dutch, english", [
    (("email", "name"), "gevonden via uw e-mailadres en naam",
     "found by your e-mail address and name"),
    (("name in text", "phone in text"), "gevonden via uw naam en telefoonnummer in de tekst",
     "found by your name and phone number in its text"),
    (("email", "name in text"), "gevonden via uw e-mailadres; uw naam in de tekst",
     "found by your e-mail address; your name in its text"),
    (("via customers",), "hoort bij een gevonden gegeven van u",
     "belongs to a record of yours found"),
    (("retention",), "", ""),
])
def test_her_report_says_what_matched_in_her_words(matched, dutch, english):
    record = Record("crm", "notes/1", "notitie", ("notes",), {}, matched_by=matched)
    assert _systems.found_by(record, (), "nl") == dutch
    assert _systems.found_by(record, (), "en") == english
