"""The simulator's own control API under ``/_sim`` and the web page at ``/``.

Tests and the demo drive the simulated world through these endpoints (JSON in, JSON
out; errors are HTTP 4xx with ``{"error": "<reason>"}``). See README.md for the list.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
import mimetypes
import os
from typing import Any

from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from . import actions
from .state import DEFAULT_APP_ID, WINDOW_MS, Customer, Settings, Template, public_fields
from .templates import PARAM_MAX_LEN, render_lines
from .util import ControlError, json_response, phone_to_84

STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")

SETTINGS_KEYS = {f.name: f.type for f in dataclasses.fields(Settings)}
APP_KEYS = {
    "app_secret": "app_secret",
    "app_name": "name",
    "callback_url": "callback_url",
    "login_callback_url": "login_callback_url",
    "webhook_url": "webhook_url",
}
OA_KEYS = {
    "oa_name": "name",
    "oa_secret_key": "oa_secret_key",
    "oa_description": "description",
    "oa_alias": "oa_alias",
    "oa_type": "oa_type",
    "cate_name": "cate_name",
    "is_verified": "is_verified",
    "package_name": "package_name",
    "admin_phones": "admin_phones",
    "zns_daily_quota": "zns_daily_quota",
}
REVIEW_MODES = ("manual", "approve", "reject")


# ============================================================================ helpers


def _json(request: Request) -> dict:
    """The JSON object body (the Content-Type header is not required); ``{}`` when empty."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def _wait(request: Request, body: dict | None = None) -> bool:
    value = (body or {}).get("wait", request.args.get("wait", True))
    return value not in (False, "0", "false", "no")


# ============================================================================ config


def apply_config(sim, body: dict) -> dict:
    """Apply a ``POST /_sim/config`` body; see README "Configuration"."""
    if not isinstance(body, dict):
        raise ControlError("config must be an object")
    body = dict(body)
    extra = body.pop("oas", None) or []
    default = body.pop("default_oa_id", None)
    unknown = set(body) - set(SETTINGS_KEYS) - set(APP_KEYS) - set(OA_KEYS) - {"app_id", "oa_id"}
    if unknown:
        raise ControlError(f"unknown config keys: {sorted(unknown)}")
    store = sim.store
    with store.lock:
        _apply_settings(store.settings, {k: v for k, v in body.items() if k in SETTINGS_KEYS})
        app_fields = {APP_KEYS[k]: v for k, v in body.items() if k in APP_KEYS}
        oa_fields = {OA_KEYS[k]: v for k, v in body.items() if k in OA_KEYS}
        if "admin_phones" in oa_fields:
            oa_fields["admin_phones"] = [phone_to_84(p) for p in oa_fields["admin_phones"] or []]
        if body.get("oa_id") or body.get("app_id") or app_fields or oa_fields:
            oa_id = str(body.get("oa_id") or store.default_oa_id or "")
            if not oa_id:
                raise ControlError("oa_id is required")
            existing = store.oas.get(oa_id)
            app_id = str(body.get("app_id") or (existing.app_id if existing else "")) or None
            if app_id is None:
                app_id = store.get_oa().app_id if store.default_oa_id else DEFAULT_APP_ID
            store.upsert_app(app_id, **app_fields)
            store.upsert_oa(oa_id, app_id, **oa_fields)
        for item in extra:
            apply_config(sim, item)
        if default:
            store.get_oa(default)
            store.default_oa_id = default
    return config_view(sim)


def _apply_settings(settings: Settings, values: dict) -> None:
    for key, value in values.items():
        current = getattr(settings, key)
        if isinstance(current, bool):
            value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        elif isinstance(current, int):
            value = int(value)
        elif isinstance(current, float):
            value = float(value)
        elif value is None:
            value = ""
        setattr(settings, key, value)
    if settings.retry_scale < 0:
        raise ControlError("retry_scale must be >= 0")
    if settings.template_review not in REVIEW_MODES:
        raise ControlError(f"template_review must be one of {REVIEW_MODES}")


def config_view(sim) -> dict:
    store = sim.store
    with store.lock:
        return {
            "base_url": sim.base_url,
            "urls": sim.urls,
            "public_url": sim.public_url,
            "default_oa_id": store.default_oa_id,
            "settings": dataclasses.asdict(store.settings),
            "clock_offset_ms": store.clock_offset_ms,
            "apps": [public_fields(a) for a in store.apps.values()],
            "oas": [public_fields(o) for o in store.oas.values()],
            "test_only": "secrets are shown on purpose: this is a test double",
        }


