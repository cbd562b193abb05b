"""Staff sign-in through the council's OpenID Connect provider (authlib).

The authorisation-code flow with state and nonce; authlib checks the ID token's
signature (JWKS), issuer, audience and nonce. Staff are matched by verified email in
``service.staff_for_oidc``. In demo mode the provider is the local development one
started by ``waymark dev-idp`` (oidc-provider-mock).

A council with its own provider (``WAYMARK_COUNCIL_OIDC``) has a client of its own,
used on its own host; everyone else uses the deployment's (``WAYMARK_OIDC_*``).
"""

from __future__ import annotations

from authlib.integrations.starlette_client import OAuth
from pydantic import SecretStr

from waymark.settings import Settings

PROVIDER = "council"


def make_oauth(settings: Settings) -> OAuth:
    oauth = OAuth()
    assert settings.oidc_client_secret is not None
    _register(oauth, PROVIDER, settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret)
    for slug, idp in settings.council_oidc.items():
        _register(oauth, provider_for(settings, slug), idp.issuer, idp.client_id, idp.client_secret)
    return oauth


def provider_for(settings: Settings, council_slug: str | None) -> str:
    """Which registered client signs staff in on this council's host."""
    return f"{PROVIDER}-{council_slug}" if council_slug in settings.council_oidc else PROVIDER


def _register(oauth: OAuth, name: str, issuer: str, client_id: str, secret: SecretStr) -> None:
    oauth.register(
        name,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=client_id,
        client_secret=secret.get_secret_value(),
        client_kwargs={"scope": "openid email profile", "timeout": 10},
    )
