"""The LDAP connector when the directory fails (#16.2, "Speed and robustness"): down, slow,
not LDAP, refusing the credentials, or not a declared host — each a ConnectorError of its
kind, bounded by the connection's timeout, and never with the password in the message."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from privacydesk.systems.connector import Connection, ConnectorError
from privacydesk.systems.connectors import ldap
from tests.systems.connectors.ldap_people import ANNA, DAAN, DATASET, connection, seed
from tests.systems.servers.ldap import (  # noqa: F401 - the fixtures
    ADMIN,
    NOSCHEMA,
    PASSWORD,
    Slapd,
    Tree,
    free_port,
    http_port,
    silent_port,
    slapd_server,
    slapd_tls_server,
)

pytestmark = pytest.mark.live


@pytest.fixture
def tree(slapd_server: Slapd) -> Iterator[Tree]:  # noqa: F811 - the imported fixture
    tree = slapd_server.tree()
    seed(tree)
    yield tree


def _url(port: int, password: str = PASSWORD) -> str:
    return (f"ldap://{quote(ADMIN, safe='=,')}:{quote(password, safe='')}@127.0.0.1:{port}"
            "/dc=infactor,dc=test")


def _connector(url: str, timeout: float = 5.0) -> ldap.LdapConnector:
    return ldap.connect(Connection("directory", url, DATASET, ("127.0.0.1",), timeout))


def _assert_secret_free(error: ConnectorError, password: str = PASSWORD) -> None:
    message = str(error)
    assert password not in message
    assert quote(password, safe="") not in message
    assert "directory" in message  # names the system


def test_a_directory_that_is_down_is_unreachable() -> None:
    connector = _connector(_url(free_port()))
    with pytest.raises(ConnectorError) as down:
        connector.find(ANNA)
    assert down.value.kind == "unreachable"
    _assert_secret_free(down.value)


def test_a_directory_that_never_answers_times_out_within_the_connections_timeout(
        silent_port: int) -> None:  # noqa: F811 - the imported fixture
    connector = _connector(_url(silent_port), timeout=0.5)
    with pytest.raises(ConnectorError) as slow:
        connector.ping()
    assert slow.value.kind == "timeout"
    _assert_secret_free(slow.value)


def test_a_web_server_where_the_directory_should_be_is_garbage(
        http_port: int) -> None:  # noqa: F811 - the imported fixture
    # ldap3 reads the HTTP answer as BER and fails in its decoder: the connector says what is
    # true, that the answer is not LDAP.
    connector = _connector(_url(http_port), timeout=2)
    with pytest.raises(ConnectorError) as garbage:
        connector.find(ANNA)
    assert garbage.value.kind == "garbage"
    assert "not LDAP" in str(garbage.value)
    _assert_secret_free(garbage.value)


def test_wrong_credentials_are_refused_without_the_password_in_the_message(
        tree: Tree, slapd_server: Slapd) -> None:  # noqa: F811 - the imported fixture
    wrong = "Verkeerd@wachtwoord/42"
    connector = _connector(slapd_server.url(tree.base, password=wrong))
    for call in (connector.ping, lambda: connector.find(ANNA),
                 lambda: connector.erase([], ANNA)):
        with pytest.raises(ConnectorError) as refused:
            call()
        assert refused.value.kind == "refused"
        assert "invalidCredentials" in str(refused.value)
        _assert_secret_free(refused.value, wrong)


def test_the_right_credentials_never_appear_in_an_error_either(
        tree: Tree, slapd_server: Slapd) -> None:  # noqa: F811 - the imported fixture
    dataset = {**DATASET, "bases": [{"dn": "ou=nergens", "kind": "x", "erase": "delete"}]}
    connector = ldap.connect(connection(tree, dataset))
    with pytest.raises(ConnectorError) as missing:
        connector.find(ANNA)
    assert missing.value.kind == "misdeclared"
    assert f"ou=nergens,{tree.base}" in str(missing.value)
    _assert_secret_free(missing.value)
    assert ADMIN not in str(missing.value)


def test_a_host_the_declaration_does_not_name_is_refused_before_connecting(
        tree: Tree) -> None:
    with pytest.raises(ConnectorError) as forbidden:
        ldap.connect(connection(tree, hosts=("ldap.infactor.nl",)))
    assert forbidden.value.kind == "forbidden_host"
    assert "127.0.0.1" in str(forbidden.value)
    _assert_secret_free(forbidden.value)


def test_ldaps_verifies_the_directorys_certificate(
        slapd_tls_server: Slapd, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    tree = slapd_tls_server.tree()
    seed(tree)
    url = slapd_tls_server.url(tree.base, tls=True)
    # A certificate no trusted CA signed: the connector does not talk to that server.
    with pytest.raises(ConnectorError) as untrusted:
        ldap.connect(connection(tree, url=url)).ping()
    assert untrusted.value.kind == "unreachable"
    assert "certificate" in str(untrusted.value).lower()
    _assert_secret_free(untrusted.value)
    # Trusted (a private CA installed for the process): found over TLS.
    monkeypatch.setenv("SSL_CERT_FILE", str(slapd_tls_server.certificate))
    found = ldap.connect(connection(tree, url=url)).find(ANNA)
    assert [r.kind for r in found] == ["contactpersoon", "vermelding"]


def test_disabling_without_the_schema_says_so_and_changes_nothing(
        tree: Tree, slapd_server: Slapd) -> None:  # noqa: F811 - the imported fixture
    # The service account may write but not read the schema: it cannot know which
    # attributes Daan's entry must keep, so it touches nothing.
    connector = ldap.connect(connection(tree, url=slapd_server.url(tree.base, user=NOSCHEMA)))
    [daan] = connector.find(DAAN)
    before = tree.entry(daan.locator)
    with pytest.raises(ConnectorError) as refused:
        connector.erase([daan], DAAN)
    assert refused.value.kind == "unsupported"
    assert "schema" in str(refused.value)
    assert tree.entry(daan.locator) == before
    # Deleting needs no schema: that account erases Anna's contact entry.
    anna = [r for r in connector.find(ANNA) if r.kind == "contactpersoon"]
    assert [o.action for o in connector.erase(anna, ANNA)] == ["deleted"]


def test_an_anonymous_bind_finds_but_its_erasure_is_refused(
        tree: Tree, slapd_server: Slapd) -> None:  # noqa: F811 - the imported fixture
    # No credentials in the URL: an anonymous bind, which this directory lets read only.
    url = f"ldap://127.0.0.1:{slapd_server.port}/{tree.base}"
    connector = ldap.connect(connection(tree, url=url))
    anna = [r for r in connector.find(ANNA) if r.kind == "contactpersoon"]
    before = tree.entry(anna[0].locator)
    with pytest.raises(ConnectorError) as refused:
        connector.erase(anna, ANNA)
    assert refused.value.kind == "refused"
    assert "strongerAuthRequired" in str(refused.value)
    assert tree.entry(anna[0].locator) == before
