"""A fake push service on 127.0.0.1 for tests: it checks each message's VAPID signature
(RFC 8292) and decrypts its aes128gcm payload (RFC 8291) with a browser key pair the
test made, as a real push service and browser would between them."""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's side of a subscription: its keys and where its pushes go."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64(public), "auth": b64(self.auth)},
        }


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    claims: dict[str, Any]
    payload: dict[str, Any]


class FakePushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.received: list[Received] = []
        self.answer: dict[str, int] = {}  # path -> status to answer (default 201)
        self.redirect: dict[str, str] = {}  # path -> where to send the client instead (307)
        self.seen: list[str] = []  # every path a request reached, whatever the answer
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def browser(self, name: str) -> Browser:
        browser = Browser(endpoint=f"{self.base}/push/{name}")
        self.browsers[f"/push/{name}"] = browser
        return browser

    def close(self) -> None:
        self.server.shutdown()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                service.seen.append(self.path)
                if self.path in service.redirect:
                    self.send_response(307)
                    self.send_header("location", service.redirect[self.path])
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                status = service.answer.get(self.path, 201)
                if status == 201:
                    claims = verify_vapid(self.headers.get("authorization", ""), service.base)
                    browser = service.browsers[self.path]
                    plain = http_ece.decrypt(
                        body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
                    )
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    service.received.append(Received(self.path, headers, claims, json.loads(plain)))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

        return Handler


def verify_vapid(header: str, audience: str) -> dict[str, Any]:
    """Check ``Authorization: vapid t=<JWT>, k=<public key>``: the ES256 signature with
    that key, and the audience. Raises if anything is wrong."""
    assert header.startswith("vapid "), header
    parts = dict(p.strip().split("=", 1) for p in header[6:].split(","))
    token, key = parts["t"], parts["k"]
    head, body, signature = token.split(".")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    claims = json.loads(unb64(body))
    assert claims["aud"] == audience and claims["sub"].startswith("mailto:"), claims
    return claims