def get_config(sim, request: Request) -> dict:
    return config_view(sim)


def post_config(sim, request: Request) -> dict:
    return apply_config(sim, _json(request))


def reset(sim, request: Request | None = None) -> dict:
    """Back to the start-up configuration: no customers, tokens, faults, logs, deliveries."""
    with sim.store.lock:
        sim.store.clear()
        sim.faults.clear()
        sim.ratelimit.reset()
        sim.log.clear()
        sim.webhooks.worker.clear()
        sim._apply_initial()
    return {"ok": True}


def health(sim, request: Request) -> dict:
    return {"ok": True, "urls": sim.urls}


# ============================================================================ customers


def customer_view(sim, cust: Customer) -> dict:
    now = sim.store.now_ms()
    last = cust.last_interaction_ms
    out = public_fields(cust)
    out["avatar_url"] = cust.avatar or f"{sim.public_url}/_sim/img/{cust.user_id}.png"
    out["window_expires_ms"] = last + WINDOW_MS if last else None
    out["in_window"] = bool(last) and now - last <= WINDOW_MS
    return out


def list_customers(sim, request: Request) -> list:
    oa_id = request.args.get("oa_id")
    with sim.store.lock:
        return [
            customer_view(sim, c)
            for c in sim.store.customers.values()
            if not oa_id or c.oa_id == oa_id
        ]


def create_customer(sim, request: Request) -> Response:
    body = _json(request)
    allowed = {
        "oa_id",
        "name",
        "phone",
        "avatar",
        "follower",
        "user_id",
        "user_id_by_app",
        "last_interaction_ms",
    }
    unknown = set(body) - allowed
    if unknown:
        raise ControlError(f"unknown customer fields: {sorted(unknown)}")
    if not str(body.get("name") or "").strip():
        raise ControlError("name is required")
    cust = sim.store.add_customer(**body)
    return json_response(customer_view(sim, cust), status=201)


def get_customer(sim, request: Request, user_id: str) -> dict:
    with sim.store.lock:
        return customer_view(sim, sim.store.get_customer(user_id))


def patch_customer(sim, request: Request, user_id: str) -> dict:
    body = _json(request)
    store = sim.store
    with store.lock:
        cust = store.get_customer(user_id)
        for key, value in body.items():
            if key in ("name", "avatar"):
                setattr(cust, key, str(value or ""))
            elif key == "phone":
                cust.phone = phone_to_84(value)
            elif key == "follower":
                cust.follower = bool(value)
            elif key in ("last_interaction_ms", "last_interaction"):
                cust.last_interaction_ms = int(value) if value is not None else None
            elif key == "last_interaction_ago_s":
                cust.last_interaction_ms = store.now_ms() - int(float(value) * 1000)
            elif key == "shared_phone":
                cust.shared_info = {**cust.shared_info, "phone": phone_to_84(value)}
            elif key == "shared_info":
                cust.shared_info = dict(value or {})
            elif key == "tags":
                cust.tags = [str(t) for t in value or []]
            else:
                raise ControlError(f"cannot patch {key!r}")
        return customer_view(sim, cust)


def customer_messages(sim, request: Request, user_id: str) -> list:
    after = int(request.args.get("after", 0) or 0)
    with sim.store.lock:
        cust = sim.store.get_customer(user_id)
        now = sim.store.now_ms()
        return [
            actions.msg_view(m, now) for m in sim.store.conversation(cust.oa_id, user_id, after)
        ]


def customer_send(sim, request: Request, user_id: str) -> dict:
    body = _json(request)
    wait = _wait(request, body)
    body.pop("wait", None)
    return actions.customer_send(sim, user_id, body, wait=wait)


def customer_follow(sim, request: Request, user_id: str) -> dict:
    body = _json(request)
    return actions.follow(
        sim, user_id, True, body.get("source", "oa_profile"), wait=_wait(request, body)
    )


def customer_unfollow(sim, request: Request, user_id: str) -> dict:
    body = _json(request)
    return actions.follow(
        sim, user_id, False, body.get("source", "oa_profile"), wait=_wait(request, body)
    )


