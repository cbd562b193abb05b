"""Staff sign-in through the council's OpenID Connect provider (authlib).

The authorisation-code flow with state and nonce; authlib checks the ID token's
signature (JWKS), issuer, audience and nonce. Staff are matched by verified email in
``service.staff_for_oidc``. In demo mode the provider is the local development one
started by ``waymark dev-idp`` (oidc-provider-mock).
"""

from __future__ import annotations

from authlib.integrations.starlette_client import OAuth

from waymark.settings import Settings

PROVIDER = "council"


def make_oauth(settings: Settings) -> OAuth:
    oauth = OAuth()
    assert settings.oidc_client_secret is not None
    oauth.register(
        PROVIDER,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        client_kwargs={"scope": "openid email profile", "timeout": 10},
    )
    return oauth
