"""Where the worker may send a push. A browser names its push service's address, so
an attacker could name any host: link-local, private and loopback addresses were
accepted, and since a 404/410 reply deletes the subscription, the result leaked.

Only push services on public addresses, over https on port 443: checked when a browser
subscribes (``endpoint_problem``), and again at send time on the very address the
socket connects to (``guarded_session``), so a name that resolves differently later
(DNS rebinding) is caught too. Redirects are never followed and proxy settings from
the environment are ignored. ``allow_local`` (tests' fake push service, demo mode)
also lets ``http://127.0.0.1`` through, and only that.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_PRIVATE_SUFFIXES = (".local", ".localhost", ".internal", ".home.arpa", ".lan", ".intranet", ".corp")


class BlockedEndpoint(ValueError):
    """A push endpoint that is not a public https address."""


def address_allowed(address: str, *, allow_local: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global or (allow_local and ip.is_loopback)


def endpoint_problem(url: str, *, allow_local: bool) -> str | None:
    """Why ``url`` may not be a push endpoint ("scheme", "port", "host", "address"),
    or None."""
    try:
        parsed = urlsplit(url)
        port = parsed.port
    except ValueError:
        return "port"
    host = (parsed.hostname or "").lower()
    if allow_local and parsed.scheme == "http" and host == "127.0.0.1":
        return None
    if parsed.scheme != "https" or parsed.username is not None or parsed.password is not None:
        return "scheme"
    if port not in (None, 443):
        return "port"
    if not host:
        return "host"
    try:
        ipaddress.ip_address(host)
    except ValueError:  # a name: it must look public (and is checked when resolved)
        if "." not in host or host == "localhost" or host.endswith(_PRIVATE_SUFFIXES):
            return "host"
        return None
    return None if address_allowed(host, allow_local=allow_local) else "address"


class _Guarded:
    """Resolve, refuse any address that is not allowed, then connect to the address
    that was checked (never resolving twice)."""

    allow_local = False
    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
        if not infos or not all(address_allowed(str(i[4][0]), allow_local=self.allow_local) for i in infos):
            raise BlockedEndpoint("push endpoint does not resolve to a public address")
        family, kind, proto, _name, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.settimeout(10)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        return sock


class _NoRedirects(requests.Session):
    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def guarded_session(*, allow_local: bool) -> requests.Session:
    """A requests session for pywebpush that connects only to allowed addresses."""
    http_conn = type("GuardedHTTPConnection", (_Guarded, HTTPConnection), {"allow_local": allow_local})
    https_conn = type("GuardedHTTPSConnection", (_Guarded, HTTPSConnection), {"allow_local": allow_local})
    pools = {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools  # type: ignore[assignment]

    session = _NoRedirects()
    session.trust_env = False  # no HTTP(S)_PROXY from the environment
    session.max_redirects = 0
    adapter = Adapter(max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
