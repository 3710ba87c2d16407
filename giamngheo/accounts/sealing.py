"""A file handed over once: sealed under a key that only the person's page holds.

The onboarding page keeps the sealed passwords workbook in the session and gives the key to the
page alone, so the passwords are nowhere in clear between the upload and the download.
"""

import hashlib
import hmac
import secrets


def _keystream(key: bytes, length: int) -> bytes:
    blocks = (
        hmac.new(key, b"stream" + n.to_bytes(8, "big"), hashlib.sha256).digest()
        for n in range(-(-length // 32))
    )
    return b"".join(blocks)[:length]


def seal(data: bytes) -> tuple[bytes, str]:
    """`data` encrypted under a fresh random key: the server keeps the sealed bytes, the key goes
    only to the person's page, so the passwords are nowhere in clear between the two requests."""
    key = secrets.token_bytes(32)
    body = bytes(a ^ b for a, b in zip(data, _keystream(key, len(data)), strict=True))
    tag = hmac.new(key, b"tag" + body, hashlib.sha256).digest()
    return tag + body, key.hex()


def unseal(sealed: bytes, key_hex: str) -> bytes | None:
    """The data, or None when the key is not the one it was sealed with."""
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        return None
    tag, body = sealed[:32], sealed[32:]
    if len(key) != 32 or not hmac.compare_digest(
        tag, hmac.new(key, b"tag" + body, hashlib.sha256).digest()
    ):
        return None
    return bytes(a ^ b for a, b in zip(body, _keystream(key, len(body)), strict=True))
