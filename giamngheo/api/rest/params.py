"""Bounded parameter types: a number larger than the database's integers is a 422, not a 500."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_ID = 2**53
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Pages(PageNumberPagination):
    """Numbered pages of at most 200 rows; `count` is the total."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)

    def __init__(self, page_size: int = 50, **kwargs) -> None:
        super().__init__(page_size=page_size, max_page_size=200, **kwargs)
