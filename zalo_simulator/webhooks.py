"""Webhook payloads, the ``X-ZEvent-Signature`` MAC and the delivery worker with retries.

Payload shapes follow docs/zalo-api.md §2.4/§2.6. Bodies are serialised once, signed over
those exact bytes and sent as ``application/json``:

    X-ZEvent-Signature: mac=<hex(sha256(app_id + raw_body + timestamp + oa_secret_key))>

where ``timestamp`` is the ``timestamp`` field of the body (epoch ms, string).

Deliveries run on one background thread, ordered by due time. A delivery that fails
(connection error, timeout or a non-200 answer) is retried on Zalo's ladder, 30 s, 5 min,
15 min, 30 min and 1 h after the original attempt, each multiplied by ``retry_scale``;
retries carry the header ``num_retry: <n>``. After the last retry the delivery is marked
``failed`` (Zalo would then disable the webhook; the simulator keeps it enabled).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import requests

from .util import dumps, event_mac

if TYPE_CHECKING:
    from .state import OA, Customer, Message, Store, Template

RETRY_LADDER_S = (30, 300, 900, 1800, 3600)
MAX_KEPT_DELIVERIES = 5000


# ============================================================================ payloads


def user_event(oa: OA, cust: Customer, event_name: str, message: dict, ts: str) -> dict:
    """Common envelope of user → OA events (§2.4)."""
    return {
        "app_id": oa.app_id,
        "sender": {"id": cust.user_id},
        "recipient": {"id": oa.oa_id},
        "user_id_by_app": cust.user_id_by_app,
        "event_name": event_name,
        "message": message,
        "timestamp": ts,
    }


def user_message_event(oa: OA, cust: Customer, msg: Message, ts: str) -> dict:
    """``user_send_<type>`` from a stored customer message."""
    message: dict[str, Any] = {"msg_id": msg.msg_id}
    if msg.text or msg.type == "text":
        message["text"] = msg.text
    if msg.attachments:
        message["attachments"] = msg.attachments
    return user_event(oa, cust, f"user_send_{msg.type}", message, ts)


def oa_echo_event(oa: OA, cust: Customer, msg: Message, ts: str) -> dict:
    """``oa_send_<type>``: an OA → user message echoed back (sender/recipient swapped)."""
    message: dict[str, Any] = {"msg_id": msg.msg_id}
    if msg.text or msg.type == "text":
        message["text"] = msg.text
    if msg.attachments:
        message["attachments"] = msg.attachments
    return {
        "app_id": oa.app_id,
        "sender": {"id": oa.oa_id},
        "recipient": {"id": cust.user_id},
        "user_id_by_app": cust.user_id_by_app,
        "event_name": f"oa_send_{msg.type}",
        "message": message,
        "timestamp": ts,
    }


def receipt_event(oa: OA, cust: Customer, event_name: str, msg_ids: list[str], ts: str) -> dict:
    """``user_received_message`` / ``user_seen_message`` for OA messages.

    The customer is the actor, so ``sender`` is the customer and ``recipient`` the OA,
    like every other user event (the orientation is not documented; §2.6 only lists the
    fields). ``message.msg_ids`` is an array (VER-2).
    """
    return user_event(oa, cust, event_name, {"msg_ids": list(msg_ids)}, ts)


def follow_event(oa: OA, cust: Customer, event_name: str, source: str, ts: str) -> dict:
    return {
        "oa_id": oa.oa_id,
        "follower": {"id": cust.user_id},
        "user_id_by_app": cust.user_id_by_app,
        "event_name": event_name,
        "source": source,
        "app_id": oa.app_id,
        "timestamp": ts,
    }


def submit_info_event(oa: OA, cust: Customer, info: dict, ts: str) -> dict:
    return {
        "app_id": oa.app_id,
        "sender": {"id": cust.user_id},
        "recipient": {"id": oa.oa_id},
        "user_id_by_app": cust.user_id_by_app,
        "event_name": "user_submit_info",
        "info": info,
        "timestamp": ts,
    }


def zns_receipt_event(oa: OA, phone: str, msg_id: str, tracking_id: str, delivery_ms: int) -> dict:
    """ZNS delivery receipt (§2.6, SPEC-A shape; C9 flat variant not produced)."""
    return {
        "sender": {"id": oa.oa_id},
        "recipient": {"id": phone},
        "event_name": "user_received_message",
        "message": {
            "delivery_time": str(delivery_ms),
            "msg_id": msg_id,
            "tracking_id": tracking_id or "",
        },
        "app_id": oa.app_id,
        "timestamp": str(delivery_ms),
    }


def template_status_event(oa: OA, tpl: Template, prev: str, new: str, reason: str, ts: str) -> dict:
    return {
        "event_name": "change_template_status",
        "oa_id": oa.oa_id,
        "app_id": oa.app_id,
        "template_id": tpl.template_id,
        "status": {"prev_status": prev, "new_status": new},
        "reason": reason,
        "timestamp": ts,
    }


# ============================================================================ signing


def signature_header(
    payload_bytes: bytes,
    timestamp: str,
    *,
    app_id: str,
    oa_id: str,
    oa_secret_key: str,
    app_secret: str,
    mode: str = "valid",
) -> str | None:
    """The ``X-ZEvent-Signature`` value for a body.

    ``mode``: ``valid`` (``mac=`` + sha256(app_id+body+timestamp+oa_secret_key)),
    ``bare`` (the same hex without ``mac=``), ``oa_id`` (first term is the OA id, C5),
    ``app_secret`` (signed with the app secret instead of the OA secret key, C4),
    ``bad`` (a well-formed but wrong MAC) or ``none`` (header omitted).
    """
    if mode == "none":
        return None
    first = oa_id if mode == "oa_id" else app_id
    secret = app_secret if mode == "app_secret" else oa_secret_key
    mac = event_mac(first, payload_bytes, timestamp, secret)
    if mode == "bad":
        mac = event_mac(first, payload_bytes + b" ", timestamp, secret)
    if mode == "bare":
        return mac
    return f"mac={mac}"


# ============================================================================ delivery


@dataclass
class Delivery:
    id: int
    event_name: str
    oa_id: str | None
    url: str | None
    body: bytes
    headers: dict
    created_ms: int
    state: str = "scheduled"  # scheduled|delivering|retrying|delivered|failed|no_url
    attempts: list = field(default_factory=list)
    first_attempt: float | None = None  # monotonic time of the original attempt
    first_done: threading.Event = field(default_factory=threading.Event, repr=False)

    def to_dict(self, with_body: bool = True) -> dict:
        out = {
            "id": self.id,
            "event_name": self.event_name,
            "oa_id": self.oa_id,
            "url": self.url,
            "state": self.state,
            "created_ms": self.created_ms,
            "headers": dict(self.headers),
            "attempts": list(self.attempts),
        }
        if with_body:
            out["body"] = self.body.decode("utf-8", "replace")
        return out


class DeliveryWorker:
    """One thread that POSTs due deliveries and reschedules failures on the ladder."""

    def __init__(self, get_scale: Callable[[], float], get_timeout: Callable[[], float]) -> None:
        self._get_scale = get_scale
        self._get_timeout = get_timeout
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Delivery]] = []
        self._tie = itertools.count()
        self._ids = itertools.count(1)
        self._in_flight = 0
        self._all: OrderedDict[int, Delivery] = OrderedDict()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._session = requests.Session()
        self._session.trust_env = False  # never send local webhooks through an env proxy

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        with self._cond:
            if self._thread and self._thread.is_alive():
                return
            self._stop = False
            self._thread = threading.Thread(target=self._run, name="zalo-sim-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout=10)
        self._session.close()

    # ------------------------------------------------------------------ api
    def submit(
        self,
        *,
        url: str | None,
        body: bytes,
        headers: dict,
        event_name: str,
        oa_id: str | None,
        created_ms: int,
        delay_ms: int = 0,
    ) -> Delivery:
        with self._cond:
            d = Delivery(
                id=next(self._ids),
                event_name=event_name,
                oa_id=oa_id,
                url=url,
                body=body,
                headers=headers,
                created_ms=created_ms,
            )
            self._all[d.id] = d
            while len(self._all) > MAX_KEPT_DELIVERIES:
                self._all.popitem(last=False)
            if not url:
                d.state = "no_url"
                d.first_done.set()
            else:
                heapq.heappush(self._heap, (time.monotonic() + delay_ms / 1000, next(self._tie), d))
                self._cond.notify_all()
            return d

    def list(self, since_id: int = 0, event_name: str | None = None) -> list[dict]:
        with self._cond:
            return [
                d.to_dict()
                for d in self._all.values()
                if d.id > since_id and (event_name is None or d.event_name == event_name)
            ]

    def get(self, delivery_id: int) -> Delivery | None:
        with self._cond:
            return self._all.get(delivery_id)

    def clear(self) -> None:
        """Forget the log and drop everything still queued."""
        with self._cond:
            self._heap.clear()
            self._all.clear()
            self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap) + self._in_flight

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued, scheduled (retries too) or in flight."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # ------------------------------------------------------------------ worker
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop:
                    if self._heap and self._heap[0][0] <= time.monotonic():
                        break
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._stop:
                    return
                _, _, d = heapq.heappop(self._heap)
                self._in_flight += 1
                d.state = "delivering"
            try:
                self._attempt(d)
            finally:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()

    def _attempt(self, d: Delivery) -> None:
        now = time.monotonic()
        if d.first_attempt is None:
            d.first_attempt = now
        n_retry = len(d.attempts)
        headers = dict(d.headers)
        if n_retry:
            headers["num_retry"] = str(n_retry)
        record: dict[str, Any] = {"num_retry": n_retry, "at_ms": int(time.time() * 1000)}
        ok = False
        try:
            resp = self._session.post(
                d.url, data=d.body, headers=headers, timeout=self._get_timeout()
            )
            record["status"] = resp.status_code
            record["response"] = resp.text[:500]
            ok = resp.status_code == 200
        except requests.RequestException as exc:
            record["status"] = None
            record["error"] = f"{type(exc).__name__}: {exc}"[:500]
        record["duration_ms"] = int((time.monotonic() - now) * 1000)
        with self._cond:
            d.attempts.append(record)
            if ok:
                d.state = "delivered"
            elif n_retry < len(RETRY_LADDER_S):
                d.state = "retrying"
                due = d.first_attempt + RETRY_LADDER_S[n_retry] * self._get_scale()
                heapq.heappush(self._heap, (due, next(self._tie), d))
            else:
                d.state = "failed"
        d.first_done.set()


class Webhooks:
    """Builds signed requests for an OA and hands them to the worker."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.worker = DeliveryWorker(
            get_scale=lambda: store.settings.retry_scale,
            get_timeout=lambda: store.settings.webhook_timeout,
        )

    def ts(self, offset_ms: int = 0) -> str:
        return str(self.store.now_ms() + offset_ms)

    def emit(
        self,
        oa: OA,
        payload: dict | str | bytes,
        *,
        delay_ms: int = 0,
        zns: bool = False,
        signature: str = "valid",
        extra_headers: dict | None = None,
    ) -> Delivery:
        """Serialise, sign and queue one event for the OA's app webhook URL."""
        with self.store.lock:
            app = self.store.app_of(oa)
            url = app.webhook_url
            app_id, app_secret = app.app_id, app.app_secret
        if isinstance(payload, dict):
            body = dumps(payload).encode("utf-8")
            event_name = str(payload.get("event_name", ""))
            timestamp = str(payload.get("timestamp", ""))
        else:
            body = payload.encode("utf-8") if isinstance(payload, str) else payload
            event_name, timestamp = "raw", ""
        headers = {"Content-Type": "application/json", "User-Agent": "Zalo-Simulator-Webhook/1.0"}
        if zns:
            headers["X-ZEvent-Server"] = "ZNS"
        sig = signature_header(
            body,
            timestamp,
            app_id=app_id,
            oa_id=oa.oa_id,
            oa_secret_key=oa.oa_secret_key,
            app_secret=app_secret,
            mode=signature,
        )
        if sig is not None:
            headers["X-ZEvent-Signature"] = sig
        headers.update(extra_headers or {})
        return self.worker.submit(
            url=url,
            body=body,
            headers=headers,
            event_name=event_name,
            oa_id=oa.oa_id,
            created_ms=int(time.time() * 1000),
            delay_ms=delay_ms,
        )
