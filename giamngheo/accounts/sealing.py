"""A file handed over once: sealed under a key that only the person's page holds.

The onboarding page keeps the sealed passwords workbook in the session and gives the key to the
page alone, so the passwords are nowhere in clear between the upload and the download. AES-256-GCM
from ``cryptography`` both hides the bytes and refuses any other key or a tampered file.
"""

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


def seal(data: bytes) -> tuple[bytes, str]:
    """`data` encrypted under a fresh random key: the server keeps the sealed bytes, the key goes
    only to the person's page."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, None), key.hex()


def unseal(sealed: bytes, key_hex: str) -> bytes | None:
    """The data, or None when the key is not the one it was sealed with (or the bytes changed)."""
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        return None
    if len(key) != 32 or len(sealed) < NONCE_BYTES:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], None)
    except InvalidTag:
        return None
