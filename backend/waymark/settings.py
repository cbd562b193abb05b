"""Settings from WAYMARK_* environment variables (pydantic-settings).

Secrets have no defaults. In demo mode only, missing secrets are generated once and
kept under ``var/`` so a developer can run ``make run`` with nothing configured.
Outside demo mode the app refuses to start without them (``Settings.check``).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from waymark.vapid import new_vapid_keys

ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = ROOT / "var"


class SettingsError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


class CouncilIdP(BaseModel):
    """A council's own OpenID Connect provider (see ``Settings.council_oidc``)."""

    issuer: str
    client_id: str
    client_secret: SecretStr


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WAYMARK_", extra="ignore")

    database_url: str = f"sqlite:///{VAR_DIR / 'waymark.db'}"
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: SecretStr | None = None
    demo_mode: bool = False
    # Where the app is reached; used for the OIDC redirect URI and Secure cookies.
    base_url: str = ""
    # Staff sign-in through the council's OpenID Connect provider.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr | None = None
    # The development OIDC provider that `make run` starts (demo mode only).
    dev_idp_port: int = 9400
    # Sessions (seconds).
    staff_idle_timeout: int = 30 * 60
    staff_absolute_timeout: int = 12 * 60 * 60
    young_person_idle_timeout: int = 30 * 24 * 60 * 60
    young_person_absolute_timeout: int = 90 * 24 * 60 * 60
    # Sign-in throttling: failures allowed in the window from browsers that have not
    # signed in to the account before (per account, and per IP address), and from one
    # that has (its device cookie). Windows double while someone keeps going over.
    login_account_limit: int = 5
    login_device_limit: int = 10
    login_ip_limit: int = 30
    login_window_seconds: int = 15 * 60
    smtp_host: str = ""  # where safeguarding alerts are emailed from; empty: email is not sent (and retried)
    smtp_port: int = 25
    smtp_from: str = "waymark@localhost"
    # GOV.UK Notify for email (notifications/mail.py); off when the key is unset (then
    # SMTP above). The email template has ((subject)) and ((body)); the text one ((body)).
    notify_api_key: SecretStr | None = None
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_email_template_id: str = ""
    notify_sms_template_id: str = ""
    # Web push (`waymark vapid-keys` makes a pair). Without them push is off; the inbox works.
    vapid_private_key: SecretStr | None = None
    vapid_public_key: str = ""
    vapid_subject: str = "mailto:waymark@localhost"  # who push services can contact about our pushes
    push_allow_local: bool = False  # accept http://127.0.0.1 push endpoints (tests' fake push service)
    offer_submit_limit: int = 5  # offers one address may send per login_window_seconds
    invite_days: int = 14
    # Largest request body accepted (bytes); bigger requests get 413.
    max_body_bytes: int = 2 * 1024 * 1024
    # Caseload files (CSV) may be bigger; the message on refusal says 10 MB.
    upload_max_bytes: int = 10 * 1024 * 1024
    # Trust X-Forwarded-For/Proto only from this proxy (e.g. "127.0.0.1"); unset, no
    # proxy is trusted and the client address is the connection's.
    forwarded_allow_ips: str = ""
    # Host names the app answers to, comma-separated, besides WAYMARK_BASE_URL's. A
    # request for any other Host gets 400, so links and the OIDC redirect are never
    # built from a host an attacker chose. Demo mode adds localhost and 127.0.0.1.
    allowed_hosts: str = ""
    # One deployment, many councils: host names that each belong to one council,
    # "riverside.waymark.example=riverside,westbrook.waymark.example=westbrook". On such
    # a host, only that council's people sign in, and its links and pages are its own.
    council_hosts: str = ""
    # Councils with their own OpenID Connect provider, as JSON keyed by council slug:
    # {"riverside": {"issuer": "...", "client_id": "...", "client_secret": "..."}}.
    # Their staff sign in only through it (on the council's host); the others use
    # WAYMARK_OIDC_*.
    council_oidc: dict[str, CouncilIdP] = {}
    log_sql: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def public_url(self) -> str:
        """The app's address for links that leave it (emails, letters). Required outside
        demo mode; in demo mode, where it is served."""
        return self.base_url.rstrip("/") or f"http://{self.host}:{self.port}"

    @property
    def council_by_host(self) -> dict[str, str]:
        """Host name -> council slug, from ``council_hosts`` (``check`` refuses a bad one)."""
        found: dict[str, str] = {}
        for item in self.council_hosts.split(","):
            host, _, slug = item.strip().partition("=")
            if host.strip() and slug.strip():
                found[host.strip().lower()] = slug.strip().lower()
        return found

    def url_for(self, council_slug: str | None) -> str:
        """The address of links for one council's people: its own host where it has
        one (with WAYMARK_BASE_URL's scheme), else ``public_url``."""
        for host, slug in self.council_by_host.items():
            if slug == council_slug:
                scheme = urlparse(self.base_url).scheme or "http"
                return f"{scheme}://{host}"
        return self.public_url

    @property
    def hosts(self) -> list[str]:
        """Every host name the app answers to (see ``allowed_hosts``)."""
        names = [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]
        names += self.council_by_host
        if self.base_url:
            names.append((urlparse(self.base_url).hostname or "").lower())
        if self.demo_mode:
            names += ["localhost", "127.0.0.1"]
        return sorted({n for n in names if n})

    def server_options(self) -> dict[str, object]:
        """uvicorn's proxy options. Unset ``forwarded_allow_ips`` must mean no proxy:
        uvicorn reads None as "trust 127.0.0.1", which let anyone on the same host
        (or behind a local proxy that passes the header on) choose their address."""
        if not self.forwarded_allow_ips:
            return {"proxy_headers": False, "forwarded_allow_ips": ""}
        return {"proxy_headers": True, "forwarded_allow_ips": self.forwarded_allow_ips}

    def check(self) -> Settings:
        """Fill demo defaults or refuse unsafe settings. Returns self."""
        self.check_councils()
        if self.demo_mode:
            if self.secret_key is None:
                self.secret_key = SecretStr(_demo_secret())
            if not self.oidc_issuer:
                self.oidc_issuer = f"http://127.0.0.1:{self.dev_idp_port}"
            if not self.oidc_client_id:
                self.oidc_client_id = "waymark-demo"
            if self.oidc_client_secret is None:
                self.oidc_client_secret = SecretStr("waymark-demo-client-secret")
            if self.vapid_private_key is None:
                private, self.vapid_public_key = _demo_vapid_keys()
                self.vapid_private_key = SecretStr(private)
            self.check_notify()
            return self
        missing = [
            name
            for name, value in (
                ("WAYMARK_SECRET_KEY", self.secret_key),
                ("WAYMARK_OIDC_ISSUER", self.oidc_issuer),
                ("WAYMARK_OIDC_CLIENT_ID", self.oidc_client_id),
                ("WAYMARK_OIDC_CLIENT_SECRET", self.oidc_client_secret),
                ("WAYMARK_BASE_URL", self.base_url),  # alert emails and invite letters link to it
            )
            if not value
        ]
        if missing:
            raise SettingsError(
                "Waymark will not start without: "
                + ", ".join(missing)
                + ". Set them, or set WAYMARK_DEMO_MODE=true for a local demo."
            )
        assert self.secret_key is not None
        if len(self.secret_key.get_secret_value()) < 32:
            raise SettingsError("WAYMARK_SECRET_KEY must be at least 32 characters.")
        self.check_notify()
        return self

    def check_councils(self) -> None:
        for item in self.council_hosts.split(","):
            host, equals, slug = item.strip().partition("=")
            if (item.strip() and not (equals and host.strip() and slug.strip())) or ":" in host or "/" in host:
                raise SettingsError(
                    f"WAYMARK_COUNCIL_HOSTS: {item.strip()!r} is not host=council-slug "
                    "(for example riverside.waymark.example=riverside; no port or path)."
                )
        hosted = set(self.council_by_host.values())
        for slug in self.council_oidc:
            if slug not in hosted:
                raise SettingsError(
                    f"WAYMARK_COUNCIL_OIDC names {slug!r}, which has no host in WAYMARK_COUNCIL_HOSTS: "
                    "a council's own provider needs its own address for the sign-in redirect."
                )

    def check_notify(self) -> None:
        if self.notify_api_key is not None and not self.notify_email_template_id:
            raise SettingsError(
                "WAYMARK_NOTIFY_API_KEY is set, so WAYMARK_NOTIFY_EMAIL_TEMPLATE_ID must be too "
                "(a template with ((subject)) and ((body)))."
            )


def _demo_vapid_keys() -> tuple[str, str]:
    """A VAPID key pair kept in var/ (demo mode), so browsers' subscriptions survive a
    restart."""
    import json

    path = VAR_DIR / "demo-vapid.json"
    if path.exists():
        keys = json.loads(path.read_text())
        return keys["private"], keys["public"]
    made = new_vapid_keys()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"private": made.private_key, "public": made.public_key}))
    path.chmod(0o600)
    return made.private_key, made.public_key


def _demo_secret() -> str:
    """A random secret kept in var/ so demo sessions survive a restart."""
    path = VAR_DIR / "demo-secret-key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
