"""Zalo error codes used by the simulator, with the messages Zalo answers.

Sources: docs/zalo-api.md §1.4 (OAuth), §7.1 (OA API), §7.3 (ZNS/ZBS), §5.3 (Social).
Codes marked *guess* are not documented anywhere public; the simulator needs *some*
answer for those situations, and clients should treat them as "any non-zero error".
"""

from __future__ import annotations

from .util import ApiError

# ----------------------------------------------------------------- OAuth (oauth.zaloapp.com)
OAUTH_INVALID_PARAM = -14001  # guess: missing/invalid parameter
OAUTH_INVALID_APP = -14002  # documented: Invalid appId
OAUTH_INVALID_REDIRECT = -14003  # documented: Invalid redirect uri
OAUTH_INVALID_SECRET = -14005  # guess: wrong secret_key header
OAUTH_INVALID_CODE = -14008  # guess: authorization code unknown / used / expired
OAUTH_INVALID_VERIFIER = -14019  # guess: PKCE code_verifier does not match the challenge
OAUTH_INVALID_REFRESH = -14020  # documented (L-M): refresh token used / expired / invalid

OAUTH_NAMES = {
    OAUTH_INVALID_PARAM: ("invalid_request", "Invalid parameter"),
    OAUTH_INVALID_APP: ("invalid_app_id", "Invalid appId"),
    OAUTH_INVALID_REDIRECT: ("invalid_redirect_uri", "Invalid redirect uri"),
    OAUTH_INVALID_SECRET: ("invalid_secret_key", "Invalid secret key"),
    OAUTH_INVALID_CODE: ("invalid_code", "Invalid authorization code"),
    OAUTH_INVALID_VERIFIER: ("invalid_code_verifier", "Invalid code verifier"),
    OAUTH_INVALID_REFRESH: ("invalid_refresh_token", "Invalid refresh token"),
}


def oauth_error(code: int, reason: str) -> ApiError:
    """An OAuth error with the extra fields seen on the token endpoint (§1.4)."""
    name, message = OAUTH_NAMES[code]
    return ApiError(
        code,
        message,
        error_name=name,
        error_reason=reason,
        error_description=reason,
        ref_doc="https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new",
    )


# ----------------------------------------------------------------- OA API (openapi.zalo.me)
RATE_LIMIT = -32
ATTACHMENT_EXPIRED = -100
INVALID_PARAM = -201
PARAM_TOO_LARGE = -210
NOT_FOLLOWER = -213
TOKEN_INVALID = -216
TOKEN_EXPIRED = -220
NO_INTERACTION_7D = -230
MESSAGE_TYPE_INVALID = -233
MESSAGE_V2_SHUT_DOWN = -240
APPSECRET_PROOF_INVALID = -242
TEMPLATE_NOT_UID = -249

OA_MESSAGES = {
    RATE_LIMIT: "Your application reached limit call api",
    ATTACHMENT_EXPIRED: "attachment_id was expired",
    -200: "Send message failed",
    INVALID_PARAM: "Parameter is invalid!",
    -204: "Offical Account is disable",
    -205: "Offical Account is not exist",
    -209: "Not supported this api",
    -211: "Out of quota",
    -212: "App has not registed this api",
    -217: "User has blocked invitation from OA",
    -223: "Official Account has not authorized this API",
    -227: "User is banned or has been inactive for more than 45 days",
    -232: "User has not interacted with the OA, or the last interaction has expired",
    -234: "This message cannot be sent at night (10:00PM - 6:00AM)",
    -244: "User has restricted this message type from your OA",
    -320: "Your app needs to connect with Zalo Cloud Account to use paid features",
    PARAM_TOO_LARGE: "Parameter exceeds allowable limit",
    NOT_FOLLOWER: "User has not followed OA",
    TOKEN_INVALID: "Access token is invalid",
    TOKEN_EXPIRED: "access_token is expired or removed",
    NO_INTERACTION_7D: "User has not interacted with the OA in the past 7 days",
    MESSAGE_TYPE_INVALID: "message type is invalid or not support",
    MESSAGE_V2_SHUT_DOWN: "MessageV2 API has been shut down, please switch to MessageV3",
    APPSECRET_PROOF_INVALID: "Invalid appsecret_proof provided in the API argument",
    TEMPLATE_NOT_UID: "Template does not support send via UID",
}


