"""`privacydesk djangocheck`: Django's system check framework under a name that is free,
since `privacydesk check` verifies the promises (#14.4). Same options as Django's `check`."""

from __future__ import annotations

from django.core.management.commands.check import Command as DjangoCheck


class Command(DjangoCheck):
    help = ("Django's system check framework (Django's `check`; `privacydesk check` verifies "
            "the promises). E.g. `privacydesk djangocheck --deploy`.")