def customer_submit_info(sim, request: Request, user_id: str) -> dict:
    body = _json(request)
    return actions.submit_info(sim, user_id, body, wait=_wait(request, body))


def customer_oa_send(sim, request: Request, user_id: str) -> dict:
    body = _json(request)
    wait = _wait(request, body)
    body.pop("wait", None)
    return actions.oa_app_send(sim, user_id, body, wait=wait)


def customer_seen(sim, request: Request, user_id: str) -> dict:
    return actions.mark_seen(sim, user_id=user_id, wait=_wait(request, _json(request)))


# ============================================================================ messages


def list_messages(sim, request: Request) -> list:
    args = request.args
    with sim.store.lock:
        now = sim.store.now_ms()
        return [
            actions.msg_view(m, now)
            for m in sim.store.messages.values()
            if (not args.get("oa_id") or m.oa_id == args["oa_id"])
            and (not args.get("user_id") or m.user_id == args["user_id"])
            and (not args.get("source") or m.source == args["source"])
            and (not args.get("phone") or m.phone == args["phone"])
            and m.seq > int(args.get("after", 0) or 0)
        ]


def message_seen(sim, request: Request, msg_id: str) -> dict:
    return actions.mark_seen(sim, msg_id=msg_id, wait=_wait(request, _json(request)))


def message_received(sim, request: Request, msg_id: str) -> dict:
    return actions.mark_received(sim, msg_id, wait=_wait(request, _json(request)))


# ============================================================================ media


def upload_media(sim, request: Request) -> Response:
    """Host a file for the web page / tests (multipart ``file`` or JSON ``data_b64``)."""
    f = request.files.get("file")
    if f is not None:
        data, name, ctype = f.read(), f.filename or "file", f.mimetype
    else:
        body = _json(request)
        try:
            data = base64.b64decode(body.get("data_b64", ""), validate=True)
        except ValueError:
            raise ControlError("data_b64 is not valid base64") from None
        name, ctype = body.get("filename") or "file", body.get("content_type")
    if not data:
        raise ControlError("empty file")
    ctype = ctype if ctype and ctype != "application/octet-stream" else None
    ctype = ctype or mimetypes.guess_type(name)[0] or "application/octet-stream"
    media = sim.store.add_media(name, ctype, data)
    return json_response(
        {
            "media_id": media.media_id,
            "url": actions.media_url(sim, media),
            "filename": name,
            "content_type": ctype,
            "size": len(data),
        },
        status=201,
    )


def get_media(sim, request: Request, media_id: str, name: str | None = None) -> Response:
    media = sim.store.media.get(media_id)
    if media is None:
        raise ControlError("unknown media", 404)
    return send_file(
        io.BytesIO(media.data),
        request.environ,
        mimetype=media.content_type,
        download_name=media.filename,
        max_age=0,
    )


def get_image(sim, request: Request, name: str) -> Response:
    """Generated solid-colour PNGs for avatars, stickers and thumbnails."""
    return Response(actions.avatar_png(name), mimetype="image/png")


# ============================================================================ templates


def template_view(sim, tpl: Template) -> dict:
    out = public_fields(tpl)
    out["preview"] = render_lines(tpl)
    out["preview_url"] = f"{sim.public_url}/_sim/templates/{tpl.template_id}/preview"
    return out


def list_templates(sim, request: Request) -> list:
    oa_id = request.args.get("oa_id")
    with sim.store.lock:
        return [
            template_view(sim, t)
            for t in sim.store.templates.values()
            if not oa_id or t.oa_id == oa_id
        ]


