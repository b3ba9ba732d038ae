"""The IMAP connector against a real Dovecot (#16.2): a shared mailbox info@ holds mail from,
to and about the personas; privacydesk finds Anna there by e-mail, name and phone, exports
her mail as the .eml files the server holds, erases her (her correspondence deleted, mail
that only mentions her rewritten without her) and the re-search finds nothing — while
Bram's and Eva's mail stays."""

from __future__ import annotations

import base64
import imaplib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from privacydesk.policy.errors import RuleViolation
from privacydesk.systems import declared, erasing, tasks
from privacydesk.systems.connector import Connection, ConnectorError, Record, Subject
from privacydesk.systems.connectors import imap
from privacydesk.systems.models import SystemTask
from tests.systems.servers import imap as servers
from tests.systems.servers.imap import Dovecot, Mailbox

# The real servers and the misbehaving sockets (pytest reads fixtures from conftest.py only).
plain_dovecot_server = servers.dovecot_server
indexed_dovecot_server = servers.indexed_dovecot_server
silent_port = servers.silent_port
nonsense_port = servers.nonsense_port


@pytest.fixture(params=["without-index", "with-index"])
def dovecot_server(request: pytest.FixtureRequest) -> Dovecot:
    """Every test here runs twice: against a Dovecot that reads every message for SEARCH
    and against one with a full-text index (Xapian), which tokenizes what it finds. The
    connector must find, erase and re-search alike on both (docs/connectors/imap.md)."""
    name = "indexed_dovecot_server" if request.param == "with-index" else "plain_dovecot_server"
    server: Dovecot = request.getfixturevalue(name)
    return server

pytestmark = pytest.mark.live

ANNA = Subject(name="Anna de Vries", emails=("anna@example.nl",), phones=("+31612345678",),
               postcode_house_numbers=("9712AB 12",))
ANNA_BY_EMAIL = Subject(emails=("ANNA@example.nl",))
ANNA_BY_NAME = Subject(name="anna  de vries")
ANNA_BY_PHONE = Subject(phones=("+31612345678",))
BRAM = Subject(name="Bram Bakker", emails=("bram@bakker.example",))
EVA = Subject(name="Eva Visser", emails=("eva.visser@klant.example",))
OLAF = Subject(name="Olaf", emails=("olaf@elders.example",), phones=("+31201234567",))

KEPT = "R3: facturen worden zeven jaar bewaard (art. 52 AWR)"
DATASET: dict[str, Any] = {
    "categories": ["names", "email", "phone"],
    "folders": [
        {"name": "INBOX", "erase": "delete"},
        {"name": "Sent", "erase": "delete"},
        {"name": "Facturen", "erase": "archive_only", "reason": KEPT,
         "categories": ["names", "email", "financial"]},
    ],
}


def mail(sender: str, to: str, subject: str, body: str, *, cc: str = "",
         date: str = "Mon, 02 Nov 2026 10:15:00 +0100", extra: str = "") -> bytes:
    headers = [f"From: {sender}", f"To: {to}", *([f"Cc: {cc}"] if cc else []),
               f"Subject: {subject}", f"Date: {date}",
               f"Message-ID: <{'.'.join(subject.lower().split())}@test.example>",
               "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: 8bit", *([extra] if extra else [])]
    return ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


ANNA_ASKS = mail('"Anna de Vries" <anna@example.nl>', "info@infactor.example",
                 "Storing kantoornetwerk",
                 "Goedemiddag,\nHet netwerk ligt eruit. Bel me op 06-12345678.\n"
                 "Groet, Anna de Vries\nHerestraat 12, 9712 AB Groningen\n")
REPLY_TO_ANNA = mail("InFactor <info@infactor.example>", "anna@example.nl",
                     "Re: Storing kantoornetwerk",
                     "Beste Anna,\nWe komen morgen langs.\n",
                     cc='"Eva Visser" <eva.visser@klant.example>')
BRAM_MENTIONS_ANNA = mail('"Bram Bakker" <bram@bakker.example>', "info@infactor.example",
                          "Offerte gevraagd",
                          "Anna de Vries raadde jullie aan (anna@example.nl, "
                          "+31 6 1234 5678).\nKunnen jullie een offerte sturen? Bram\n")
EVA_ASKS = mail('"Eva Visser" <eva.visser@klant.example>', "info@infactor.example",
                "Nieuwe laptop", "Kunnen jullie een laptop bestellen? Eva\n")
# The server's substring search finds these too; the connector must not (another person).
LOOKALIKE = mail('"Marianna de Vriesland" <marianna@elders.example>',
                 "info@infactor.example", "Vraag",
                 "Mijn nummer is 020-555 5678. Marianna de Vriesland\n")
