"""The project wiring: settings (built from the validated environment in `config`), the root
URLconf, the WSGI application, template context processors, project-wide middleware
(`diagnostics`) and the outbox mail backend.

This package sits on top of the apps: it imports them, no app imports it (an app that needs
a setting reads `django.conf.settings`). `DJANGO_SETTINGS_MODULE` is
`privacydesk.project.settings`.
"""
