"""Which URLs inbound media may be downloaded from (no SSRF).

Media links (images, files, stickers, avatars, the Social Login picture) come from
Zalo's payloads, and Odoo fetches them server side. Only Zalo's media hosts are
fetched, over HTTPS on the default port: ``*.zdn.vn``, ``*.zadn.vn``, ``*.zalo.me``,
``*.zaloapp.com`` (docs/zalo-api.md §3.8, §2: ``f6.photo.talk.zdn.vn``,
``s120-ava-talk.zadn.vn``, ``dl.zalo.me``). Every redirect hop is checked again.

Two configured exceptions:

* the *origins* (scheme, host, port) of the configured API base URLs: when the
  suite is pointed at the simulator (demo, tests) or at a proxy, its media come
  from there;
* extra entries (the Odoo system parameter ``zalo_oa.media_hosts``): a bare host
  suffix (``cdn.example.com``: HTTPS only) or an origin (``http://10.0.0.5:8765``).

Anything else is refused before a connection is made: IP literals (loopback,
private, link-local, metadata service), other schemes (``file:``, ``ftp:``, ``data:``),
credentials in the URL, whitespace or backslashes (parser differentials).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = [
    "DEFAULT_MEDIA_HOSTS",
    "MediaPolicy",
    "media_url_problem",
    "url_origin",
]

#: Zalo's media domains (suffixes; subdomains included). HTTPS only.
DEFAULT_MEDIA_HOSTS = ("zdn.vn", "zadn.vn", "zalo.me", "zaloapp.com")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*$")
_BAD_CHARS_RE = re.compile(r"[\x00-\x20\x7f\\]")


def url_origin(url) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an http(s) URL, or None when it has none."""
    if not isinstance(url, str) or _BAD_CHARS_RE.search(url.strip()):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in _DEFAULT_PORTS or not host or "@" in parts.netloc:
        return None
    return scheme, host, port or _DEFAULT_PORTS[scheme]


@dataclass(frozen=True)
class MediaPolicy:
    """Allowed media hosts: HTTPS host suffixes and exact origins."""

    hosts: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_MEDIA_HOSTS))
    origins: frozenset[tuple[str, str, int]] = frozenset()

    @classmethod
    def build(
        cls,
        urls: Mapping[str, str] | Iterable[str] | None = None,
        extra: str | Iterable[str] | None = None,
    ) -> MediaPolicy:
        """Zalo's media hosts, the origins of ``urls`` and the ``extra`` entries.

        ``extra`` is a comma-separated string or an iterable of entries; unreadable
        entries are ignored.
        """
        hosts = set(DEFAULT_MEDIA_HOSTS)
        origins = set()
        values = urls.values() if isinstance(urls, Mapping) else (urls or ())
        for value in values:
            origin = url_origin(value)
            if origin:
                origins.add(origin)
        if isinstance(extra, str):
            extra = extra.split(",")
        for entry in extra or ():
            entry = str(entry or "").strip().lower()
            if not entry:
                continue
            if "://" in entry:
                origin = url_origin(entry)
                if origin:
                    origins.add(origin)
                continue
            entry = entry.lstrip("*").strip(".")
            if _HOST_RE.match(entry):
                hosts.add(entry)
        # Default Zalo API origins are already covered by the suffixes: keep the set
        # small and the demo's simulator origin visible.
        origins = {o for o in origins if not (o[0] == "https" and _suffix_match(o[1], hosts))}
        return cls(frozenset(hosts), frozenset(origins))


def _suffix_match(host: str, suffixes: Iterable[str]) -> bool:
    return any(host == suffix or host.endswith("." + suffix) for suffix in suffixes)


def media_url_problem(url, policy: MediaPolicy | None = None) -> str | None:
    """Why ``url`` may not be downloaded (a short English reason), or None when it may.

    The reason never repeats the URL's path or query (they may carry signatures).
    """
    policy = policy or MediaPolicy()
    if not isinstance(url, str) or not url:
        return "no URL"
    if _BAD_CHARS_RE.search(url):
        return "the URL contains spaces, control characters or backslashes"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "the URL cannot be parsed"
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return f"the scheme {scheme or 'of a relative URL'!r} is not allowed"
    if "@" in parts.netloc:
        return "credentials in the URL are not allowed"
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return "the URL has no host"
    origin = (scheme, host, port or _DEFAULT_PORTS[scheme])
    if origin in policy.origins:
        return None
    if not _HOST_RE.match(host):
        # IP literals (any notation) and odd names: never Zalo's media hosts.
        return f"the host {host!r} is not one of Zalo's media hosts"
    if not _suffix_match(host, policy.hosts):
        return f"the host {host!r} is not one of Zalo's media hosts"
    if scheme != "https" or origin[2] != 443:
        return f"media of {host!r} are only downloaded over HTTPS"
    return None