INVOICE = mail("InFactor <facturen@infactor.example>", '"Anna de Vries" <anna@example.nl>',
               "Factuur 2026-117", "Bijgaand de factuur voor november.\n")
# Base64 text: the server and the connector both read the decoded text.
ENCODED = (b"From: Carla Jansen <carla.jansen@infactor.example>\r\n"
           b"To: info@infactor.example\r\nSubject: Terugbellen\r\n"
           b"Date: Tue, 03 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(b"Anna belde, graag terugbellen op 0612345678.\n")
           .replace(b"\n", b"\r\n"))


def connection(box: Mailbox | None = None, *, url: str = "", dataset: Any = None,
               hosts: tuple[str, ...] = ("127.0.0.1",), timeout: float = 5.0) -> Connection:
    return Connection(system_id="mailbox", url=url or (box.url if box else ""),
                      dataset=DATASET if dataset is None else dataset, hosts=hosts,
                      timeout=timeout)


@pytest.fixture
def box(dovecot_server: Dovecot) -> Mailbox:
    """info@ with the personas' mail: Anna's question and our reply (Eva in Cc), Bram's mail
    naming Anna, Eva's own question, a look-alike, Carla's note, an invoice to Anna."""
    box = dovecot_server.mailbox("Sent", "Facturen", "Quarantaine")
    box.append("INBOX", ANNA_ASKS, BRAM_MENTIONS_ANNA, EVA_ASKS, LOOKALIKE, ENCODED)
    box.append("Sent", REPLY_TO_ANNA, flags="(\\Seen)")
    box.append("Facturen", INVOICE, flags="(\\Seen)")
    return box


def subjects_of(records: Any) -> list[str]:
    return sorted(r.fields["Subject"] for r in records)


# -- connect: the declaration is checked before any network call -----------------------------

@pytest.mark.parametrize(("dataset", "key", "rule"), [
    ({"folders": [{"name": "INBOX"}]}, "categories", "non-empty list"),
    ({"categories": ["names"]}, "folders", "at least one folder"),
    ({"categories": ["names"], "folders": [{"name": "INBOX", "erase": "shred"}]},
     "folders[0].erase", "must be one of delete, move, anonymise, archive_only"),
    ({"categories": ["names"], "folders": [{"name": "INBOX", "erase": "move"}]},
     "folders[0].move_to", "non-empty string"),
    ({"categories": ["names"], "folders": [{"name": "Facturen", "erase": "archive_only"}]},
     "folders[0].reason", "is required"),
    ({"categories": ["names"], "folders": [{"name": "INBOX"}, {"name": "INBOX"}]},
     "folders", "declared twice"),
    ({"categories": ["names"], "identities": ["customer_number"],
      "folders": [{"name": "INBOX"}]}, "identities", "cannot be searched in a mailbox"),
    ({"categories": ["names"], "folder": [{"name": "INBOX"}]}, "folder", "unknown key"),
    ({"categories": ["names"], "folders": [
        {"name": "INBOX", "erase": "move", "move_to": "Quarantaine"},
        {"name": "Quarantaine", "erase": "delete"}]},
     "folders[0].move_to", 'declare it erase = "archive_only"'),
])
def test_a_misdeclared_dataset_is_refused_naming_the_key_and_the_rule(
        silent_port: int, dataset: Any, key: str, rule: str) -> None:
    url = f"imap://desk:secret@127.0.0.1:{silent_port}/"
    with pytest.raises(ConnectorError) as refused:
        imap.connect(connection(url=url, dataset=dataset))
    assert refused.value.kind == "misdeclared"
    assert f"dataset key {key}:" in str(refused.value) and rule in str(refused.value)


def test_a_url_that_is_not_imap_is_refused_without_its_password() -> None:
    with pytest.raises(ConnectorError) as refused:
        imap.connect(connection(url="https://desk:s3cret-pw@127.0.0.1:993/"))
    assert refused.value.kind == "misdeclared"
    assert "imap://" in str(refused.value) and "s3cret-pw" not in str(refused.value)


def test_a_host_the_declaration_does_not_name_is_refused_before_connecting() -> None:
    with pytest.raises(ConnectorError) as refused:
        imap.connect(connection(url="imap://desk:s3cret-pw@mail.elders.example:143/"))
    assert refused.value.kind == "forbidden_host"
    assert "mail.elders.example" in str(refused.value)
    assert "s3cret-pw" not in str(refused.value)


