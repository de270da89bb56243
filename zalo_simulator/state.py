"""The simulator's world: apps, OAs, customers, messages, media, templates and tokens.

All mutable state lives in one :class:`Store` guarded by one re-entrant lock
(``store.lock``). Handlers take the lock for the whole read-check-write sequence of a
request; webhook deliveries are queued after the lock is released.

Time is read through :meth:`Store.now_ms`, a wall clock plus an adjustable offset
(``POST /_sim/clock``), so tests can jump over the 7-day window, token lifetimes or the
7-day attachment expiry without waiting.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .util import ControlError, hex_id, numeric_id, opaque_token, phone_to_84

DAY_MS = 86_400_000
CODE_LIFETIME_MS = 10 * 60 * 1000  # authorization codes: 10 minutes, single use
ATTACHMENT_LIFETIME_MS = 7 * DAY_MS  # uploaded attachment_id / token: about 7 days
WINDOW_MS = 7 * DAY_MS  # consultation messages: 7 days after the last interaction
FREE_WINDOW_MS = 2 * DAY_MS  # free of charge within 48 h


# ============================================================================ records


@dataclass
class Settings:
    """Global knobs (CLI flags, constructor kwargs, ``POST /_sim/config``)."""

    retry_scale: float = 1.0  # multiplies Zalo's webhook retry ladder (30 s … 1 h)
    access_token_lifetime: int = 90_000  # OA access token, seconds ("expires_in")
    social_token_lifetime: int = 3_600  # Social Login access token, seconds
    oa_refresh_lifetime: int = 90 * 86_400  # OA refresh token: 3 months
    social_refresh_lifetime: int = 30 * 86_400  # Social refresh: 30 days (zalo-api.md C14)
    auto_receipts: bool = True  # send user_received_message after OA sends
    auto_receipt_delay_ms: int = 200
    webhook_timeout: float = 5.0  # seconds; Zalo itself wants an answer within 2 s
    echo_api_sends: bool = False  # also emit oa_send_* echoes for messages sent by API
    require_appsecret_proof: bool = False  # make appsecret_proof mandatory on graph /me
    public_url: str = ""  # base of media/avatar links put in payloads (default: base_url)
    template_review: str = "manual"  # manual|approve|reject: what happens to new templates
    template_review_delay_ms: int = 1000


@dataclass
class App:
    app_id: str
    app_secret: str
    name: str = "Ứng dụng mô phỏng"
    callback_url: str | None = None  # OA Callback Url (redirect_uri must equal it)
    login_callback_url: str | None = None  # Social Login callback (prefix match)
    webhook_url: str | None = None  # where signed events are POSTed


@dataclass
class OA:
    oa_id: str
    app_id: str
    name: str
    oa_secret_key: str
    description: str = "Official Account mô phỏng cho Odoo"
    oa_alias: str = ""
    is_verified: bool = True
    oa_type: int = 2
    cate_name: str = "Bán lẻ"
    package_name: str = "Gói Nâng cao"
    zns_daily_quota: int = 500
    zns_used: int = 0
    zns_quota_day: str = ""
    admin_phones: list[str] = field(default_factory=list)


@dataclass
class Customer:
    user_id: str  # OA-scoped id (webhook sender.id, send target)
    user_id_by_app: str  # app-scoped id (= Social Login /me id)
    oa_id: str
    name: str
    phone: str = ""  # 84… form
    avatar: str = ""
    follower: bool = True
    last_interaction_ms: int | None = None
    shared_info: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    created_ms: int = 0


@dataclass
class Message:
    """One message of a conversation, either direction, or a ZNS message sent by phone."""

    seq: int
    msg_id: str
    oa_id: str
    user_id: str | None  # None for a ZNS message to a phone that is nobody we know
    direction: str  # "user" (customer → OA) or "oa" (OA → customer)
    type: str  # text|image|gif|file|sticker|audio|video|location|link|business_card|...
    text: str = ""
    attachments: list[dict] = field(default_factory=list)
    quote_message_id: str | None = None
    sent_ms: int = 0
    delivered_ms: int | None = None
    seen_ms: int | None = None
    source: str = "user"  # user|api|oa_app|zbs_uid|zns
    template_id: str | None = None
    tracking_id: str | None = None
    phone: str | None = None


@dataclass
class Media:
    media_id: str
    filename: str
    content_type: str
    data: bytes
    created_ms: int
    oa_id: str | None = None
    kind: str = "user"  # user|image|gif|file|zbs_image
    ref: str | None = None  # attachment_id / token / media_id handed to the API client


@dataclass
class Template:
    template_id: str
    oa_id: str
    app_id: str
    template_name: str
    template_type: int = 1
    tag: str = "1"
    layout: dict = field(default_factory=dict)
    params: list[dict] = field(default_factory=list)  # {name, type, sample_value}
    note: str = ""
    status: str = "PENDING_REVIEW"
    reason: str = ""
    quality: str = "UNDEFINED"
    supports_uid: bool = True
    tracking_id: str = ""
    price_sdt: int = 200
    price_uid: int = 150
    created_ms: int = 0
    updated_ms: int = 0


@dataclass
class Token:
    token: str
    kind: str  # "oa" or "social"
    grant: str  # "access" or "refresh"
    app_id: str
    oa_id: str | None
    subject: str | None  # user_id_by_app for social tokens
    issued_ms: int
    expires_ms: int
    revoked: str | None = None  # why it stopped working: superseded|used|expired_by_sim


@dataclass
class AuthCode:
    code: str
    kind: str
    app_id: str
    oa_id: str | None
    subject: str | None
    redirect_uri: str
    code_challenge: str
    state: str
    created_ms: int
    used: bool = False


# ============================================================================ store

DEFAULT_APP_ID = "3608465248940903967"
DEFAULT_APP_SECRET = "sim-app-secret-0123456789"
DEFAULT_OA_ID = "388613280878808645"
DEFAULT_OA_NAME = "Cửa hàng Mô Phỏng"
DEFAULT_OA_SECRET = "sim-oa-secret-key-abcdef"

DEMO_CUSTOMERS = [
    ("Nguyễn Văn An", "0912345678"),
    ("Trần Thị Bích", "0987654321"),
    ("Lê Hoàng Minh", "0909123456"),
    ("Phạm Thu Hà", "0938111222"),
]


class Store:
    """Thread-safe in-memory state with optional JSON persistence."""

    def __init__(self, state_file: str | None = None) -> None:
        self.lock = threading.RLock()
        self.state_file = state_file
        self.clear()

    def clear(self) -> None:
        """Forget everything (the lock and the state file path stay)."""
        self.settings = Settings()
        self.clock_offset_ms = 0
        self.apps: dict[str, App] = {}
        self.oas: dict[str, OA] = {}
        self.default_oa_id: str | None = None
        self.customers: dict[str, Customer] = {}
        self.messages: dict[str, Message] = {}
        self.media: dict[str, Media] = {}
        self.refs: dict[str, str] = {}  # attachment_id / token / media_id → media_id
        self.templates: dict[str, Template] = {}
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, AuthCode] = {}
        self._seq = 0
        self._template_seq = 300_000

    # ------------------------------------------------------------------ clock
    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.clock_offset_ms

    def next_seq(self) -> int:
        with self.lock:
            self._seq += 1
            return self._seq

    # ------------------------------------------------------------------ apps / OAs
    def upsert_app(self, app_id: str, **fields: Any) -> App:
        with self.lock:
            app = self.apps.get(app_id)
            if app is None:
                app = App(
                    app_id=app_id, app_secret=fields.pop("app_secret", None) or opaque_token(16)
                )
                self.apps[app_id] = app
            _assign(app, fields)
            return app

    def upsert_oa(self, oa_id: str, app_id: str | None = None, **fields: Any) -> OA:
        with self.lock:
            oa = self.oas.get(oa_id)
            if oa is None:
                if not app_id:
                    raise ControlError("a new OA needs an app_id")
                oa = OA(
                    oa_id=oa_id,
                    app_id=app_id,
                    name=fields.pop("name", None) or f"OA {oa_id[-4:]}",
                    oa_secret_key=fields.pop("oa_secret_key", None) or opaque_token(16),
                )
                self.oas[oa_id] = oa
                if self.default_oa_id is None:
                    self.default_oa_id = oa_id
            elif app_id:
                oa.app_id = app_id
            if app_id and app_id not in self.apps:
                self.upsert_app(app_id)
            _assign(oa, fields)
            return oa

    def get_oa(self, oa_id: str | None = None) -> OA:
        key = oa_id or self.default_oa_id
        oa = self.oas.get(key or "")
        if oa is None:
            raise ControlError(f"unknown OA {key!r}", 404)
        return oa

    def app_of(self, oa: OA) -> App:
        return self.apps[oa.app_id]

    def oas_of_app(self, app_id: str) -> list[OA]:
        return [oa for oa in self.oas.values() if oa.app_id == app_id]

    # ------------------------------------------------------------------ customers
    def add_customer(
        self,
        oa_id: str | None = None,
        name: str = "Khách hàng",
        phone: str | None = None,
        avatar: str | None = None,
        follower: bool = True,
        user_id: str | None = None,
        user_id_by_app: str | None = None,
        last_interaction_ms: int | None = None,
    ) -> Customer:
        with self.lock:
            oa = self.get_oa(oa_id)
            if user_id and user_id in self.customers:
                raise ControlError(f"user_id {user_id} already exists", 409)
            cust = Customer(
                user_id=user_id or numeric_id(),
                user_id_by_app=user_id_by_app or numeric_id(),
                oa_id=oa.oa_id,
                name=name,
                phone=phone_to_84(phone),
                avatar=avatar or "",
                follower=bool(follower),
                last_interaction_ms=last_interaction_ms,
                created_ms=self.now_ms(),
            )
            self.customers[cust.user_id] = cust
            return cust

    def get_customer(self, user_id: str, oa_id: str | None = None) -> Customer:
        cust = self.customers.get(str(user_id))
        if cust is None or (oa_id and cust.oa_id != oa_id):
            raise ControlError(f"unknown customer {user_id!r}", 404)
        return cust

    def find_customer(self, oa_id: str, user_id: Any) -> Customer | None:
        cust = self.customers.get(str(user_id)) if user_id is not None else None
        return cust if cust is not None and cust.oa_id == oa_id else None

    def people_of_app(self, app_id: str) -> list[Customer]:
        """Customers of every OA linked to the app, one per app-scoped id."""
        seen: dict[str, Customer] = {}
        oa_ids = {oa.oa_id for oa in self.oas_of_app(app_id)}
        for cust in self.customers.values():
            if cust.oa_id in oa_ids:
                seen.setdefault(cust.user_id_by_app, cust)
        return list(seen.values())

    def customer_by_phone(self, oa_id: str, phone: str) -> Customer | None:
        for cust in self.customers.values():
            if cust.oa_id == oa_id and cust.phone == phone:
                return cust
        return None

    # ------------------------------------------------------------------ messages
    def add_message(self, **fields: Any) -> Message:
        with self.lock:
            fields.setdefault("msg_id", hex_id())
            fields.setdefault("sent_ms", self.now_ms())
            msg = Message(seq=self.next_seq(), **fields)
            self.messages[msg.msg_id] = msg
            return msg

    def conversation(self, oa_id: str, user_id: str, after_seq: int = 0) -> list[Message]:
        with self.lock:
            return [
                m
                for m in self.messages.values()
                if m.oa_id == oa_id and m.user_id == user_id and m.seq > after_seq
            ]

    # ------------------------------------------------------------------ media
    def add_media(
        self,
        filename: str,
        content_type: str,
        data: bytes,
        kind: str = "user",
        oa_id: str | None = None,
        ref: str | None = None,
    ) -> Media:
        with self.lock:
            media = Media(
                media_id=hex_id(24),
                filename=filename,
                content_type=content_type,
                data=data,
                created_ms=self.now_ms(),
                oa_id=oa_id,
                kind=kind,
                ref=ref,
            )
            self.media[media.media_id] = media
            if ref:
                self.refs[ref] = media.media_id
            return media

    def media_by_ref(self, ref: Any, oa_id: str, kinds: tuple[str, ...]) -> Media | None:
        media = self.media.get(self.refs.get(str(ref), ""))
        if media is None or media.oa_id != oa_id or media.kind not in kinds:
            return None
        return media

    # ------------------------------------------------------------------ templates
    def new_template_id(self) -> str:
        with self.lock:
            self._template_seq += 1 + int.from_bytes(os.urandom(1), "big") % 7
            return str(self._template_seq)

    def get_template(self, oa_id: str, template_id: Any) -> Template | None:
        tpl = self.templates.get(str(template_id)) if template_id not in (None, "") else None
        return tpl if tpl is not None and tpl.oa_id == oa_id else None

    # ------------------------------------------------------------------ tokens
    def issue_tokens(
        self, kind: str, app_id: str, oa_id: str | None, subject: str | None = None
    ) -> tuple[Token, Token]:
        """Issue an access/refresh pair; earlier access tokens of the same grant die."""
        with self.lock:
            now = self.now_ms()
            s = self.settings
            for tok in self.tokens.values():
                if (
                    tok.grant == "access"
                    and tok.kind == kind
                    and tok.app_id == app_id
                    and tok.oa_id == oa_id
                    and tok.subject == subject
                    and not tok.revoked
                ):
                    tok.revoked = "superseded"
            life = s.access_token_lifetime if kind == "oa" else s.social_token_lifetime
            rlife = s.oa_refresh_lifetime if kind == "oa" else s.social_refresh_lifetime
            access = Token(
                opaque_token(), kind, "access", app_id, oa_id, subject, now, now + life * 1000
            )
            refresh = Token(
                opaque_token(), kind, "refresh", app_id, oa_id, subject, now, now + rlife * 1000
            )
            self.tokens[access.token] = access
            self.tokens[refresh.token] = refresh
            self._prune_tokens(now)
            return access, refresh

    def _prune_tokens(self, now: int) -> None:
        if len(self.tokens) < 5000:
            return
        dead = [
            k
            for k, t in self.tokens.items()
            if (t.revoked or t.expires_ms < now) and t.issued_ms < now - DAY_MS
        ]
        for k in dead:
            del self.tokens[k]

    def access_token_state(self, token: str | None, kind: str) -> tuple[str, Token | None]:
        """Return ``("ok"|"invalid"|"expired", token)`` for an access token header."""
        tok = self.tokens.get(token or "")
        if tok is None or tok.grant != "access" or tok.kind != kind:
            return "invalid", None
        if tok.revoked or tok.expires_ms <= self.now_ms():
            return "expired", tok
        return "ok", tok

    def expire_access_tokens(self, oa_id: str | None = None) -> int:
        with self.lock:
            n = 0
            now = self.now_ms()
            for tok in self.tokens.values():
                if (
                    tok.grant == "access"
                    and tok.kind == "oa"
                    and tok.expires_ms > now
                    and (oa_id is None or tok.oa_id == oa_id)
                ):
                    tok.expires_ms = now - 1
                    n += 1
            return n

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict:
        with self.lock:
            return {
                "version": 1,
                "settings": dataclasses.asdict(self.settings),
                "clock_offset_ms": self.clock_offset_ms,
                "default_oa_id": self.default_oa_id,
                "apps": [dataclasses.asdict(a) for a in self.apps.values()],
                "oas": [dataclasses.asdict(o) for o in self.oas.values()],
                "customers": [dataclasses.asdict(c) for c in self.customers.values()],
                "messages": [dataclasses.asdict(m) for m in self.messages.values()],
                "media": [
                    {**_media_meta(m), "data": base64.b64encode(m.data).decode()}
                    for m in self.media.values()
                ],
                "templates": [dataclasses.asdict(t) for t in self.templates.values()],
                "tokens": [dataclasses.asdict(t) for t in self.tokens.values()],
                "seq": self._seq,
                "template_seq": self._template_seq,
            }

    def load_dict(self, data: dict) -> None:
        with self.lock:
            self.settings = _build(Settings, data.get("settings", {}))
            self.clock_offset_ms = int(data.get("clock_offset_ms", 0))
            self.apps = {a["app_id"]: _build(App, a) for a in data.get("apps", [])}
            self.oas = {o["oa_id"]: _build(OA, o) for o in data.get("oas", [])}
            self.default_oa_id = data.get("default_oa_id") or next(iter(self.oas), None)
            self.customers = {c["user_id"]: _build(Customer, c) for c in data.get("customers", [])}
            self.messages = {m["msg_id"]: _build(Message, m) for m in data.get("messages", [])}
            self.media = {}
            self.refs = {}
            for m in data.get("media", []):
                media = _build(Media, {**m, "data": base64.b64decode(m.get("data", ""))})
                self.media[media.media_id] = media
                if media.ref:
                    self.refs[media.ref] = media.media_id
            self.templates = {
                t["template_id"]: _build(Template, t) for t in data.get("templates", [])
            }
            self.tokens = {t["token"]: _build(Token, t) for t in data.get("tokens", [])}
            self._seq = int(data.get("seq", len(self.messages)))
            self._template_seq = int(data.get("template_seq", self._template_seq))

    def save(self) -> None:
        """Write the state file atomically (no-op without ``state_file``)."""
        if not self.state_file:
            return
        with self.lock:
            payload = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
            tmp = f"{self.state_file}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, self.state_file)

    def load(self) -> bool:
        if not self.state_file or not os.path.exists(self.state_file):
            return False
        with open(self.state_file, encoding="utf-8") as fh:
            self.load_dict(json.load(fh))
        return True


# ============================================================================ helpers


def _media_meta(m: Media) -> dict:
    return {k: v for k, v in dataclasses.asdict(m).items() if k != "data"}


def _field_names(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def _build(cls: type, data: dict) -> Any:
    names = _field_names(cls)
    return cls(**{k: v for k, v in data.items() if k in names})


def _assign(obj: Any, fields: dict) -> None:
    names = _field_names(type(obj))
    for key, value in fields.items():
        if key not in names:
            raise ControlError(f"unknown field {key!r} for {type(obj).__name__}")
        if value is not None:
            setattr(obj, key, value)


def public_fields(obj: Any, exclude: tuple[str, ...] = ()) -> dict:
    return {k: v for k, v in dataclasses.asdict(obj).items() if k not in exclude}
