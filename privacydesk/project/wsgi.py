"""WSGI entry point for gunicorn (`privacydesk serve` configures it without an access log)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacydesk.project.settings")
application = get_wsgi_application()
