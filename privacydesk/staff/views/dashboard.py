"""The back-office dashboard (#15): a work queue first — what is waiting for this staff
member, each line linking to the work, coloured by how little time is left — then the
register's counts and the chart of persons by role.

The lines come from the apps that own the work (staff.workqueue: each app registers its
source); this view only asks and renders, and shows a section only to a role that holds
its permission.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import Agreement, Organisation, Person, Role
from privacydesk.staff.charts import bar_chart
from privacydesk.staff.views.common import lang
from privacydesk.staff.workqueue import work_for


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The work queue, then persons by active role, running agreements and a bar chart."""
    today = clock.today()
    counts = dict(
        Role.objects.active_on(today).values_list("kind").annotate(n=Count("person",
                                                                          distinct=True)))
    roles = get_policy().roles
    by_role = [(role.plural(lang()), int(counts.get(key, 0))) for key, role in roles.items()]
    running = Agreement.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)).count()
    context = {
        "work": work_for(request.user),
        "persons": Person.objects.count(),
        "organisations": Organisation.objects.count(),
        "agreements_running": running,
        "by_role": by_role,
        "chart": bar_chart(by_role, _("Persons by current role")),
    }
    return render(request, "staff/dashboard.html", context)
