"""ZBS template rules: validation of ``/template/create`` bodies, params, rendering, views.

Rules from docs/zalo-api.md §4.3: name 10–60 chars, template_type 1..5, tag "1"/"2"/"3",
layout ``{header|body|footer: {components: [{TYPE: {...}}]}}`` with ``<param>``
placeholders, params typed "1".."15" with the maximum lengths of the param table.
Validation failures answer ``-132`` (parameter invalid) naming the problem.
"""

from __future__ import annotations

import re
from typing import Any

from . import errors as E
from .state import Template

PARAM_MAX_LEN = {
    1: 30,  # name
    2: 15,  # phone
    3: 200,  # address
    4: 30,  # code
    5: 30,  # label
    6: 30,  # status
    7: 50,  # contact
    8: 5,  # title/gender
    9: 200,  # product
    10: 20,  # quantity
    11: 20,  # time
    12: 10,  # OTP
    13: 200,  # URL
    14: 12,  # currency
    15: 90,  # bank note
}
COMPONENTS = {
    "TITLE",
    "PARAGRAPH",
    "TABLE",
    "OTP",
    "LOGO",
    "IMAGE",
    "BUTTONS",
    "PAYMENT",
    "VOUCHER",
    "RATING",
}
STATUSES = {1: "ENABLE", 2: "PENDING_REVIEW", 3: "REJECT", 4: "DISABLE", 5: "DELETE"}
PLACEHOLDER = re.compile(r"<([^<>\s]+)>")
PARAM_NAME = re.compile(r"^[A-Za-z0-9_]{1,30}$")
TAG_NAMES = {"1": "TRANSACTION", "2": "CUSTOMER_CARE", "3": "PROMOTION"}


def _bad(msg: str) -> E.ApiError:
    return E.zns_error(E.ZNS_PARAM_INVALID, msg)


def _text(value: Any, what: str, lo: int, hi: int, max_params: int | None = None) -> list[str]:
    if not isinstance(value, str) or not lo <= len(value) <= hi:
        raise _bad(f"{what} must be a string of {lo}-{hi} characters")
    found = PLACEHOLDER.findall(value)
    if max_params is not None and len(found) > max_params:
        raise _bad(f"{what} accepts at most {max_params} params")
    return found


def validate_template_body(body: Any, media_exists: Any) -> dict:
    """Check a create/edit body; return the normalised fields for :class:`Template`.

    ``media_exists(media_id) -> bool`` tells whether a LOGO/IMAGE media id was uploaded.
    """
    if not isinstance(body, dict):
        raise E.zns_error(E.ZNS_BODY_NOT_JSON)
    name = body.get("template_name")
    if not isinstance(name, str) or not 10 <= len(name.strip()) <= 60:
        raise _bad("template_name must be 10-60 characters")
    try:
        ttype = int(body.get("template_type", 1))
    except (TypeError, ValueError):
        ttype = 0
    if ttype not in range(1, 6):
        raise _bad("template_type must be 1..5")
    tag = str(body.get("tag", ""))
    if tag not in TAG_NAMES:
        raise _bad('tag must be "1", "2" or "3"')
    note = body.get("note") or ""
    if not isinstance(note, str) or len(note) > 400:
        raise _bad("note must be at most 400 characters")

    layout = body.get("layout")
    if not isinstance(layout, dict) or not isinstance(layout.get("body"), dict):
        raise _bad("layout.body is required")
    used: list[str] = []
    has_image = False
    for section, block in layout.items():
        if section not in ("header", "body", "footer"):
            raise _bad(f"unknown layout section {section!r}")
        comps = block.get("components") if isinstance(block, dict) else None
        if not isinstance(comps, list) or (section == "body" and not comps):
            raise _bad(f"layout.{section}.components must be a non-empty list")
        for comp in comps:
            if not isinstance(comp, dict) or len(comp) != 1 or next(iter(comp)) not in COMPONENTS:
                raise _bad(
                    f"invalid component in layout.{section}: components are objects keyed by type"
                )
            kind, spec = next(iter(comp.items()))
            spec = spec if isinstance(spec, dict) else {}
            if kind == "TITLE":
                used += _text(spec.get("value"), "TITLE", 9, 65, 4)
            elif kind == "PARAGRAPH":
                used += _text(spec.get("value"), "PARAGRAPH", 9, 400, 10)
            elif kind == "TABLE":
                rows = spec.get("rows")
                if not isinstance(rows, list) or not 2 <= len(rows) <= 8:
                    raise _bad("TABLE needs 2-8 rows")
                for row in rows:
                    row = row if isinstance(row, dict) else {}
                    used += _text(row.get("title"), "TABLE row title", 3, 36)
                    used += _text(row.get("value"), "TABLE row value", 3, 90)
            elif kind == "BUTTONS":
                items = spec.get("items")
                if not isinstance(items, list) or not 1 <= len(items) <= 2:
                    raise _bad("BUTTONS needs 1-2 items")
                for item in items:
                    item = item if isinstance(item, dict) else {}
                    _text(item.get("title"), "button title", 5, 30)
            elif kind in ("LOGO", "IMAGE"):
                has_image = has_image or kind == "IMAGE"
                refs = (
                    [spec.get("light"), spec.get("dark")] if kind == "LOGO" else spec.get("items")
                )
                for ref in refs or []:
                    media_id = ref.get("media_id") if isinstance(ref, dict) else None
                    if not media_id or not media_exists(media_id):
                        raise _bad(f"{kind} media_id is invalid")

    params = body.get("params") or []
    if not isinstance(params, list):
        raise _bad("params must be a list")
    norm_params = []
    names = set()
    for p in params:
        if not isinstance(p, dict):
            raise _bad("params items must be objects")
        pname = p.get("name")
        if not isinstance(pname, str) or not PARAM_NAME.match(pname):
            raise _bad(f"param name {pname!r} must be snake_case without diacritics or spaces")
        if pname in names:
            raise _bad(f"duplicate param {pname}")
        names.add(pname)
        try:
            ptype = int(p.get("type"))
        except (TypeError, ValueError):
            ptype = 0
        if ptype not in PARAM_MAX_LEN:
            raise _bad(f"param {pname}: type must be 1..15")
        sample = str(p.get("sample_value", ""))
        if not sample or len(sample) > PARAM_MAX_LEN[ptype]:
            raise _bad(f"param {pname}: sample_value must be 1-{PARAM_MAX_LEN[ptype]} characters")
        norm_params.append({"name": pname, "type": str(ptype), "sample_value": sample})
    missing = sorted(set(used) - names)
    if missing:
        raise _bad(f"params not declared: {', '.join(missing)}")

    base = 200 if ttype in (1, 5) else 300
    price = base + (200 if has_image else 0)
    return {
        "template_name": name.strip(),
        "template_type": ttype,
        "tag": tag,
        "layout": layout,
        "params": norm_params,
        "note": note,
        "tracking_id": str(body.get("tracking_id") or ""),
        "price_sdt": price,
        "price_uid": int(price * 0.75),
    }


