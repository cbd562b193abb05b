"""compose.yaml's layout, without Docker: on a new PostgreSQL database, `waymark
migrate`, two `waymark serve --no-jobs` processes behind a round-robin proxy, one
`waymark worker` and the fake GOV.UK Notify, each a real process or server. Through
the proxy, with requests falling on both app processes: a council made with `waymark
council create`, its adviser signing in through the real OIDC provider and sending an
invite by text, the young person joining from that text, checking their mobile, and
resetting a forgotten passphrase with a code that the worker process sent."""

from __future__ import annotations

import itertools
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests import factories, notifyfake
from waymark.identity.models import Tenant

POSTGRES_URL = os.environ.get("WAYMARK_TEST_POSTGRES_URL", "")
ROOT = Path(__file__).resolve().parents[1]
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="WAYMARK_TEST_POSTGRES_URL is not set")
NEW_PASSPHRASE = "purple tractor morning lighthouse"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RoundRobin:
    """A reverse proxy in the role of deploy/nginx.conf: each request goes to the next
    app process, with the Host kept and X-Forwarded-For set to the client's address."""

    def __init__(self, upstreams: list[str]) -> None:
        self.upstreams = upstreams
        self.served = dict.fromkeys(upstreams, 0)
        self._next = itertools.cycle(upstreams)
        self._lock = threading.Lock()
        self._client = httpx.Client(follow_redirects=False, timeout=30)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            upstream = next(self._next)
            self.served[upstream] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-length", "connection"}}
        headers["X-Forwarded-For"] = request.remote_addr or "127.0.0.1"
        reply = self._client.request(
            request.method,
            upstream + request.full_path.rstrip("?"),
            headers=headers,
            content=request.get_data(),
        )
        response = Response(reply.content, status=reply.status_code)
        for key, value in reply.headers.multi_items():
            if key.lower() not in {"content-length", "transfer-encoding", "connection", "content-encoding"}:
                response.headers.add(key, value)
        return response(environ, start_response)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.fixture
