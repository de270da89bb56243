"""Property-based fuzzing of the pure webhook layer: signature check and event parser.

What the webhook controller relies on, for any bytes and any headers an attacker (or a
confused proxy) can send:

* the signature check never raises and accepts a body only with the exact MAC of one of
  the configured (id, secret) pairs over that very body and timestamp;
* the parser never raises anything but ``WebhookParseError`` and turns every JSON object
  into a typed event with a stable, hashable deduplication key;
* the helpers the controller calls on raw headers never raise.

The controller itself is fuzzed against a running server in
``tests/reliability/test_fuzz_controller.py``. Budget: well under 20 s in total.
"""

from __future__ import annotations

import hashlib
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from zalo_oa_tools.webhook import (
    EVENT_NAMES,
    SIGNATURE_HEADER,
    MessageEvent,
    WebhookParseError,
    ZaloEvent,
    compute_signature,
    event_key,
    extract_timestamp,
    parse_event,
    retry_count,
    verify_request,
    verify_signature,
)

APP_ID = "3608465248940903967"
OA_ID = "388613280878808645"
SECRETS = [("oa_secret", "oa-secret-KEY-abc"), ("app_secret", "app-secret-KEY-xyz")]

FUZZ = settings(
    max_examples=75,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# ----------------------------------------------------------------- strategies

ids = st.one_of(
    st.text(min_size=0, max_size=25),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.from_regex(r"\A[0-9]{15,20}\Z"),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=12), inner, max_size=4),
    ),
    max_leaves=8,
)
known_names = st.sampled_from(sorted(EVENT_NAMES))
event_names = st.one_of(
    known_names,
    st.text(max_size=30),
    st.builds(
        lambda p, s: p + s,
        st.sampled_from(["user_send_", "oa_send_", "anonymous_send_"]),
        st.text(max_size=10),
    ),
    json_values,
)
# Payloads shaped like Zalo's, every field possibly of the wrong type.
zalo_like = st.fixed_dictionaries(
    {"event_name": event_names},
    optional={
        "app_id": ids | json_values,
        "oa_id": ids | json_values,
        "timestamp": ids | json_values,
        "user_id_by_app": ids | json_values,
        "sender": st.fixed_dictionaries({}, optional={"id": ids | json_values}) | json_values,
        "recipient": st.fixed_dictionaries({}, optional={"id": ids | json_values}) | json_values,
        "follower": st.fixed_dictionaries({}, optional={"id": ids | json_values}) | json_values,
        "message": st.fixed_dictionaries(
            {},
            optional={
                "msg_id": ids | json_values,
                "msg_ids": st.lists(ids | json_values, max_size=3) | json_values,
                "text": st.text(max_size=40) | json_values,
                "quote_msg_id": ids | json_values,
                "attachments": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "type": st.text(max_size=10) | json_values,
                            "payload": st.dictionaries(st.text(max_size=12), json_values)
                            | json_values,
                        },
                    )
                    | json_values,
                    max_size=3,
                )
                | json_values,
                "delivery_time": ids | json_values,
                "tracking_id": ids | json_values,
                "info": st.dictionaries(st.text(max_size=8), json_values) | json_values,
            },
        )
        | json_values,
        "info": st.dictionaries(st.text(max_size=8), json_values) | json_values,
        "status": st.dictionaries(st.text(max_size=12), json_values) | json_values,
        "template_id": ids | json_values,
        "tag": st.dictionaries(st.text(max_size=8), json_values) | json_values,
        "quota": st.dictionaries(st.text(max_size=12), json_values) | json_values,
        "group_id": ids | json_values,
    },
)
any_object = st.one_of(zalo_like, st.dictionaries(st.text(max_size=12), json_values))
header_values = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.from_regex(r"\A(mac=)?[0-9a-fA-F]{60,68}\Z"),
    st.builds(lambda h: "mac=" + h, st.from_regex(r"\A[0-9a-f]{64}\Z")),
)


