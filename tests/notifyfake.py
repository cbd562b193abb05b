"""A local fake of the GOV.UK Notify API for tests: a real HTTP server that checks
each request's JWT as Notify does (HS256, signed with the API key's secret, ``iss`` the
service id, ``iat`` within 30 seconds) and records the emails and texts it accepts.
Nothing reaches the internet.

Also a stand-alone fake for trying Waymark out (compose.yaml's ``notify`` service):
``python tests/notifyfake.py --host 0.0.0.0 --port 9500`` prints every message it takes.

API key format (Notify's): ``{key name}-{service id}-{secret}``, the ids being UUIDs.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"waymark_tests-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "289d7c2a-30a6-4d8d-a6a1-6e4b2fd1a1ee"
# What each template needs in its personalisation (as Notify refuses missing ones).
TEMPLATES = {EMAIL_TEMPLATE: ("email", {"subject", "body"}), SMS_TEMPLATE: ("sms", {"body"})}


@dataclass
class FakeNotify:
    url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    echo: bool = False  # print each accepted message (python notifyfake.py, compose.yaml)

    def emails(self) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["kind"] == "email"]

    def texts(self) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["kind"] == "sms"]

    def clear(self) -> None:
        with self.lock:
            self.sent.clear()
            self.refused.clear()


def _error(status: int, error: str, message: str) -> Response:
    body = {"status_code": status, "errors": [{"error": error, "message": message}]}
    return Response(json.dumps(body), status=status, content_type="application/json")


def _check_token(header: str) -> str | None:
    """None if the bearer token is one Notify accepts, else why not."""
    if not header.startswith("Bearer "):
        return "Unauthorized: authentication token must be provided"
    token = header.removeprefix("Bearer ")
    try:
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            return "Invalid token: algorithm used is not HS256"
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.InvalidSignatureError:
        return "Invalid token: signature, api token not found"
    except jwt.PyJWTError as exc:
        return f"Invalid token: {exc}"
    if claims.get("iss") != SERVICE_ID:
        return "Invalid token: service not found"
    iat = claims.get("iat")
    if not isinstance(iat, int) or abs(time.time() - iat) > 30:
        return "Error: Your system clock must be accurate to within 30 seconds"
    return None


def _app(fake: FakeNotify):
    def app(environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(request.path)
        if request.method != "POST" or kind is None:
            response = _error(404, "NotFound", "Not found")
        elif (problem := _check_token(request.headers.get("Authorization", ""))) is not None:
            with fake.lock:
                fake.refused.append(problem)
            response = _error(403, "AuthError", problem)
        else:
            response = _accept(fake, kind, request.get_json(silent=True) or {})
        return response(environ, start_response)

    return app


def _accept(fake: FakeNotify, kind: str, body: dict[str, Any]) -> Response:
    template = TEMPLATES.get(str(body.get("template_id")))
    if template is None or template[0] != kind:
        return _error(400, "BadRequestError", "Template not found")
    to = body.get("email_address" if kind == "email" else "phone_number")
    if not isinstance(to, str) or not to:
        return _error(400, "ValidationError", f"{'email_address' if kind == 'email' else 'phone_number'} is required")
    personalisation = body.get("personalisation") or {}
    missing = template[1] - set(personalisation)
    if missing:
        return _error(400, "BadRequestError", f"Missing personalisation: {', '.join(sorted(missing))}")
    message = {"id": str(uuid.uuid4()), "kind": kind, "to": to, "reference": body.get("reference"), **personalisation}
    with fake.lock:
        fake.sent.append(message)
    if fake.echo:
        print(json.dumps(message), flush=True)
    content = {"body": personalisation.get("body", "")}
    if kind == "email":
        content |= {"subject": personalisation.get("subject", ""), "from_email": "waymark@notifications.example"}
    reply = {
        "id": message["id"],
        "reference": body.get("reference"),
        "content": content,
        "uri": f"/v2/notifications/{message['id']}",
        "template": {"id": body["template_id"], "version": 1, "uri": f"/v2/template/{body['template_id']}"},
    }
    return Response(json.dumps(reply), status=201, content_type="application/json")


def start() -> tuple[FakeNotify, Any]:
    """Start the fake on a free port; returns it and the server (call ``shutdown()``)."""
    fake = FakeNotify()
    server = make_server("127.0.0.1", 0, _app(fake), threaded=True)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="A local fake of the GOV.UK Notify API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9500)
    options = parser.parse_args()
    print(f"Fake GOV.UK Notify on http://{options.host}:{options.port} (key {API_KEY})", flush=True)
    make_server(options.host, options.port, _app(FakeNotify(echo=True)), threaded=True).serve_forever()