def database_url() -> Iterator[str]:
    name = f"waymark_deploy_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def deployment(database_url: str, oidc_issuer: str, _notify_server: Any) -> Iterator[dict[str, Any]]:
    _notify_server.clear()
    proxy_port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "backend"),
        "WAYMARK_DATABASE_URL": database_url,
        "WAYMARK_SECRET_KEY": secrets.token_urlsafe(48),
        "WAYMARK_BASE_URL": f"http://127.0.0.1:{proxy_port}",
        "WAYMARK_DEMO_MODE": "false",
        "WAYMARK_OIDC_ISSUER": oidc_issuer,
        "WAYMARK_OIDC_CLIENT_ID": "waymark-deploy",
        "WAYMARK_OIDC_CLIENT_SECRET": "waymark-deploy-secret",
        "WAYMARK_FORWARDED_ALLOW_IPS": "127.0.0.1",
        "WAYMARK_NOTIFY_BASE_URL": _notify_server.url,
        "WAYMARK_NOTIFY_API_KEY": notifyfake.API_KEY,
        "WAYMARK_NOTIFY_EMAIL_TEMPLATE_ID": notifyfake.EMAIL_TEMPLATE,
        "WAYMARK_NOTIFY_SMS_TEMPLATE_ID": notifyfake.SMS_TEMPLATE,
        "WAYMARK_HOST": "127.0.0.1",
    }
    env.pop("WAYMARK_SMTP_HOST", None)
    env.pop("WAYMARK_TEST_TODAY", None)
    cli = [sys.executable, "-m", "waymark.cli"]

    def run(*args: str) -> str:
        done = subprocess.run([*cli, *args], env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("migrate")
    run(
        "council", "create", "--slug", "riverside", "--name", "Riverside Council",
        "--admin-email", "sasha@riverside.example",
    )  # fmt: skip
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen([*cli, "serve", "--port", str(port), "--no-jobs"], env=env, stderr=subprocess.DEVNULL)
        for port in ports
    ]
    processes.append(subprocess.Popen([*cli, "worker", "--interval", "0.3"], env=env, stdout=subprocess.DEVNULL))
    proxy = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
    server = make_server("127.0.0.1", proxy_port, proxy, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/readyz")
        yield {"url": f"http://127.0.0.1:{proxy_port}", "proxy": proxy, "database_url": database_url, "env": env}
    finally:
        server.shutdown()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return factories.csrf_from(page.text)


def wait_for_text(fake: Any, count: int, seconds: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(fake.texts()) >= count:
            return fake.texts()[count - 1]
        time.sleep(0.2)
    raise AssertionError(f"no text number {count} in {seconds} s")


@needs_postgres
def test_the_compose_layout_runs_a_council_from_set_up_to_a_passphrase_reset(deployment, oidc_issuer, _notify_server):
    engine = create_engine(deployment["database_url"])
    with Session(engine) as session:
        council = session.exec(select(Tenant).where(Tenant.slug == "riverside")).one()
        adviser = factories.make_staff(session, council, "personal_adviser", email="priya@riverside.example")
        person = factories.make_young_person(
            session, council, name="Amara Okafor", username=None, with_passphrase=False, date_of_birth=date(2006, 5, 17)
        )
        factories.assign(session, adviser, person, starts_on=date(2020, 1, 1))
        adviser_email, person_id = adviser.email, person.id
    engine.dispose()
    base = deployment["url"]

    with httpx.Client(base_url=base) as staff:
        claims = {"email": adviser_email, "email_verified": True, "name": "Priya Shah"}
        signed_in = factories.oidc_sign_in(staff, adviser_email, claims, oidc_issuer, host=base.removeprefix("http://"))
        assert signed_in.status_code == 303
        token = csrf(staff, f"/staff/young-people/{person_id}")
        sent = staff.post(
            f"/staff/young-people/{person_id}/invites/send",
            data={"csrf_token": token, "invite_kind": "sms", "invite_address": "07700 900789"},
        )
        assert sent.status_code == 200 and "Sent by text" in sent.text
    invite = wait_for_text(_notify_server, 1)
    link = re.search(re.escape(base) + r"(/join/\w+)", invite["body"]).group(1)

    with httpx.Client(base_url=base) as phone:
        joined = phone.post(
            link,
            data={
                "csrf_token": csrf(phone, link),
                "username": "amara",
                "passphrase": factories.PASSPHRASE,
                "confirm": factories.PASSPHRASE,
            },
        )
        assert joined.status_code == 303 and phone.get("/plan").status_code == 200
        added = phone.post(
            "/me/contact/sms", data={"csrf_token": csrf(phone, "/me/contact"), "sms_address": "07700 900789"}
        )
        assert added.status_code == 303
        code = re.search(r"\b(\d{6})\b", wait_for_text(_notify_server, 2)["body"]).group(1)
        checked = phone.post(
            "/me/contact/sms/verify", data={"csrf_token": csrf(phone, "/me/contact"), "sms_code": code}
        )
        assert checked.status_code == 303
        phone.post("/logout", data={"csrf_token": csrf(phone, "/")})

    with httpx.Client(base_url=base) as phone:
        asked = phone.post("/login/forgot", data={"csrf_token": csrf(phone, "/login/forgot"), "username": "amara"})
        assert asked.status_code == 303
        reset_code = re.search(r"\b(\d{6})\b", wait_for_text(_notify_server, 3)["body"]).group(1)  # the worker sent it
        reset = phone.post(
            "/login/reset",
            data={
                "csrf_token": csrf(phone, "/login/reset"),
                "username": "amara",
                "code": reset_code,
                "passphrase": NEW_PASSPHRASE,
                "confirm": NEW_PASSPHRASE,
            },
        )
        assert reset.status_code == 303 and phone.get("/plan").status_code == 200

    served = deployment["proxy"].served
    assert min(served.values()) >= 8, served  # both took a share: sessions, CSRF and the OIDC state crossed


def test_compose_yaml_names_only_real_settings_commands_and_services():
    """compose.yaml cannot be run here (no Docker daemon), so check what can drift: every
    WAYMARK_ variable is a setting, every command is a `waymark` command, the proxy's
    upstreams are the app services, and the fake Notify's key and templates match."""
    import yaml

    from waymark.cli import main
    from waymark.settings import Settings

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "app1", "app2", "worker", "proxy", "notify"} <= set(services)
    fields = {f"WAYMARK_{name.upper()}" for name in Settings.model_fields}
    environment = services["app1"]["environment"]
    assert set(environment) <= fields, set(environment) - fields
    for name in ("app1", "app2", "worker", "migrate"):
        command = " ".join(services[name]["command"])
        for used in re.findall(r"waymark\.cli (\S+)", command):
            assert used in main.commands, (name, used)
    assert notifyfake.API_KEY in environment["WAYMARK_NOTIFY_API_KEY"]
    assert notifyfake.SMS_TEMPLATE in environment["WAYMARK_NOTIFY_SMS_TEMPLATE_ID"]
    assert notifyfake.EMAIL_TEMPLATE in environment["WAYMARK_NOTIFY_EMAIL_TEMPLATE_ID"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert set(re.findall(r"server (app\d):8000", nginx)) == {"app1", "app2"}
    assert services["db"]["image"] == "postgres:15"  # pg_dump in the app image is version 15
