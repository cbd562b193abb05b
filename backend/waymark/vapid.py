"""VAPID key pairs for web push (RFC 8292): made by `waymark vapid-keys`, and kept in
var/ in demo mode (settings.py). Sending lives in notifications/push.py."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url of the raw 32-byte key
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_vapid_keys() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return VapidKeys(private_key=_b64(key.private_numbers().private_value.to_bytes(32, "big")), public_key=_b64(public))
