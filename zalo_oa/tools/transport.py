"""HTTP machinery shared by :class:`~.client.ZaloClient` and :class:`~.oauth.OAuthClient`.

Responsibilities, in one place:

* build URLs from per-family base URLs (a base may carry a path prefix);
* the test guard: with ``allow_network=False`` only loopback hosts are reached,
  any other host raises a ``network`` :class:`~.errors.ZaloError` (same idea as
  Odoo's SMS/IAP guard while tests run);
* turn every failure into a classified ``ZaloError``: HTTP 200 bodies with
  ``error != 0`` (int or numeric string), HTTP error statuses, non-JSON bodies,
  timeouts and connection errors;
* redirects are *not* followed: the ``access_token`` header would be forwarded to
  the redirect target, and the guard must see every host;
* call ``on_call(record)`` after every call with a secret-free record;
* remember the rate-limit headers of the last response.

Secrets never appear in error messages or call records: messages are built from
Zalo's JSON ``message`` fields or from fixed texts (never from ``str(exception)``
of :mod:`requests`, which embeds the URL), and are scrubbed of known secrets.
"""

from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import requests
from urllib3 import exceptions as urllib3_exceptions

from .endpoints import is_loopback_url, join_url, resolve_urls
from .errors import (
    FAMILY_MEDIA,
    KIND_NETWORK,
    KIND_PARAM,
    KIND_SERVER,
    ZaloError,
    classify,
    coerce_code,
)

_logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_TIMEOUT", "BaseClient", "RateLimit", "connection_never_made"]

#: (connect, read) timeout in seconds.
DEFAULT_TIMEOUT = (5, 20)

#: Body fields tried, in order, for a human-readable error message.
_MESSAGE_FIELDS = ("message", "error_description", "error_reason", "error_name", "error_msg")
#: Non-secret body fields copied to ``ZaloError.details``.
_DETAIL_FIELDS = ("error_name", "error_reason", "error_description", "ref_doc")


def connection_never_made(exc: BaseException) -> bool:
    """True when a :class:`requests.ConnectionError` happened before anything was sent.

    A refused connection, a failed name resolution or a connect timeout are certain:
    Zalo never saw the request. A connection reset or closed while waiting for the
    answer is not: the request may have been carried out (``uncertain``).
    """
    seen = set()
    todo = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (urllib3_exceptions.NewConnectionError, ConnectionRefusedError)):
            return True
        if isinstance(item, urllib3_exceptions.ConnectTimeoutError):
            return True
        if isinstance(item, urllib3_exceptions.MaxRetryError):
            todo.append(item.reason)
        todo.extend(arg for arg in getattr(item, "args", ()) if isinstance(arg, BaseException))
        todo.extend((item.__cause__, item.__context__))
    return False


class RateLimit(NamedTuple):
    """Values of the ``X-RateLimit-Limit`` / ``X-RateLimit-Remain`` headers."""

    limit: int | None
    remain: int | None


def _header(headers: Mapping | None, *names: str) -> str | None:
    if not headers:
        return None
    wanted = {n.lower() for n in names}
    for key, value in headers.items():
        if str(key).lower() in wanted:
            return value
    return None


def _host(url: str) -> str:
    """Host (and port) of a URL, for messages: never the path or query."""
    try:
        return urlsplit(url).netloc.rsplit("@", 1)[-1] or "?"
    except ValueError:
        return "?"


def parse_rate_limit(headers: Mapping | None) -> RateLimit | None:
    """Read the rate-limit headers (§3.7); None when Zalo sent neither."""
    limit = _header(headers, "X-RateLimit-Limit")
    remain = _header(headers, "X-RateLimit-Remain", "X-RateLimit-Remaining")
    if limit is None and remain is None:
        return None
    return RateLimit(coerce_code(limit), coerce_code(remain))


def error_message_from_body(body: Any) -> str:
    """Best human-readable message of a Zalo error body."""
    if isinstance(body, dict):
        for field in _MESSAGE_FIELDS:
            value = body.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip()
        error = body.get("error")
        if isinstance(error, str) and coerce_code(error) is None:
            return error  # OAuth-style {"error": "invalid_grant"}
    return ""


def body_error_code(body: Any) -> tuple[bool, int | None]:
    """Return ``(is_error, code)`` for a parsed JSON body.

    ``error`` may be an int or a numeric string; a non-numeric ``error`` string
    (standard OAuth style) is an error without a code. A missing ``error`` or
    ``0`` is a success.
    """
    if not isinstance(body, dict) or "error" not in body:
        return False, None
    raw = body.get("error")
    if raw is None or raw == "" or raw is False:
        return False, None
    code = coerce_code(raw)
    if code is None:
        return True, None
    return code != 0, code