def add_template(sim, fields: dict) -> dict:
    """Create a template directly (fixtures), by default already ENABLE."""
    store = sim.store
    fields = dict(fields)
    with store.lock:
        oa = store.get_oa(fields.pop("oa_id", None))
        params = []
        for p in fields.pop("params", []):
            p = {"name": p} if isinstance(p, str) else dict(p)
            ptype = str(p.get("type", "1"))
            if int(ptype) not in PARAM_MAX_LEN:
                raise ControlError(f"param type must be 1..15: {p}")
            params.append(
                {
                    "name": p["name"],
                    "type": ptype,
                    "sample_value": str(p.get("sample_value", p["name"])),
                }
            )
        name = fields.pop("template_name", None) or "Mẫu tin mô phỏng"
        layout = fields.pop("layout", None) or {
            "body": {
                "components": [
                    {"TITLE": {"value": name if len(name) >= 9 else f"{name} (ZBS)"}},
                    {
                        "PARAGRAPH": {
                            "value": "Thông tin: "
                            + ", ".join(f"{p['name']}: <{p['name']}>" for p in params)
                        }
                    },
                ]
            }
        }
        now = store.now_ms()
        template_id = str(fields.pop("template_id", "") or store.new_template_id())
        allowed = {f.name for f in dataclasses.fields(Template)}
        unknown = set(fields) - allowed
        if unknown:
            raise ControlError(f"unknown template fields: {sorted(unknown)}")
        tpl = Template(
            template_id=template_id,
            oa_id=oa.oa_id,
            app_id=oa.app_id,
            template_name=name,
            layout=layout,
            params=params,
            status=fields.pop("status", "ENABLE"),
            created_ms=now,
            updated_ms=now,
            **fields,
        )
        store.templates[tpl.template_id] = tpl
        return template_view(sim, tpl)


def create_template(sim, request: Request) -> Response:
    return json_response(add_template(sim, _json(request)), status=201)


def template_status(sim, request: Request, template_id: str) -> dict:
    body = _json(request)
    return actions.set_template_status(
        sim, template_id, body.get("status", ""), body.get("reason", ""), wait=_wait(request, body)
    )


def template_preview(sim, request: Request, template_id: str) -> Response:
    tpl = sim.store.templates.get(template_id)
    if tpl is None:
        raise ControlError("unknown template", 404)
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in render_lines(tpl))
    page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>{html.escape(tpl.template_name)}</title>