def dumps(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signed(payload, first=APP_ID, secret=SECRETS[0][1]):
    raw = dumps(payload)
    ts = extract_timestamp(raw)
    return raw, "mac=" + compute_signature(first, raw, ts, secret)


def _reference_macs(raw, ts, first_ids, secrets):
    return {
        hashlib.sha256(str(i).encode() + raw + str(ts).encode() + s.encode()).hexdigest()
        for i in first_ids
        for s in secrets
    }


# -------------------------------------------------------------------- signature


@FUZZ
@given(header=header_values, raw=st.binary(max_size=300), ts=st.none() | st.text(max_size=20))
def test_signature_check_never_raises_and_only_accepts_real_macs(header, raw, ts):
    result = verify_signature(header, raw, APP_ID, ts, SECRETS, [OA_ID])
    if result is None:
        return
    used_ts = ts if ts is not None else extract_timestamp(raw)
    provided = header.strip().lower().removeprefix("mac=").strip()
    assert provided in _reference_macs(raw, used_ts, [APP_ID, OA_ID], [s for _l, s in SECRETS])


timestamps = st.one_of(st.from_regex(r"\A[0-9]{13}\Z"), st.integers(0, 2**53), st.text(min_size=1))


@FUZZ
@given(payload=any_object, ts=timestamps, data=st.data())
def test_any_change_to_a_signed_body_is_rejected(payload, ts, data):
    raw, header = signed({**payload, "timestamp": ts})
    assume(extract_timestamp(raw) is not None)
    assert verify_signature(header, raw, APP_ID, None, SECRETS) == "app_id+oa_secret"
    index = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    flip = data.draw(st.integers(min_value=1, max_value=255))
    tampered = raw[:index] + bytes([raw[index] ^ flip]) + raw[index + 1 :]
    ts = extract_timestamp(tampered)
    # The signed timestamp is the body's: a changed body never verifies (unless the change
    # produced the same bytes, impossible with a non-zero xor).
    assert verify_signature(header, tampered, APP_ID, ts, SECRETS, [OA_ID]) is None


@FUZZ
@given(
    payload=any_object,
    ts=timestamps,
    wrong=st.text(min_size=1, max_size=30).filter(lambda s: s not in dict(SECRETS).values()),
)
def test_a_signature_made_with_another_secret_is_rejected(payload, ts, wrong):
    raw, header = signed({**payload, "timestamp": ts}, secret=wrong)
    assume(wrong.strip() and extract_timestamp(raw) is not None)
    assert verify_signature(header, raw, APP_ID, None, SECRETS, [OA_ID]) is None


@FUZZ
@given(
    headers=st.dictionaries(
        st.text(max_size=20) | st.sampled_from([SIGNATURE_HEADER, "num_retry", "NUM_RETRY"]),
        st.text(max_size=40),
        max_size=5,
    ),
    raw=st.binary(max_size=200),
)
def test_header_helpers_never_raise(headers, raw):
    assert verify_request(headers, raw, APP_ID, SECRETS, [OA_ID]) in (
        None,
        "app_id+oa_secret",
        "app_id+app_secret",
        "oa_id+oa_secret",
        "oa_id+app_secret",
    )
    count = retry_count(headers)
    assert isinstance(count, int)
    assert count >= 0


# ----------------------------------------------------------------------- parser


@FUZZ
@given(raw=st.binary(max_size=300))
def test_parser_on_random_bytes_raises_only_parse_error(raw):
    try:
        event = parse_event(raw)
    except WebhookParseError:
        return
    assert isinstance(event, ZaloEvent)


@FUZZ
@given(value=json_values)
def test_parser_rejects_every_non_object_cleanly(value):
    raw = dumps(value)
    if isinstance(value, dict):
        assert isinstance(parse_event(raw), ZaloEvent)
    else:
        try:
            parse_event(raw)
        except WebhookParseError:
            return
        raise AssertionError("a JSON value that is not an object was accepted")


@FUZZ
@given(payload=any_object)
def test_every_json_object_becomes_a_typed_event_with_a_stable_key(payload):
    raw = dumps(payload)
    event = parse_event(raw)
    assert isinstance(event, ZaloEvent)
    assert isinstance(event.event_name, str)
    for attr in ("app_id", "oa_id", "timestamp", "user_id", "user_id_by_app", "msg_id"):
        value = getattr(event, attr)
        assert value is None or isinstance(value, str), (attr, value)
    key = event_key(event)
    assert isinstance(key, str) and key
    # Zalo retries deliver the very same bytes: same key. Re-parsing is deterministic.
    assert event_key(parse_event(raw)) == key
    assert event_key(parse_event(payload)) == key
    if isinstance(event, MessageEvent):
        assert event.direction in ("inbound", "outbound")
        assert all(isinstance(a.payload, dict) for a in event.attachments)
    event.category
    event.event_time
    event.is_interaction


@FUZZ
@given(payload=any_object, noise=st.sampled_from([" ", "\n", "\t"]))
def test_key_ignores_formatting_of_the_same_event(payload, noise):
    compact = dumps(payload)
    spaced = json.dumps(payload, ensure_ascii=True, indent=1).replace("\n", noise).encode()
    assert event_key(parse_event(compact)) == event_key(parse_event(spaced))


@FUZZ
@given(
    text=st.text(max_size=60),
    msg_id=st.text(min_size=1, max_size=40).filter(lambda s: s.strip()),
    other=st.text(min_size=1, max_size=40).filter(lambda s: s.strip()),
)
def test_distinct_messages_get_distinct_keys(text, msg_id, other):
    assume(msg_id.strip() != other.strip())
    base = {
        "app_id": APP_ID,
        "event_name": "user_send_text",
        "sender": {"id": "1"},
        "recipient": {"id": OA_ID},
        "timestamp": "1717061839659",
    }
    one = parse_event({**base, "message": {"text": text, "msg_id": msg_id}})
    two = parse_event({**base, "message": {"text": text, "msg_id": other}})
    assert event_key(one) != event_key(two)
