"""The simulator process: one WSGI app serving the four Zalo families, the control API
and the customer web page.

In-process use (tests)::

    from zalo_simulator.server import Simulator

    sim = Simulator(port=0, webhook_url="http://127.0.0.1:9000/zalo_oa/webhook").start()
    sim.urls["openapi"]          # http://127.0.0.1:<port>/openapi
    ...
    sim.stop()

Path prefixes stand for Zalo's hosts, so a call made on the wrong family is a 404:

    /openapi   → https://openapi.zalo.me
    /oauth     → https://oauth.zaloapp.com
    /business  → https://business.openapi.zalo.me
    /graph     → https://graph.zalo.me
"""

from __future__ import annotations

import contextlib
import functools
import logging
import socket
import threading
import time
import traceback
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from . import actions, api_business, api_oauth, api_openapi, control
from . import errors as E
from .faults import Faults, RateLimiter
from .recorder import RequestLog, summarize_body, summarize_response
from .state import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_OA_ID,
    DEFAULT_OA_NAME,
    DEFAULT_OA_SECRET,
    Store,
)
from .util import ApiError, ControlError, json_response
from .webhooks import Webhooks

_logger = logging.getLogger("zalo_simulator")

ZALO_FAMILIES = ("openapi", "oauth", "business", "graph")


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not print one access-log line per request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def family_of(path: str) -> str:
    head = path.lstrip("/").split("/", 1)[0]
    if head in ZALO_FAMILIES:
        return head
    if head == "_sim":
        return "control"
    return "ui"


