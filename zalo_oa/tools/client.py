"""Zalo OA / ZBS HTTP client.

One :class:`ZaloClient` per OA access token. Wire rules (docs/zalo-api.md §1.5, §3):

* the token goes in the ``access_token`` header, never ``Authorization``;
* optional ``appsecret_proof`` header = lowercase hex HMAC-SHA256(key=app secret,
  msg=access token);
* GET endpoints on openapi take one JSON-encoded ``data`` query parameter;
  business (ZBS) GET endpoints take ordinary query parameters;
* application errors come back with HTTP 200 and ``{"error": <non-zero>}``: every
  such body raises a classified :class:`~.errors.ZaloError`.

Return values: :meth:`ZaloClient.call` returns the *whole* parsed body; every
named method returns the ``data`` part of the body (the whole body when the
response has no ``data`` key).

Choices:

* ZBS by UID (conflict C11): the payload built by
  :func:`~.messages.zbs_uid_payload` uses a top-level ``user_id``; when Zalo
  answers ``-201`` (invalid parameter) :meth:`ZaloClient.send_zbs_by_uid` retries
  once with the other shape (``recipient.user_id``), see
  :data:`ZBS_UID_FALLBACK_ON_201`. The UID send answers with ZBS error codes.
* Upload limits (§3.5) are checked client-side; see :data:`UPLOAD_RULES`.
"""

from __future__ import annotations

import hashlib
import hmac
import json as jsonlib
import mimetypes
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import endpoints as ep
from .errors import (
    FAMILY_BUSINESS,
    FAMILY_GRAPH,
    FAMILY_OPENAPI,
    KIND_PARAM,
    KIND_RECIPIENT,
    ZaloError,
)
from .media import MediaPolicy, media_url_problem
from .messages import TEMPLATE_STATUS, zbs_uid_payload_alternate
from .phone import InvalidPhoneError, normalize_phone
from .transport import DEFAULT_TIMEOUT, BaseClient, RateLimit

__all__ = [
    "UPLOAD_RULES",
    "ZBS_UID_FALLBACK_ON_201",
    "RateLimit",
    "UploadRule",
    "ZaloClient",
    "compute_appsecret_proof",
    "template_status_code",
    "validate_upload",
]

#: Retry a ZBS-by-UID send once with the alternative body shape on -201 (C11).
ZBS_UID_FALLBACK_ON_201 = True

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadRule:
    """Client-side limits of one upload endpoint."""

    label: str
    extensions: frozenset[str]
    mimetypes: frozenset[str]
    max_bytes: int


#: Upload limits (§3.5, §4.3). GIF size is unverified (L); 5 MB is the cited value.
UPLOAD_RULES: dict[str, UploadRule] = {
    "image": UploadRule(
        "image (JPG or PNG, at most 1 MB)",
        frozenset({".jpg", ".jpeg", ".png"}),
        frozenset({"image/jpeg", "image/jpg", "image/pjpeg", "image/png"}),
        1 * MB,
    ),
    "file": UploadRule(
        "file (PDF, DOC, DOCX or CSV, at most 5 MB)",
        frozenset({".pdf", ".doc", ".docx", ".csv"}),
        frozenset(
            {
                "application/pdf",
                "application/msword",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "text/csv",
                "application/csv",
                "text/comma-separated-values",
            }
        ),
        5 * MB,
    ),
    "gif": UploadRule(
        "GIF (at most 5 MB)",
        frozenset({".gif"}),
        frozenset({"image/gif"}),
        5 * MB,
    ),
    "template_image": UploadRule(
        "template image (JPG or PNG, at most 500 KB)",
        frozenset({".jpg", ".jpeg", ".png"}),
        frozenset({"image/jpeg", "image/jpg", "image/pjpeg", "image/png"}),
        500 * 1024,
    ),
}

_PREFERRED_EXTENSION = {
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/csv": ".csv",
    "application/csv": ".csv",
    "text/comma-separated-values": ".csv",
}