def oa_error(code: int, message: str | None = None) -> ApiError:
    return ApiError(code, message or OA_MESSAGES.get(code, "Error"))


def invalid(field: str) -> ApiError:
    """-201 names the offending field, as Zalo does: ``"<field> is invalid!"``."""
    return ApiError(INVALID_PARAM, f"{field} is invalid!")


# ----------------------------------------------------------------- ZNS / ZBS (business.openapi)
ZNS_UNKNOWN = -100
ZNS_MESSAGE_ID_INVALID = -107
ZNS_PHONE_INVALID = -108
ZNS_TEMPLATE_ID_INVALID = -109
ZNS_TEMPLATE_NOT_EDITABLE = -1091
ZNS_TEMPLATE_DATA_EMPTY = -111
ZNS_TEMPLATE_DATA_INVALID = -112
ZNS_PARAM_TOO_LONG = -1121
ZNS_PARAM_MISSING = -1122
ZNS_BODY_EMPTY = -121
ZNS_BODY_NOT_JSON = -122
ZNS_TOKEN_INVALID = -124
ZNS_APPSECRET_PROOF_INVALID = -1241
ZNS_NOT_ADMIN = -127
ZNS_TEMPLATE_NOT_APPROVED = -131
ZNS_PARAM_INVALID = -132
ZNS_DAILY_QUOTA = -144
ZNS_FILE_TOO_LARGE = -158
ZNS_FILE_FORMAT = -159
ZNS_SENDING_MODE = -161

ZNS_MESSAGES = {
    ZNS_UNKNOWN: "Unknown error",
    ZNS_MESSAGE_ID_INVALID: "Message ID invalid",
    ZNS_PHONE_INVALID: "Phone number invalid",
    ZNS_TEMPLATE_ID_INVALID: "Template ID invalid",
    ZNS_TEMPLATE_NOT_EDITABLE: "Cannot edit this template",
    ZNS_TEMPLATE_DATA_EMPTY: "Template data empty",
    ZNS_TEMPLATE_DATA_INVALID: "Template data invalid",
    ZNS_PARAM_TOO_LONG: "Param exceeds max length",
    ZNS_PARAM_MISSING: "Missing param",
    ZNS_BODY_EMPTY: "Body data empty",
    ZNS_BODY_NOT_JSON: "Body not JSON",
    ZNS_TOKEN_INVALID: "Access token invalid",
    ZNS_APPSECRET_PROOF_INVALID: "appsecret_proof invalid",
    ZNS_NOT_ADMIN: "Template test only can be sent to admin of app or OA",
    ZNS_TEMPLATE_NOT_APPROVED: "Template not approved",
    ZNS_PARAM_INVALID: "Parameter invalid",
    ZNS_DAILY_QUOTA: "OA has exceeded the daily limit of ZNS messages",
    ZNS_FILE_TOO_LARGE: "File size exceeds the limit",
    ZNS_FILE_FORMAT: "File format is not allowed",
    ZNS_SENDING_MODE: "sending_mode is not allowed",
}


def zns_error(code: int, detail: str | None = None) -> ApiError:
    base = ZNS_MESSAGES.get(code, "Error")
    return ApiError(code, f"{base}: {detail}" if detail else base)


# ----------------------------------------------------------------- Social (graph.zalo.me)
SOCIAL_TOKEN_INVALID = 452  # §5.3: "the user's login key is invalid or revoked"
SOCIAL_INVALID_PARAM = 100
