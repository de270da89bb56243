"""business.openapi.zalo.me: ZNS/ZBS template messages by phone and template management.

Uses the OA access token (``access_token`` header); an invalid or expired one answers
``-124`` (the ZNS code, not the OA API's -216/-220), a wrong ``appsecret_proof`` -1241.
"""

from __future__ import annotations

import json
import mimetypes

from werkzeug.wrappers import Request

from . import actions
from . import errors as E
from .api_openapi import require_oa
from .state import Template
from .templates import STATUSES, check_template_data, info, summary, validate_template_body
from .util import normalize_zns_phone, opaque_token, sniff_kind, zalo_ok

ZBS_IMAGE_MAX = 500 * 1024


def _body(request: Request) -> dict:
    raw = request.get_data(cache=True)
    if not raw or not raw.strip():
        raise E.zns_error(E.ZNS_BODY_EMPTY)
    try:
        body = json.loads(raw)
    except ValueError:
        raise E.zns_error(E.ZNS_BODY_NOT_JSON) from None
    if not isinstance(body, dict):
        raise E.zns_error(E.ZNS_BODY_NOT_JSON)
    return body


def _quota_view(sim, oa) -> dict:
    actions.roll_zns_day(sim, oa)
    remaining = max(oa.zns_daily_quota - oa.zns_used, 0)
    return {"dailyQuota": str(oa.zns_daily_quota), "remainingQuota": str(remaining)}


# ============================================================================ sending


def send_template(sim, request: Request) -> dict:
    """``POST /message/template``: ZNS/ZBS template to a phone number."""
    oa = require_oa(sim, request, "business")
    body = _body(request)
    store = sim.store
    with store.lock:
        phone = normalize_zns_phone(body.get("phone"))
        if phone is None:
            raise E.zns_error(E.ZNS_PHONE_INVALID)
        tpl = store.get_template(oa.oa_id, body.get("template_id"))
        if tpl is None:
            raise E.zns_error(E.ZNS_TEMPLATE_ID_INVALID)
        if tpl.status != "ENABLE":
            raise E.zns_error(E.ZNS_TEMPLATE_NOT_APPROVED)
        data = check_template_data(tpl, body.get("template_data"))
        tracking_id = body.get("tracking_id")
        if tracking_id is not None and (not isinstance(tracking_id, str) or len(tracking_id) > 48):
            raise E.zns_error(
                E.ZNS_PARAM_INVALID, "tracking_id must be a string of at most 48 characters"
            )
        sending_mode = str(body.get("sending_mode", "1"))
        if sending_mode != "1":
            raise E.zns_error(E.ZNS_SENDING_MODE)
        mode = body.get("mode")
        if mode not in (None, "development"):
            raise E.zns_error(E.ZNS_PARAM_INVALID, "mode must be development when given")
        if mode == "development" and phone not in oa.admin_phones:
            raise E.zns_error(E.ZNS_NOT_ADMIN)
        actions.take_zns_quota(sim, oa)
        cust = store.customer_by_phone(oa.oa_id, phone)
        msg = actions.record_template_message(
            sim, oa, tpl, data, cust, source="zns", phone=phone, tracking_id=tracking_id or ""
        )
        quota = _quota_view(sim, oa)
    actions.schedule_zns_receipt(sim, oa, msg)
    return zalo_ok(
        {
            "msg_id": msg.msg_id,
            "sent_time": str(msg.sent_ms),
            "sending_mode": sending_mode,
            "quota": quota,
        }
    )


def message_status(sim, request: Request) -> dict:
    oa = require_oa(sim, request, "business")
    msg_id = request.args.get("message_id", "")
    if not msg_id:
        raise E.zns_error(E.ZNS_MESSAGE_ID_INVALID)
    store = sim.store
    with store.lock:
        msg = store.messages.get(msg_id)
        if msg is None or msg.oa_id != oa.oa_id or msg.source != "zns":
            return zalo_ok({"delivery_time": "", "message": "Message not found", "status": -1})
        delivered = msg.delivered_ms is not None and msg.delivered_ms <= store.now_ms()
        return zalo_ok(
            {
                "delivery_time": str(msg.delivered_ms) if delivered else "",
                "message": "The message has been delivered" if delivered else "The message is sent",
                "status": 1 if delivered else 0,
            }
        )


def message_quota(sim, request: Request) -> dict:
    oa = require_oa(sim, request, "business")
    with sim.store.lock:
        quota = _quota_view(sim, oa)
    return zalo_ok(
        {
            **quota,
            "dailyQuotaPromotion": "0",
            "remainingQuotaPromotion": "0",
            "monthlyPromotionQuota": "0",
            "remainingMonthlyPromotionQuota": "0",
            "estimatedNextMonthPromotionQuota": "0",
        }
    )


# ============================================================================ templates


def template_all(sim, request: Request) -> dict:
    oa = require_oa(sim, request, "business")
    args = request.args
    try:
        offset = int(args.get("offset", 0))
        limit = int(args.get("limit", 100))
    except ValueError:
        raise E.zns_error(E.ZNS_PARAM_INVALID, "offset/limit must be integers") from None
    if offset < 0 or not 0 < limit <= 100:
        raise E.zns_error(E.ZNS_PARAM_INVALID, "limit must be 1..100")
    status = args.get("status")
    wanted = None
    if status is not None:
        if not status.isdigit() or int(status) not in STATUSES:
            raise E.zns_error(E.ZNS_PARAM_INVALID, "Invalid status")
        wanted = STATUSES[int(status)]
    with sim.store.lock:
        tpls = [t for t in sim.store.templates.values() if t.oa_id == oa.oa_id]
        if wanted:
            tpls = [t for t in tpls if t.status == wanted]
        page = tpls[offset : offset + limit]
        return zalo_ok([summary(t) for t in page], metadata={"total": len(tpls)})