class BaseClient:
    """Common HTTP behaviour; not meant to be used directly."""

    def __init__(
        self,
        urls: Mapping[str, str] | None = None,
        timeout=DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        on_call: Callable[[dict], Any] | None = None,
        allow_network: bool = True,
    ):
        self.urls = resolve_urls(urls)
        self.timeout = timeout
        self._session = session
        self.on_call = on_call
        self.allow_network = allow_network
        #: Rate-limit headers of the last response (None if absent).
        self.last_rate_limit: RateLimit | None = None
        #: HTTP status of the last response (None if no response was received).
        self.last_http_status: int | None = None

    # ------------------------------------------------------------------ plumbing

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
        return self._session

    def close(self) -> None:
        """Close the underlying session (only useful if this client created it)."""
        if self._session is not None:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _secrets(self) -> list[str]:
        """Strings that must never leak (overridden by subclasses)."""
        return []

    def _scrub(self, text: str) -> str:
        for secret in self._secrets():
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def _scrub_error(self, err: ZaloError) -> ZaloError:
        """Remove known secrets from an error's message and details (in place)."""
        err.message = self._scrub(err.message)
        err.details = {
            key: self._scrub(value) if isinstance(value, str) else value
            for key, value in err.details.items()
        }
        err.args = (str(err),)
        return err

    def base_url(self, family: str) -> str:
        try:
            return self.urls[family]
        except KeyError:
            raise ZaloError(
                None,
                f"Unknown Zalo endpoint family {family!r}",
                KIND_PARAM,
                False,
                family=family,
            ) from None

    def _check_network(self, url: str, family: str, endpoint: str) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise ZaloError(
                None,
                f"Refusing to call a non-HTTP URL (scheme {scheme!r})",
                KIND_PARAM,
                False,
                endpoint=endpoint,
                family=family,
            )
        if not self.allow_network and not is_loopback_url(url):
            host = urlsplit(url).hostname or "?"
            raise ZaloError(
                None,
                f"Zalo cannot be reached during tests: refusing to connect to {host} "
                "(network access is disabled; point the Zalo URLs to a local simulator "
                "or mock the Zalo client)",
                KIND_NETWORK,
                False,
                endpoint=endpoint,
                family=family,
            )

    def _notify(self, record: dict) -> None:
        if self.on_call is None:
            return
        try:
            self.on_call(record)
        except Exception:  # a logging hook must never break a call
            _logger.exception("Zalo on_call hook failed")

    # ----------------------------------------------------------------- request

    def _request(
        self,
        family: str,
        method: str,
        path: str,
        *,
        params=None,
        json=None,
        data=None,
        files=None,
        headers: Mapping | None = None,
        error_family: str | None = None,
        url: str | None = None,
        expect_json: bool = True,
        stream: bool = False,
        redirect_ok: bool = False,
    ) -> tuple[Any, requests.Response]:
        """Perform one HTTP call and return ``(parsed_body, response)``.

        ``error_family`` selects the error table (defaults to ``family``).
        ``url`` overrides the URL built from the family (media downloads).
        With ``expect_json=False`` the body is not read (``parsed_body`` is None)
        and no Zalo error detection is done; HTTP error statuses still raise,
        except redirects when ``redirect_ok`` is set.
        """
        method = method.upper()
        endpoint = path.split("?", 1)[0].split("#", 1)[0]
        error_family = error_family or family
        record: dict[str, Any] = {
            "family": family,
            "method": method,
            "endpoint": endpoint,
            "http_status": None,
            "error_code": None,
            "error_message": None,
            "kind": None,
            "retryable": None,
            "ok": False,
            "duration_ms": 0,
            "rate_limit_remain": None,
        }
        self.last_rate_limit = None
        self.last_http_status = None
        started = time.monotonic()
        try:
            if url is None:
                url = join_url(self.base_url(family), path)
            self._check_network(url, family, endpoint)
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    files=files,
                    headers=dict(headers or {}),
                    timeout=self.timeout,
                    allow_redirects=False,
                    stream=stream,
                )
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
                raise ZaloError(
                    None,
                    f"Invalid Zalo URL for {family} ({type(exc).__name__}): check the URL settings",
                    KIND_PARAM,
                    False,
                    endpoint=endpoint,
                    family=family,
                ) from None
            except requests.ConnectTimeout:
                raise ZaloError(
                    None,
                    f"Timed out connecting to Zalo ({_host(url)} {endpoint})",
                    KIND_NETWORK,
                    True,
                    endpoint=endpoint,
                    family=family,
                ) from None
            except requests.Timeout:
                # The request was written: Zalo may have carried it out.
                raise ZaloError(
                    None,
                    f"Timed out waiting for Zalo ({_host(url)} {endpoint})",
                    KIND_NETWORK,
                    True,
                    endpoint=endpoint,
                    family=family,
                    uncertain=True,
                ) from None
            except requests.ConnectionError as exc:
                raise ZaloError(
                    None,
                    f"Could not connect to Zalo ({_host(url)} {endpoint}): {type(exc).__name__}",
                    KIND_NETWORK,
                    True,
                    endpoint=endpoint,
                    family=family,
                    uncertain=not connection_never_made(exc),
                ) from None
            except requests.RequestException as exc:
                raise ZaloError(
                    None,
                    f"HTTP request to Zalo failed ({_host(url)} {endpoint}): {type(exc).__name__}",
                    KIND_NETWORK,
                    True,
                    endpoint=endpoint,
                    family=family,
                ) from None
            status = response.status_code
            record["http_status"] = self.last_http_status = status
            self.last_rate_limit = parse_rate_limit(response.headers)
            if self.last_rate_limit is not None:
                record["rate_limit_remain"] = self.last_rate_limit.remain
            if expect_json:
                body = self._parse_body(response)
                is_error, code = body_error_code(body)
            else:
                body, is_error, code = None, False, None
            failed = status >= 400 or (status >= 300 and not (redirect_ok and status in _REDIRECTS))
            if is_error or failed or body is _INVALID_JSON:
                raise self._error_from_response(body, code, status, error_family, endpoint)
            record["ok"] = True
            return body, response
        except ZaloError as err:
            err.family = err.family or family
            self._scrub_error(err)
            record.update(
                error_code=err.code,
                error_message=err.message,
                kind=err.kind,
                retryable=err.retryable,
            )
            raise
        finally:
            record["duration_ms"] = int((time.monotonic() - started) * 1000)
            self._notify(record)

    def _parse_body(self, response: requests.Response):
        content = response.content or b""
        if not content.strip():
            return {}
        try:
            return jsonlib.loads(content)
        except ValueError:
            return _INVALID_JSON

    def _error_from_response(self, body, code, status, error_family, endpoint) -> ZaloError:
        if body is _INVALID_JSON or body is None:
            if status >= 300:
                return classify(None, None, error_family, status, endpoint=endpoint)
            return ZaloError(
                None,
                "Zalo answered with a response that is not valid JSON",
                KIND_SERVER,
                False,
                http_status=status,
                endpoint=endpoint,
                family=error_family,
            )
        message = error_message_from_body(body) if isinstance(body, dict) else ""
        details = {}
        if isinstance(body, dict):
            details = {k: body[k] for k in _DETAIL_FIELDS if body.get(k) not in (None, "")}
        return classify(
            code,
            message,
            error_family,
            status,
            endpoint=endpoint,
            details=details,
        )

    def _download(
        self,
        url: str,
        max_bytes: int,
        max_redirects: int = 3,
        check_url: Callable[[str], str | None] | None = None,
    ) -> tuple:
        """GET an absolute URL (inbound media), guarded, without any Zalo header.

        Redirects are followed by hand (each hop goes through the network guard and
        ``check_url``, which returns why a URL may not be fetched, or None);
        the body is streamed and refused beyond ``max_bytes``.
        Returns ``(content, response)``.
        """
        path = "/"
        for _hop in range(max_redirects + 1):
            problem = check_url(url) if check_url is not None else None
            if problem:
                raise ZaloError(
                    None,
                    f"Refusing to download media: {problem}",
                    KIND_PARAM,
                    False,
                    endpoint=path,
                    family=FAMILY_MEDIA,
                )
            path = urlsplit(url).path or "/"
            _body, response = self._request(
                FAMILY_MEDIA,
                "GET",
                path,
                url=url,
                expect_json=False,
                stream=True,
                redirect_ok=True,
            )
            location = _header(response.headers, "Location")
            if response.status_code in _REDIRECTS and location:
                response.close()
                url = urljoin(url, location)
                continue
            try:
                return self._read_limited(response, path, max_bytes), response
            finally:
                response.close()
        raise ZaloError(
            None, "Too many redirects", KIND_SERVER, False, endpoint=path, family=FAMILY_MEDIA
        )

    def _read_limited(self, response: requests.Response, path: str, max_bytes: int) -> bytes:
        too_big = ZaloError(
            None,
            f"Downloaded file exceeds the limit of {max_bytes} bytes",
            KIND_PARAM,
            False,
            endpoint=path,
            family=FAMILY_MEDIA,
        )
        length = coerce_code(_header(response.headers, "Content-Length"))
        if length is not None and length > max_bytes:
            raise too_big
        chunks, size = [], 0
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class _InvalidJson:
    def __repr__(self) -> str:
        return "<invalid JSON>"


_INVALID_JSON = _InvalidJson()