class Simulator:
    """A stand-in for Zalo's OA, OAuth, ZNS/ZBS and Social endpoints.

    Constructor keyword arguments mirror the CLI flags (see ``python3 -m zalo_simulator
    --help``). ``extra_oas`` takes a list of dicts like ``POST /_sim/config`` bodies to
    set up more OAs/apps.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8765,
        *,
        app_id: str = DEFAULT_APP_ID,
        app_secret: str = DEFAULT_APP_SECRET,
        oa_id: str = DEFAULT_OA_ID,
        oa_name: str = DEFAULT_OA_NAME,
        oa_secret_key: str = DEFAULT_OA_SECRET,
        callback_url: str | None = None,
        login_callback_url: str | None = None,
        webhook_url: str | None = None,
        admin_phones: list[str] | None = None,
        retry_scale: float = 1.0,
        access_token_lifetime: int = 90_000,
        social_token_lifetime: int = 3_600,
        auto_receipts: bool = True,
        auto_receipt_delay_ms: int = 200,
        webhook_timeout: float = 5.0,
        echo_api_sends: bool = False,
        template_review: str = "manual",
        template_review_delay_ms: int = 1000,
        public_url: str | None = None,
        state_file: str | None = None,
        seed_demo: bool = False,
        extra_oas: list[dict] | None = None,
        quiet: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.quiet = quiet
        self.store = Store(state_file)
        self.store.load()
        self.webhooks = Webhooks(self.store)
        self.faults = Faults()
        self.ratelimit = RateLimiter()
        self.log = RequestLog()
        self.url_map = _url_map()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._saver: threading.Thread | None = None
        self._stopping = threading.Event()
        self._dirty = False
        self._timers: list[threading.Timer] = []

        self._initial = {
            "app_id": app_id,
            "app_secret": app_secret,
            "oa_id": oa_id,
            "oa_name": oa_name,
            "oa_secret_key": oa_secret_key,
            "callback_url": callback_url,
            "login_callback_url": login_callback_url,
            "webhook_url": webhook_url,
            "admin_phones": admin_phones,
            "retry_scale": retry_scale,
            "access_token_lifetime": access_token_lifetime,
            "social_token_lifetime": social_token_lifetime,
            "auto_receipts": auto_receipts,
            "auto_receipt_delay_ms": auto_receipt_delay_ms,
            "webhook_timeout": webhook_timeout,
            "echo_api_sends": echo_api_sends,
            "template_review": template_review,
            "template_review_delay_ms": template_review_delay_ms,
            "public_url": public_url,
        }
        self._extra_oas = list(extra_oas or [])
        self._seed_demo = seed_demo
        self._apply_initial()

    def _apply_initial(self) -> None:
        control.apply_config(self, {k: v for k, v in self._initial.items() if v is not None})
        with self.store.lock:
            self.store.default_oa_id = self._initial["oa_id"]
        for extra in self._extra_oas:
            control.apply_config(self, extra)
        if self._seed_demo:
            actions.seed_demo(self)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Simulator:
        """Serve in a background thread (``port=0`` picks a free port)."""
        self.bind()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},  # quick shutdown in tests
            name="zalo-sim-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (CLI)."""
        self.bind()
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()
            self._shutdown_workers()

    def bind(self) -> None:
        """Open the listening socket and start the workers (idempotent)."""
        if self._server is not None:
            return
        handler = _QuietHandler if self.quiet else WSGIRequestHandler
        self._server = make_server(
            self.host, self.port, self, threaded=True, request_handler=handler
        )
        self.port = self._server.port
        self.webhooks.worker.start()
        if self.store.state_file:
            self._saver = threading.Thread(
                target=self._save_loop, name="zalo-sim-saver", daemon=True
            )
            self._saver.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._shutdown_workers()

    def _shutdown_workers(self) -> None:
        self._stopping.set()
        for timer in self._timers:
            timer.cancel()
        self.webhooks.worker.stop()
        if self._saver is not None:
            self._saver.join(timeout=5)
        self.store.save()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _save_loop(self) -> None:
        while not self._stopping.wait(1.0):
            if self._dirty:
                self._dirty = False
                try:
                    self.store.save()
                except OSError:
                    _logger.exception("could not write the state file")

    def mark_dirty(self) -> None:
        """Ask the saver thread to write the state file (no-op without one)."""
        self._dirty = True

    def later(self, delay_ms: int, fn: Any, *args: Any) -> None:
        """Run ``fn(*args)`` after a delay on a daemon timer (template auto-review)."""
        timer = threading.Timer(delay_ms / 1000, fn, args)
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    # ------------------------------------------------------------------ urls
    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def urls(self) -> dict[str, str]:
        return {family: f"{self.base_url}/{family}" for family in ZALO_FAMILIES}

    @property
    def public_url(self) -> str:
        """Base of links put in payloads (media, avatars); ``--public-url`` or base_url."""
        return (self.store.settings.public_url or self.base_url).rstrip("/")

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        family = family_of(request.path)
        started = time.time()
        try:
            response = self._handle(request, family)
        except Exception:  # a simulator bug must not look like a Zalo answer
            _logger.exception("simulator error on %s %s", request.method, request.path)
            response = json_response(
                {
                    "error": -1,
                    "message": "simulator internal error",
                    "trace": traceback.format_exc(),
                },
                status=500,
            )
        if family in ZALO_FAMILIES or request.path.startswith("/_sim/media/"):
            self._record(request, family, response, started)
        if request.method != "GET" or family in ZALO_FAMILIES:  # consent GETs change state too
            self._dirty = True
        if environ.get("zalo_sim.drop"):
            # Carried out, never answered: close the connection under the client.
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        return response(environ, start_response)

    def _handle(self, request: Request, family: str) -> Response:
        rate_headers: dict[str, str] = {}
        try:
            if family in ZALO_FAMILIES:
                fault_response = self._apply_fault(request, family)
                if fault_response is not None:
                    return fault_response
                if family == "openapi":
                    rate_headers = self._rate_limit(request)
            adapter = self.url_map.bind_to_environ(request.environ)
            endpoint, args = adapter.match()
            result = endpoint(self, request, **args)
            response = result if isinstance(result, Response) else json_response(result)
        except ApiError as err:
            response = json_response(err.body())
            if isinstance(err, _RateLimited):
                rate_headers = err.headers
        except ControlError as err:
            response = json_response({"error": err.message}, status=err.status)
        except HTTPException as exc:
            if family in ZALO_FAMILIES or family == "control":
                response = json_response(
                    {"error": exc.code, "message": f"{exc.name}: {request.method} {request.path}"},
                    status=exc.code or 500,
                )
            else:
                response = exc.get_response(request.environ)
        response.headers.extend(rate_headers)
        return response

    def _apply_fault(self, request: Request, family: str) -> Response | None:
        fault = self.faults.take(request.method, request.path, family)
        if fault is None:
            return None
        if fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault.drop:
            request.environ["zalo_sim.drop"] = True
            return None
        if fault.http_status is not None:
            return Response(
                f"Simulated HTTP {fault.http_status}",
                status=fault.http_status,
                mimetype="text/plain",
            )
        if fault.error is not None:
            body = {"error": fault.error, "message": fault.message or _default_message(fault.error)}
            return json_response(body)
        return None

    def _rate_limit(self, request: Request) -> dict[str, str]:
        token = self.store.tokens.get(request.headers.get("access_token") or "")
        allowed, limit, remaining = self.ratelimit.hit(token.app_id if token else "anonymous")
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remain": str(remaining)}
        if not allowed:
            raise _RateLimited(self.ratelimit.message, headers)
        return headers

    def _record(self, request: Request, family: str, response: Response, started: float) -> None:
        self.log.add(
            {
                "ts_ms": int(started * 1000),
                "method": request.method,
                "path": request.path,
                "family": family,
                "query": request.args.to_dict(flat=True),
                "headers": dict(request.headers),
                "body": summarize_body(request),
                "response": summarize_response(response),
                "duration_ms": int((time.time() - started) * 1000),
                "test_only": True,
            }
        )

    # ------------------------------------------------------------------ in-process helpers
    def requests(self, path: str | None = None, **filters: Any) -> list[dict]:
        """Recorded Zalo-family requests (see :meth:`RequestLog.query`)."""
        return self.log.query(path=path, **filters)

    def clear_requests(self) -> None:
        self.log.clear()

    def deliveries(self, event_name: str | None = None) -> list[dict]:
        return self.webhooks.worker.list(event_name=event_name)

    def wait_deliveries_idle(self, timeout: float = 10.0) -> bool:
        return self.webhooks.worker.wait_idle(timeout)

    def configure(self, **config: Any) -> dict:
        return control.apply_config(self, config)

    def reset(self) -> None:
        control.reset(self)

    def add_customer(self, **fields: Any) -> dict:
        return control.customer_view(self, self.store.add_customer(**fields))

    def customer_send(
        self, user_id: str, type: str = "text", wait: bool = True, **spec: Any
    ) -> dict:
        """Act as the customer: send a message to the OA (signed webhook)."""
        return actions.customer_send(self, user_id, {"type": type, **spec}, wait=wait)

    def issue_tokens(self, oa_id: str | None = None) -> dict:
        """API-Explorer shortcut: an access/refresh pair for an OA without the consent flow."""
        return control.issue_tokens(self, oa_id)

    def expire_tokens(self, oa_id: str | None = None) -> int:
        return self.store.expire_access_tokens(oa_id)

    def add_fault(self, **spec: Any) -> dict:
        from dataclasses import asdict

        return asdict(self.faults.add(spec))

    def clear_faults(self) -> None:
        self.faults.clear()

    def add_template(self, **fields: Any) -> dict:
        return control.add_template(self, fields)

    def set_template_status(self, template_id: str, status: str, reason: str = "") -> dict:
        return actions.set_template_status(self, template_id, status, reason)

    def advance_clock(self, seconds: float) -> int:
        with self.store.lock:
            self.store.clock_offset_ms += int(seconds * 1000)
            return self.store.clock_offset_ms


@functools.lru_cache(maxsize=1)
def _url_map() -> Map:
    """The routing table (built once: compiling the rules is the slow part of start-up)."""
    return Map(
        [
            Rule(path, endpoint=handler, methods=methods)
            for module in (api_oauth, api_openapi, api_business, control)
            for path, methods, handler in module.ROUTES
        ],
        strict_slashes=False,
    )


class _RateLimited(ApiError):
    def __init__(self, message: str, headers: dict[str, str]) -> None:
        super().__init__(E.RATE_LIMIT, message)
        self.headers = headers


def _default_message(code: int) -> str:
    oauth = E.OAUTH_NAMES.get(code)
    return (
        E.OA_MESSAGES.get(code)
        or E.ZNS_MESSAGES.get(code)
        or (oauth[1] if oauth else None)
        or "Simulated error"
    )
