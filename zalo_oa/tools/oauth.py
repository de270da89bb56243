"""Zalo OAuth v4: PKCE, authorization URLs, token exchange/refresh, Social ``/me``.

Sources: docs/zalo-api.md §1 (OA OAuth v4, H from the official PHP/Java SDKs) and
§5 (Social Login).

* Permission URLs carry exactly ``app_id``, ``redirect_uri``, ``code_challenge`` and
  ``state``; S256 is implicit (no ``code_challenge_method``).
* PKCE: ``code_verifier`` = base64url without padding of 32 random bytes (43 chars);
  ``code_challenge`` = base64url without padding of the *raw* SHA-256 digest.
  Zalo's doc describes the verifier as 43 "letters and digits": with
  :data:`VERIFIER_ALPHANUMERIC_ONLY` we redraw until the verifier contains no
  ``-``/``_`` (still 32 random bytes; satisfies both readings).
* Conflict C2 (per-request PKCE vs one fixed pair registered in the console): the
  functions here are per-request; the fixed-pair fallback is only a matter of
  passing the stored verifier/challenge, which the Odoo layer decides.
* Token endpoint: POST form-urlencoded, app secret in the ``secret_key`` *header*;
  ``expires_in`` is a string (coerced to int). Errors often come with HTTP 200 and
  ``error``/``error_name``/``error_reason``/``error_description``; they are always
  ``auth`` errors (a failed exchange/refresh needs a new consent, §1.4).
* Social ``/me`` answers flat: ``{"id", "name", "picture": {"data": {"url"}}}``.
* ``state``: one signer and verifier for both flows (:func:`sign_state`,
  :func:`verify_state`), a short-lived HS256 JWT; whether Zalo echoes it on the OA
  callback is conflict C3, so the Odoo layer also keeps it in a cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json as jsonlib
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import jwt

from . import endpoints as ep
from .client import ZaloClient
from .errors import FAMILY_OAUTH, KIND_AUTH, KIND_PARAM, ZaloError, classify, coerce_code
from .transport import DEFAULT_TIMEOUT, BaseClient, body_error_code, error_message_from_body

__all__ = [
    "VERIFIER_ALPHANUMERIC_ONLY",
    "OAuthClient",
    "StateError",
    "TokenResponse",
    "code_challenge",
    "generate_code_verifier",
    "generate_pkce",
    "graph_me",
    "oa_authorization_url",
    "parse_token_response",
    "sign_state",
    "social_authorization_url",
    "state_key",
    "verify_state",
]

#: Redraw verifiers until they contain only letters and digits (see module doc).
VERIFIER_ALPHANUMERIC_ONLY = True
#: Used when a token response lacks ``expires_in`` (conservative: Social tokens live 1 h).
DEFAULT_EXPIRES_IN = 3600

_VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# ------------------------------------------------------------------------ PKCE


def generate_code_verifier() -> str:
    """A fresh 43-character PKCE verifier (base64url of 32 random bytes, no padding)."""
    while True:
        verifier = _b64url(secrets.token_bytes(32))
        if not VERIFIER_ALPHANUMERIC_ONLY or verifier.isalnum():
            return verifier


def code_challenge(verifier: str) -> str:
    """S256 challenge: base64url (no padding) of the raw SHA-256 digest of the verifier."""
    if not isinstance(verifier, str) or not _VERIFIER_RE.match(verifier):
        raise ValueError("A PKCE code verifier is 43-128 characters of [A-Za-z0-9-._~]")
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def generate_pkce() -> tuple[str, str]:
    """Return a fresh ``(code_verifier, code_challenge)`` pair."""
    verifier = generate_code_verifier()
    return verifier, code_challenge(verifier)


class StateError(ValueError):
    """An OAuth ``state`` that cannot be trusted; ``reason`` is ``expired`` or ``invalid``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def state_key(secret: str, purpose: str) -> str:
    """The key that signs one kind of state: hex HMAC-SHA256 of ``purpose`` under ``secret``."""
    if not secret:
        raise ValueError("A secret is required to sign OAuth states")
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def sign_state(claims: Mapping, key: str, audience: str, ttl: int, now: int | None = None) -> str:
    """A signed OAuth ``state``: an HS256 JWT of ``claims`` for ``audience``, ``ttl`` s long.

    Both flows use it (connecting an OA, logging in with Zalo): the state carries what
    the callback needs (nonce, record, user, session binding...) and cannot be forged,
    replayed after ``ttl`` or used for the other flow (``audience``).
    """
    issued = int(time.time()) if now is None else int(now)
    payload = {**claims, "aud": audience, "iat": issued, "exp": issued + int(ttl)}
    return jwt.encode(payload, key, algorithm="HS256")