def check_template_data(tpl: Template, data: Any) -> dict[str, str]:
    """Validate ``template_data`` against the template params (send by phone or UID)."""
    if data is None or data == {}:
        if tpl.params:
            raise E.zns_error(E.ZNS_TEMPLATE_DATA_EMPTY)
        return {}
    if not isinstance(data, dict):
        raise E.zns_error(E.ZNS_TEMPLATE_DATA_INVALID, "template_data must be an object")
    out = {}
    for p in tpl.params:
        value = data.get(p["name"])
        if value is None or str(value).strip() == "":
            raise E.zns_error(E.ZNS_PARAM_MISSING, p["name"])
        value = str(value)
        if len(value) > PARAM_MAX_LEN[int(p["type"])]:
            raise E.zns_error(E.ZNS_PARAM_TOO_LONG, p["name"])
        out[p["name"]] = value
    return out


def list_params(tpl: Template) -> list[dict]:
    return [
        {
            "name": p["name"],
            "require": True,
            "type": "NUMBER" if p["type"] in ("10", "14") else "STRING",
            "maxLength": PARAM_MAX_LEN[int(p["type"])],
            "minLength": 0,
            "acceptNull": False,
        }
        for p in tpl.params
    ]


def list_buttons(tpl: Template) -> list[dict]:
    out = []
    for comp in _components(tpl):
        if "BUTTONS" in comp:
            for item in comp["BUTTONS"].get("items", []):
                out.append(
                    {
                        "type": item.get("type"),
                        "title": item.get("title"),
                        "content": item.get("content"),
                    }
                )
    return out


def _components(tpl: Template) -> list[dict]:
    comps: list[dict] = []
    for section in ("header", "body", "footer"):
        block = tpl.layout.get(section) or {}
        comps += [c for c in block.get("components", []) if isinstance(c, dict)]
    return comps


def render_lines(tpl: Template, data: dict[str, str] | None = None) -> list[str]:
    """Plain-text rendering of the layout with params substituted (UI and previews)."""
    data = data if data is not None else {p["name"]: p["sample_value"] for p in tpl.params}

    def sub(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: data.get(m.group(1), m.group(0)), text or "")

    lines: list[str] = []
    for comp in _components(tpl):
        kind, spec = next(iter(comp.items()))
        if kind in ("TITLE", "PARAGRAPH"):
            lines.append(sub(spec.get("value", "")))
        elif kind == "TABLE":
            lines += [
                f"{sub(r.get('title', ''))}: {sub(r.get('value', ''))}"
                for r in spec.get("rows", [])
            ]
        elif kind == "BUTTONS":
            lines += [f"[{i.get('title')}]" for i in spec.get("items", [])]
    return lines


def summary(tpl: Template) -> dict:
    """An item of ``GET /template/all``."""
    return {
        "templateId": int(tpl.template_id),
        "templateName": tpl.template_name,
        "createdTime": tpl.created_ms,
        "status": tpl.status,
        "templateQuality": tpl.quality,
    }


def info(tpl: Template, preview_url: str, remaining: int, daily: int) -> dict:
    """``data`` of ``GET /template/info/v2``."""
    return {
        "templateId": int(tpl.template_id),
        "templateName": tpl.template_name,
        "status": tpl.status,
        "reason": tpl.reason,
        "listParams": list_params(tpl),
        "listButtons": list_buttons(tpl),
        "timeout": 7_200_000,
        "previewUrl": preview_url,
        "templateQuality": tpl.quality,
        "templateTag": TAG_NAMES[tpl.tag],
        "applyTemplateQuota": False,
        "templateDailyQuota": daily,
        "templateRemainingQuota": remaining,
        "price": tpl.price_sdt,
        "price_sdt": tpl.price_sdt,
        "price_uid": tpl.price_uid,
    }
