"""Placeholder for the NinjaAPI instance mounted at /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="privacydesk", version="1")
