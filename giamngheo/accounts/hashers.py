"""The hasher for generated temporary passwords only.

A slow key derivation protects a password a person chose, which may be guessable. A temporary
password is 16 random characters (about 79 bits) that must be changed at the first sign-in, and no
number of guesses per second makes 2^79 reachable, so it needs no second-long hash: bulk
onboarding of a few hundred officers then takes a second, not minutes. The first successful
sign-in re-hashes it with the default hasher (Django upgrades a hash whose algorithm is not the
preferred one), and the forced change replaces it anyway.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class TemporaryPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_temporary"
    iterations = 10_000
