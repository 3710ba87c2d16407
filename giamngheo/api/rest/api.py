"""The REST API under /api/v1/: one NinjaAPI, one router per domain area."""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

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


class Api(NinjaAPI):
    """The schema states what every operation may answer before it runs: 400 for input no
    endpoint can use (control characters, JSON nested too deeply) and 413 for a body over the
    limit; the request guard (giamngheo.middleware) answers them with the same error body."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {"content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.setdefault(400, {"description": "Bad Request", **error})
                if "requestBody" in operation:
                    responses.setdefault(413, {"description": "Content Too Large", **error})
        return schema


ERROR_REF = "#/components/schemas/ErrorOut"

api = Api(
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
