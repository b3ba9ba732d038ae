"""#15: the retention page groups what goes by day and rule, pages through it, names
people by name and short reference, and sums up each sweep run with a link to its detail.

The privacy officer (Olga) reads it in Dutch: rules by their policy label, never a rule
id, people never by their UUID.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import dateformat, translation

from privacydesk.register import services as register
from privacydesk.register.models import DATUM_MODELS
from privacydesk.retention import plan as planning
from privacydesk.retention import sweep, views
from privacydesk.retention.models import DeletionReceipt
from privacydesk.staff import labels
from privacydesk.staff.person_labels import person_label, short_reference

from .conftest import ACTOR, TODAY

pytestmark = pytest.mark.dates

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def words(fragment: str) -> str:
    """The text of an HTML fragment: tags removed (a URL in an href is not text)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def visible(page: str) -> str:
    """The text Olga reads in <main>."""
    return words(page[page.find("<main"):page.rfind("</main>")])


def day_sections(page: str) -> list[str]:
    return re.findall(r'<section class="retention-day">(.*?)</section>', page, re.S)


def rule_label(rule_id: str) -> str:
    with translation.override("nl"):
        return labels.label("rule", rule_id)


def due_on(person, category: str, days: int) -> None:
    DATUM_MODELS[category]._default_manager.filter(person=person).update(
        delete_after=TODAY + timedelta(days=days))


def rule_of(person, category: str) -> str:
    ref = str(person.ref)
    return next(r.rule_id for r in planning.plan(days=30)
                if r.person_ref == ref and r.category == category)


@pytest.fixture
def olga(staff_client):
    client = staff_client("privacy_officer")
    return lambda url, **params: client.get(url, params, HTTP_ACCEPT_LANGUAGE="nl")


def test_upcoming_deletions_are_grouped_by_day_then_rule(olga, personas):
    due_on(personas.bram, "phone", 3)
    due_on(personas.eva, "names", 3)
    due_on(personas.carla, "names", 12)
    page = olga("/staff/retention/").content.decode()

    sections = day_sections(page)
    # One section a day, in date order, headed by the day in Dutch.
    days = sorted({r.date for r in planning.plan(days=30)})
    with translation.override("nl"):
        expected = [dateformat.format(d, "l j F Y") for d in days]
    headings = [words(re.search(r"<h3>(.*?)</h3>", s, re.S).group(1)) for s in sections]
    assert [h.rsplit(" (", 1)[0] for h in headings] == expected
    in_three = sections[days.index(TODAY + timedelta(days=3))]
    in_twelve = sections[days.index(TODAY + timedelta(days=12))]
    # Within the day, one table per rule, captioned by the rule's label from the policy.
    for person, category, section in ((personas.bram, "phone", in_three),
                                      (personas.eva, "names", in_three),
                                      (personas.carla, "names", in_twelve)):
        rule = rule_of(person, category)
        table = next(t for t in re.findall(r"<table>(.*?)</table>", section, re.S)
                     if short_reference(person.ref) in t)
        assert re.search(r"<caption>\s*" + re.escape(rule_label(rule)), table)
        captions = re.findall(r"<caption>(.*?)</caption>", section, re.S)
        assert len(captions) == len(set(captions))                # one table a rule
    given = {personas.bram: "Bram Visser", personas.eva: "Eva Smit"}
    for person, name in given.items():
        assert f"{name} ({short_reference(person.ref)})" in words(in_three)
    assert f"Carla Jansen ({short_reference(personas.carla.ref)})" in words(in_twelve)
    assert "Carla Jansen" not in words(in_three)


