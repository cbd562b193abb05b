"""The app factory: settings, database, routers, middleware, static files. The top of
the dependency rules (docs/adr/0006): it wires features into the plumbing (error pages,
template filters) and, by importing them, registers every feature's job handlers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from sqlmodel import select
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.staticfiles import StaticFiles

from waymark.admin import import_routes as admin_import_routes
from waymark.admin import routes as admin_routes
from waymark.audit import routes as audit_routes
from waymark.casework import routes as casework_routes
from waymark.consultations import assisted_routes as consultation_assisted_routes
from waymark.consultations import routes as consultation_routes
from waymark.consultations import staff_routes as consultation_staff_routes
from waymark.contacts import routes as contact_routes
from waymark.contacts import service as _contacts_jobs  # noqa: F401 (job handlers)
from waymark.covenant import routes as covenant_routes
from waymark.covenant import staff_routes as covenant_staff_routes
from waymark.db import Database, make_engine
from waymark.entitlements import routes as entitlement_routes
from waymark.entitlements import staff_routes as entitlement_staff_routes
from waymark.glossary import routes as glossary_routes
from waymark.glossary import service as glossary
from waymark.home import routes as home_routes
from waymark.identity import routes as identity_routes
from waymark.identity import staff_routes
from waymark.identity.models import Tenant
from waymark.identity.oidc import make_oauth
from waymark.identity.permissions import ROLE_LABELS
from waymark.identity.sessions import load_actor
from waymark.insights import routes as insights_routes
from waymark.legal import routes as legal_routes
from waymark.moderation import routes as moderation_routes
from waymark.mydata import routes as mydata_routes
from waymark.notifications import push as _push_jobs  # noqa: F401 (job handlers)
from waymark.notifications import routes as notification_routes
from waymark.pathway import routes as pathway_routes
from waymark.pathway import staff_routes as pathway_staff_routes
from waymark.priorities import routes as priority_routes
from waymark.recovery import routes as recovery_routes
from waymark.retention import service as _retention_jobs  # noqa: F401 (the daily retention job)
from waymark.safeguarding import routes as safeguarding_routes
from waymark.safeguarding import service as _safeguarding_jobs  # job handlers, and the menu's duty count
from waymark.settings import Settings, SettingsError
from waymark.updates import routes as update_routes
from waymark.updates import service as _updates_jobs  # noqa: F401 (job handlers)
from waymark.web import errors, templating
from waymark.web.assets import FRONTEND_DIR
from waymark.web.csrf import CSRFMiddleware
from waymark.web.errors import csrf_failure
from waymark.web.security import SecurityHeadersMiddleware


class StaticAssets(StaticFiles):
    """Static files; versioned URLs (?v=hash) may be cached for a year."""

    async def get_response(self, path, scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        query = scope.get("query_string", b"")
        response.headers["cache-control"] = (
            "public, max-age=31536000, immutable" if query.startswith(b"v=") else "no-cache"
        )
        return response


class KnownHosts(TrustedHostMiddleware):
    """Only configured Host names (``Settings.hosts``); health checks from a load
    balancer, which often use the instance's address, are answered whatever the host."""

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"] in ("/healthz", "/readyz"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = (settings or Settings()).check()
    database = database or Database(make_engine(settings.database_url, echo=settings.log_sql))
    if not settings.demo_mode:
        _refuse_demo_data(database)
    assert settings.secret_key is not None
    secret = settings.secret_key.get_secret_value()

    app = FastAPI(title="Waymark", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.db = database
    app.state.secret_bytes = secret.encode()
    app.state.oauth = make_oauth(settings)

    for router in (
        home_routes.router,
        identity_routes.router,
        staff_routes.router,
        casework_routes.router,
        audit_routes.router,
        pathway_routes.router,
        pathway_staff_routes.router,
        glossary_routes.router,
        entitlement_routes.router,
        entitlement_staff_routes.router,
        notification_routes.router,
        covenant_routes.router,
        contact_routes.router,
        consultation_routes.router,
        consultation_staff_routes.router,
        consultation_assisted_routes.router,
        moderation_routes.router,
        safeguarding_routes.router,
        covenant_staff_routes.router,
        admin_routes.router,
        admin_import_routes.router,
        insights_routes.router,
        update_routes.router,
        mydata_routes.router,
        priority_routes.router,
        legal_routes.router,
        recovery_routes.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticAssets(directory=FRONTEND_DIR), name="static")
    errors.install(app, load_actor=load_actor)

    def duty_alerts(request: Request) -> int | None:
        actor = getattr(request.state, "actor", None)
        if actor is None or actor.is_young_person:
            return None
        with request.app.state.db.session() as session:
            return _safeguarding_jobs.menu_count(session, actor)

    def worried_about(request: Request) -> bool:
        actor = getattr(request.state, "actor", None)
        if actor is None or not actor.is_young_person:
            return False
        with request.app.state.db.session() as session:
            return _safeguarding_jobs.recently_raised(session, young_person_id=actor.user_id)

    templating.register(
        globals={"role_labels": ROLE_LABELS, "duty_alerts": duty_alerts, "worried_about": worried_about},
        filters={"jargon": glossary.link_jargon, "markdown": glossary.render_markdown},
    )

    # Outermost last. OIDC state/nonce only, in a short-lived signed cookie.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="waymark_oidc",
        max_age=600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        CSRFMiddleware,
        secret=app.state.secret_bytes,
        secure=settings.secure_cookies,
        max_body_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.upload_max_bytes,
        upload_paths=frozenset({"/staff/admin/import"}),
        on_failure=csrf_failure,
    )
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies)
    app.add_middleware(KnownHosts, allowed_hosts=settings.hosts)  # outermost: before anything runs
    return app


def _refuse_demo_data(database: Database) -> None:
    """Demo accounts have a known passphrase: never serve them outside demo mode."""
    try:
        with database.session() as session:
            demo = session.exec(select(Tenant).where(Tenant.is_demo == True)).first()  # noqa: E712
    except Exception:  # no tables yet: nothing to refuse
        return
    if demo is not None:
        raise SettingsError(
            f"The database holds demo data ({demo.name}) but WAYMARK_DEMO_MODE is off. "
            "Use a fresh database, or set WAYMARK_DEMO_MODE=true for a local demo."
        )
