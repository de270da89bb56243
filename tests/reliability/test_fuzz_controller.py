"""Fuzzing of the webhook controller on a running server (hypothesis).

Random and malformed bodies and headers, with no, wrong or valid signatures, posted to
``/zalo_oa/webhook``: the answer is never a 5xx, and nothing is stored unless the
signature is valid (checked against an independent SHA-256 of the request).
"""

from __future__ import annotations

import hashlib
import json

import harness as h
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CUSTOMERS = 2
APP_ID, OA_ID, SECRET = h.DEFAULT_APP_ID, h.DEFAULT_OA_ID, h.DEFAULT_OA_SECRET

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
ids = st.one_of(st.text(max_size=24), st.from_regex(r"\A[0-9]{15,19}\Z"), st.integers(), values)
names = st.one_of(
    st.sampled_from(
        [
            "user_send_text",
            "user_send_image",
            "oa_send_text",
            "follow",
            "unfollow",
            "user_received_message",
            "user_seen_message",
            "user_submit_info",
            "change_template_status",
            "anonymous_send_text",
            "user_send_group_text",
        ]
    ),
    st.text(max_size=20),
    values,
)
zalo_like = st.fixed_dictionaries(
    {
        "app_id": st.just(APP_ID) | ids,
        "event_name": names,
        "recipient": st.fixed_dictionaries({"id": st.just(OA_ID) | ids}) | values,
        "timestamp": st.from_regex(r"\A1[0-9]{12}\Z") | ids,
    },
    optional={
        "sender": st.fixed_dictionaries({"id": ids}) | values,
        "oa_id": st.just(OA_ID) | ids,
        "follower": st.fixed_dictionaries({"id": ids}),
        "user_id_by_app": ids,
        "message": st.fixed_dictionaries(
            {},
            optional={
                "msg_id": ids,
                "text": st.text(max_size=40) | values,
                "msg_ids": st.lists(ids, max_size=3) | values,
                "attachments": st.lists(
                    st.fixed_dictionaries(
                        {"type": st.text(max_size=8) | values},
                        optional={"payload": st.dictionaries(st.text(max_size=8), values)},
                    ),
                    max_size=2,
                )
                | values,
                "quote_msg_id": ids,
            },
        )
        | values,
        "info": st.dictionaries(st.text(max_size=8), values),
        "status": values,
    },
)
# Bodies the controller stores when signed: right app and OA, any content.
storable = st.fixed_dictionaries(
    {
        "app_id": st.just(APP_ID),
        "event_name": st.sampled_from(
            ["user_send_text", "user_send_image", "follow", "user_seen_message", "oa_send_text"]
        ),
        "recipient": st.just({"id": OA_ID}),
        "sender": st.fixed_dictionaries({"id": ids}),
        "timestamp": st.from_regex(r"\A1[0-9]{12}\Z") | ids,
        "message": st.fixed_dictionaries(
            {"msg_id": st.text(max_size=24) | ids, "text": st.text(max_size=40)},
            optional={"attachments": values, "msg_ids": st.lists(ids, max_size=3)},
        ),
    },
    optional={"user_id_by_app": ids, "follower": st.fixed_dictionaries({"id": ids})},
)
bodies = st.one_of(
    storable.map(lambda d: json.dumps(d, ensure_ascii=False).encode()),
    storable.map(lambda d: json.dumps(d).encode()),
    zalo_like.map(lambda d: json.dumps(d, ensure_ascii=False).encode()),
    zalo_like.map(lambda d: json.dumps(d, separators=(",", ":")).encode()),
    values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
SIG_MODES = [
    "none",
    "garbage",
    "random_hex",
    "valid",
    "valid",
    "valid",
    "valid_bare",
    "other_body",
    "other_secret",
]
extra_headers = st.dictionaries(
    st.sampled_from(["num_retry", "Content-Type", "X-ZEvent-Server", "X-Forwarded-For"]),
    st.one_of(
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ),
    max_size=3,
)


def _ts(raw):
    try:
        data = json.loads(raw)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return _as_signed_ts(data.get("timestamp"))


def _as_signed_ts(value):
    # What a signer puts in the MAC: the body's timestamp as a string (ids stay strings).
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _mac(first, raw, ts, secret):
    return hashlib.sha256(first.encode() + raw + ts.encode() + secret.encode()).hexdigest()


def test_controller_never_5xx_and_never_stores_unsigned(stack):
    seen = {"stored": 0, "examples": 0, "statuses": {}}

    def count():
        return stack.q("SELECT count(*) FROM zalo_event")[0][0]

    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        raw=bodies,
        mode=st.sampled_from(SIG_MODES),
        extra=extra_headers,
        rnd=st.binary(min_size=32, max_size=32),
    )
    def check(raw, mode, extra, rnd):
        ts = _ts(raw)
        headers = {"Content-Type": "application/json", **extra}
        if mode == "garbage":
            headers["X-ZEvent-Signature"] = "mac=" + rnd.hex()[:40] + "zz"
        elif mode == "random_hex":
            headers["X-ZEvent-Signature"] = "mac=" + hashlib.sha256(rnd).hexdigest()
        elif mode == "valid":
            headers["X-ZEvent-Signature"] = "mac=" + _mac(APP_ID, raw, ts, SECRET)
        elif mode == "valid_bare":
            headers["X-ZEvent-Signature"] = _mac(APP_ID, raw, ts, SECRET).upper()
        elif mode == "other_body":
            headers["X-ZEvent-Signature"] = "mac=" + _mac(APP_ID, raw + b" ", ts, SECRET)
        elif mode == "other_secret":
            headers["X-ZEvent-Signature"] = "mac=" + _mac(APP_ID, raw, ts, SECRET + "x")
        before = count()
        status, body, _dt = stack.post_zalo(raw, headers)
        after = count()
        seen["examples"] += 1
        seen["statuses"][status] = seen["statuses"].get(status, 0) + 1
        seen["stored"] += after - before
        assert status < 500, (status, body[:300], mode, raw[:300], extra)
        if mode not in ("valid", "valid_bare"):
            assert after == before, ("stored without a valid signature", mode, raw[:300])

    try:
        check()
    finally:
        print(f"\nfuzzed the controller: {seen}")