def test_the_upcoming_deletions_are_paginated(olga, personas, monkeypatch):
    monkeypatch.setattr(views, "PLAN_PAGE", 2)
    for n, (p, category) in enumerate(((personas.bram, "phone"), (personas.eva, "names"),
                                       (personas.carla, "names"),
                                       (personas.olaf, "names"))):
        due_on(p, category, n + 1)
    rows = planning.plan(days=30)
    pages = -(-len(rows) // 2)
    assert pages >= 2
    seen = []
    for number in range(1, pages + 1):
        page = olga("/staff/retention/", page=number).content.decode()
        body = "".join(day_sections(page))
        seen += re.findall(r"<tbody>.*?</tbody>", body, re.S)
        shown = len(re.findall(r"<tr><td>", body))
        assert shown == (2 if number < pages else len(rows) - 2 * (pages - 1))
        assert f"Pagina {number} van {pages}" in visible(page)
    assert "Volgende" in visible(olga("/staff/retention/", page=1).content.decode())
    # Every row exactly once over the pages: the total in the heading is the plan's.
    assert sum(len(re.findall(r"<tr><td>", t)) for t in seen) == len(rows)
    first = olga("/staff/retention/").content.decode()
    assert f"({sum(r.count for r in rows)})" in visible(first)


def test_each_sweep_run_is_summed_up_with_a_link_to_its_receipts(olga, personas):
    # Three years on, Anna's SLA long ended: several people's data go under several rules.
    # One run in batches of one person is still one run on the page.
    later = TODAY + timedelta(days=3 * 366)
    register.end_agreement(personas.anna_sla, TODAY, actor=ACTOR)
    result = sweep.run(later, batch=1)
    receipts = list(DeletionReceipt.objects.filter(kind=DeletionReceipt.RETENTION))
    refs = {r.person_ref for r in receipts}
    assert result.people == len(refs) >= 2
    data = [r for r in receipts if r.model != "register.person"]
    first = min(r.pk for r in receipts)

    page = olga("/staff/retention/").content.decode()
    runs = re.search(r"<h2>Opschoningsrondes</h2>\s*<table>(.*?)</table>", page, re.S)
    assert runs is not None
    rows = re.findall(r"<tr><td>(.*?)</tr>", runs.group(1), re.S)
    assert len(rows) == 1
    cells = [words(c) for c in re.split(r"</td>\s*<td>", rows[0])]
    assert cells[1] == str(len(refs)) and cells[2] == str(sum(r.count for r in data))
    for rule_id in {r.rule_id for r in data}:
        n = sum(r.count for r in data if r.rule_id == rule_id)
        assert f"{rule_label(rule_id)}: {n}" in cells[3]
    assert f'href="/staff/retention/runs/{first}/"' in rows[0]

    detail = olga(f"/staff/retention/runs/{first}/")
    assert detail.status_code == 200
    text = visible(detail.content.decode())
    for ref in refs:      # by name and short reference, or "(verwijderd)" once gone
        with translation.override("nl"):
            assert person_label(ref, with_names=True) in text
    with translation.override("nl"):
        for r in data:
            assert labels.label("category", r.category) in text
            assert r.law_nl in text
    assert olga("/staff/retention/runs/999999/").status_code == 404


def test_the_retention_pages_show_no_uuid_and_no_rule_id(olga, personas):
    register.end_agreement(personas.anna_sla, TODAY, actor=ACTOR)
    due_on(personas.bram, "phone", 2)
    due_on(personas.carla, "names", 5)
    sweep.run(TODAY)
    first = DeletionReceipt.objects.filter(kind=DeletionReceipt.RETENTION).first()
    rule_ids = labels.known_codes()["rule"] | {r.rule_id for r in planning.plan(days=30)}
    for url in ("/staff/retention/", f"/staff/retention/runs/{first.pk}/"):
        text = visible(olga(url).content.decode())
        assert not UUID.search(text), f"{url} shows a UUID"
        shown = [c for c in rule_ids if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
        assert not shown, f"{url} shows rule ids {shown}"
        assert "register.person" not in text


def test_two_sweep_runs_are_two_rows_newest_first(olga, personas):
    register.end_agreement(personas.anna_sla, TODAY, actor=ACTOR)
    sweep.run(TODAY)                                   # Anna's contract data
    sweep.run(TODAY + timedelta(days=3 * 366))         # what is due three years on
    starts = sorted(set(DeletionReceipt.objects.filter(kind=DeletionReceipt.RETENTION)
                        .values_list("at", flat=True)))
    assert len(starts) == 2
    page = olga("/staff/retention/").content.decode()
    runs = re.search(r"<h2>Opschoningsrondes</h2>\s*<table>(.*?)</table>", page, re.S)
    assert runs is not None
    links = re.findall(r'href="/staff/retention/runs/(\d+)/"', runs.group(1))
    firsts = [min(r.pk for r in DeletionReceipt.objects.filter(at=at)) for at in starts]
    assert [int(n) for n in links] == firsts[::-1]
