"""The SQL connector when things go wrong (#16.2 "Speed and robustness"): a server that is
down, one that never answers, one that answers nonsense, wrong credentials, a host the
declaration does not name, and a malformed dataset. Each is a ConnectorError of its own
kind, and no message ever holds the password.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from privacydesk.systems.connector import Connection, ConnectorError, Subject
from privacydesk.systems.connectors import sql
from tests.systems.servers.sql import (  # noqa: F401 - the fixtures are used by name
    closed_port,
    garbage_server,
    mariadb_fixture,
    postgres_fixture,
    silent_server,
)

pytestmark = pytest.mark.live

DATASET = tomllib.loads((Path(__file__).parent / "sql_crm.toml").read_text())
PASSWORD = "s3cret-Pa55word"
DRIVERS = ["postgresql+psycopg", "mysql+pymysql"]
ANNA = Subject(name="Anna de Vries", emails=("anna@example.nl",))


def _url(driver: str, port: int, password: str = PASSWORD, user: str = "crm",
         host: str = "127.0.0.1", database: str = "crm") -> str:
    return f"{driver}://{user}:{password}@{host}:{port}/{database}"


def _connector(url: str, dataset: Any = None, hosts: tuple[str, ...] = ("127.0.0.1",),
               timeout: float = 1.0) -> sql.SqlConnector:
    return sql.connect(Connection("crm", url, DATASET if dataset is None else dataset, hosts,
                                  timeout))


def _failure(call: Any) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        call()
    assert PASSWORD not in str(caught.value)
    assert "crm:" + PASSWORD not in repr(caught.value.args)
    return caught.value


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_server_that_is_down_is_unreachable(driver):
    crm = _connector(_url(driver, closed_port()))
    assert _failure(crm.ping).kind == "unreachable"
    assert _failure(lambda: crm.find(ANNA)).kind == "unreachable"


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_server_that_never_answers_times_out(driver):
    with silent_server() as port:
        crm = _connector(_url(driver, port), timeout=0.5)
        error = _failure(lambda: crm.find(ANNA))
    assert error.kind == "timeout"
    assert "127.0.0.1" in str(error)


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_server_that_answers_nonsense_is_garbage(driver):
    with garbage_server() as port:
        error = _failure(_connector(_url(driver, port)).ping)
    assert error.kind == "garbage"


def test_a_wrong_password_is_refused_by_mariadb(mariadb):
    url = mariadb.url("mysql", password=PASSWORD)
    error = _failure(_connector(url).ping)
    assert error.kind == "refused"
    assert mariadb.password not in str(error)


def test_an_unknown_user_is_refused_by_postgresql(postgres):
    url = _url("postgresql+psycopg", 5432, user="nobody_" + PASSWORD[:6].lower(),
               database=postgres.name)
    error = _failure(_connector(url).ping)
    assert error.kind == "refused"


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_host_the_declaration_does_not_name_is_refused_before_connecting(driver):
    url = _url(driver, 5432, host="db.elders.example")
    error = _failure(lambda: _connector(url))
    assert error.kind == "forbidden_host"
    assert "db.elders.example" in str(error)


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://crm:{PASSWORD}@127.0.0.1:5432/crm?host=db.elders.example",
    f"postgresql+psycopg://crm:{PASSWORD}@127.0.0.1:5432/crm?hostaddr=10.0.0.9",
    f"mysql+pymysql://crm:{PASSWORD}@127.0.0.1:3306/crm?unix_socket=/run/other.sock",
    f"mysql+pymysql://crm:{PASSWORD}@127.0.0.1:3306/crm?read_default_file=/etc/my.cnf",
])
def test_a_url_parameter_that_would_reach_another_host_is_refused(url):
    assert _failure(lambda: _connector(url)).kind == "forbidden_host"


def test_a_driver_other_than_psycopg_or_pymysql_is_unsupported():
    error = _failure(lambda: _connector(f"oracle://crm:{PASSWORD}@127.0.0.1:1521/crm"))
    assert error.kind == "unsupported"


def _with(change: Any) -> dict[str, Any]:
    dataset = tomllib.loads((Path(__file__).parent / "sql_crm.toml").read_text())
    change(dataset)
    return dataset


@pytest.mark.parametrize("dataset, where, rule", [
    ({}, "tables", "non-empty array"),
    ({"tables": [], "tabels": []}, "tabels", "unknown key"),
    (_with(lambda d: d["tables"][0].update(erase="shred")), "tables[0].erase",
     "must be one of delete, null, anonymise, archive_only"),
    (_with(lambda d: d["tables"][2].update(reason="")), "tables[2].reason",
     "required when erase = 'archive_only'"),
    # What an archive-only table's rows become once the law's period is over (R3).
    (_with(lambda d: d["tables"][2].update(expire="keep")), "tables[2].expire",
     "must be one of delete, null, anonymise"),
    (_with(lambda d: d["tables"][0].update(expire="delete")), "tables[0].expire",
     "only with erase = 'archive_only'"),
    # A row dated by the newest row that references it (a customer by her last invoice).
    (_with(lambda d: d["tables"][0].update(dated_by="invoices")), "tables[0].dated_by",
     "not with date"),
    (_with(lambda d: d["tables"][1].update(dated_by="notes")), "tables[1].dated_by",
     "must name a declared table with a date that references contacts"),
    (_with(lambda d: d["tables"][0].pop("key")), "tables[0].key", "must name the key"),
    (_with(lambda d: d["tables"][0]["columns"]["email"].update(identity="mail")),
     "tables[0].columns.email.identity", "must be one of email, phone"),
    (_with(lambda d: d["tables"][3]["columns"]["customer_id"].update(
        references="clients.id")), "tables[3].columns.customer_id.references",
     "clients is not a declared table"),
    (_with(lambda d: d["tables"][1]["columns"]["email"].update(colour="red")),
     "tables[1].columns.email.colour", "unknown key"),
    (_with(lambda d: d["tables"].append(dict(d["tables"][0]))), "tables[4].name",
     "customers is declared twice"),
    (_with(lambda d: d["tables"][3]["columns"].update(
        body={"category": "notes"}, customer_id="none")), "tables[3]",
     "no identity, free-text or references column"),
])
def test_a_malformed_dataset_is_refused_at_connect_naming_key_and_rule(dataset, where, rule):
    # A closed port: a connector that tried the network would fail differently.
    error = _failure(lambda: _connector(_url("postgresql+psycopg", closed_port()), dataset))
    assert error.kind == "misdeclared"
    assert f"dataset {where}:" in str(error) and rule in str(error)


def test_the_registry_builds_the_sql_connector_without_touching_the_network():
    from privacydesk.systems import registry

    built = registry.connect("sql", Connection(
        "accounting", _url("mysql+pymysql", closed_port()), DATASET, ("127.0.0.1",)))
    assert isinstance(built, sql.SqlConnector) and built.system_id == "accounting"