def _template_or_error(sim, oa, template_id) -> Template:
    tpl = sim.store.get_template(oa.oa_id, template_id)
    if tpl is None:
        raise E.zns_error(E.ZNS_TEMPLATE_ID_INVALID)
    return tpl


def template_info(sim, request: Request) -> dict:
    oa = require_oa(sim, request, "business")
    with sim.store.lock:
        tpl = _template_or_error(sim, oa, request.args.get("template_id"))
        quota = _quota_view(sim, oa)
        preview = f"{sim.public_url}/_sim/templates/{tpl.template_id}/preview"
        return zalo_ok(info(tpl, preview, int(quota["remainingQuota"]), int(quota["dailyQuota"])))


def template_sample_data(sim, request: Request) -> dict:
    oa = require_oa(sim, request, "business")
    with sim.store.lock:
        tpl = _template_or_error(sim, oa, request.args.get("template_id"))
        return zalo_ok({p["name"]: p["sample_value"] for p in tpl.params})


def _media_exists(sim, oa):
    return lambda media_id: sim.store.media_by_ref(media_id, oa.oa_id, ("zbs_image",)) is not None


def _template_response(sim, tpl: Template) -> dict:
    return zalo_ok(
        {
            "template_id": tpl.template_id,
            "template_name": tpl.template_name,
            "template_type": tpl.template_type,
            "status": tpl.status,
            "tag": tpl.tag,
            "app_id": tpl.app_id,
            "oa_id": tpl.oa_id,
            "price_sdt": tpl.price_sdt,
            "price_uid": tpl.price_uid,
            "timeout": 7_200_000,
            "preview_url": f"{sim.public_url}/_sim/templates/{tpl.template_id}/preview",
        }
    )


def template_create(sim, request: Request) -> dict:
    oa = require_oa(sim, request, "business")
    body = _body(request)
    store = sim.store
    with store.lock:
        fields = validate_template_body(body, _media_exists(sim, oa))
        now = store.now_ms()
        tpl = Template(
            template_id=store.new_template_id(),
            oa_id=oa.oa_id,
            app_id=oa.app_id,
            status="PENDING_REVIEW",
            created_ms=now,
            updated_ms=now,
            **fields,
        )
        store.templates[tpl.template_id] = tpl
        response = _template_response(sim, tpl)
    actions.schedule_template_review(sim, tpl.template_id)
    return response


def template_edit(sim, request: Request) -> dict:
    oa = require_oa(sim, request, "business")
    body = _body(request)
    store = sim.store
    with store.lock:
        tpl = _template_or_error(sim, oa, body.get("template_id"))
        if tpl.status != "REJECT":
            raise E.zns_error(E.ZNS_TEMPLATE_NOT_EDITABLE, f"status is {tpl.status}")
        fields = validate_template_body(body, _media_exists(sim, oa))
        for key, value in fields.items():
            setattr(tpl, key, value)
        tpl.status = "PENDING_REVIEW"
        tpl.reason = ""
        tpl.updated_ms = store.now_ms()
        response = _template_response(sim, tpl)
    actions.schedule_template_review(sim, tpl.template_id)
    return response


def upload_image(sim, request: Request) -> dict:
    """``POST /upload/image`` (multipart ``file``): JPG/PNG ≤ 500 KB → ``data.media_id``."""
    oa = require_oa(sim, request, "business")
    f = request.files.get("file")
    if f is None or not f.filename:
        raise E.zns_error(E.ZNS_FILE_FORMAT, "file is missing")
    data = f.read()
    ext = f.filename.rsplit(".", 1)[-1].lower() if "." in f.filename else ""
    if ext not in ("jpg", "jpeg", "png") or sniff_kind(data) not in ("jpg", "png"):
        raise E.zns_error(E.ZNS_FILE_FORMAT, "only JPG and PNG are accepted")
    if len(data) > ZBS_IMAGE_MAX:
        raise E.zns_error(E.ZNS_FILE_TOO_LARGE, "max 500 KB")
    ref = opaque_token(24)
    ctype = mimetypes.guess_type(f.filename)[0] or "image/png"
    sim.store.add_media(f.filename, ctype, data, kind="zbs_image", oa_id=oa.oa_id, ref=ref)
    return zalo_ok({"media_id": ref})


ROUTES = [
    ("/business/message/template", ["POST"], send_template),
    ("/business/message/status", ["GET"], message_status),
    ("/business/message/quota", ["GET"], message_quota),
    ("/business/template/all", ["GET"], template_all),
    ("/business/template/info", ["GET"], template_info),
    ("/business/template/info/v2", ["GET"], template_info),
    ("/business/template/sample-data", ["GET"], template_sample_data),
    ("/business/template/create", ["POST"], template_create),
    ("/business/template/edit", ["POST"], template_edit),
    ("/business/upload/image", ["POST"], upload_image),
]
