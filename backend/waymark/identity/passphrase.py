"""Young people's passphrases: argon2id (argon2-cffi) and the rules for choosing one."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from waymark.identity import messages as m

# RFC 9106's second recommended profile (argon2-cffi's default): argon2id, 64 MiB,
# 3 passes, 4 lanes. Stronger than OWASP's minimum (19 MiB, 2 passes, 1 lane).
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16)
# Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("waymark timing equaliser")

MIN_LENGTH = 12
MAX_LENGTH = 128
_COMMON = {
    "passwordpassword",
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "iloveyou1234",
    "letmeinletmein",
    "riverside demo passphrase",
}
USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{2,29}$")


def hash_passphrase(passphrase: str) -> str:
    return _hasher.hash(passphrase)


def verify_passphrase(stored_hash: str | None, passphrase: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, passphrase) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def passphrase_problem(passphrase: str, *, username: str | None) -> str | None:
    """Why this passphrase is not allowed (a message id), or None if it is fine."""
    if len(passphrase) < MIN_LENGTH:
        return m.PASSPHRASE_TOO_SHORT
    if len(passphrase) > MAX_LENGTH:
        return m.PASSPHRASE_TOO_LONG
    lowered = passphrase.lower().strip()
    if lowered in _COMMON or len(set(lowered)) < 5:
        return m.PASSPHRASE_TOO_COMMON
    if username and username.lower() in lowered:
        return m.PASSPHRASE_HAS_USERNAME
    return None
