"""Webhook MAC: SHA-256 of app_id + raw body + timestamp + secret (docs/zalo-api.md §2.3)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from zalo_oa_tools.webhook import (
    compute_signature,
    extract_timestamp,
    retry_count,
    verify_request,
    verify_signature,
)

APP_ID = "3608465248940903967"
OA_ID = "388613280878808645"
OA_SECRET = "oa-secret-KEY-abc"
APP_SECRET = "app-secret-KEY-xyz"
# Raw body exactly as Zalo sends it (spacing and key order matter, ids exceed 2^53).
RAW = (
    b'{"app_id":"3608465248940903967","sender":{"id":"2468458835296197922"},'
    b'"recipient":{"id":"388613280878808645"},"user_id_by_app":"552177279717587730",'
    b'"event_name":"user_send_text",'
    b'"message":{"text":"Xin ch\xc3\xa0o","msg_id":"e2a641af6661713b2874"},'
    b'"timestamp":"1717061839659"}'
)
TS = "1717061839659"


def _independent(first: str, secret: str, body: bytes = RAW, ts: str = TS) -> str:
    """Reference implementation written independently of the module."""
    return hashlib.sha256(first.encode() + body + ts.encode() + secret.encode()).hexdigest()


def test_compute_signature_matches_independent_sha256():
    assert compute_signature(APP_ID, RAW, TS, OA_SECRET) == _independent(APP_ID, OA_SECRET)


def test_known_vectors_computed_with_sha256sum():
    # printf '%s' '1{}2s' | sha256sum
    assert (
        compute_signature("1", b"{}", "2", "s")
        == "b4f82c4532052c7f37ed3c6bdaf0e2c83adb46816e9649f84022fe165b65a81b"
    )
    # printf '%s' '3608465248940903967{"event_name":"follow","timestamp":"1"}1oa-secret' | sha256sum
    body = b'{"event_name":"follow","timestamp":"1"}'
    expected = "772ab40cd1789448a8e2a552e220a0fdd79cfbdb046143dfcf9639b7a7419bee"
    assert compute_signature(APP_ID, body, "1", "oa-secret") == expected
    assert verify_signature(f"mac={expected}", body, APP_ID, None, ["oa-secret"]) == (
        "app_id+oa_secret"
    )


def test_str_and_bytes_body_are_equivalent_for_utf8():
    assert compute_signature(APP_ID, RAW.decode("utf-8"), TS, OA_SECRET) == compute_signature(
        APP_ID, RAW, TS, OA_SECRET
    )


def test_signature_is_not_hmac():
    mac = hmac.new(OA_SECRET.encode(), APP_ID.encode() + RAW + TS.encode(), hashlib.sha256)
    header = "mac=" + mac.hexdigest()
    assert verify_signature(header, RAW, APP_ID, TS, [OA_SECRET, APP_SECRET], [OA_ID]) is None


@pytest.mark.parametrize(
    ("first", "secret", "label"),
    [
        (APP_ID, OA_SECRET, "app_id+oa_secret"),
        (APP_ID, APP_SECRET, "app_id+app_secret"),  # C4 side B
        (OA_ID, OA_SECRET, "oa_id+oa_secret"),  # C5 side B
        (OA_ID, APP_SECRET, "oa_id+app_secret"),
    ],
)
def test_all_conflict_variants_are_accepted_and_labelled(first, secret, label):
    header = "mac=" + _independent(first, secret)
    assert verify_signature(header, RAW, APP_ID, TS, [OA_SECRET, APP_SECRET], [OA_ID]) == label


def test_bare_hex_and_uppercase_are_accepted():
    digest = _independent(APP_ID, OA_SECRET)
    assert verify_signature(digest, RAW, APP_ID, TS, [OA_SECRET]) == "app_id+oa_secret"
    assert verify_signature(" MAC=" + digest.upper(), RAW, APP_ID, TS, OA_SECRET) == (
        "app_id+oa_secret"
    )


def test_tampered_body_is_rejected():
    header = "mac=" + _independent(APP_ID, OA_SECRET)
    tampered = RAW.replace(b"Xin ch\xc3\xa0o", b"Xin chao")
    assert verify_signature(header, tampered, APP_ID, TS, [OA_SECRET, APP_SECRET], [OA_ID]) is None
    reserialised = json.dumps(json.loads(RAW)).encode()  # same JSON, other bytes
    assert verify_signature(header, reserialised, APP_ID, TS, [OA_SECRET]) is None


def test_tampered_timestamp_is_rejected():
    header = "mac=" + _independent(APP_ID, OA_SECRET)
    assert verify_signature(header, RAW, APP_ID, "1717061839660", [OA_SECRET], [OA_ID]) is None


def test_wrong_secret_or_id_is_rejected():
    header = "mac=" + _independent(APP_ID, "another-secret")
    assert verify_signature(header, RAW, APP_ID, TS, [OA_SECRET, APP_SECRET], [OA_ID]) is None
    header = "mac=" + _independent("999", OA_SECRET)
    assert verify_signature(header, RAW, APP_ID, TS, [OA_SECRET], [OA_ID]) is None


def test_oa_id_variant_needs_alt_ids():
    header = "mac=" + _independent(OA_ID, OA_SECRET)
    assert verify_signature(header, RAW, APP_ID, TS, [OA_SECRET]) is None


@pytest.mark.parametrize("header", [None, "", "mac=", "mac=zz", "mac=" + "a" * 63, "sha256=abc"])
def test_malformed_headers_are_rejected(header):
    assert verify_signature(header, RAW, APP_ID, TS, [OA_SECRET]) is None


def test_labelled_secrets_and_empty_values_are_skipped():
    header = "mac=" + _independent(APP_ID, APP_SECRET)
    secrets = {"oa_secret": "", "app_secret": APP_SECRET}
    assert verify_signature(header, RAW, APP_ID, TS, secrets) == "app_id+app_secret"
    pairs = [("primary", None), ("fallback", APP_SECRET)]
    assert verify_signature(header, RAW, APP_ID, TS, pairs) == "app_id+fallback"
    assert verify_signature(header, RAW, APP_ID, TS, []) is None


def test_timestamp_is_read_from_the_body_when_not_given():
    assert extract_timestamp(RAW) == TS
    header = "mac=" + _independent(APP_ID, OA_SECRET)
    assert verify_signature(header, RAW, APP_ID, None, [OA_SECRET]) == "app_id+oa_secret"
    assert verify_signature(header, b"not json", APP_ID, None, [OA_SECRET]) is None


def test_numeric_timestamp_in_body():
    body = b'{"event_name":"follow","timestamp":1717061839659}'
    header = _independent(APP_ID, OA_SECRET, body=body)
    assert verify_signature(header, body, APP_ID, None, OA_SECRET) == "app_id+oa_secret"


def test_verify_request_reads_header_case_insensitively():
    headers = {"x-zevent-signature": "mac=" + _independent(OA_ID, OA_SECRET), "num_retry": "2"}
    assert verify_request(headers, RAW, APP_ID, [OA_SECRET], [OA_ID]) == "oa_id+oa_secret"
    assert verify_request({}, RAW, APP_ID, [OA_SECRET]) is None


def test_verify_uses_constant_time_compare(monkeypatch):
    import zalo_oa_tools.signature as signature

    seen = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(signature.hmac, "compare_digest", spy)
    verify_signature(
        "mac=" + _independent(APP_ID, APP_SECRET), RAW, APP_ID, TS, [OA_SECRET, APP_SECRET]
    )
    assert len(seen) == 2  # oa secret tried first, then app secret


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"num_retry": "3"}, 3), ({"NUM_RETRY": "1"}, 1), ({}, 0), ({"num_retry": "x"}, 0), (None, 0)],
)
def test_retry_count(headers, expected):
    assert retry_count(headers) == expected


@pytest.mark.parametrize("unset", [False, None, "", "   ", b"", 0])
def test_every_variant_needs_a_real_secret(unset):
    """An unset secret (Odoo's ``False``, ``None``, blank) never signs anything: neither
    as an empty string nor as its text ("False", "None", "0")."""
    for text in ("", "False", "None", "   ", "0"):
        for first in (APP_ID, OA_ID):
            header = "mac=" + _independent(first, text)
            for secrets in (
                unset,
                [unset],
                [("oa_secret", unset), ("app_secret", unset)],
                {"oa_secret": unset, "app_secret": unset},
            ):
                assert verify_signature(header, RAW, APP_ID, TS, secrets, [OA_ID]) is None, (
                    text,
                    secrets,
                )


def test_a_real_secret_next_to_an_unset_one_still_works():
    header = "mac=" + _independent(OA_ID, APP_SECRET)
    secrets = [("oa_secret", False), ("app_secret", APP_SECRET)]
    assert verify_signature(header, RAW, APP_ID, TS, secrets, [OA_ID]) == "oa_id+app_secret"
