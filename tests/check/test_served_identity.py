"""W3 and Id1 read what people really get — the pages as the site serves them, the callback
letter as staff print it, its e-mail text — not the policy compared with itself."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from privacydesk.check import FAIL, PASS, run_checks, served
from privacydesk.policy import active, get_default_policy_path

from .conftest import details_of, status_of


def _override(settings, folder: Path, templates: dict[str, str]) -> None:
    """Put `templates` (name -> source) in front of the project's own, as a redesign or a
    theme would."""
    for name, source in templates.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
    config = copy.deepcopy(settings.TEMPLATES)
    config[0]["DIRS"] = [folder, *config[0]["DIRS"]]
    settings.TEMPLATES = config


def test_the_served_pages_and_letters_show_infactor(personas):
    by = {r.promise: r for r in run_checks(["W3", "Id1"])}
    assert by["W3"].status == PASS and "all 8 public pages, fetched as served" in \
        by["W3"].summary
    assert by["Id1"].status == PASS and "callback letters" in by["Id1"].summary


def test_the_letter_is_read_back_from_the_pdf(personas):
    letters = {t.where: t for t in served.letters()}
    text = letters["letter (nl)"].text
    assert text.startswith("InFactor Eeldersingel 40, 9726 AS Groningen 050 - 525 90 60 | "
                           "info@infactor.nl www.infactor.nl")
    assert "Betreft: uw verzoek om teruggebeld te worden" in text
    assert "[recipient]" in text  # a placeholder, never a person of the register
    assert "050 - 525 90 60" in letters["e-mail text (en)"].text


def test_id1_a_statement_page_without_the_contact_details_fails(personas, settings, tmp_path):
    # A theme that shows a short notice instead of the statement and a footer with the
    # name only: the policy is still complete, but the page no longer tells people how to
    # reach the controller (Art. 13(1)(a)).
    _override(settings, tmp_path, {
        "public/statement.html": '{% extends "public/base.html" %}{% block content %}'
                                 "<p>Privacy first.</p>{% endblock %}",
        "public/base.html": "<html><body>{% block content %}{% endblock %}"
                            "<footer>{{ controller.name }}</footer></body></html>"})
    assert status_of("Id1") == FAIL
    assert ("page /nl/ does not show the controller's street, postcode, city, phone, email, "
            "website") in details_of("Id1")


def test_id1_a_statement_page_that_does_not_answer_fails(personas, settings, tmp_path):
    _override(settings, tmp_path, {"public/statement.html": "{% url 'no-such-page' %}"})
    assert status_of("Id1") == FAIL
    assert "page /en/ answered 500" in details_of("Id1")


def test_id1_a_letter_that_cannot_print_the_controllers_name_fails(personas, tmp_path):
    # The pages are UTF-8, but the letter's core PDF font is Latin-1: a controller named
    # with a Greek letter comes out as "?mega Data" on paper (Id1 on the letter).
    text = get_default_policy_path().read_text("utf-8")
    assert 'name = "InFactor"' in text
    policy = tmp_path / "omega.toml"
    policy.write_text(text.replace('name = "InFactor"', 'name = "Ωmega Data"', 1), "utf-8")
    assert tomllib.loads(policy.read_text("utf-8"))["controller"]["name"] == "Ωmega Data"
    active.configure(policy)
    try:
        by = {r.promise: r for r in run_checks(["W3", "Id1"])}
    finally:
        active.configure(None)
    assert by["W3"].status == PASS  # the served pages do show the name
    assert by["Id1"].status == FAIL
    assert "letter (nl) does not show the controller's name" in by["Id1"].details
    assert "letter (en) does not show the controller's name" in by["Id1"].details


@pytest.mark.parametrize("host", [["privacy.infactor.nl"], [".infactor.nl", "testserver"],
                                  ["*"]])
def test_the_pages_are_fetched_with_the_sites_own_host(settings, host):
    settings.ALLOWED_HOSTS = host
    expected = host[0].lstrip(".") if host[0] != "*" else "testserver"
    assert served.site_host() == expected