def test_the_default_policys_mailbox_dataset_is_accepted() -> None:
    import tomllib
    from pathlib import Path

    import privacydesk.policy

    path = Path(privacydesk.policy.__file__).parent / "default" / "systems" / "mailbox.toml"
    dataset = tomllib.loads(path.read_text())
    connector = imap.connect(connection(url="imap://desk:pw@127.0.0.1:1/", dataset=dataset))
    assert connector.system_id == "mailbox"


# -- ping, find -----------------------------------------------------------------------------

def test_ping_checks_the_login_and_every_declared_folder(box: Mailbox,
                                                         dovecot_server: Dovecot) -> None:
    imap.connect(connection(box)).ping()
    bare = dovecot_server.mailbox()  # no Sent, no Facturen
    with pytest.raises(ConnectorError) as refused:
        imap.connect(connection(bare)).ping()
    assert refused.value.kind == "misdeclared" and "'Sent'" in str(refused.value)


def test_find_anna_by_every_identity_in_headers_and_text(box: Mailbox) -> None:
    records = imap.connect(connection(box)).find(ANNA)
    by_subject = {r.fields["Subject"]: r for r in records}
    assert sorted(by_subject) == ["Factuur 2026-117", "Offerte gevraagd",
                                  "Re: Storing kantoornetwerk", "Storing kantoornetwerk",
                                  "Terugbellen"]
    asks = by_subject["Storing kantoornetwerk"]
    assert asks.matched_by == ("email", "name", "name in text", "phone in text")
    assert asks.kind == "e-mail" and asks.categories == ("names", "email", "phone")
    assert asks.fields["folder"] == "INBOX" and asks.locator.startswith("INBOX;UIDVALIDITY=")
    assert asks.fields["text"].startswith("Goedemiddag, Het netwerk ligt eruit.")
    assert asks.dated is not None and asks.dated.isoformat() == "2026-11-02"
    assert by_subject["Offerte gevraagd"].matched_by == ("email in text", "name in text",
                                                         "phone in text")
    assert by_subject["Terugbellen"].matched_by == ("phone in text",)  # base64 body
    invoice = by_subject["Factuur 2026-117"]
    assert invoice.categories == ("names", "email", "financial")
    assert invoice.kept == KEPT and invoice.fields["kept"] == KEPT
    assert all(r.kept == "" for r in records if r is not invoice)
    # Her own headers' other addresses are not offered as hers (docs/connectors/imap.md).
    assert all(r.identities == {} for r in records)


@pytest.mark.parametrize(("subject", "expected"), [
    (ANNA_BY_EMAIL, ["Factuur 2026-117", "Offerte gevraagd", "Re: Storing kantoornetwerk",
                     "Storing kantoornetwerk"]),
    (ANNA_BY_NAME, ["Factuur 2026-117", "Offerte gevraagd", "Storing kantoornetwerk"]),
    (ANNA_BY_PHONE, ["Offerte gevraagd", "Storing kantoornetwerk", "Terugbellen"]),
    (OLAF, []),
])
def test_find_by_one_identity_never_finds_a_look_alike(box: Mailbox, subject: Subject,
                                                       expected: list[str]) -> None:
    assert subjects_of(imap.connect(connection(box)).find(subject)) == expected


def test_find_searches_only_the_identities_the_dataset_declares(box: Mailbox) -> None:
    dataset = dict(DATASET, identities=["email"])
    assert imap.connect(connection(box, dataset=dataset)).find(ANNA_BY_PHONE) == []


def test_find_leaves_every_message_unread_for_the_people_sharing_the_mailbox(
        box: Mailbox) -> None:
    imap.connect(connection(box)).find(ANNA)
    assert not any("\\Seen" in f for f in box.flags("INBOX"))


def test_a_name_outside_ascii_is_searched_too(box: Mailbox) -> None:
    box.append("INBOX", mail("=?utf-8?q?Zo=C3=AB_=C3=87elik?= <zoe@klant.example>",
                             "info@infactor.example", "Hallo", "Groeten van Zoë Çelik\n"))
    records = imap.connect(connection(box)).find(Subject(name="Zoë Çelik"))
    assert [r.matched_by for r in records] == [("name", "name in text")]


# What a full-text index tokenizes differently (hyphens, diacritics, digits inside longer
# runs, addresses in headers): found, erased and gone alike with and without the index.
CARLA = Subject(name="Carla Jansen-Wierenga", emails=("carla.jansen-wierenga@in-factor.example",),
                phones=("+31687654321",))
DAAN = Subject(name="Daan Çelik-Jürgens", emails=("daan@elders.example",))
CARLA_IN_CC = mail("Olaf <olaf@elders.example>", "info@infactor.example", "Overleg dinsdag",
                   "Zullen we dinsdag overleggen?\n",
                   cc='"Carla Jansen-Wierenga" <carla.jansen-wierenga@in-factor.example>')
