"""Token issue and revocation, and who the caller is."""

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from giamngheo.accounts import throttle
from giamngheo.accounts.access import api_login_only, api_public
from giamngheo.accounts.scoping import ROLE_CAPABILITIES
from giamngheo.api.credentials import token_create, token_revoke
from giamngheo.api.models import ApiToken
from giamngheo.api.rest.auth import too_many
from giamngheo.api.rest.errors import ApiError
from giamngheo.api.rest.params import Id
from giamngheo.api.rest.schemas import ErrorOut, MeOut, TokenCreatedOut, TokenOut, TokenRequest

router = Router(tags=["authentication"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.post("/auth/token", auth=None, response={201: TokenCreatedOut, 400: ErrorOut, **ERRORS})
@api_public
def token_obtain(request: HttpRequest, payload: TokenRequest):
    """Exchange a username and password for a new token (throttled like every login)."""
    verdict = throttle.check(request, payload.username)
    if not verdict.allowed:
        raise too_many(verdict)
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        throttle.failed(request, payload.username)
        raise ApiError(401, _("Wrong username or password."))
    throttle.succeeded(request, payload.username)
    token, raw = token_create(actor=user, name=payload.name)
    return Status(201, {**_token_row(token), "token": raw})


def _token_row(token: ApiToken) -> dict:
    return {
        f: getattr(token, f)
        for f in ("id", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    }


@router.get("/auth/tokens", response={200: list[TokenOut], **ERRORS})
@api_login_only
def token_index(request: HttpRequest):
    return list(ApiToken.objects.filter(user=request.auth))


@router.delete("/auth/tokens/{token_id}", response={200: TokenOut, **ERRORS})
@api_login_only
def token_delete(request: HttpRequest, token_id: Id):
    """Revoke one of your tokens; it stops working at once."""
    token = ApiToken.objects.filter(user=request.auth, pk=token_id).first()
    if token is None:
        raise Http404
    return token_revoke(actor=request.auth, token=token)


@router.get("/me", response={200: MeOut, **ERRORS})
@api_login_only
def me(request: HttpRequest):
    user = request.auth
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "unit_id": user.unit_id,
        "organisation_id": user.organisation_id,
        "capabilities": sorted(ROLE_CAPABILITIES.get(user.role, ())),
    }