<style>body{{font-family:system-ui,sans-serif;background:#eef3fb;padding:30px}}
.zbs{{max-width:380px;margin:auto;background:#fff;border-radius:12px;padding:18px 22px;
box-shadow:0 4px 18px rgba(0,0,0,.1)}}.st{{color:#0068ff;font-size:12px}}</style></head>
<body><div class="zbs"><div class="st">{tpl.status} · #{tpl.template_id}</div>
<h3>{html.escape(tpl.template_name)}</h3>{lines}</div></body></html>"""
    return Response(page, content_type="text/html; charset=utf-8")


# ============================================================================ tokens


def issue_tokens(sim, oa_id: str | None = None) -> dict:
    store = sim.store
    with store.lock:
        oa = store.get_oa(oa_id)
        access, refresh = store.issue_tokens("oa", oa.app_id, oa.oa_id)
    return {
        "oa_id": oa.oa_id,
        "app_id": oa.app_id,
        "access_token": access.token,
        "refresh_token": refresh.token,
        "expires_in": str((access.expires_ms - access.issued_ms) // 1000),
    }


def post_tokens(sim, request: Request) -> dict:
    return issue_tokens(sim, _json(request).get("oa_id"))


def list_tokens(sim, request: Request) -> list:
    now = sim.store.now_ms()
    with sim.store.lock:
        return [
            {**public_fields(t), "valid": not t.revoked and t.expires_ms > now}
            for t in sim.store.tokens.values()
        ]


def expire_tokens(sim, request: Request) -> dict:
    return {"expired": sim.store.expire_access_tokens(_json(request).get("oa_id"))}


# ================================================================ faults, rate limit, logs


def list_faults(sim, request: Request) -> list:
    return sim.faults.list()


def add_fault(sim, request: Request) -> Response:
    """Add a fault; ``{"rate_limit": {"limit", "window_ms"}}`` configures the rate limiter."""
    body = _json(request)
    if "rate_limit" in body:
        spec = body["rate_limit"] or {}
        sim.ratelimit.configure(spec.get("limit"), spec.get("window_ms"), spec.get("message"))
        return json_response({"rate_limit": sim.ratelimit.to_dict()}, status=201)
    return json_response(dataclasses.asdict(sim.faults.add(body)), status=201)


def clear_faults(sim, request: Request) -> dict:
    sim.faults.clear()
    return {"ok": True}


def delete_fault(sim, request: Request, fault_id: int) -> dict:
    if not sim.faults.remove(fault_id):
        raise ControlError("unknown fault", 404)
    return {"ok": True}


def get_ratelimit(sim, request: Request) -> dict:
    return sim.ratelimit.to_dict()


def post_ratelimit(sim, request: Request) -> dict:
    body = _json(request)
    sim.ratelimit.configure(body.get("limit"), body.get("window_ms"), body.get("message"))
    return sim.ratelimit.to_dict()


def delete_ratelimit(sim, request: Request) -> dict:
    sim.ratelimit.reset()
    return sim.ratelimit.to_dict()


def list_requests(sim, request: Request) -> list:
    args = request.args
    return sim.log.query(
        path=args.get("path"),
        since=float(args["since"]) if args.get("since") else None,
        after=int(args["after"]) if args.get("after") else None,
        family=args.get("family"),
        method=args.get("method"),
    )


def clear_requests(sim, request: Request) -> dict:
    sim.log.clear()
    return {"ok": True}


def list_deliveries(sim, request: Request) -> list:
    return sim.webhooks.worker.list(
        since_id=int(request.args.get("after", 0) or 0), event_name=request.args.get("event_name")
    )


def clear_deliveries(sim, request: Request) -> dict:
    sim.webhooks.worker.clear()
    return {"ok": True}


def wait_deliveries(sim, request: Request) -> dict:
    timeout = float(_json(request).get("timeout", 10))
    return {"idle": sim.webhooks.worker.wait_idle(timeout)}


def raw_webhook(sim, request: Request) -> dict:
    """Send any payload, signed (or not) as asked: for webhook-handler tests."""
    body = _json(request)
    if "payload" not in body:
        raise ControlError("payload is required (object or string)")
    signature = body.get("signature", "valid")
    if signature not in ("valid", "bad", "none", "bare", "oa_id", "app_secret"):
        raise ControlError("signature must be valid|bad|none|bare|oa_id|app_secret")
    with sim.store.lock:
        oa = sim.store.get_oa(body.get("oa_id"))
    delivery = sim.webhooks.emit(
        oa,
        body["payload"],
        signature=signature,
        zns=bool(body.get("zns")),
        extra_headers={str(k): str(v) for k, v in (body.get("headers") or {}).items()},
    )
    out = actions.delivery_result(sim, delivery, _wait(request, body))
    out["body"] = delivery.body.decode("utf-8", "replace")
    return out


def get_clock(sim, request: Request) -> dict:
    return {"now_ms": sim.store.now_ms(), "offset_ms": sim.store.clock_offset_ms}


def post_clock(sim, request: Request) -> dict:
    body = _json(request)
    with sim.store.lock:
        if "offset_s" in body:
            sim.store.clock_offset_ms = int(float(body["offset_s"]) * 1000)
        if "advance_s" in body:
            sim.store.clock_offset_ms += int(float(body["advance_s"]) * 1000)
    return get_clock(sim, request)


# ============================================================================ web page


def ui_state(sim, request: Request) -> dict:
    """Everything the web page shows, in one poll."""
    store = sim.store
    with store.lock:
        oa = store.get_oa(request.args.get("oa_id") or None)
        app = store.app_of(oa)
        now = store.now_ms()
        custs = [c for c in store.customers.values() if c.oa_id == oa.oa_id]
        last_msg: dict[str, Any] = {}
        for m in store.messages.values():
            if m.oa_id == oa.oa_id and m.user_id:
                last_msg[m.user_id] = m
        custs.sort(key=lambda c: -(last_msg[c.user_id].seq if c.user_id in last_msg else 0))
        user_id = request.args.get("user_id")
        messages = []
        if user_id and user_id in store.customers:
            messages = [actions.msg_view(m, now) for m in store.conversation(oa.oa_id, user_id)][
                -300:
            ]
        return {
            "now_ms": now,
            "oas": [{"oa_id": o.oa_id, "name": o.name} for o in store.oas.values()],
            "oa": {
                "oa_id": oa.oa_id,
                "name": oa.name,
                "app_id": oa.app_id,
                "webhook_url": app.webhook_url,
                "callback_url": app.callback_url,
            },
            "urls": sim.urls,
            "customers": [
                {
                    **customer_view(sim, c),
                    "last_text": (last_msg[c.user_id].text or last_msg[c.user_id].type)[:60]
                    if c.user_id in last_msg
                    else "",
                }
                for c in custs
            ],
            "messages": messages,
            "templates": [
                {
                    "template_id": t.template_id,
                    "template_name": t.template_name,
                    "status": t.status,
                    "preview": render_lines(t),
                }
                for t in store.templates.values()
                if t.oa_id == oa.oa_id
            ],
            "deliveries": [d for d in sim.webhooks.worker.list() if d["oa_id"] == oa.oa_id][-15:][
                ::-1
            ],
            "settings": {"auto_receipts": store.settings.auto_receipts},
        }


def index(sim, request: Request) -> Response:
    return _static_file("index.html")


def static(sim, request: Request, name: str) -> Response:
    return _static_file(name)


def _static_file(name: str) -> Response:
    path = safe_join(STATIC_DIR, name)
    if path is None or not os.path.isfile(path):
        raise ControlError("not found", 404)
    with open(path, "rb") as fh:
        data = fh.read()
    ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/javascript",):
        ctype += "; charset=utf-8"
    return Response(data, content_type=ctype, headers={"Cache-Control": "no-cache"})


ROUTES = [
    ("/", ["GET"], index),
    ("/static/<path:name>", ["GET"], static),
    ("/_sim/health", ["GET"], health),
    ("/_sim/config", ["GET"], get_config),
    ("/_sim/config", ["POST"], post_config),
    ("/_sim/reset", ["POST"], reset),
    ("/_sim/customers", ["GET"], list_customers),
    ("/_sim/customers", ["POST"], create_customer),
    ("/_sim/customers/<user_id>", ["GET"], get_customer),
    ("/_sim/customers/<user_id>", ["PATCH"], patch_customer),
    ("/_sim/customers/<user_id>/messages", ["GET"], customer_messages),
    ("/_sim/customers/<user_id>/send", ["POST"], customer_send),
    ("/_sim/customers/<user_id>/follow", ["POST"], customer_follow),
    ("/_sim/customers/<user_id>/unfollow", ["POST"], customer_unfollow),
    ("/_sim/customers/<user_id>/submit_info", ["POST"], customer_submit_info),
    ("/_sim/customers/<user_id>/oa_send", ["POST"], customer_oa_send),
    ("/_sim/customers/<user_id>/seen", ["POST"], customer_seen),
    ("/_sim/messages", ["GET"], list_messages),
    ("/_sim/messages/<msg_id>/seen", ["POST"], message_seen),
    ("/_sim/messages/<msg_id>/received", ["POST"], message_received),
    ("/_sim/media", ["POST"], upload_media),
    ("/_sim/media/<media_id>", ["GET"], get_media),
    ("/_sim/media/<media_id>/<path:name>", ["GET"], get_media),
    ("/_sim/img/<name>.png", ["GET"], get_image),
    ("/_sim/templates", ["GET"], list_templates),
    ("/_sim/templates", ["POST"], create_template),
    ("/_sim/templates/<template_id>/status", ["POST"], template_status),
    ("/_sim/templates/<template_id>/preview", ["GET"], template_preview),
    ("/_sim/tokens", ["GET"], list_tokens),
    ("/_sim/tokens", ["POST"], post_tokens),
    ("/_sim/tokens/expire", ["POST"], expire_tokens),
    ("/_sim/faults", ["GET"], list_faults),
    ("/_sim/faults", ["POST"], add_fault),
    ("/_sim/faults", ["DELETE"], clear_faults),
    ("/_sim/faults/<int:fault_id>", ["DELETE"], delete_fault),
    ("/_sim/ratelimit", ["GET"], get_ratelimit),
    ("/_sim/ratelimit", ["POST"], post_ratelimit),
    ("/_sim/ratelimit", ["DELETE"], delete_ratelimit),
    ("/_sim/requests", ["GET"], list_requests),
    ("/_sim/requests", ["DELETE"], clear_requests),
    ("/_sim/deliveries", ["GET"], list_deliveries),
    ("/_sim/deliveries", ["DELETE"], clear_deliveries),
    ("/_sim/deliveries/wait", ["POST"], wait_deliveries),
    ("/_sim/webhook/raw", ["POST"], raw_webhook),
    ("/_sim/clock", ["GET"], get_clock),
    ("/_sim/clock", ["POST"], post_clock),
    ("/_sim/ui/state", ["GET"], ui_state),
]