CARLAS_NUMBER = mail("Bram Bakker <bram@bakker.example>", "info@infactor.example",
                     "Terugbelverzoek", "Graag terugbellen, tel.nr.0687654321; ref 20261107.\n")
CARLAS_ADDRESS = mail("Eva Visser <eva.visser@klant.example>", "info@infactor.example",
                      "Doorgestuurd", "Doorgestuurd naar carla.jansen-wierenga@in-factor.example."
                      " Groet, Eva\n")
DAAN_NAMED = mail("Eva Visser <eva.visser@klant.example>", "info@infactor.example",
                  "Afscheid", "De groeten van Daan Çelik-Jürgens, hij is met pensioen.\n")
DAAN_WROTE = mail("=?utf-8?q?Daan_=C3=87elik-J=C3=BCrgens?= <d.celik@thuis.example>",
                  "info@infactor.example", "Mijn oude mail", "Zijn mijn gegevens weg?\n")


def test_hyphens_diacritics_and_numbers_inside_other_digits_are_found_and_erased(
        dovecot_server: Dovecot) -> None:
    box = dovecot_server.mailbox()
    box.append("INBOX", CARLA_IN_CC, CARLAS_NUMBER, CARLAS_ADDRESS, DAAN_NAMED, DAAN_WROTE,
               EVA_ASKS)
    dataset = {"categories": ["names", "email", "phone"], "folders": [{"name": "INBOX"}]}
    connector = imap.connect(connection(box, dataset=dataset))

    carla = connector.find(CARLA)
    assert {r.fields["Subject"]: r.matched_by for r in carla} == {
        "Overleg dinsdag": ("email", "name"), "Terugbelverzoek": ("phone in text",),
        "Doorgestuurd": ("email in text",)}
    daan = connector.find(DAAN)
    assert {r.fields["Subject"]: r.matched_by for r in daan} == {
        "Afscheid": ("name in text",), "Mijn oude mail": ("name",)}

    connector.erase(carla, CARLA)
    connector.erase(daan, DAAN)

    assert connector.find(CARLA) == [] and connector.find(DAAN) == []
    assert subjects_of(connector.find(EVA)) == ["Afscheid", "Doorgestuurd", "Nieuwe laptop"]
    assert subjects_of(connector.find(BRAM)) == ["Terugbelverzoek"]


def test_the_index_limit_the_docs_name_a_number_in_pairs_is_found_by_her_name_only(
        plain_dovecot_server: Dovecot, indexed_dovecot_server: Dovecot) -> None:
    # docs/connectors/imap.md, "What such an index finds differently": Xapian stores no
    # piece shorter than three characters, so "56 78" is not in it.
    pairs = mail("Bram Bakker <bram@bakker.example>", "info@infactor.example", "Nummer",
                 "Haar nummer is 06-12 34 56 78.\n")
    named = mail("Bram Bakker <bram@bakker.example>", "info@infactor.example", "Met naam",
                 "Anna de Vries, 06-12 34 56 78.\n")
    dataset = {"categories": ["names", "phone"], "folders": [{"name": "INBOX"}]}
    found = {}
    for label, server in (("without", plain_dovecot_server), ("with", indexed_dovecot_server)):
        box = server.mailbox()
        box.append("INBOX", pairs, named)
        connector = imap.connect(connection(box, dataset=dataset))
        found[label] = (subjects_of(connector.find(ANNA_BY_PHONE)),
                        subjects_of(connector.find(ANNA)))
    assert found["without"] == (["Met naam", "Nummer"], ["Met naam", "Nummer"])
    assert found["with"] == ([], ["Met naam"])


# -- export, correct ------------------------------------------------------------------------

def test_export_gives_each_message_as_the_eml_the_server_holds(box: Mailbox) -> None:
    connector = imap.connect(connection(box))
    records = [r for r in connector.find(ANNA_BY_EMAIL) if r.fields["folder"] != "Facturen"]
    files = connector.export(records)
    assert sorted(f.data for f in files) == sorted([ANNA_ASKS, BRAM_MENTIONS_ANNA,
                                                    REPLY_TO_ANNA])
    assert {f.content_type for f in files} == {"message/rfc822"}
    assert all(f.filename.endswith(".eml") for f in files)
    assert len({f.filename for f in files}) == 3


