"""oauth.zaloapp.com (OA OAuth v4 and Social Login) and graph.zalo.me (``/v2.0/me``).

Consent pages: ``GET /oauth/v4/oa/permission`` (OA admin) and ``GET /oauth/v4/permission``
(end user) take Zalo's four parameters ``app_id, redirect_uri, code_challenge, state``
and render an Allow/Deny page. Automation adds ``decision=allow|deny`` (plus ``oa_id=``
or ``customer=``) and gets the 302 directly.

* Allow → ``302 redirect_uri?code=..&oa_id=..&state=..&code_challenge=..`` (OA) or
  ``?code=..&state=..`` (Social).
* Deny → ``302 redirect_uri?error=access_denied&error_description=..&state=..``.
  Zalo does not document the deny redirect; this shape is a guess.

Token endpoints take ``application/x-www-form-urlencoded`` bodies and the ``secret_key``
header; answers are ``{"access_token","refresh_token","expires_in":"<seconds>"}``.
Refresh tokens are single use; issuing a new access token kills the previous one.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from . import errors as E
from .state import CODE_LIFETIME_MS, App, AuthCode
from .util import ApiError, appsecret_proof, consteq, json_response, opaque_token, pkce_challenge

# ============================================================================ consent


def oa_permission(sim, request: Request) -> Response:
    return _permission(sim, request, "oa")


def social_permission(sim, request: Request) -> Response:
    return _permission(sim, request, "social")


def _permission(sim, request: Request, kind: str) -> Response:
    q = request.args
    app_id = q.get("app_id", "")
    redirect_uri = q.get("redirect_uri", "")
    challenge = q.get("code_challenge", "")
    state = q.get("state", "")
    decision = q.get("decision")
    as_json = decision is not None or request.accept_mimetypes.best == "application/json"
    store = sim.store
    with store.lock:
        app = store.apps.get(app_id)
        if app is None:
            return _error_page(
                E.OAUTH_INVALID_APP, "Ứng dụng không tồn tại hoặc chưa kích hoạt.", as_json
            )
        if not _redirect_allowed(app, redirect_uri, kind):
            return _error_page(
                E.OAUTH_INVALID_REDIRECT,
                "redirect_uri không khớp với Callback Url đã đăng ký cho ứng dụng.",
                as_json,
            )
        if kind == "oa":
            choices = store.oas_of_app(app_id)
            wanted = q.get("oa_id")
            chosen = next((o for o in choices if o.oa_id == wanted), None) if wanted else None
            if wanted and chosen is None:
                return _error_page(
                    E.OAUTH_INVALID_PARAM, f"OA {wanted} is not linked to this app.", as_json
                )
            chosen = chosen or (choices[0] if choices else None)
        else:
            choices = store.people_of_app(app_id)
            wanted = q.get("customer")
            new_name = (q.get("new_name") or "").strip()
            chosen = None
            if wanted:
                chosen = next((c for c in choices if wanted in (c.user_id_by_app, c.user_id)), None)
                if chosen is None:
                    return _error_page(
                        E.OAUTH_INVALID_PARAM, f"unknown customer {wanted}.", as_json
                    )
            elif new_name and decision == "allow":
                oas = store.oas_of_app(app_id)
                chosen = store.add_customer(oas[0].oa_id, name=new_name, follower=False)
            elif choices:
                chosen = choices[0]

        if decision is None:
            return _consent_page(sim, kind, app, q, choices)
        if decision == "deny":
            return redirect(
                _with_params(
                    redirect_uri,
                    error="access_denied",
                    error_description="The user denied the permission request",
                    state=state or None,
                ),
                code=302,
            )
        if decision != "allow":
            return _error_page(E.OAUTH_INVALID_PARAM, "decision must be allow or deny", as_json)
        if chosen is None:
            what = "OA" if kind == "oa" else "customer"
            return _error_page(E.OAUTH_INVALID_PARAM, f"no {what} to grant", as_json)
        code = AuthCode(
            code=opaque_token(32),
            kind=kind,
            app_id=app_id,
            oa_id=chosen.oa_id,
            subject=None if kind == "oa" else chosen.user_id_by_app,
            redirect_uri=redirect_uri,
            code_challenge=challenge,
            state=state,
            created_ms=store.now_ms(),
        )
        store.codes[code.code] = code
    if kind == "oa":
        params = {"code": code.code, "oa_id": code.oa_id, "state": state or None}
        params["code_challenge"] = challenge or None
    else:
        params = {"code": code.code, "state": state or None}
    return redirect(_with_params(redirect_uri, **params), code=302)


def _redirect_allowed(app: App, redirect_uri: str, kind: str) -> bool:
    """OA: exact match with the OA Callback Url. Social: prefix of the login callback,
    else same origin as the OA callback. With nothing registered any http(s) URL passes."""
    if not redirect_uri.startswith(("http://", "https://")):
        return False
    if kind == "oa":
        return not app.callback_url or redirect_uri == app.callback_url
    if app.login_callback_url:
        return redirect_uri.startswith(app.login_callback_url)
    if app.callback_url:
        return _origin(redirect_uri) == _origin(app.callback_url)
    return True


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _with_params(url: str, **params: str | None) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _error_page(code: int, reason: str, as_json: bool) -> Response:
    err = E.oauth_error(code, reason)
    if as_json:
        return json_response(err.body())
    body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Zalo - Lỗi {code}</title>{_STYLE}</head><body><div class="card">
<div class="brand">Zalo <span>Simulator</span></div>
<h1>Đã có lỗi xảy ra</h1><p class="err">Mã lỗi <b>{code}</b>: {html.escape(err.message)}</p>
<p>{html.escape(reason)}</p></div></body></html>"""
    return Response(body, status=200, content_type="text/html; charset=utf-8")


