"""Young people's passphrases: argon2id (argon2-cffi) and the rules for choosing one.

Each hash takes 64 MiB and tens of milliseconds of a core, so an unthrottled flood of
sign-ins once took memory from 258 MB to 1.1 GB and a signed-in page from 7 ms to 2.2 s.
At most ``HASH_SLOTS`` hashes run at once; at most ``SIGN_INS_AT_ONCE`` sign-ins wait
or run, and one more is refused at once (``HasherBusy``) rather than queued. An
unknown username costs the same time without hashing (a sleep as long as a recent
hash took), so it neither reveals that the name is unknown nor queues behind real ones.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from waymark.identity import messages as m

# RFC 9106's second recommended profile (argon2-cffi's default): argon2id, 64 MiB,
# 3 passes, 4 lanes. Stronger than OWASP's minimum (19 MiB, 2 passes, 1 lane).
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16)
HASH_SLOTS = 2
SIGN_INS_AT_ONCE = 8
_HASH_WAIT_SECONDS = 10
_hashing = threading.BoundedSemaphore(HASH_SLOTS)
_signing_in = threading.BoundedSemaphore(SIGN_INS_AT_ONCE)


class HasherBusy(Exception):
    """Too many sign-ins at once: try again in a moment (a 503, never queued)."""


_started = time.perf_counter()
_DUMMY_HASH = _hasher.hash("waymark timing equaliser")
_typical_seconds = time.perf_counter() - _started  # updated as real hashes run


@contextmanager
def sign_in_slot() -> Iterator[None]:
    """Hold one of the sign-in places for the whole attempt, or raise ``HasherBusy``."""
    if not _signing_in.acquire(blocking=False):
        raise HasherBusy()
    try:
        yield
    finally:
        _signing_in.release()


@contextmanager
def _hash_slot() -> Iterator[None]:
    global _typical_seconds
    if not _hashing.acquire(timeout=_HASH_WAIT_SECONDS):
        raise HasherBusy()
    started = time.perf_counter()
    try:
        yield
    finally:
        _hashing.release()
        _typical_seconds = 0.8 * _typical_seconds + 0.2 * (time.perf_counter() - started)


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
    with _hash_slot():
        return _hasher.hash(passphrase)


def verify_passphrase(stored_hash: str | None, passphrase: str) -> bool:
    """Does ``passphrase`` match? With no stored hash (unknown username, no account
    yet): False after as long as a hash takes, without hashing."""
    if stored_hash is None:
        time.sleep(_typical_seconds)
        return False
    with _hash_slot():
        try:
            return _hasher.verify(stored_hash, passphrase)
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
