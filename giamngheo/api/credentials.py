"""Per-user API tokens and the HTTP Digest secret: creating, revoking, checking.

Only hashes are stored. A token is shown once, when created; the digest secret HA1 is derived
from the password whenever Django sees it in clear (password set, login).
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.api.models import ApiToken, DigestCredential

TOKEN_PREFIX = "gn_"


def digest_realm() -> str:
    return getattr(settings, "OPENROSA_REALM", "GiamNgheo")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=(name or "API")[:80], prefix=raw[:11], key_hash=_hash(raw)
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You can revoke only your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_user(raw: str) -> User | None:
    """The active user owning an active token, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def compute_ha1(username: str, realm: str, password: str) -> str:
    return hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()  # noqa: S324


def digest_set_password(*, user: User, password: str) -> DigestCredential:
    """Store HA1 for the user's current username and password (RFC 2617, §3.2.2.2)."""
    realm = digest_realm()
    credential, _created = DigestCredential.objects.update_or_create(
        user=user, defaults={"realm": realm, "ha1": compute_ha1(user.username, realm, password)}
    )
    return credential


def digest_ha1(user: User) -> str | None:
    credential = DigestCredential.objects.filter(user=user, realm=digest_realm()).first()
    return credential.ha1 if credential else None


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