def _consent_page(sim, kind: str, app: App, q, choices: list) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(q.get(k, ""))}">'
        for k in ("app_id", "redirect_uri", "code_challenge", "state")
    )
    if kind == "oa":
        title = "Cấp quyền cho ứng dụng quản lý Official Account"
        perms = [
            "Quyền gửi tin và thông báo qua OA",
            "Quản lý tin nhắn người dùng",
            "Quản lý thông tin OA",
            "Nhận sự kiện quản lý tin nhắn",
            "Nhận sự kiện quản lý người dùng",
        ]
        options = "".join(
            f'<label class="opt"><input type="radio" name="oa_id" value="{o.oa_id}"'
            f"{' checked' if i == 0 else ''}> <b>{html.escape(o.name)}</b>"
            f" <small>{o.oa_id}</small></label>"
            for i, o in enumerate(choices)
        )
        picker = f"<h3>Chọn Official Account</h3>{options or '<p>Không có OA nào.</p>'}"
    else:
        title = "Đăng nhập bằng Zalo"
        perms = ["Tên và ảnh đại diện của bạn", "Mã định danh người dùng theo ứng dụng"]
        options = "".join(
            f'<label class="opt"><input type="radio" name="customer" value="{c.user_id_by_app}"'
            f"{' checked' if i == 0 else ''}> <b>{html.escape(c.name)}</b>"
            f" <small>{c.phone or ''}</small></label>"
            for i, c in enumerate(choices)
        )
        picker = (
            f"<h3>Bạn là ai? (chọn tài khoản Zalo)</h3>{options}"
            '<label class="opt">hoặc tài khoản mới: <input name="new_name" '
            'placeholder="Họ và tên"></label>'
            if options
            else '<h3>Tài khoản Zalo mới</h3><label class="opt"><input name="new_name" '
            'value="Người dùng Zalo"></label>'
        )
    perm_html = "".join(f"<li>{html.escape(p)}</li>" for p in perms)
    body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zalo - {html.escape(title)}</title>{_STYLE}</head><body><div class="card">
