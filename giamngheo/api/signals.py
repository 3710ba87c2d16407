"""Keep the Digest secret in step with the password, the only moments the clear text is known."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from giamngheo.api.credentials import compute_ha1, digest_ha1, digest_realm, digest_set_password

User = get_user_model()


@receiver(post_save, sender=User, dispatch_uid="api_digest_on_password_set")
def _password_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    # AbstractBaseUser.set_password keeps the clear text in `_password` until the save.
    password = getattr(instance, "_password", None)
    if password and not raw:
        digest_set_password(user=instance, password=password)


@receiver(user_logged_in, dispatch_uid="api_digest_on_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    # Users whose password predates this app get their Digest secret at their next web login.
    password = request.POST.get("password") if request is not None else None
    if not password or not user.check_password(password):
        return
    if digest_ha1(user) != compute_ha1(user.username, digest_realm(), password):
        digest_set_password(user=user, password=password)
