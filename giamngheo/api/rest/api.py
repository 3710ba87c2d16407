"""The REST API under /api/v1/: one NinjaAPI, one router per domain area."""

from ninja import NinjaAPI

from giamngheo.api.rest import (
    classify,
    errors,
    programs,
    registry,
    reviews,
    statistics,
    tokens,
)
from giamngheo.api.rest.auth import AUTH

api = NinjaAPI(
    title="GiảmNghèo API",
    version="1.0.0",
    description=(
        "Households, review rounds, assessments and classifications of the province's "
        "poverty-reduction work. Authenticate with `Authorization: Bearer <token>` "
        "(POST /api/v1/auth/token) or the browser session. Every list is limited to your unit."
    ),
    auth=AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", tokens.router)
api.add_router("", registry.router)
api.add_router("", reviews.router)
api.add_router("", programs.router)
api.add_router("", statistics.router)
api.add_router("", classify.router)