<div class="brand">Zalo <span>Simulator</span></div>
<h1>{html.escape(title)}</h1>
<p>Ứng dụng <b>{html.escape(app.name)}</b> <small>(app_id {app.app_id})</small> yêu cầu:</p>
<ul>{perm_html}</ul>
<form method="get">{hidden}{picker}
<div class="actions">
<button class="deny" name="decision" value="deny">Từ chối</button>
<button class="allow" name="decision" value="allow">Đồng ý</button></div></form>
<p class="note">Trang mô phỏng — không phải Zalo thật.</p></div></body></html>"""
    return Response(body, content_type="text/html; charset=utf-8")


_STYLE = """<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef3fb;margin:0;
padding:40px 12px;color:#1c2733}
.card{max-width:520px;margin:auto;background:#fff;border-radius:14px;padding:28px 32px;
box-shadow:0 6px 24px rgba(0,60,160,.12)}
.brand{font-weight:800;font-size:26px;color:#0068ff}
.brand span{font-weight:400;color:#7a8899;font-size:15px}
h1{font-size:20px;margin:14px 0}h3{font-size:15px;margin:18px 0 8px}
ul{padding-left:20px;line-height:1.7}.opt{display:block;padding:8px 10px;border:1px solid #dde4ee;
border-radius:8px;margin:6px 0;cursor:pointer}.opt small{color:#7a8899}
.actions{display:flex;gap:12px;justify-content:flex-end;margin-top:20px}
button{border:0;border-radius:8px;padding:10px 22px;font-size:15px;cursor:pointer}
.allow{background:#0068ff;color:#fff}.deny{background:#e9edf3;color:#333}
.err{color:#c62828}.note{color:#98a3b0;font-size:12px;margin-top:22px}
input[name=new_name]{padding:6px;border:1px solid #ccd;border-radius:6px}
</style>"""


# ============================================================================ tokens


def oa_access_token(sim, request: Request) -> dict:
    return _token(sim, request, "oa")


def social_access_token(sim, request: Request) -> dict:
    return _token(sim, request, "social")


def _token(sim, request: Request, kind: str) -> dict:
    form = request.form
    store = sim.store
    with store.lock:
        app = store.apps.get(form.get("app_id", ""))
        if app is None:
            raise E.oauth_error(E.OAUTH_INVALID_APP, "app_id is missing or unknown")
        if not consteq(request.headers.get("secret_key"), app.app_secret):
            raise E.oauth_error(
                E.OAUTH_INVALID_SECRET, "the secret_key header does not match the app"
            )
        grant = form.get("grant_type")
        now = store.now_ms()
        if grant == "authorization_code":
            code = store.codes.get(form.get("code", ""))
            if (
                code is None
                or code.used
                or code.kind != kind
                or code.app_id != app.app_id
                or now - code.created_ms > CODE_LIFETIME_MS
            ):
                raise E.oauth_error(
                    E.OAUTH_INVALID_CODE, "the code is invalid, expired or already used"
                )
            if code.code_challenge:
                verifier = form.get("code_verifier", "")
                if not verifier or not consteq(pkce_challenge(verifier), code.code_challenge):
                    raise E.oauth_error(
                        E.OAUTH_INVALID_VERIFIER, "code_verifier does not match code_challenge"
                    )
            code.used = True
            access, refresh = store.issue_tokens(kind, app.app_id, code.oa_id, code.subject)
        elif grant == "refresh_token":
            old = store.tokens.get(form.get("refresh_token", ""))
            if (
                old is None
                or old.grant != "refresh"
                or old.kind != kind
                or old.app_id != app.app_id
                or old.revoked
                or old.expires_ms <= now
            ):
                raise E.oauth_error(
                    E.OAUTH_INVALID_REFRESH, "the refresh token is invalid, expired or already used"
                )
            old.revoked = "used"
            access, refresh = store.issue_tokens(kind, app.app_id, old.oa_id, old.subject)
            if kind == "social":  # 30 days in total, inherited (docs/zalo-api.md C14)
                refresh.expires_ms = old.expires_ms
        else:
            raise E.oauth_error(E.OAUTH_INVALID_PARAM, "grant_type is missing or invalid")
        lifetime = (access.expires_ms - access.issued_ms) // 1000
    return {
        "access_token": access.token,
        "refresh_token": refresh.token,
        "expires_in": str(lifetime),
    }


# ============================================================================ graph


def graph_me(sim, request: Request) -> dict:
    """``GET /graph/v2.0/me?fields=id,name,picture`` with the Social access token."""
    store = sim.store
    token = request.headers.get("access_token") or request.args.get("access_token")
    with store.lock:
        state, tok = store.access_token_state(token, "social")
        if state != "ok":
            raise ApiError(
                E.SOCIAL_TOKEN_INVALID, "Invalid access token: the login key is invalid or revoked"
            )
        app = store.apps[tok.app_id]
        proof = request.headers.get("appsecret_proof") or request.args.get("appsecret_proof")
        if proof is None and store.settings.require_appsecret_proof:
            raise ApiError(E.SOCIAL_INVALID_PARAM, "appsecret_proof is required")
        if proof is not None and not consteq(proof.lower(), appsecret_proof(app.app_secret, token)):
            raise ApiError(E.APPSECRET_PROOF_INVALID, E.OA_MESSAGES[E.APPSECRET_PROOF_INVALID])
        person = next(
            (c for c in store.people_of_app(app.app_id) if c.user_id_by_app == tok.subject), None
        )
        if person is None:
            raise ApiError(210, "User not visible")
        fields = [f.strip() for f in request.args.get("fields", "id,name,picture").split(",")]
        avatar = person.avatar or f"{sim.public_url}/_sim/img/{person.user_id}.png"
        available = {
            "id": person.user_id_by_app,
            "name": person.name,
            "picture": {"data": {"url": avatar}},
            "is_sensitive": False,
        }
    out = {f: available[f] for f in fields if f in available}
    out.setdefault("id", person.user_id_by_app)
    out.update(error=0, message="Success")
    return out


ROUTES = [
    ("/oauth/v4/oa/permission", ["GET"], oa_permission),
    ("/oauth/v4/permission", ["GET"], social_permission),
    ("/oauth/v4/oa/access_token", ["POST"], oa_access_token),
    ("/oauth/v4/access_token", ["POST"], social_access_token),
    ("/graph/v2.0/me", ["GET"], graph_me),
]
