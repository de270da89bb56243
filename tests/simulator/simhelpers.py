"""Helpers shared by the simulator tests (imported by conftest and the test modules)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
GIF_1PX = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
PDF_MIN = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class Receiver:
    """A tiny webhook endpoint that records every POST and answers as told."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.statuses: list[int] = []  # answers to give first; then 200
        self.delay = 0.0
        self._cond = threading.Condition()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.port}/zalo_oa/webhook"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def _app(self, environ, start_response):
        request = Request(environ)
        raw = request.get_data()
        if self.delay:
            time.sleep(self.delay)
        with self._cond:
            status = self.statuses.pop(0) if self.statuses else 200
            self.calls.append(
                {
                    "headers": dict(request.headers),
                    "body": raw,
                    "path": request.path,
                    "status": status,
                }
            )
            self._cond.notify_all()
        return Response("ok", status=status)(environ, start_response)

    def wait_for(self, n: int = 1, timeout: float = 5.0, event_name: str | None = None) -> list:
        """Wait until ``n`` calls (of ``event_name`` if given) arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [
                    c for c in self.calls if event_name is None or event_name in c["body"].decode()
                ]
                if len(got) >= n:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {n} webhook(s) {event_name or ''}, got {len(got)}"
                    )
                self._cond.wait(left)

    def reset(self) -> None:
        with self._cond:
            self.calls.clear()
            self.statuses.clear()
            self.delay = 0.0

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def sha256_mac(app_id: str, raw: bytes, timestamp: str, secret: str) -> str:
    """Independent reference implementation of the webhook MAC."""
    return hashlib.sha256(app_id.encode() + raw + timestamp.encode() + secret.encode()).hexdigest()


def pkce_pair() -> tuple[str, str]:
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def oa_of(sim) -> dict:
    oa = sim.store.get_oa()
    app = sim.store.app_of(oa)
    return {
        "oa_id": oa.oa_id,
        "app_id": app.app_id,
        "app_secret": app.app_secret,
        "oa_secret_key": oa.oa_secret_key,
    }


def consent_code(http, sim, redirect_uri="https://shop.example/cb", **extra) -> dict:
    """Run the OA consent page with decision=allow; return the callback query."""
    verifier, challenge = pkce_pair()
    params = {
        "app_id": oa_of(sim)["app_id"],
        "redirect_uri": redirect_uri,
        "code_challenge": challenge,
        "state": "st-1",
        "decision": "allow",
        **extra,
    }
    resp = http.get(sim.urls["oauth"] + "/v4/oa/permission", params=params, allow_redirects=False)
    assert resp.status_code == 302, resp.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["Location"]).query).items()}
    query["verifier"] = verifier
    return query


class Api:
    """Tiny OA API helper bound to an access token."""

    def __init__(self, http, sim, token: str) -> None:
        self.http, self.sim, self.token = http, sim, token

    def get(self, family: str, path: str, **kw):
        headers = {"access_token": self.token, **kw.pop("headers", {})}
        return self.http.get(self.sim.urls[family] + path, headers=headers, **kw)

    def post(self, family: str, path: str, **kw):
        headers = {"access_token": self.token, **kw.pop("headers", {})}
        return self.http.post(self.sim.urls[family] + path, headers=headers, **kw)
