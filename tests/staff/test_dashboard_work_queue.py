"""#15: the dashboard is a work queue. The privacy officer opens it and sees what waits:
open requests by days left (coloured under two days, red past the promise), breaches with
the 72-hour clock running, callbacks to make, consents waiting, access requests to approve
and what the next sweep deletes — each line a link to the work. A role sees only the
sections its permissions open (Sec1). The chart stays, its labels not clipped.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.access.models import AccessRequest, ClientServer
from privacydesk.callbacks import services as callbacks
from privacydesk.disclosure.models import ConsentRequest
from privacydesk.incidents import services as incidents
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import Name
from privacydesk.requests import intake
from privacydesk.staff.charts import _CHAR_WIDTH, bar_chart
from privacydesk.staff.person_labels import short_reference


def _letter(name: str, days_ago: int):
    return intake.file_staff_request(
        kind="erasure", name=name, email="", message="Per brief.", language="nl",
        actor="olga", channel="letter", address="Dorpsstraat 1, 9700 AA Groningen",
        received_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def waiting(people):
    """One of everything the queue shows."""
    late, soon, calm = _letter("Bram Visser", 9), _letter("Daan Bos", 6), _letter("Olaf", 0)
    breach = incidents.file_concern("Laptop kwijt", reporter_name="Bram")
    incidents.mark_breach(breach, actor="olga")
    callback = callbacks.request_callback(people.anna, phone=None, message="Bel mij",
                                          language="nl")
    ConsentRequest.objects.create(
        person=people.eva, person_ref=people.eva.ref, recipient="Drukkerij De Boer",
        categories=["names"], purpose="agreement", explanation="Kerstkaart",
        requested_by="olga", link_expires_at=timezone.now() + timedelta(days=14))
    server = ClientServer.objects.create(host="srv1.acme.example", organisation=people.acme)
    AccessRequest.objects.create(server=server, principal="root", action="Schijf vol",
                                 minutes=30, basis=AccessRequest.REPAIR,
                                 repair_reference="TICKET-7", requested_by="jan")
    Name.objects.filter(person=people.carla).update(delete_after=clock.today())
    return {"late": late, "soon": soon, "calm": calm, "breach": breach, "callback": callback}


def _section(page: str, key: str) -> str:
    start = page.index(f'id="work-{key}"')
    end = page.find('<section class="work-section"', start)
    return page[start:end if end > 0 else None]


@pytest.mark.dates
def test_the_privacy_officer_sees_every_kind_of_work_each_linked(staff_client, waiting,
                                                                 people):
    page = staff_client("privacy_officer").get("/staff/", HTTP_ACCEPT_LANGUAGE="en") \
        .content.decode()
    requests = _section(page, "requests")
    # Fewest days left first; red past the promise, coloured under two days.
    assert requests.index("Bram Visser") < requests.index("Daan Bos") < requests.index("Olaf")
    assert re.search(r'work-item work-late"><a href="/staff/requests/'
                     + str(waiting["late"].uid) + '/">' + waiting["late"].reference, requests)
    assert re.search(r'work-item work-soon"><a href="/staff/requests/'
                     + str(waiting["soon"].uid), requests)
    assert re.search(r'work-item"><a href="/staff/requests/' + str(waiting["calm"].uid),
                     requests)
    assert "3 days late" in requests and "6 days left" in requests
    breaches = _section(page, "incidents")
    assert f'href="/staff/incidents/#incident-{waiting["breach"].pk}"' in breaches
    assert "hours left" in breaches
    calls = _section(page, "callbacks")
    assert f'href="/staff/callbacks/{waiting["callback"].pk}/"' in calls
    assert f"Anna de Vries ({short_reference(people.anna.ref)})" in calls
    consents = _section(page, "consents")
    assert "Drukkerij De Boer" in consents and "Eva Smit" in consents
    assert "jan asks for srv1.acme.example" in _section(page, "access")
    sweep = _section(page, "retention")
    assert "First and last names · 1 datum · 1 person" in sweep
    assert 'href="/staff/retention/"' in sweep


@pytest.mark.dates
def test_a_role_sees_only_the_sections_its_permissions_open(staff_client, waiting):
    """A service engineer (request_access, disclose_data) handles no requests, incidents
    or retention: those sections, and the requesters' names, are not on their dashboard."""
    page = staff_client("service_engineer").get("/staff/").content.decode()
    for key in ("requests", "incidents", "retention", "access"):
        assert f'id="work-{key}"' not in page
    assert 'id="work-callbacks"' in page and 'id="work-consents"' in page
    assert "Bram Visser" not in page


def test_the_chart_makes_room_for_its_longest_label():
    """The Dutch plural "vertegenwoordigers van bedrijven" was clipped at the left edge."""
    rows = [(role.plural("nl"), 3) for role in get_policy().roles.values()]
    svg = str(bar_chart(rows, "Personen naar huidige rol"))
    longest = max(len(label) for label, _ in rows)
    label_x = [float(x) for x in re.findall(r'class="label" x="([\d.]+)"', svg)]
    assert label_x and min(label_x) >= longest * _CHAR_WIDTH
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    assert all(float(x) <= width for x in re.findall(r'class="value" x="([\d.]+)"', svg))
