"""Shared test helpers: Zalo played by the simulator, or by a mock of the client seam.

Two ways to stand in for Zalo; pick the lighter one that can show what the test asserts:

* :class:`ZaloTransactionCase` / :class:`ZaloHttpCase`: the Zalo simulator (the
  ``zalo-simulator`` distribution, ``zalo_simulator/`` in the repository, a *test
  dependency* of these addons), in-process on a free port, reached over loopback. It keeps
  state like Zalo (customers, conversation history, templates, quotas, tokens), delivers
  receipts and injects faults: use it for flows, history look-ups, templates, OAuth.
* :class:`ZaloMockTransactionCase` / :func:`mock_zalo_api`: Zalo's answers scripted one
  by one at the HTTP seam of the clients, calls recorded, no simulator needed (like
  ``mockSMSGateway`` of ``sms``): use it for a send and its success or failure, a given
  Zalo error code, a network error, a download.

Odoo tests never reach Zalo: the client refuses other hosts than loopback while tests run
(and Odoo's test framework blocks external requests).
"""

import itertools
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from odoo.tests import HttpCase, TransactionCase

from ..tools.oauth import TokenResponse
from ..tools.transport import BaseClient
from ..tools.webhook import compute_signature

_SEQ = itertools.count(1)


def simulator_class():
    """The simulator, imported as the installed package it is (never from a path)."""
    try:
        from zalo_simulator.server import Simulator
    except ModuleNotFoundError as exc:
        if exc.name != "zalo_simulator":
            raise
        raise ModuleNotFoundError(
            "The Zalo simulator is not installed in the Python that runs Odoo: it is a test "
            "dependency of the Zalo OA addons. Install it from a clone of the repository "
            "with 'pip install ./zalo_simulator' (the 'zalo-simulator' distribution), or put "
            "a directory that contains zalo_simulator/ on PYTHONPATH; 'make test' does it "
            "by itself.",
            name="zalo_simulator",
        ) from exc
    return Simulator


class ZaloSimulatorMixin:
    """Starts one simulator per test class and an OA record matching its default app."""

    sim_kwargs = {}

    @classmethod
    def start_simulator(cls):
        Simulator = simulator_class()
        cls.sim = Simulator(port=0, retry_scale=0.001, auto_receipts=False, **cls.sim_kwargs)
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        params = cls.env["ir.config_parameter"].sudo()
        for family, url in cls.sim.urls.items():
            params.set_param(f"zalo_oa.{family}_url", url)
        from zalo_simulator.state import (
            DEFAULT_APP_ID,
            DEFAULT_APP_SECRET,
            DEFAULT_OA_ID,
            DEFAULT_OA_SECRET,
        )

        cls.app_id = DEFAULT_APP_ID
        cls.app_secret = DEFAULT_APP_SECRET
        cls.sim_oa_id = DEFAULT_OA_ID
        cls.oa_secret = DEFAULT_OA_SECRET

    @classmethod
    def create_oa(cls, **values):
        vals = {
            "name": "Cửa hàng Test",
            "app_id": cls.app_id,
            "app_secret": cls.app_secret,
            "oa_secret_key": cls.oa_secret,
        }
        vals.update(values)
        return cls.env["zalo.oa"].create(vals)

    @classmethod
    def connect_oa(cls, oa):
        """Connect through the simulator's API-Explorer shortcut (no consent page)."""
        tokens = cls.sim.issue_tokens()
        oa._store_tokens(
            TokenResponse(
                access_token=tokens["access_token"],
                refresh_token=tokens["refresh_token"],
                expires_in=int(tokens["expires_in"]),
            )
        )
        oa.sudo().zalo_oa_ref = tokens["oa_id"]
        # Committed, as after the OAuth callback: a token refresh reads them in its own
        # transaction.
        oa.env.flush_all()
        return tokens

    def receive(self, oa, payload, secret=None):
        """Sign ``payload`` like Zalo, store it through the webhook code and process it."""
        payload.setdefault("app_id", oa.sudo().app_id)
        payload.setdefault("timestamp", str(int(time.time() * 1000)))
        raw = json.dumps(payload, ensure_ascii=False).encode()
        mac = compute_signature(
            payload["app_id"], raw, payload["timestamp"], secret or oa.sudo().oa_secret_key
        )
        result = self.env["zalo.event"]._webhook_receive(raw, {"X-ZEvent-Signature": f"mac={mac}"})
        if result.status == "stored":
            # What a running server does next: the processing cron job takes it (an
            # outbound echo waits ECHO_DELAY first: the test does not wait for it).
            self.env["zalo.event"].browse(result.event_id).write({"next_attempt_at": False})
            self.env["zalo.event"]._cron_process_events()
        return result

    def receive_text(self, oa, customer, text="Xin chào shop", msg_id=None):
        """The customer writes to the OA (signed user_send_text, processed)."""
        return self.receive(
            oa,
            {
                "sender": {"id": customer["user_id"]},
                "recipient": {"id": oa.zalo_oa_ref},
                "user_id_by_app": customer.get("user_id_by_app", ""),
                "event_name": "user_send_text",
                "message": {"text": text, "msg_id": msg_id or f"in-{next(_SEQ)}-{time.time()}"},
            },
        )

    def sim_calls(self, path_part):
        return [r for r in self.sim.requests() if path_part in r["path"]]

    # What a running server does after a request, which a test transaction never does:
    # Odoo's test cursor drops post-commit hooks, and no cron worker runs.

    def process_events(self):
        """The processing cron job: takes the events the webhook stored."""
        self.env.flush_all()
        self.env["zalo.event"]._cron_process_events()
        self.env.invalidate_all()

    def run_postcommit(self):
        """The commit of the current transaction: its post-commit hooks run (sends)."""
        self.env.flush_all()
        self.env.cr.postcommit.run()
        self.env.invalidate_all()

    def run_send_queue(self):
        """The send cron job: sends what is due."""
        self.env.flush_all()
        self.env["zalo.message"]._cron_send_messages()
        self.env.invalidate_all()

    def assert_queue_woken(self, xmlid, at=None):
        """The cron job ``xmlid`` has a trigger (at ``at``, to the second, when given)."""
        cron = self.env.ref(xmlid)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertTrue(triggers, f"{xmlid} was not triggered")
        if at is not None:
            self.assertIn(
                at.replace(microsecond=0),
                [t.call_at.replace(microsecond=0) for t in triggers],
                f"{xmlid} is not triggered at {at}",
            )
        return triggers


