"""Zalo base URLs and endpoint paths.

Base URLs are always passed in by the caller (the Odoo layer reads the system
parameters ``zalo_oa.openapi_url``, ``zalo_oa.oauth_url``, ``zalo_oa.business_url``
and ``zalo_oa.graph_url``) so that a simulator can stand in for Zalo. A base URL
may carry a path prefix (``http://127.0.0.1:8765/openapi``): use :func:`join_url`.

Paths come from docs/zalo-api.md §1.1 (OAuth), §3 (OA API), §4 (ZNS/ZBS) and §5
(Social); only the ones the suite calls are listed. Versions are per endpoint
family; do not "upgrade" v2.0 paths blindly.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_URLS",
    "is_loopback_host",
    "is_loopback_url",
    "join_url",
    "resolve_urls",
]

DEFAULT_URLS = {
    "openapi": "https://openapi.zalo.me",
    "oauth": "https://oauth.zaloapp.com",
    "business": "https://business.openapi.zalo.me",
    "graph": "https://graph.zalo.me",
}

# ---------------------------------------------------------------- OAuth (oauth)
OAUTH_OA_PERMISSION = "/v4/oa/permission"
OAUTH_OA_ACCESS_TOKEN = "/v4/oa/access_token"
OAUTH_PERMISSION = "/v4/permission"  # Social Login (end user)
OAUTH_ACCESS_TOKEN = "/v4/access_token"  # Social Login (end user)

# ------------------------------------------------------------- OA API (openapi)
OA_INFO = "/v2.0/oa/getoa"
OA_USER_DETAIL = "/v3.0/oa/user/detail"
OA_MESSAGE_CS = "/v3.0/oa/message/cs"
OA_MESSAGE_TEMPLATE = "/v3.0/oa/message/template"  # ZBS template by UID (§4.2)
OA_UPLOAD_IMAGE = "/v2.0/oa/upload/image"
OA_UPLOAD_FILE = "/v2.0/oa/upload/file"
OA_UPLOAD_GIF = "/v2.0/oa/upload/gif"
OA_CONVERSATION = "/v2.0/oa/conversation"

# --------------------------------------------------------- ZNS / ZBS (business)
ZBS_MESSAGE_TEMPLATE = "/message/template"
ZBS_MESSAGE_STATUS = "/message/status"
ZBS_MESSAGE_QUOTA = "/message/quota"
ZBS_TEMPLATE_ALL = "/template/all"
ZBS_TEMPLATE_INFO = "/template/info/v2"
ZBS_TEMPLATE_SAMPLE_DATA = "/template/sample-data"
ZBS_TEMPLATE_CREATE = "/template/create"
ZBS_TEMPLATE_EDIT = "/template/edit"
ZBS_UPLOAD_IMAGE = "/upload/image"

# ------------------------------------------------------------ Social (graph)
GRAPH_ME = "/v2.0/me"


def join_url(base: str, path: str) -> str:
    """Join a base URL (possibly with a path prefix) and an API path.

    ``join_url("http://127.0.0.1:8765/openapi/", "/v3.0/oa/message/cs")`` gives
    ``http://127.0.0.1:8765/openapi/v3.0/oa/message/cs``. Unlike
    :func:`urllib.parse.urljoin`, the prefix is never dropped.
    """
    if not base:
        raise ValueError("A base URL is required")
    if not path:
        return base.rstrip("/")
    return base.rstrip("/") + "/" + path.lstrip("/")


def resolve_urls(urls: Mapping[str, str] | None = None) -> dict[str, str]:
    """Merge caller-supplied base URLs over :data:`DEFAULT_URLS`.

    Empty values are ignored (an unset system parameter falls back to the
    default); trailing slashes and whitespace are stripped.
    """
    resolved = dict(DEFAULT_URLS)
    for family, url in (urls or {}).items():
        if url and str(url).strip():
            resolved[family] = str(url).strip().rstrip("/")
    return resolved


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1 (also IPv4-mapped ::ffff:127.x)."""
    if not host:
        return False
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def is_loopback_url(url: str) -> bool:
    """True when the URL's host is a loopback host (see :func:`is_loopback_host`)."""
    try:
        return is_loopback_host(urlsplit(url).hostname)
    except ValueError:
        return False