def test_export_right_after_find_hands_out_what_find_read_without_logging_in_again(
        box: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = _count_logins(monkeypatch)
    connector = imap.connect(connection(box))
    records = connector.find(ANNA)

    files = connector.export(records)

    assert len(sessions) == 1   # find's
    assert sorted(f.data for f in files) == sorted(
        [ANNA_ASKS, BRAM_MENTIONS_ANNA, ENCODED, REPLY_TO_ANNA, INVOICE])
    # Records another connector found are fetched from the server, in one session.
    again = imap.connect(connection(box)).export(records)
    assert sorted(f.data for f in again) == sorted(f.data for f in files)
    assert len(sessions) == 2


INVOICE_KEPT = "R3: facturen worden zeven jaar bewaard (art. 52 AWR)"


def _count_logins(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sessions: list[str] = []
    real_login = imap.login

    def counted(conn: Connection) -> Any:
        sessions.append(conn.system_id)
        return real_login(conn)

    monkeypatch.setattr(imap, "login", counted)
    return sessions


def test_an_erasure_finds_erases_and_searches_again_in_one_session(
        box: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = _count_logins(monkeypatch)
    connector = imap.connect(connection(box))
    records = connector.find(ANNA)
    connector.erase(records, ANNA)
    # The re-search, in the same session: only the invoice the law keeps (R3) is there.
    assert [r.kept for r in connector.find(ANNA)] == [INVOICE_KEPT]
    assert len(sessions) == 1
    connector.close()
    connector.close()                   # closing twice is harmless
    assert [r.kept for r in connector.find(ANNA)] == [INVOICE_KEPT]  # logged in again
    assert len(sessions) == 2


def test_a_call_that_fails_ends_the_session_and_the_next_starts_afresh(
        box: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = _count_logins(monkeypatch)
    connector = imap.connect(connection(box))
    assert connector.find(ANNA)
    record = Record("mailbox", imap.locator("Archief", 1, 1), "e-mail", (), {})
    with pytest.raises(ConnectorError) as failed:
        connector.erase([record], ANNA)   # a folder the dataset does not declare
    assert failed.value.kind == "misdeclared"
    assert connector.find(ANNA)
    assert len(sessions) == 2


MAILBOX = declared.of_mapping({
    "id": "mailbox", "connector": "imap", "owner": "privacy_officer", "dataset": DATASET,
    "hosts": ["127.0.0.1"], "categories": ["names", "email", "phone"],
    "identities": ["email", "name", "phone"], "capabilities": ["find", "export", "erase"],
    "label": {"nl": "Gedeelde mailbox info@", "en": "Shared mailbox info@"}})


@pytest.fixture
def declared_mailbox(box: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """`box` declared as the connected system "mailbox" (its URL in the environment)."""
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL", box.url)
    declared.use((MAILBOX,))
    yield box
    declared.use(None)


def _sessions(monkeypatch: pytest.MonkeyPatch) -> list[imaplib.IMAP4]:
    """Every IMAP session the connector logs in to from now on, as it was opened."""
    opened: list[imaplib.IMAP4] = []
    real_login = imap.login

    def recorded(conn: Connection) -> imaplib.IMAP4:
        opened.append(real_login(conn))
        return opened[-1]

    monkeypatch.setattr(imap, "login", recorded)
    return opened


def test_the_re_search_before_a_confirmation_ends_its_imap_session(
        db: Any, declared_mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rt3: the owner's confirmation of what an erasure left in the mailbox searches it
    again (erasing.research_left); that search logs out of its session when it ends,
    refused or accepted, instead of leaving it to the garbage collector, which drops the
    socket without a LOGOUT (#16 Speed)."""
    box = declared_mailbox
    task, = erasing.plan(request_uid=uuid.uuid4(), request_ref="VZ-2026-0042",
                         person_ref="p-anna", subject=lambda: ANNA, deadline=None,
                         actor="privacy_officer-1")
    bram = next(r for r in imap.connect(connection(box)).find(ANNA)
                if r.fields["Subject"] == "Offerte gevraagd")
    # Left for the mailbox's owner, as an erasure leaves what a system offers no way to
    # change (tests/systems/connectors/test_rest_left_by_hand.py): Bram's mail naming her.
    task.status = SystemTask.MANUAL
    task.detail = {"left": [{"locator": bram.locator, "record": "e-mail", "where": ["text"]}]}
    task.save()
    sessions = _sessions(monkeypatch)

    with pytest.raises(RuleViolation) as refused:   # her mail is still there
        tasks.confirm_manual(task, actor="privacy_officer-1", note="Mail verwijderd")
    assert refused.value.rule == "Rt3"
    assert [session.state for session in sessions] == ["LOGOUT"]

    owner = imap.connect(connection(box))           # the owner removes her mail by hand
    owner.erase(owner.find(ANNA), ANNA)
    owner.close()
    tasks.confirm_manual(task, actor="privacy_officer-1", note="Mail verwijderd")
    assert task.status == SystemTask.CONFIRMED and task.remaining == 0
    assert [session.state for session in sessions] == ["LOGOUT"] * 3


def test_a_sent_email_is_not_corrected(box: Mailbox) -> None:
    connector = imap.connect(connection(box))
    record = connector.find(ANNA_BY_EMAIL)[0]
    with pytest.raises(ConnectorError) as refused:
        connector.correct(record, "phone", "+31687654321")
    assert refused.value.kind == "unsupported"


# -- erase ----------------------------------------------------------------------------------

def test_erasing_anna_leaves_nothing_erasable_and_bram_and_eva_keep_their_mail(
        box: Mailbox) -> None:
    connector = imap.connect(connection(box))
    outcomes = connector.erase(connector.find(ANNA), ANNA)

    actions = sorted(o.action for o in outcomes)
    assert actions == ["anonymised", "anonymised", "deleted", "deleted", "kept"]
    assert [o.detail for o in outcomes if o.action == "kept"] == [KEPT]
    # The re-search: only the invoice the law makes us keep (R3) is still there.
    left = connector.find(ANNA)
    assert [(r.fields["Subject"], r.fields["kept"]) for r in left] == [
        ("Factuur 2026-117", KEPT)]
    # Bram's mail stays, without Anna in it; Eva's question and the look-alike untouched.
    inbox = box.messages("INBOX")
    assert EVA_ASKS in inbox and LOOKALIKE in inbox
    bram = next(m for m in inbox if b"Offerte gevraagd" in m)
    assert b"bram@bakker.example" in bram and b"Kunnen jullie een offerte sturen?" in bram
    assert b"Anna" not in bram and b"anna@example.nl" not in bram and b"5678" not in bram
    assert b"[verwijderd] raadde jullie aan" in bram
    assert subjects_of(connector.find(BRAM)) == ["Offerte gevraagd"]
    assert subjects_of(connector.find(EVA)) == ["Nieuwe laptop"]  # the reply went with Anna
    assert box.messages("Sent") == []


def test_a_rewritten_message_keeps_its_flags(box: Mailbox) -> None:
    box.append("INBOX", mail("Daan Smit <daan@elders.example>", "info@infactor.example",
                             "Oud-collega", "Groet aan Anna de Vries!\n"),
               flags="(\\Seen \\Flagged)")
    connector = imap.connect(connection(box))
    connector.erase(connector.find(ANNA_BY_NAME), ANNA_BY_NAME)
    flags = [f for f in box.flags("INBOX")]
    assert len(flags) == 5 and sum("\\Flagged" in f and "\\Seen" in f for f in flags) == 1


def test_a_declared_quarantine_folder_shows_what_was_moved_as_kept(box: Mailbox) -> None:
    dataset = {"categories": ["names", "email"], "folders": [
        {"name": "INBOX", "erase": "move", "move_to": "Quarantaine"},
        {"name": "Quarantaine", "erase": "archive_only",
         "reason": "quarantaine: na 30 dagen door de mailserver geleegd"}]}
    connector = imap.connect(connection(box, dataset=dataset))
    connector.erase(connector.find(ANNA), ANNA)

    [moved] = connector.find(ANNA)
    assert moved.fields["folder"] == "Quarantaine"
    assert moved.fields["kept"] == "quarantaine: na 30 dagen door de mailserver geleegd"
    assert [o.action for o in connector.erase([moved], ANNA)] == ["kept"]


def test_erase_in_move_mode_puts_her_mail_in_the_quarantine_folder(box: Mailbox) -> None:
    dataset = {"categories": ["names", "email"],
               "folders": [{"name": "INBOX", "erase": "move", "move_to": "Quarantaine"}]}
    connector = imap.connect(connection(box, dataset=dataset))
    outcomes = connector.erase(connector.find(ANNA), ANNA)

    assert sorted((o.action, o.detail[:9]) for o in outcomes) == [
        ("anonymised", "rewritten"), ("anonymised", "rewritten"), ("moved", "to folder")]
    assert connector.find(ANNA) == []  # the quarantine folder is not searched: not declared
    assert box.messages("Quarantaine") == [ANNA_ASKS]


def test_erase_in_anonymise_mode_rewrites_her_own_mail_too(box: Mailbox) -> None:
    dataset = {"categories": ["names", "email"],
               "folders": [{"name": "INBOX", "erase": "anonymise"}]}
    connector = imap.connect(connection(box, dataset=dataset))
    outcomes = connector.erase(connector.find(ANNA), ANNA)

    assert [o.action for o in outcomes] == ["anonymised"] * 3
    assert connector.find(ANNA) == []
    asks = next(m for m in box.messages("INBOX") if b"Storing" in m)
    assert b'From: "[verwijderd]" <verwijderd@verwijderd.invalid>' in asks
    assert b"Het netwerk ligt eruit" in asks and b"12345678" not in asks


def test_a_message_deleted_since_the_search_counts_as_gone(box: Mailbox) -> None:
    connector = imap.connect(connection(box))
    records = connector.find(ANNA_BY_EMAIL)
    connector.erase(records, ANNA_BY_EMAIL)
    again = connector.erase([r for r in records if r.fields["folder"] == "Sent"],
                            ANNA_BY_EMAIL)
    assert [(o.action, o.detail) for o in again] == [("deleted", "no longer in the mailbox")]


# -- sample ---------------------------------------------------------------------------------

def test_sample_gives_header_addresses_names_and_text(box: Mailbox) -> None:
    samples = list(imap.connect(connection(box)).sample(10))
    values = {(s.where, s.value) for s in samples}
    assert ("INBOX:From", "anna@example.nl") in values
    assert ("INBOX:From name", "Anna de Vries") in values
    assert ("Sent:Cc", "eva.visser@klant.example") in values
    assert ("Facturen:Subject", "Factuur 2026-117") in values
    assert any(w == "INBOX:text" and "06-12345678" in v for w, v in values)
    assert len([s for s in imap.connect(connection(box)).sample(1)
                if s.where == "INBOX:Subject"]) == 1


# -- failure modes: down, slow, garbage, refused --------------------------------------------

def test_a_mailbox_that_is_down_is_unreachable() -> None:
    url = f"imap://desk:s3cret-pw@127.0.0.1:{servers.free_port()}/"
    with pytest.raises(ConnectorError) as failed:
        imap.connect(connection(url=url)).find(ANNA)
    assert failed.value.kind == "unreachable" and "s3cret-pw" not in str(failed.value)


def test_a_mailbox_that_never_answers_times_out_within_the_connections_timeout(
        silent_port: int) -> None:
    url = f"imap://desk:s3cret-pw@127.0.0.1:{silent_port}/"
    with pytest.raises(ConnectorError) as failed:
        imap.connect(connection(url=url, timeout=0.3)).ping()
    assert failed.value.kind == "timeout" and "0.3 seconds" in str(failed.value)
    assert "s3cret-pw" not in str(failed.value)


def test_a_server_that_answers_nonsense_is_garbage(nonsense_port: int) -> None:
    url = f"imap://desk:s3cret-pw@127.0.0.1:{nonsense_port}/"
    with pytest.raises(ConnectorError) as failed:
        imap.connect(connection(url=url, timeout=2)).find(ANNA)
    assert failed.value.kind == "garbage" and "s3cret-pw" not in str(failed.value)


def test_wrong_credentials_are_refused_and_never_repeated(box: Mailbox) -> None:
    url = f"imap://{box.user}:wrong-s3cret@127.0.0.1:{box.port}/"
    with pytest.raises(ConnectorError) as failed:
        imap.connect(connection(url=url)).find(ANNA)
    assert failed.value.kind == "refused"
    assert "wrong-s3cret" not in str(failed.value) and box.user not in str(failed.value)


# -- the shapes real mail takes --------------------------------------------------------------

def multipart_from_eva() -> bytes:
    """Eva's mail: plain and HTML text naming Anna, a PDF offer, and Anna's forwarded mail."""
    from email.message import EmailMessage

    from privacydesk.systems.connectors._imap_message import parse
    from tests.systems.servers.imap import crlf

    message = EmailMessage()
    message["From"] = "Eva Visser <eva.visser@klant.example>"
    message["To"] = "info@infactor.example"
    message["Subject"] = "Doorgestuurd: vraag van een collega"
    message["Date"] = "Wed, 04 Nov 2026 14:00:00 +0100"
    message.set_content("Zie hieronder, van Anna de Vries.\n")
    message.add_alternative("<p>Zie hieronder, van <b>Anna de Vries</b>.</p>\n",
                            subtype="html")
    message.add_attachment(b"%PDF-1.4 offerte", maintype="application", subtype="pdf",
                           filename="offerte.pdf")
    message.add_attachment(parse(ANNA_ASKS))
    return crlf(message.as_bytes())


def test_erase_scrubs_html_and_forwarded_mail_and_keeps_eva_s_attachment(
        dovecot_server: Dovecot) -> None:
    box = dovecot_server.mailbox()
    box.append("INBOX", multipart_from_eva())
    dataset = {"categories": ["names", "email"], "folders": [{"name": "INBOX"}]}
    connector = imap.connect(connection(box, dataset=dataset))
    [record] = connector.find(ANNA)
    assert record.matched_by == ("email in text", "name in text", "phone in text")

    [outcome] = connector.erase([record], ANNA)

    assert outcome.action == "anonymised"
    assert connector.find(ANNA) == []
    [kept] = box.messages("INBOX")
    from privacydesk.systems.connectors._imap_message import parse

    message = parse(kept)
    assert message["From"] == "Eva Visser <eva.visser@klant.example>"
    pdf = next(p for p in message.walk() if p.get_filename() == "offerte.pdf")
    assert pdf.get_content() == b"%PDF-1.4 offerte"
    assert b"Anna" not in kept and b"anna@example.nl" not in kept
    assert subjects_of(connector.find(EVA)) == ["Doorgestuurd: vraag van een collega"]


def test_anna_in_bcc_is_her_correspondence(dovecot_server: Dovecot) -> None:
    box = dovecot_server.mailbox("Sent")
    box.append("Sent", mail("InFactor <info@infactor.example>", "Bram <bram@bakker.example>",
                            "Nieuwsbrief", "Beste klant,\n",
                            extra="Bcc: anna@example.nl"))
    connector = imap.connect(connection(box, dataset={
        "categories": ["email"], "folders": [{"name": "Sent"}]}))
    [record] = connector.find(ANNA_BY_EMAIL)
    assert record.matched_by == ("email",)
    assert [o.action for o in connector.erase([record], ANNA_BY_EMAIL)] == ["deleted"]


def test_records_of_a_folder_rebuilt_since_the_search_are_refused(box: Mailbox) -> None:
    connector = imap.connect(connection(box))
    records = [r for r in connector.find(ANNA_BY_EMAIL) if r.fields["folder"] == "Sent"]
    conn = box.login()
    assert conn.delete('"Sent"')[0] == "OK" and conn.create('"Sent"')[0] == "OK"
    conn.logout()
    box.append("Sent", EVA_ASKS)  # UID 1 again, another person's message

    with pytest.raises(ConnectorError) as refused:
        connector.erase(records, ANNA_BY_EMAIL)
    assert refused.value.kind == "garbage" and "search again" in str(refused.value)
    assert box.messages("Sent") == [EVA_ASKS]


# -- imaps:// ---------------------------------------------------------------------------------

def test_imaps_with_a_trusted_certificate_finds_anna(box: Mailbox, dovecot_server: Dovecot,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_server.certificate))
    records = imap.connect(connection(url=box.tls_url)).find(ANNA_BY_EMAIL)
    assert len(records) == 4


def test_imaps_with_a_certificate_nobody_trusts_is_unreachable(box: Mailbox) -> None:
    with pytest.raises(ConnectorError) as failed:
        imap.connect(connection(url=box.tls_url)).ping()
    assert failed.value.kind == "unreachable" and "certificate" in str(failed.value)
    assert box.password not in str(failed.value)


def test_imaps_to_a_port_that_speaks_no_tls_is_garbage(nonsense_port: int) -> None:
    url = f"imaps://desk:s3cret-pw@127.0.0.1:{nonsense_port}/"
    with pytest.raises(ConnectorError) as failed:
        imap.connect(connection(url=url, timeout=2)).ping()
    assert failed.value.kind == "garbage" and "s3cret-pw" not in str(failed.value)


# A message broken beyond what Python's email package writes back (found by fuzzing).
UNWRITABLE = (b'From: Anna de Vries <anna@example.nl\r\nTo: :;;;@@@ <<>>\r\n'
              b'Cc: Group: anna@example.nl, b@c;\r\nDate: garbage\r\n'
              b'Content-Type: text/\x04tmlt="\x02tf-8"\r\nContent-Tr\r\n'
              b'ansfer-Encoding: quoted-printable\r\n\r\n'
              b'<p>Anna de Vries =3D 06=?-12345678=\r\n</p>\r\n')


def test_a_message_too_broken_to_rewrite_is_left_for_a_person_and_the_rest_is_done(
        dovecot_server: Dovecot) -> None:
    box = dovecot_server.mailbox()
    box.append("INBOX", UNWRITABLE, BRAM_MENTIONS_ANNA)
    connector = imap.connect(connection(box, dataset={
        "categories": ["names"], "folders": [{"name": "INBOX", "erase": "anonymise"}]}))
    records = connector.find(ANNA)
    assert len(records) == 2

    with pytest.raises(ConnectorError) as failed:
        connector.erase(records, ANNA)

    assert failed.value.kind == "garbage"
    assert "1 message(s) could not be rewritten" in str(failed.value)
    [left] = connector.find(ANNA)  # the re-search shows what is still to be done
    assert left.locator in str(failed.value)
    assert UNWRITABLE in box.messages("INBOX")
    assert subjects_of(connector.find(BRAM)) == ["Offerte gevraagd"]
