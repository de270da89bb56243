"""Pure Zalo protocol layer of ``zalo_oa`` (no ``odoo`` import).

Plain Python (requests, hashlib, hmac, phonenumbers) so that it can be tested
and reused without Odoo; the Odoo models call it. Modules:

* :mod:`.errors`    - :class:`ZaloError`, error-code tables, :func:`classify`, ``KIND_HELP``
* :mod:`.endpoints` - default base URLs and endpoint paths
* :mod:`.client`    - :class:`ZaloClient` (OA API, ZBS, uploads, media download)
* :mod:`.oauth`     - PKCE, permission URLs, :class:`OAuthClient`, :func:`graph_me`
* :mod:`.webhook`   - webhook event parsing (re-exports :mod:`.signature` and :mod:`.events`)
* :mod:`.signature` - webhook signature check and delivery headers
* :mod:`.events`    - typed webhook events and the event catalogue
* :mod:`.messages`  - message/template payload builders and validators
* :mod:`.phone`     - phone normalisation to ``84…``

Facts and conflict choices come from ``docs/zalo-api.md``; each module's
docstring names the ones it relies on. Inside this package only relative
imports are used, so it can also be loaded standalone (``tests/_loader.py``).
"""

from .client import UPLOAD_RULES
from .client import ZBS_UID_FALLBACK_ON_201
from .client import ZaloClient
from .client import compute_appsecret_proof
from .client import template_status_code
from .client import validate_upload
from .endpoints import DEFAULT_URLS
from .endpoints import is_loopback_host
from .endpoints import is_loopback_url
from .endpoints import join_url
from .endpoints import resolve_urls
from .errors import KIND_AUTH
from .errors import KIND_HELP
from .errors import KIND_NETWORK
from .errors import KIND_PARAM
from .errors import KIND_QUOTA
from .errors import KIND_RATE_LIMIT
from .errors import KIND_RECIPIENT
from .errors import KIND_SERVER
from .errors import KIND_TEMPLATE
from .errors import KIND_WINDOW
from .errors import KINDS
from .errors import OA_ERRORS
from .errors import OAUTH_ERRORS
from .errors import SOCIAL_ERRORS
from .errors import ZBS_ERRORS
from .errors import KindHelp
from .errors import ZaloError
from .errors import classify
from .messages import PARAM_TYPES
from .messages import TEMPLATE_STATUS
from .messages import TEMPLATE_STATUS_NAMES
from .messages import TEXT_MAX_LENGTH
from .messages import file_message
from .messages import gif_message
from .messages import image_message
from .messages import request_user_info_message
from .messages import split_text
from .messages import sticker_message
from .messages import template_create_body
from .messages import template_edit_body
from .messages import text_message
from .messages import validate_param_name
from .messages import validate_template_name
from .messages import zbs_phone_payload
from .messages import zbs_uid_payload
from .oauth import OAuthClient
from .oauth import TokenResponse
from .oauth import code_challenge
from .oauth import generate_code_verifier
from .oauth import generate_pkce
from .oauth import generate_state
from .oauth import graph_me
from .oauth import oa_authorization_url
from .oauth import parse_token_response
from .oauth import social_authorization_url
from .phone import InvalidPhoneError
from .phone import hash_phone
from .phone import is_valid_phone
from .phone import normalize_phone
from .transport import RateLimit
from .webhook import EVENT_NAMES
from .webhook import Attachment
from .webhook import FollowEvent
from .webhook import GroupEvent
from .webhook import MessageEvent
from .webhook import QuotaChangeEvent
from .webhook import ReactionEvent
from .webhook import ReceiptEvent
from .webhook import TagEvent
from .webhook import TemplateQualityEvent
from .webhook import TemplateStatusEvent
from .webhook import UnknownEvent
from .webhook import UserSubmitInfoEvent
from .webhook import WebhookParseError
from .webhook import ZaloEvent
from .webhook import compute_signature
from .webhook import event_key
from .webhook import parse_event
from .webhook import verify_request
from .webhook import verify_signature

__all__ = [
    "DEFAULT_URLS",
    "EVENT_NAMES",
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
    "PARAM_TYPES",
    "SOCIAL_ERRORS",
    "TEMPLATE_STATUS",
    "TEMPLATE_STATUS_NAMES",
    "TEXT_MAX_LENGTH",
    "UPLOAD_RULES",
    "ZBS_ERRORS",
    "ZBS_UID_FALLBACK_ON_201",
    "Attachment",
    "FollowEvent",
    "GroupEvent",
    "InvalidPhoneError",
    "KindHelp",
    "MessageEvent",
    "OAuthClient",
    "QuotaChangeEvent",
    "RateLimit",
    "ReactionEvent",
    "ReceiptEvent",
    "TagEvent",
    "TemplateQualityEvent",
    "TemplateStatusEvent",
    "TokenResponse",
    "UnknownEvent",
    "UserSubmitInfoEvent",
    "WebhookParseError",
    "ZaloClient",
    "ZaloError",
    "ZaloEvent",
    "classify",
    "code_challenge",
    "compute_appsecret_proof",
    "compute_signature",
    "event_key",
    "file_message",
    "generate_code_verifier",
    "generate_pkce",
    "generate_state",
    "gif_message",
    "graph_me",
    "hash_phone",
    "image_message",
    "is_loopback_host",
    "is_loopback_url",
    "is_valid_phone",
    "join_url",
    "normalize_phone",
    "oa_authorization_url",
    "parse_event",
    "parse_token_response",
    "request_user_info_message",
    "resolve_urls",
    "social_authorization_url",
    "split_text",
    "sticker_message",
    "template_create_body",
    "template_edit_body",
    "template_status_code",
    "text_message",
    "validate_param_name",
    "validate_template_name",
    "validate_upload",
    "verify_request",
    "verify_signature",
    "zbs_phone_payload",
    "zbs_uid_payload",
]