def verify_state(state, key: str, audience: str, require: Iterable[str] = ()) -> dict:
    """The claims of a state made by :func:`sign_state`; raises :class:`StateError`.

    ``require`` names claims that must be present besides ``exp``, ``iat`` and ``aud``.
    """
    if not state or not isinstance(state, str):
        raise StateError("invalid")
    try:
        return jwt.decode(
            state,
            key,
            algorithms=["HS256"],
            audience=audience,
            options={"require": ["exp", "iat", "aud", *require]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise StateError("expired") from exc
    except jwt.InvalidTokenError as exc:
        raise StateError("invalid") from exc


def _authorization_url(
    oauth_url: str | None, path: str, app_id, redirect_uri, challenge, state
) -> str:
    for label, value in (
        ("app_id", app_id),
        ("redirect_uri", redirect_uri),
        ("code_challenge", challenge),
        ("state", state),
    ):
        if value is None or not str(value):
            raise ValueError(f"{label} is required to build the Zalo permission URL")
    query = urlencode(
        [
            ("app_id", str(app_id)),
            ("redirect_uri", str(redirect_uri)),
            ("code_challenge", str(challenge)),
            ("state", str(state)),
        ]
    )
    return f"{ep.join_url(oauth_url or ep.DEFAULT_URLS['oauth'], path)}?{query}"


def oa_authorization_url(
    oauth_url: str | None, app_id, redirect_uri: str, code_challenge: str, state: str
) -> str:
    """OA permission (consent) URL: ``GET {oauth}/v4/oa/permission?app_id&redirect_uri&...``.

    ``redirect_uri`` must equal the OA Callback Url saved in the Zalo console
    (else ``-14003``). The callback receives ``code`` and ``oa_id``; whether
    ``state`` is echoed is unconfirmed (C3), so bind the flow server side too.
    """
    return _authorization_url(
        oauth_url, ep.OAUTH_OA_PERMISSION, app_id, redirect_uri, code_challenge, state
    )


def social_authorization_url(
    oauth_url: str | None, app_id, redirect_uri: str, code_challenge: str, state: str
) -> str:
    """Social Login permission URL: ``GET {oauth}/v4/permission`` (same parameters)."""
    return _authorization_url(
        oauth_url, ep.OAUTH_PERMISSION, app_id, redirect_uri, code_challenge, state
    )


# --------------------------------------------------------------------- tokens


@dataclass
class TokenResponse:
    """A parsed token response. Tokens are hidden from ``repr``."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in: int
    raw_fields: dict = field(default_factory=dict, repr=False)

    def expires_at(self, now: datetime | None = None) -> datetime:
        """Expiry as a naive UTC datetime (Odoo's convention)."""
        now = now or datetime.now(timezone.utc).replace(tzinfo=None)
        return now + timedelta(seconds=self.expires_in)


def parse_token_response(body) -> TokenResponse:
    """Parse a token endpoint body (dict or JSON text) into a :class:`TokenResponse`.

    Raises an ``auth`` :class:`ZaloError` for error bodies (with ``error_name``,
    ``error_reason`` and ``ref_doc`` in ``details``) and for bodies without an
    access token. ``expires_in`` may be a string (``"90000"``) or a number.
    """
    endpoint = ep.OAUTH_OA_ACCESS_TOKEN
    if isinstance(body, (bytes, str)):
        try:
            body = jsonlib.loads(body)
        except ValueError:
            body = None
    if not isinstance(body, dict):
        raise ZaloError(
            None,
            "The token endpoint answered with an invalid body",
            KIND_AUTH,
            False,
            family=FAMILY_OAUTH,
            endpoint=endpoint,
        )
    is_error, code = body_error_code(body)
    if is_error or not body.get("access_token"):
        details = {
            k: body[k]
            for k in ("error_name", "error_reason", "error_description", "ref_doc")
            if body.get(k) not in (None, "")
        }
        err = classify(
            code,
            error_message_from_body(body) or "The token endpoint returned no access token",
            FAMILY_OAUTH,
            endpoint=endpoint,
            details=details,
        )
        if err.kind != KIND_AUTH:  # e.g. an unknown code without table entry
            err.kind, err.retryable = KIND_AUTH, False
        raise err
    expires_in = coerce_code(body.get("expires_in"))
    if expires_in is None:
        try:
            expires_in = int(float(body.get("expires_in")))
        except (TypeError, ValueError):
            expires_in = DEFAULT_EXPIRES_IN
    raw_fields = {k: v for k, v in body.items() if k not in ("access_token", "refresh_token")}
    return TokenResponse(
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]) if body.get("refresh_token") else None,
        expires_in=expires_in,
        raw_fields=raw_fields,
    )


class OAuthClient(BaseClient):
    """Token exchange and refresh against ``oauth.zaloapp.com`` (OA or Social).

    The app secret travels only in the ``secret_key`` header; it never appears in
    errors or ``on_call`` records.
    """

    def __init__(
        self,
        app_id,
        app_secret: str,
        oauth_url: str | None = None,
        timeout=DEFAULT_TIMEOUT,
        session=None,
        on_call: Callable[[dict], Any] | None = None,
        allow_network: bool = True,
    ):
        super().__init__(
            urls={FAMILY_OAUTH: oauth_url} if oauth_url else None,
            timeout=timeout,
            session=session,
            on_call=on_call,
            allow_network=allow_network,
        )
        self.app_id = str(app_id)
        self.app_secret = app_secret
        self._sensitive: list[str] = []

    def __repr__(self) -> str:
        return f"<OAuthClient app_id={self.app_id!r} oauth={self.urls[FAMILY_OAUTH]!r}>"

    def _secrets(self) -> list[str]:
        return [s for s in (self.app_secret, *self._sensitive) if s]

    def _token_call(self, form: list[tuple[str, str]], social: bool) -> TokenResponse:
        path = ep.OAUTH_ACCESS_TOKEN if social else ep.OAUTH_OA_ACCESS_TOKEN
        if not self.app_secret:
            raise ZaloError(
                None,
                "The app secret key is not configured",
                KIND_AUTH,
                False,
                endpoint=path,
                family=FAMILY_OAUTH,
            )
        headers = {
            "secret_key": self.app_secret,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self._sensitive = [value for key, value in form if key not in ("grant_type", "app_id")]
        try:
            body, _response = self._request(
                FAMILY_OAUTH, "POST", path, data=urlencode(form), headers=headers
            )
            token = parse_token_response(body)
        except ZaloError as err:
            err.endpoint = path
            self._scrub_error(err)
            raise
        finally:
            self._sensitive = []
        return token

    def exchange_code(
        self, code: str, code_verifier: str | None, social: bool = False
    ) -> TokenResponse:
        """Exchange an authorization code (valid 10 min, single use) for tokens.

        Body: ``code, app_id, grant_type=authorization_code, code_verifier`` (§1.3).
        """
        if not code:
            raise ZaloError(None, "The authorization code is missing", KIND_PARAM, False)
        form = [("code", str(code)), ("app_id", self.app_id)]
        form.append(("grant_type", "authorization_code"))
        if code_verifier:
            form.append(("code_verifier", str(code_verifier)))
        return self._token_call(form, social)

    def refresh(self, refresh_token: str, social: bool = False) -> TokenResponse:
        """Refresh tokens (single-use refresh token; the new pair must be stored at once).

        Body: ``refresh_token, app_id, grant_type=refresh_token`` (§1.3).
        """
        if not refresh_token:
            raise ZaloError(
                None, "No refresh token: the OA must be authorised again", KIND_AUTH, False
            )
        form = [
            ("refresh_token", str(refresh_token)),
            ("app_id", self.app_id),
            ("grant_type", "refresh_token"),
        ]
        return self._token_call(form, social)


# ---------------------------------------------------------------------- Social


def graph_me(
    graph_url: str | None,
    access_token: str,
    app_secret: str | None = None,
    fields: str = "id,name,picture",
    *,
    timeout=DEFAULT_TIMEOUT,
    session=None,
    on_call: Callable[[dict], Any] | None = None,
    allow_network: bool = True,
) -> dict:
    """Read the Social Login profile: ``GET {graph}/v2.0/me?fields=...``.

    Sends ``appsecret_proof`` when ``app_secret`` is given (mandatory since 2024
    per SPEC-A). Returns a dict with ``id`` (app-scoped, str), ``name`` and
    ``picture`` (the URL string from ``picture.data.url`` or None), plus any
    other returned field.
    """
    client = ZaloClient(
        access_token=access_token,
        app_secret=app_secret,
        urls={"graph": graph_url} if graph_url else None,
        timeout=timeout,
        session=session,
        appsecret_proof=bool(app_secret),
        on_call=on_call,
        allow_network=allow_network,
    )
    body = client.graph_get(ep.GRAPH_ME, params={"fields": fields})
    return _flatten_profile(body)


def _flatten_profile(body: Mapping) -> dict:
    profile = {k: v for k, v in body.items() if k not in ("error", "message")}
    picture = body.get("picture")
    url = None
    if isinstance(picture, Mapping):
        data = picture.get("data")
        url = data.get("url") if isinstance(data, Mapping) else picture.get("url")
    elif isinstance(picture, str):
        url = picture
    profile["picture"] = url or None
    profile["id"] = str(body["id"]) if body.get("id") not in (None, "") else None
    profile["name"] = body.get("name") or ""
    if not profile["id"]:
        raise ZaloError(
            None,
            "The Zalo profile has no id",
            KIND_AUTH,
            False,
            endpoint=ep.GRAPH_ME,
            family="graph",
        )
    return profile
