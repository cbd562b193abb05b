"""The development OIDC provider for demo staff (``waymark dev-idp``).

A real OpenID Connect provider process (oidc-provider-mock) with the demo staff
accounts predefined, their emails verified and multi-factor sign-in claimed, so the
app's real authorisation-code flow runs locally. Never for production.
"""

from __future__ import annotations

from oidc_provider_mock import User, app
from werkzeug.serving import make_server

from waymark.demo import DEMO_STAFF


def demo_users() -> list[User]:
    return [
        User(sub=s.email, claims={"email": s.email, "email_verified": True, "name": s.full_name, "amr": ["pwd", "mfa"]})
        for s in DEMO_STAFF
    ]


def serve(host: str = "127.0.0.1", port: int = 9400) -> None:
    server = make_server(host, port, app(user_claims=demo_users(), require_nonce=True), threaded=True)
    print(f"Development OIDC provider for demo staff: http://{host}:{port}", flush=True)
    server.serve_forever()
