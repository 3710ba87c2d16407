"""Database sessions whose keys must look like the keys Django makes."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    """Django's session keys are 32 lowercase letters and digits. A cookie with anything else (a NUL
    byte, which PostgreSQL refuses in text) is no session at all, and never reaches the database."""

    def _validate_session_key(self, key: str | None) -> bool:
        return key is not None and len(key) >= 8 and key.isascii() and key.isalnum()