class ZaloTransactionCase(ZaloSimulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Token refreshes and API logs use their own cursor: in test mode, those are
        # savepoints of the test transaction.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.start_simulator()


class ZaloHttpCase(ZaloSimulatorMixin, HttpCase):
    """Tours: the browser's requests commit into the test transaction, whose post-commit
    hooks never run, and no cron worker runs: a tour that waits for the queues runs
    their cron jobs (``runZaloQueues`` in the tours), the test after it runs
    :meth:`run_send_queue` / :meth:`process_events`."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_simulator()


# ------------------------------------------------------------ mock of the client seam


@dataclass
class ZaloCall:
    """One HTTP request a Zalo client made, as the mock saw it."""

    method: str
    url: str
    params: Any = None
    json: Any = None
    data: Any = None
    files: Any = None
    headers: dict = field(default_factory=dict)
    #: what the mock answered: the JSON body (a dict), bytes, or the exception raised
    answer: Any = None

    @property
    def path(self):
        return urlsplit(self.url).path

    @property
    def query(self):
        """The ``data`` parameter of openapi GET calls, decoded (other params as they are)."""
        params = dict(self.params or {})
        if isinstance(params.get("data"), str):
            return json.loads(params["data"])
        return params


@dataclass
class _Script:
    endpoint: str
    answer: Any
    status: int
    headers: dict
    count: Any  # int, or None: every call


class ZaloApiMock:
    """Zalo's side of the wire for :func:`mock_zalo_api`: scripted answers, recorded calls.

    Answers are looked up by ``endpoint``, a part of the URL (``"/v3.0/oa/message/cs"``,
    ``"/message/template"``, or a media URL); the first matching script that is not used
    up answers. Unscripted calls get a plausible success: a new ``message_id`` for a send,
    an ``attachment_id`` / ``token`` for an upload, a token pair for ``/access_token``, an
    empty list for the conversation history, ``{}`` for the rest, 404 for a download.
    """

    def __init__(self):
        self.calls = []
        self._scripts = []
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ scripting

    def answer(self, endpoint, body=None, *, status=200, headers=None, count=1):
        """Answer the next ``count`` calls to ``endpoint`` (``count=None``: all of them)
        with ``body``: a JSON body (dict or list), raw ``bytes`` (a download), or an
        exception to raise instead of answering (``requests.ConnectTimeout()``...)."""
        self._scripts.append(_Script(endpoint, body, status, dict(headers or {}), count))
        return self

    def error(self, endpoint, code, message="Zalo error", *, status=200, count=1):
        """Zalo refuses: ``{"error": code, "message": message}`` (HTTP 200, as Zalo does)."""
        return self.answer(
            endpoint, {"error": code, "message": message}, status=status, count=count
        )

    def network_error(self, endpoint, exception=None, *, count=1):
        """No answer. By default the connection is refused: Zalo never saw the request.
        Pass ``requests.ReadTimeout()`` for an answer lost after sending (uncertain)."""
        exception = exception or requests.ConnectionError(ConnectionRefusedError(111, "refused"))
        return self.answer(endpoint, exception, count=count)

    def reset(self):
        self.calls.clear()
        self._scripts.clear()

    def calls_to(self, endpoint):
        return [call for call in self.calls if endpoint in call.url]

    # ------------------------------------------------- the requests.Session part

    def request(self, method, url, params=None, json=None, data=None, files=None, **kwargs):
        call = ZaloCall(
            method=method.upper(),
            url=url,
            params=params,
            json=json,
            data=data,
            files=files,
            headers=dict(kwargs.get("headers") or {}),
        )
        self.calls.append(call)
        script = next(
            (s for s in self._scripts if s.endpoint in url and s.count != 0),
            None,
        )
        if script is None:
            answer, status, headers = self._default(call, kwargs.get("stream"))
        else:
            if script.count is not None:
                script.count -= 1
            answer, status, headers = script.answer, script.status, script.headers
        call.answer = answer
        if isinstance(answer, BaseException):
            raise answer
        return self._response(url, answer, status, headers)

    def close(self):
        pass

    def _default(self, call, stream):
        if stream:  # a media download nobody scripted
            return {"error": 404, "message": "not found"}, 404, {}
        ident = f"mock{next(self._ids):06d}"
        path = call.path
        data = {}
        if path.endswith(("/message/cs", "/message/template")):
            recipient = (call.json or {}).get("recipient") or {}
            data = {"message_id": ident, "msg_id": ident, "user_id": recipient.get("user_id")}
            data["sent_time"] = str(int(time.time() * 1000))
        elif path.endswith("/upload/file"):
            data = {"token": ident}
        elif "/upload/" in path:
            data = {"attachment_id": ident}
        elif path.endswith("/oa/conversation"):
            data = []
        elif path.endswith("/access_token"):
            body = {
                "access_token": f"mock-access-{ident}",
                "refresh_token": f"mock-refresh-{ident}",
                "expires_in": "90000",
            }
            return body, 200, {}
        return {"error": 0, "message": "Success", "data": data}, 200, {}

    @staticmethod
    def _response(url, answer, status, headers):
        response = requests.Response()
        response.url = url
        response.status_code = status
        headers = CaseInsensitiveDict(headers)
        if isinstance(answer, bytes):
            response._content = answer
            headers.setdefault("Content-Type", "application/octet-stream")
        else:
            response._content = json.dumps(answer).encode()
            headers.setdefault("Content-Type", "application/json")
        headers.setdefault("Content-Length", str(len(response._content)))
        response._content_consumed = True
        response.headers = headers
        response.encoding = "utf-8"
        return response


@contextmanager
def mock_zalo_api():
    """Zalo answered in-process at the HTTP seam of the clients (``ZaloClient`` and
    ``OAuthClient``), like ``mockSMSGateway`` of ``sms``::

        with mock_zalo_api() as zalo:
            zalo.error("/v3.0/oa/message/cs", -213, "User has not interacted")
            message = channel.message_post(...)
            self.assertEqual(zalo.calls_to("/message/cs")[0].json["message"], {...})

    Everything above HTTP runs for real: ``zalo.oa._zalo_call``, the token refresh, the
    payloads, headers and URLs (Zalo's own, unless the test sets others), the error
    classification and the API log. See :class:`ZaloApiMock` for the scripting.
    """
    zalo = ZaloApiMock()
    with patch.object(BaseClient, "session", property(lambda _client: zalo)):
        yield zalo


class ZaloMockMixin:
    """Mixed in before ZaloTransactionCase: Zalo is :func:`mock_zalo_api` (``self.zalo``,
    emptied before each test) instead of the simulator, which need not be installed.

    The helpers of ZaloSimulatorMixin keep working (``create_oa``, ``receive``,
    ``receive_text`` with a customer dict such as ``{"user_id": "..."}``); ``connect_oa``
    stores made-up tokens without calling Zalo, and ``self.sim`` is None.
    """

    @classmethod
    def start_simulator(cls):
        cls.sim = None
        cls.app_id = "1234567890123456789"
        cls.app_secret = "mock-app-secret-0123456789"
        cls.sim_oa_id = "4318000000000000001"
        cls.oa_secret = "mock-oa-secret-key-0123456789"
        context = mock_zalo_api()
        cls.zalo = context.__enter__()
        cls.addClassCleanup(context.__exit__, None, None, None)

    @classmethod
    def connect_oa(cls, oa):
        ident = next(_SEQ)
        oa._store_tokens(
            TokenResponse(
                access_token=f"mock-access-token-{ident}",
                refresh_token=f"mock-refresh-token-{ident}",
                expires_in=90000,
            )
        )
        oa.sudo().zalo_oa_ref = cls.sim_oa_id
        oa.env.flush_all()  # committed: a token refresh reads them in its own transaction
        return {"oa_id": cls.sim_oa_id}

    def setUp(self):
        super().setUp()
        self.zalo.reset()


class ZaloMockTransactionCase(ZaloMockMixin, ZaloTransactionCase):
    pass
