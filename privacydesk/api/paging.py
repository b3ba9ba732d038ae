"""Bounded paging for every list of the API (#13.5.5).

ninja's LimitOffsetPagination takes any non-negative offset: `?offset=9223372036854775808`
reached the database as a number it cannot hold, and the answer was a 500. Every list
route pages with `Paged` (or declares the same bounds itself, as `GET /persons` does), so a
limit or offset out of bounds is a 422 naming the field, before any query runs.
"""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200                 # items on one page
MAX_OFFSET = 1_000_000_000      # far beyond any register; far below what a database holds
DEFAULT_LIMIT = int(getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50))


class Paged(LimitOffsetPagination):
    """LimitOffsetPagination with `1 <= limit <= MAX_LIMIT` and `0 <= offset <= MAX_OFFSET`."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                           description=f"items on the page, at most {MAX_LIMIT}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET,
                            description="items to skip, at most 1,000,000,000")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
