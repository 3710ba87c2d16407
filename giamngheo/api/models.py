"""Credentials for machine clients and for ODK Collect, never the secrets themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A per-user bearer token; only its SHA-256 is kept, so a database leak reveals none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DigestCredential(models.Model):
    """HA1 = MD5(username:realm:password), which HTTP Digest needs and Django's hash cannot give.

    ODK Collect authenticates with Digest over plain HTTP (RFC 2617). HA1 is password-equivalent
    for this realm only, so it is kept apart from the password hash and replaced on every
    password change.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_credential",
    )
    realm = models.CharField(_("realm"), max_length=120)
    ha1 = models.CharField(max_length=32)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("digest credential")
        verbose_name_plural = _("digest credentials")

    def __str__(self) -> str:
        return f"{self.user} @ {self.realm}"
