"""Typed Zalo errors and the Zalo error-code tables.

Every failure of the protocol layer (an HTTP 200 body with ``error != 0``, an HTTP
error status, a timeout, a refused connection, a client-side validation error) is
raised as one exception type, :class:`ZaloError`, carrying a *kind* that the Odoo
layer uses to decide what to do (refresh the token once, offer a ZBS template,
retry later, show the reason to the user).

Sources (see ``docs/zalo-api.md``):

* ``OA_ERRORS``     - §7.1, the official OA error table (``openapi.zalo.me``), plus
  the legacy codes listed under it (-215, -305).
* ``OAUTH_ERRORS``  - §1.4 / §7.2 (``oauth.zaloapp.com``).
* ``ZBS_ERRORS``    - §7.3, the ZNS / ZBS table (``business.openapi.zalo.me`` and
  the ZBS-by-UID send on openapi, which answers with ZBS codes).
* ``SOCIAL_ERRORS`` - §5.3 (``graph.zalo.me``); these codes are positive.

Kind choices (documented here once, so they are easy to revisit):

* ``auth``: invalid/expired tokens, invalid ``appsecret_proof``, and every
  "the app/OA is not activated, not linked, not permitted, not verified"
  configuration error: all need an administrator (reconnect the OA or fix the
  app in the Zalo console). Only :data:`TOKEN_ERROR_CODES` make a token refresh
  worthwhile (see :attr:`ZaloError.is_token_error`). Every OAuth endpoint error,
  known or not, is ``auth``: a failed exchange or refresh is terminal (§1.4).
* ``window``: outside the 7-day interaction window (-230/-232, legacy -305) and
  the night bans (-234, ZBS -133); neither is retried automatically.
* ``template``: the *template itself* is the problem (unknown, not approved,
  disabled, not sendable by UID, no permission, button invalid, ...).
* ``param``: the *data* sent is the problem, including template data
  (-111/-112/-1121/-1122/-1124 are about ``template_data`` values, so the record
  data must be fixed, not the template), an expired OA attachment (-100 on
  openapi: re-upload) and programming errors (-240, -106).
* ``quota``: sending/asset quotas, development-mode quota, OA tier package (-224)
  and Zalo Cloud Account funding (-320/-321/-136/-137).
* ``server``: Zalo-side failures. -200, ZBS -100 and HTTP 5xx are retryable;
  unknown codes are ``server`` and *not* retryable.
* ``rate_limit``: -32 and HTTP 429, retryable.
* ``network``: timeouts and connection errors, retryable (except the test guard
  refusal of :class:`~.client.ZaloClient` with ``allow_network=False``).

Code -100 means "attachment_id was expired" on the OA API but "unknown error,
retry" on ZBS: :func:`classify` looks the code up in the table of the *error
family* first (the ZBS-by-UID send passes ``"business"``), then in the others.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "FAMILIES",
    "FAMILY_BUSINESS",
    "FAMILY_GRAPH",
    "FAMILY_MEDIA",
    "FAMILY_OAUTH",
    "FAMILY_OPENAPI",
    "KINDS",
    "KIND_AUTH",
    "KIND_HELP",
    "KIND_NETWORK",
    "KIND_PARAM",
    "KIND_QUOTA",
    "KIND_RATE_LIMIT",
    "KIND_RECIPIENT",
    "KIND_SERVER",
    "KIND_TEMPLATE",
    "KIND_WINDOW",
    "OAUTH_ERRORS",
    "OA_ERRORS",
    "SOCIAL_ERRORS",
    "TOKEN_ERROR_CODES",
    "ZBS_BALANCE_CODES",
    "ZBS_DAILY_QUOTA_CODES",
    "ZBS_ERRORS",
    "ZBS_TEMPLATE_DEAD_CODES",
    "ZBS_TEMPLATE_QUOTA_CODES",
    "ZBS_UID_UNSUPPORTED",
    "KindHelp",
    "ZaloError",
    "classify",
    "classify_http_status",
    "coerce_code",
    "lookup_code",
]

# --------------------------------------------------------------------------- kinds

KIND_AUTH = "auth"
KIND_WINDOW = "window"
KIND_QUOTA = "quota"
KIND_RATE_LIMIT = "rate_limit"
KIND_RECIPIENT = "recipient"
KIND_TEMPLATE = "template"
KIND_PARAM = "param"
KIND_SERVER = "server"
KIND_NETWORK = "network"

KINDS = (
    KIND_AUTH,
    KIND_WINDOW,
    KIND_QUOTA,
    KIND_RATE_LIMIT,
    KIND_RECIPIENT,
    KIND_TEMPLATE,
    KIND_PARAM,
    KIND_SERVER,
    KIND_NETWORK,
)

#: Default ``retryable`` when a ZaloError is built without an explicit value.
_DEFAULT_RETRYABLE = {KIND_RATE_LIMIT: True, KIND_NETWORK: True}

# ------------------------------------------------------------------------ families

FAMILY_OPENAPI = "openapi"
FAMILY_OAUTH = "oauth"
FAMILY_BUSINESS = "business"
FAMILY_GRAPH = "graph"
#: Downloads of inbound media from Zalo's CDN (not a Zalo API; no error table).
FAMILY_MEDIA = "media"

FAMILIES = (FAMILY_OPENAPI, FAMILY_OAUTH, FAMILY_BUSINESS, FAMILY_GRAPH)


class KindHelp(NamedTuple):
    """Short English help for an error kind (the Odoo layer translates it)."""

    label: str
    explanation: str
    action: str


KIND_HELP: dict[str, KindHelp] = {
    KIND_AUTH: KindHelp(
        "Authorisation problem",
        "Zalo rejected the Official Account's access token, or the Zalo app is not "
        "activated, linked or permitted to use this feature.",
        "Reconnect the Official Account (authorise the app again in Zalo) and check "
        "the app's settings and permissions in the Zalo developer console.",
    ),
    KIND_WINDOW: KindHelp(
        "Outside the messaging window",
        "The customer has not interacted with the Official Account in the last 7 days, "
        "or this type of message cannot be sent at this time of day.",
        "Send an approved ZBS template instead, or wait until the customer writes again.",
    ),
    KIND_QUOTA: KindHelp(
        "Quota exhausted",
        "A Zalo sending quota is used up, or the Zalo Cloud Account is missing or has "
        "no balance for paid messages.",
        "Wait for the quota to reset, link or top up the Zalo Cloud Account, or "
        "upgrade the Official Account package.",
    ),
    KIND_RATE_LIMIT: KindHelp(
        "Too many requests",
        "Zalo's API rate limit was reached.",
        "No action needed: the request is retried automatically after a short delay.",
    ),
    KIND_RECIPIENT: KindHelp(
        "Recipient cannot receive the message",
        "The customer cannot receive this message: not a follower, blocked or "
        "restricted the Official Account, inactive account, or invalid phone number.",
        "Check the customer's Zalo account or phone number, or use another channel.",
    ),
    KIND_TEMPLATE: KindHelp(
        "Template problem",
        "The ZBS template is unknown, not approved, disabled, or cannot be used for "
        "this kind of sending.",
        "Synchronise the template status from Zalo and use an approved template.",
    ),
    KIND_PARAM: KindHelp(
        "Invalid data",
        "Zalo rejected the data that was sent: a missing or invalid value, a text or "
        "file that is too long or of the wrong type, or an expired attachment.",
        "Correct the data (text, file, template parameters) and send again.",
    ),
    KIND_SERVER: KindHelp(
        "Zalo server error",
        "Zalo could not process the request.",
        "Try again later; if it keeps failing, check Zalo's status or contact Zalo.",
    ),
    KIND_NETWORK: KindHelp(
        "Zalo unreachable",
        "Zalo could not be reached (timeout or connection problem).",
        "Try again later and check the server's Internet access and the Zalo URL settings.",
    ),
}

# -------------------------------------------------------------------------- tables
# code -> (default English message, kind, retryable)

_A, _W, _Q, _RL = KIND_AUTH, KIND_WINDOW, KIND_QUOTA, KIND_RATE_LIMIT
_R, _T, _P, _S = KIND_RECIPIENT, KIND_TEMPLATE, KIND_PARAM, KIND_SERVER

ErrorRow = tuple[str, str, bool]

#: §7.1 - OA API (openapi.zalo.me).
OA_ERRORS: dict[int, ErrorRow] = {
    -32: ("Your application reached limit call api", _RL, True),
    -100: ("attachment_id was expired", _P, False),
    -200: ("Send message failed", _S, True),
    -201: ("Parameter is invalid", _P, False),
    -204: ("Official Account is disabled", _A, False),
    -205: ("Official Account does not exist", _A, False),
    -209: ("Not supported this api (the Zalo app is not activated)", _A, False),
    -210: ("Parameter exceeds allowable limit", _P, False),
    -211: ("Out of quota", _Q, False),
    -212: ("App has not registered this api", _A, False),
    -213: ("User has not followed OA", _R, False),
    -214: ("Article is being processed", _S, True),
    -215: ("Invalid App ID (legacy code)", _A, False),
    -216: ("Access token is invalid", _A, False),
    -217: ("User has blocked invitation from OA", _R, False),
    -218: ("Out of quota receive", _Q, False),
    -219: ("App is removed or disabled", _A, False),
    -220: ("access_token is expired or removed", _A, False),
    -221: ("The OA needs to be verified to use this feature", _A, False),
    -223: ("Official Account has not authorized this API", _A, False),
    -224: ("The OA needs to upgrade OA Tier Package", _Q, False),
    -227: ("User is banned or has been inactive for more than 45 days", _R, False),
    -230: ("User has not interacted with the OA in the past 7 days", _W, False),
    -232: ("User has not interacted with the OA, or the last interaction has expired", _W, False),
    -233: ("Message type is invalid or not supported", _P, False),
    -234: ("This message cannot be sent at night (10:00PM - 6:00AM)", _W, False),
    -235: ("This API does not support this type of OA", _A, False),
    -237: ("The group is disabled", _R, False),
    -238: ("asset_id is already used", _P, False),
    -240: ("MessageV2 API has been shut down, please switch to MessageV3", _P, False),
    -241: ("asset_id is disabled", _P, False),
    -242: ("Invalid appsecret_proof provided in the API argument", _A, False),
    -244: ("User has restricted this message type from your OA", _R, False),
    -248: ("Violates our platform standards", _P, False),
    -249: ("Template does not support send via UID", _T, False),
    -305: ("Cannot respond after 48 hours (legacy code)", _W, False),
    -320: ("Your app needs to connect with Zalo Cloud Account to use paid features", _Q, False),
    -321: ("Zalo Cloud Account is out of money or unable to be charged", _Q, False),
    -403: ("OA is not in group", _R, False),
    -1340: ("Cannot find this form", _P, False),
    -1341: ("No access to this form", _P, False),
}

#: §1.4 / §7.2 - OAuth token endpoint (oauth.zaloapp.com). Unknown codes are ``auth`` too.
OAUTH_ERRORS: dict[int, ErrorRow] = {
    -14002: ("Invalid appId (the app is not activated or you are not an app admin)", _A, False),
    -14003: ("Invalid redirect uri (must equal the OA Callback Url)", _A, False),
    -14012: ("OAuth error -14012 (meaning undocumented)", _A, False),
    -14020: ("Refresh token already used, expired or invalid", _A, False),
    -14024: ("OAuth error -14024 (meaning undocumented)", _A, False),
}

#: §7.3 - ZNS / ZBS (business.openapi.zalo.me and the UID template send).
ZBS_ERRORS: dict[int, ErrorRow] = {
    -100: ("Unknown error, retry", _S, True),
    -101: ("Application invalid", _A, False),
    -102: ("Application not existed", _A, False),
    -103: ("Application not activated", _A, False),
    -104: ("App secret key invalid", _A, False),
    -105: ("Application not linked to any OA", _A, False),
    -106: ("Method unsupported", _P, False),
    -107: ("Message ID invalid", _P, False),
    -108: ("Phone number invalid", _R, False),
    -109: ("Template ID invalid", _T, False),
    -1091: ("Cannot edit this template", _T, False),
    -110: ("Zalo version unsupported", _R, False),
    -111: ("Template data empty", _P, False),
    -112: ("Template data invalid / type not defined", _P, False),
    -1121: ("Param exceeds max length", _P, False),
    -1122: ("Missing param", _P, False),
    -1123: ("QR code generation failed", _P, False),
    -1124: ("Param format invalid", _P, False),
    -113: ("Button invalid", _T, False),
    -1131: ("Button link invalid", _T, False),
    -114: (
        "User is inactive, rejected the message, uses an outdated Zalo version, "
        "or other internal errors",
        _R,
        False,
    ),
    -115: ("Out of quota / insufficient ZNS balance", _Q, False),
    -116: ("Text invalid", _P, False),
    -117: ("OA or App has no permission to access this template", _T, False),
    -118: ("Zalo account not existed", _R, False),
    -119: ("Account can not receive message", _R, False),
    -120: ("OA has no permission for this feature", _A, False),
    -1201: ("OA is not allowed to use Tag 3 templates", _T, False),
    -1202: ("OA has no permission to use media in templates", _T, False),
    -121: ("Body data empty", _P, False),
    -122: ("Body is not JSON", _P, False),
    -123: ("RSA decode failed", _P, False),
    -124: ("Access token invalid", _A, False),
    -1241: ("appsecret_proof invalid", _A, False),
    -125: ("OA ID invalid", _A, False),
    -126: ("Development-mode quota exhausted", _Q, False),
    -127: ("A test template can only be sent to app or OA admins", _R, False),
    -128: ("Encoding key missing", _P, False),
    -129: ("RSA key generation failed", _S, True),
    -130: ("Content exceeds 100,000 characters", _P, False),
    -131: ("Template not approved", _T, False),
    -132: ("Parameter invalid", _P, False),
    -133: ("Cannot send at night (22:00-06:00)", _W, False),
    -134: ("User did not respond to the opt-in", _R, False),
    -135: ("OA not permitted to send ZNS (needs verification and a paid plan)", _A, False),
    -1351: ("OA blocked for violation", _A, False),
    -136: ("Zalo Cloud Account connection required", _Q, False),
    -137: ("Zalo Cloud Account charge failed / insufficient balance", _Q, False),
    -138: ("App lacks permission", _A, False),
    -1381: ("OA has not granted the Extension ZCA permission", _A, False),
    -139: ("User refused this ZNS content type", _R, False),
    -140: ("User ineligible under the delivery policy", _R, False),
    -141: ("User refused ZNS from this OA", _R, False),
    -142: ("RSA key missing", _P, False),
    -143: ("RSA key already exists", _P, False),
    -144: ("OA exceeded daily ZNS limit", _Q, False),
    -1441: ("Monthly promotion quota exceeded", _Q, False),
    -145: ("OA not allowed this content type", _T, False),
    -146: ("Template disabled for low quality", _T, False),
    -147: ("Template daily limit reached", _Q, False),
    -1471: ("Monthly follow-up limit per user reached", _Q, False),
    -1472: ("Daily promotion limit per user reached", _Q, False),
    -148: ("Journey token not found", _P, False),
    -149: ("Journey token invalid", _P, False),
    -1491: ("Journey token type incompatible", _P, False),
    -150: ("Journey token expired", _P, False),
    -151: ("Not an E2EE template", _T, False),
    -152: ("E2EE key failure", _P, False),
    -153: ("Data violates the specification", _P, False),
    -158: ("File too large", _P, False),
    -159: ("File format not allowed", _P, False),
    -160: ("Daily create/edit/upload quota exceeded", _Q, False),
    -161: ("sending_mode not allowed", _P, False),
    -162: ("sending_mode=3 does not support tag 1/2", _P, False),
}

#: §5.3 - Social API (graph.zalo.me). Looked up by absolute value.
SOCIAL_ERRORS: dict[int, ErrorRow] = {
    452: ("The user's login key is invalid or revoked", _A, False),
    210: ("User not visible", _R, False),
    112: ("Your app is not linked with any Official Account", _A, False),
    100: ("Invalid parameter", _P, False),
}

#: Codes after which refreshing the access token (once) can help.
TOKEN_ERROR_CODES = frozenset({-216, -220, -124, 452, -452})

# What the ZBS send queue does after a ZBS error (see ZBS_ERRORS above).
#: The OA's daily quota is spent: wait for midnight (Vietnam time).
ZBS_DAILY_QUOTA_CODES = frozenset({-144, -126, -1441, -211})
#: The ZBS account has no balance (or none is linked): retry hourly until topped up.
ZBS_BALANCE_CODES = frozenset({-115, -136, -137, -320, -321})
#: The template's own daily quota is spent.
ZBS_TEMPLATE_QUOTA_CODES = frozenset({-147})
#: The template cannot be sent at all: the other rows of it fail without calling Zalo.
ZBS_TEMPLATE_DEAD_CODES = frozenset({-109, -117, -131, -146})
#: Sending by user id is not enabled for this OA or template: send by phone instead.
ZBS_UID_UNSUPPORTED = -249

_TABLES: dict[str, dict[int, ErrorRow]] = {
    FAMILY_OPENAPI: OA_ERRORS,
    FAMILY_BUSINESS: ZBS_ERRORS,
    FAMILY_OAUTH: OAUTH_ERRORS,
    FAMILY_GRAPH: SOCIAL_ERRORS,
}
_LOOKUP_ORDER = (FAMILY_OPENAPI, FAMILY_BUSINESS, FAMILY_OAUTH, FAMILY_GRAPH)


# --------------------------------------------------------------------- exception


def _clean_endpoint(endpoint: str | None) -> str | None:
    """Keep only the path of an endpoint: never a query string (it may carry data)."""
    if not endpoint:
        return None
    endpoint = str(endpoint)
    for sep in ("?", "#"):
        endpoint = endpoint.split(sep, 1)[0]
    return endpoint


class ZaloError(Exception):
    """One typed error for everything that can go wrong when talking to Zalo.

    Attributes:
        code: Zalo error code (int) or ``None`` (HTTP/network/client-side errors).
        message: human-readable English message (Zalo's own text when it sent one).
        kind: one of :data:`KINDS`.
        retryable: whether retrying the same request later may succeed.
        http_status: HTTP status of the response, if any.
        endpoint: API path (never with a query string).
        family: ``openapi``, ``oauth``, ``business``, ``graph`` (or ``media``).
        details: extra non-secret fields from the error body (``error_name``,
            ``error_reason``, ``ref_doc``...), for logging.
        uncertain: the request may have been carried out although no answer says so
            (read timeout, connection dropped after the request was written, HTTP
            5xx): a send must be reconciled with Zalo's history before any resend.
            Defaults to True for HTTP 5xx.

    Positional order: ``ZaloError(code, message, kind, retryable)``;
    ``ZaloError("text")`` is also accepted (message only).
    """

    def __init__(
        self,
        code: int | str | None = None,
        message: str = "",
        kind: str = KIND_SERVER,
        retryable: bool | None = None,
        http_status: int | None = None,
        endpoint: str | None = None,
        family: str | None = None,
        details: dict | None = None,
        uncertain: bool | None = None,
    ):
        if isinstance(code, str) and not message:
            parsed = coerce_code(code)
            if parsed is None:
                code, message = None, code
            else:
                code = parsed
        elif code is not None:
            parsed = coerce_code(code)
            if parsed is None:
                raise ValueError(f"Invalid Zalo error code: {code!r}")
            code = parsed
        if kind not in KINDS:
            raise ValueError(f"Unknown ZaloError kind {kind!r}; expected one of {KINDS}")
        if retryable is None:
            retryable = _DEFAULT_RETRYABLE.get(kind, False)
        self.code: int | None = code
        self.message: str = str(message or "") or KIND_HELP[kind].label
        self.kind: str = kind
        self.retryable: bool = bool(retryable)
        self.http_status: int | None = http_status
        self.endpoint: str | None = _clean_endpoint(endpoint)
        self.family: str | None = family
        self.details: dict = dict(details or {})
        if uncertain is None:
            uncertain = http_status is not None and http_status >= 500
        self.uncertain: bool = bool(uncertain)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.code is not None:
            return f"Zalo error {self.code}: {self.message}"
        if self.http_status is not None and self.http_status >= 300:
            return f"Zalo error (HTTP {self.http_status}): {self.message}"
        return f"Zalo error: {self.message}"

    def __repr__(self) -> str:
        return (
            f"ZaloError(code={self.code!r}, message={self.message!r}, kind={self.kind!r}, "
            f"retryable={self.retryable!r}, http_status={self.http_status!r}, "
            f"endpoint={self.endpoint!r}, family={self.family!r})"
        )

    def __reduce__(self):
        return (
            self.__class__,
            (
                self.code,
                self.message,
                self.kind,
                self.retryable,
                self.http_status,
                self.endpoint,
                self.family,
                self.details,
            ),
        )

    @property
    def is_token_error(self) -> bool:
        """True when refreshing the access token once and retrying may help."""
        return (
            self.kind == KIND_AUTH
            and self.family != FAMILY_OAUTH
            and self.code in TOKEN_ERROR_CODES
        )

    @property
    def help(self) -> KindHelp:
        """English explanation and suggested action for this error's kind."""
        return KIND_HELP[self.kind]

    def to_dict(self) -> dict:
        """Serialisable, secret-free representation (for API logs)."""
        return {
            "code": self.code,
            "message": self.message,
            "kind": self.kind,
            "retryable": self.retryable,
            "http_status": self.http_status,
            "endpoint": self.endpoint,
            "family": self.family,
            "details": dict(self.details),
        }


# -------------------------------------------------------------------- classifier


def coerce_code(value) -> int | None:
    """Return an error code as int (accepts ints and numeric strings), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("+", "-"):
            sign, digits = text[0], text[1:]
        else:
            sign, digits = "", text
        if digits.isdigit() and digits.isascii():
            return int(sign + digits)
    return None


def lookup_code(code: int, family: str | None = None) -> ErrorRow | None:
    """Find ``code`` in the family's table first, then in the other tables.

    Social (graph) codes are positive; they are also matched by absolute value.
    """
    order = list(_LOOKUP_ORDER)
    if family in _TABLES:
        order.remove(family)
        order.insert(0, family)
    for fam in order:
        row = _TABLES[fam].get(code)
        if row is None and fam == FAMILY_GRAPH:
            row = _TABLES[fam].get(abs(code))
        if row is not None:
            return row
    return None


def classify_http_status(http_status: int) -> tuple[str, bool, str]:
    """Map an HTTP error status to (kind, retryable, message)."""
    if http_status == 429:
        return KIND_RATE_LIMIT, True, "Too many requests (HTTP 429)"
    if http_status == 408:
        return KIND_NETWORK, True, "Request timeout (HTTP 408)"
    if http_status >= 500:
        return KIND_SERVER, True, f"Zalo server error (HTTP {http_status})"
    if http_status in (401, 403):
        return KIND_AUTH, False, f"Access denied by Zalo (HTTP {http_status})"
    if http_status in (400, 413, 414, 415, 422):
        return KIND_PARAM, False, f"Request rejected by Zalo (HTTP {http_status})"
    return KIND_SERVER, False, f"Unexpected HTTP status {http_status} from Zalo"


def classify(
    code,
    message: str | None,
    family: str | None,
    http_status: int | None = None,
    *,
    endpoint: str | None = None,
    details: dict | None = None,
) -> ZaloError:
    """Build the :class:`ZaloError` for a Zalo error code and/or an HTTP status.

    ``family`` selects the error table looked up first (pass ``"business"`` for
    the ZBS-by-UID send even though it is served by openapi). ``message`` is
    Zalo's own message; the table's default is used when it is empty.
    """
    code = coerce_code(code)
    if code == 0:
        code = None
    message = (message or "").strip()
    http_error = http_status is not None and http_status >= 300
    row = lookup_code(code, family) if code is not None else None
    if row is not None:
        default, kind, retryable = row
    elif family == FAMILY_OAUTH and code is not None:
        # §1.4: any failure of the token endpoint is terminal -> re-authorise.
        default, kind, retryable = "OAuth request failed", KIND_AUTH, False
    elif http_error:
        kind, retryable, default = classify_http_status(http_status)
    elif code is not None:
        default, kind, retryable = "Unknown Zalo error", KIND_SERVER, False
    else:
        default, kind, retryable = "Unexpected response from Zalo", KIND_SERVER, False
    return ZaloError(
        code,
        message or default,
        kind,
        retryable,
        http_status=http_status,
        endpoint=endpoint,
        family=family,
        details=details,
    )