def compute_appsecret_proof(access_token: str, app_secret: str) -> str:
    """Lowercase hex HMAC-SHA256(key=app_secret, msg=access_token) (§1.5)."""
    return hmac.new(
        app_secret.encode("utf-8"), access_token.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def _param_error(message: str, endpoint: str | None = None, family: str | None = None):
    return ZaloError(None, message, KIND_PARAM, False, endpoint=endpoint, family=family)


def validate_upload(
    kind: str, filename: str, content, mimetype: str | None = None
) -> tuple[str, bytes, str]:
    """Check an upload against :data:`UPLOAD_RULES` and return ``(filename, bytes, mimetype)``.

    The type is accepted when the file extension *or* the MIME type is allowed
    (browsers and OSes disagree on CSV/DOC MIME types). A missing extension is
    added from the MIME type, since Zalo infers the type from the name.
    Raises a ``param`` :class:`ZaloError` with a clear message otherwise.
    """
    rule = UPLOAD_RULES[kind]
    if isinstance(content, (bytearray, memoryview)):
        content = bytes(content)
    if not isinstance(content, bytes):
        raise _param_error(f"The {rule.label} content must be bytes")
    filename = os.path.basename(str(filename or "").replace("\\", "/")) or "upload"
    ext = os.path.splitext(filename)[1].lower()
    mime = (mimetype or "").split(";", 1)[0].strip().lower()
    if not mime:
        mime = (mimetypes.guess_type(filename)[0] or "").lower()
    if ext not in rule.extensions and mime not in rule.mimetypes:
        shown = ext or mime or "unknown type"
        raise _param_error(f"{filename!r} ({shown}) cannot be uploaded: Zalo accepts {rule.label}")
    if not content:
        raise _param_error(f"{filename!r} is empty")
    if len(content) > rule.max_bytes:
        raise _param_error(
            f"{filename!r} is too large ({len(content)} bytes): Zalo accepts {rule.label}"
        )
    if ext not in rule.extensions:
        filename += _PREFERRED_EXTENSION.get(mime, "")
    if mime not in rule.mimetypes:
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, content, mime


def template_status_code(status) -> int | None:
    """Map a template status name or number to Zalo's numeric filter (1..5).

    ``template/all`` rejects status strings with ``-132`` (§4.3), so names such
    as ``"ENABLE"`` are mapped to numbers. ``None`` means "no filter".
    """
    if status is None or status == "":
        return None
    if isinstance(status, str):
        key = status.strip().upper()
        if key in TEMPLATE_STATUS:
            return TEMPLATE_STATUS[key]
        if key.isdigit():
            status = int(key)
    if isinstance(status, int) and not isinstance(status, bool) and 1 <= status <= 5:
        return status
    raise _param_error(
        f"Invalid template status {status!r}: use 1..5 or one of {', '.join(TEMPLATE_STATUS)}"
    )


class ZaloClient(BaseClient):
    """Client of the OA API (openapi), ZBS (business) and Social (graph) endpoints.

    Args:
        access_token: OA (or user) access token, sent as the ``access_token`` header.
            The attribute may be replaced after a refresh.
        app_secret: app secret key, used only for ``appsecret_proof``.
        urls: base URLs per family (``openapi``, ``oauth``, ``business``, ``graph``);
            missing or empty values fall back to :data:`~.endpoints.DEFAULT_URLS`.
        timeout: ``(connect, read)`` seconds.
        session: a :class:`requests.Session` (or compatible object) to use.
        appsecret_proof: send the ``appsecret_proof`` header (needs ``app_secret``).
        on_call: called after every call with a secret-free record (dict with
            ``family``, ``method``, ``endpoint``, ``http_status``, ``error_code``,
            ``error_message``, ``duration_ms``, ``kind``, ``retryable``, ``ok``,
            ``rate_limit_remain``).
        allow_network: when False only loopback hosts may be called (tests).
    """

    def __init__(
        self,
        access_token: str | None = None,
        app_secret: str | None = None,
        urls: Mapping[str, str] | None = None,
        timeout=DEFAULT_TIMEOUT,
        session=None,
        appsecret_proof: bool = False,
        on_call: Callable[[dict], Any] | None = None,
        allow_network: bool = True,
        media_hosts: str | Iterable[str] | None = None,
    ):
        super().__init__(
            urls=urls,
            timeout=timeout,
            session=session,
            on_call=on_call,
            allow_network=allow_network,
        )
        self.access_token = access_token
        #: Where media may be downloaded from: Zalo's media hosts over HTTPS, the
        #: origins of the API base URLs (a simulator) and ``media_hosts`` (see .media).
        self.media_policy = MediaPolicy.build(self.urls, media_hosts)
        self.app_secret = app_secret
        self.appsecret_proof = appsecret_proof
        #: The whole parsed body of the last successful call.
        self.last_body: Any = None

    def __repr__(self) -> str:
        return f"<ZaloClient openapi={self.urls.get('openapi')!r}>"

    def _secrets(self) -> list[str]:
        return [s for s in (self.access_token, self.app_secret) if s]

    def _auth_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.access_token:
            headers["access_token"] = self.access_token
            if self.appsecret_proof and self.app_secret:
                headers["appsecret_proof"] = compute_appsecret_proof(
                    self.access_token, self.app_secret
                )
        return headers

    # -------------------------------------------------------------- generic

    def call(
        self,
        family: str,
        method: str,
        path: str,
        params: Mapping | None = None,
        json: Any = None,
        data: Any = None,
        files: Any = None,
        headers: Mapping | None = None,
        *,
        error_family: str | None = None,
        json_data_param: bool | None = None,
    ) -> Any:
        """Call any Zalo endpoint and return the whole parsed JSON body.

        For GET on the openapi family, ``params`` is JSON-encoded into the single
        ``data`` query parameter (override with ``json_data_param``).
        Raises :class:`ZaloError` on any failure.
        """
        method = method.upper()
        if json_data_param is None:
            json_data_param = family == FAMILY_OPENAPI and method == "GET"
        if params is not None and json_data_param:
            params = {"data": jsonlib.dumps(params, ensure_ascii=False, separators=(",", ":"))}
        all_headers = self._auth_headers()
        all_headers.update(headers or {})
        body, _response = self._request(
            family,
            method,
            path,
            params=params,
            json=json,
            data=data,
            files=files,
            headers=all_headers,
            error_family=error_family,
        )
        self.last_body = body
        return body

    @staticmethod
    def _data(body: Any) -> Any:
        if isinstance(body, dict) and "data" in body:
            return body["data"]
        return body

    # --------------------------------------------------------------- OA API

    def get_oa_info(self) -> dict:
        """``GET /v2.0/oa/getoa`` → ``data`` (``oaid``, ``name``, ``avatar``...)."""
        return self._data(self.call(FAMILY_OPENAPI, "GET", ep.OA_INFO))

    def get_user_detail(self, user_id: str) -> dict:
        """``GET /v3.0/oa/user/detail?data={"user_id"}`` → ``data`` (§3.8)."""
        return self._data(
            self.call(FAMILY_OPENAPI, "GET", ep.OA_USER_DETAIL, params={"user_id": str(user_id)})
        )

    def get_conversation(self, user_id: str, offset: int = 0, count: int = 10) -> list:
        """``GET /v2.0/oa/conversation`` → ``data`` (a bare list of messages, §3.9)."""
        if not 1 <= count <= 10:
            raise _param_error("count must be between 1 and 10", ep.OA_CONVERSATION)
        params = {"user_id": str(user_id), "offset": int(offset), "count": int(count)}
        return self._data(self.call(FAMILY_OPENAPI, "GET", ep.OA_CONVERSATION, params=params))

    def send_cs(self, payload: Mapping) -> dict:
        """``POST /v3.0/oa/message/cs`` → ``data`` (``message_id``, ``user_id``, ``quota``...).

        Build ``payload`` with :mod:`.messages` (``text_message``, ``image_message``...).
        """
        return self._data(self.call(FAMILY_OPENAPI, "POST", ep.OA_MESSAGE_CS, json=dict(payload)))

    def _upload(self, kind: str, family: str, path: str, filename, content, mimetype) -> dict:
        try:
            filename, content, mimetype = validate_upload(kind, filename, content, mimetype)
        except ZaloError as err:
            err.endpoint, err.family = path, family
            raise
        files = {"file": (filename, content, mimetype)}
        return self._data(self.call(family, "POST", path, files=files))

    def upload_image(self, filename: str, content: bytes, mimetype: str | None = None) -> dict:
        """``POST /v2.0/oa/upload/image`` (JPG/PNG ≤ 1 MB) → ``data`` (``attachment_id``)."""
        return self._upload(
            "image", FAMILY_OPENAPI, ep.OA_UPLOAD_IMAGE, filename, content, mimetype
        )

    def upload_file(self, filename: str, content: bytes, mimetype: str | None = None) -> dict:
        """``POST /v2.0/oa/upload/file`` (PDF/DOC/DOCX/CSV ≤ 5 MB) → ``data`` (``token``)."""
        return self._upload("file", FAMILY_OPENAPI, ep.OA_UPLOAD_FILE, filename, content, mimetype)

    def upload_gif(self, filename: str, content: bytes, mimetype: str | None = None) -> dict:
        """``POST /v2.0/oa/upload/gif`` (GIF ≤ 5 MB) → ``data`` (``attachment_id``)."""
        return self._upload("gif", FAMILY_OPENAPI, ep.OA_UPLOAD_GIF, filename, content, mimetype)

    # ------------------------------------------------------------ ZBS sends

    def send_zbs_by_uid(self, payload: Mapping, fallback: bool | None = None) -> dict:
        """``POST openapi /v3.0/oa/message/template`` → ``data`` (``message_id``...).

        Errors are classified with the ZBS table. On ``-201`` the other body
        shape is tried once (C11) unless ``fallback`` is False.
        """
        if fallback is None:
            fallback = ZBS_UID_FALLBACK_ON_201
        try:
            body = self.call(
                FAMILY_OPENAPI,
                "POST",
                ep.OA_MESSAGE_TEMPLATE,
                json=dict(payload),
                error_family=FAMILY_BUSINESS,
            )
        except ZaloError as err:
            alternate = zbs_uid_payload_alternate(payload) if fallback else None
            if err.code != -201 or alternate is None:
                raise
            body = self.call(
                FAMILY_OPENAPI,
                "POST",
                ep.OA_MESSAGE_TEMPLATE,
                json=alternate,
                error_family=FAMILY_BUSINESS,
            )
        return self._data(body)

    def send_zbs_by_phone(self, payload: Mapping) -> dict:
        """``POST business /message/template`` → ``data`` (``msg_id``, ``sent_time``, ``quota``).

        Build ``payload`` with :func:`~.messages.zbs_phone_payload`.
        """
        return self._data(
            self.call(FAMILY_BUSINESS, "POST", ep.ZBS_MESSAGE_TEMPLATE, json=dict(payload))
        )

    def zbs_message_status(self, message_id: str, phone: str | None = None) -> dict:
        """``GET /message/status`` → ``data`` (``delivery_time``, ``message``, ``status``).

        ``status``: -1 not found, 0 sent but not delivered, 1 delivered.
        """
        params = {"message_id": str(message_id)}
        if phone:
            try:
                params["phone"] = normalize_phone(phone)
            except InvalidPhoneError as exc:
                raise ZaloError(
                    None,
                    str(exc),
                    KIND_RECIPIENT,
                    False,
                    endpoint=ep.ZBS_MESSAGE_STATUS,
                    family=FAMILY_BUSINESS,
                ) from None
        return self._data(self.call(FAMILY_BUSINESS, "GET", ep.ZBS_MESSAGE_STATUS, params=params))

    def zbs_quota(self) -> dict:
        """``GET /message/quota`` → ``data`` (``dailyQuota``, ``remainingQuota``...)."""
        return self._data(self.call(FAMILY_BUSINESS, "GET", ep.ZBS_MESSAGE_QUOTA))

    # ------------------------------------------------------ ZBS templates

    def template_create(self, body: Mapping) -> dict:
        """``POST /template/create`` → ``data`` (``template_id``, ``status``, prices...).

        Build ``body`` with :func:`~.messages.template_create_body`.
        """
        return self._data(
            self.call(FAMILY_BUSINESS, "POST", ep.ZBS_TEMPLATE_CREATE, json=dict(body))
        )

    def template_edit(self, body: Mapping) -> dict:
        """``POST /template/edit`` (REJECT templates only, else -1091) → ``data``."""
        return self._data(self.call(FAMILY_BUSINESS, "POST", ep.ZBS_TEMPLATE_EDIT, json=dict(body)))

    def template_list(self, offset: int = 0, limit: int = 100, status=None) -> list:
        """``GET /template/all`` → ``data`` (a list of templates).

        ``status`` may be 1..5 or a name (``"ENABLE"``...). The total count is in
        ``self.last_body["metadata"]["total"]``; see also :meth:`template_list_all`.
        """
        if not 1 <= int(limit) <= 100:
            raise _param_error("limit must be between 1 and 100", ep.ZBS_TEMPLATE_ALL)
        params: dict[str, Any] = {"offset": int(offset), "limit": int(limit)}
        code = template_status_code(status)
        if code is not None:
            params["status"] = code
        data = self._data(self.call(FAMILY_BUSINESS, "GET", ep.ZBS_TEMPLATE_ALL, params=params))
        return data if isinstance(data, list) else []

    def template_list_all(self, status=None, page_size: int = 100, max_pages: int = 100) -> list:
        """Every template (all pages of :meth:`template_list`)."""
        items: list = []
        for page in range(max_pages):
            batch = self.template_list(offset=page * page_size, limit=page_size, status=status)
            items.extend(batch)
            total = None
            metadata = (
                (self.last_body or {}).get("metadata") if isinstance(self.last_body, dict) else None
            )
            if isinstance(metadata, dict):
                total = metadata.get("total")
            if len(batch) < page_size or (total is not None and len(items) >= int(total)):
                break
        return items

    def template_info(self, template_id: str) -> dict:
        """``GET /template/info/v2`` → ``data`` (``listParams``, ``status``, prices...)."""
        return self._data(
            self.call(
                FAMILY_BUSINESS,
                "GET",
                ep.ZBS_TEMPLATE_INFO,
                params={"template_id": str(template_id)},
            )
        )

    def template_sample_data(self, template_id: str) -> dict:
        """``GET /template/sample-data`` → ``data`` (sample ``template_data``)."""
        return self._data(
            self.call(
                FAMILY_BUSINESS,
                "GET",
                ep.ZBS_TEMPLATE_SAMPLE_DATA,
                params={"template_id": str(template_id)},
            )
        )

    def template_upload_image(
        self, filename: str, content: bytes, mimetype: str | None = None
    ) -> dict:
        """``POST business /upload/image`` (JPG/PNG ≤ 500 KB) → ``data`` (``media_id``)."""
        return self._upload(
            "template_image", FAMILY_BUSINESS, ep.ZBS_UPLOAD_IMAGE, filename, content, mimetype
        )

    # ---------------------------------------------------------------- media

    def download_media(self, url: str, max_bytes: int = 25 * MB) -> tuple[bytes, str | None]:
        """Download inbound media from a Zalo CDN URL (links expire, docs/zalo-api.md §2.6).

        No Zalo header is sent. Only Zalo's media hosts over HTTPS (and the configured
        origins, see :mod:`.media`) are fetched: the check and the network guard apply
        to every redirect hop, and more than ``max_bytes`` is refused.
        Returns ``(content, mimetype)``.
        """
        policy = self.media_policy
        content, response = self._download(
            url, max_bytes, check_url=lambda hop: media_url_problem(hop, policy)
        )
        mimetype = None
        if response.headers:
            ctype = response.headers.get("Content-Type") or ""
            mimetype = ctype.split(";", 1)[0].strip() or None
        return content, mimetype

    # ---------------------------------------------------------------- graph

    def graph_get(self, path: str = ep.GRAPH_ME, params: Mapping | None = None) -> dict:
        """GET on the Social API (flat responses: returns the whole body)."""
        return self.call(FAMILY_GRAPH, "GET", path, params=dict(params or {}) or None)
