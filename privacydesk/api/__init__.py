"""The JSON API under /api/v1/ (django-ninja)."""
