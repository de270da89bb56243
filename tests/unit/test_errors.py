"""Error tables, classification and the ZaloError type."""

from __future__ import annotations

import pickle

import pytest
from zalo_oa_tools import errors
from zalo_oa_tools.errors import (
    KIND_AUTH,
    KIND_HELP,
    KIND_NETWORK,
    KIND_PARAM,
    KIND_QUOTA,
    KIND_RATE_LIMIT,
    KIND_RECIPIENT,
    KIND_SERVER,
    KIND_TEMPLATE,
    KIND_WINDOW,
    KINDS,
    OA_ERRORS,
    OAUTH_ERRORS,
    SOCIAL_ERRORS,
    ZBS_ERRORS,
    ZaloError,
    classify,
    coerce_code,
)

# Every code listed in docs/zalo-api.md §7.1 (OA), §1.4 (OAuth), §7.3 (ZBS), §5.3 (Social).
DOC_OA_CODES = [
    -32,
    -100,
    -200,
    -201,
    -204,
    -205,
    -209,
    -210,
    -211,
    -212,
    -213,
    -214,
    -216,
    -217,
    -218,
    -219,
    -220,
    -221,
    -223,
    -224,
    -227,
    -230,
    -232,
    -233,
    -234,
    -235,
    -237,
    -238,
    -241,
    -240,
    -242,
    -244,
    -248,
    -249,
    -320,
    -321,
    -403,
    -1340,
    -1341,
]
DOC_OAUTH_CODES = [-14002, -14003, -14020, -14012, -14024]
DOC_ZBS_CODES = [
    -100,
    -101,
    -102,
    -103,
    -104,
    -105,
    -106,
    -107,
    -108,
    -109,
    -1091,
    -110,
    -111,
    -112,
    -1121,
    -1122,
    -1123,
    -1124,
    -113,
    -1131,
    -114,
    -115,
    -116,
    -117,
    -118,
    -119,
    -120,
    -1201,
    -1202,
    -121,
    -122,
    -123,
    -124,
    -1241,
    -125,
    -126,
    -127,
    -128,
    -129,
    -130,
    -131,
    -132,
    -133,
    -134,
    -135,
    -1351,
    -136,
    -137,
    -138,
    -1381,
    -139,
    -140,
    -141,
    -142,
    -143,
    -144,
    -1441,
    -145,
    -146,
    -147,
    -1471,
    -1472,
    -148,
    -149,
    -1491,
    -150,
    -151,
    -152,
    -153,
    -158,
    -159,
    -160,
    -161,
    -162,
]
DOC_SOCIAL_CODES = [452, 210, 112, 100]


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        (OA_ERRORS, DOC_OA_CODES),
        (OAUTH_ERRORS, DOC_OAUTH_CODES),
        (ZBS_ERRORS, DOC_ZBS_CODES),
        (SOCIAL_ERRORS, DOC_SOCIAL_CODES),
    ],
)
def test_tables_cover_every_documented_code(table, codes):
    assert sorted(set(codes) - set(table)) == []


@pytest.mark.parametrize("table", [OA_ERRORS, OAUTH_ERRORS, ZBS_ERRORS, SOCIAL_ERRORS])
def test_table_rows_are_well_formed(table):
    for code, row in table.items():
        message, kind, retryable = row
        assert isinstance(code, int)
        assert message and isinstance(message, str)
        assert kind in KINDS, (code, kind)
        assert isinstance(retryable, bool)


# Guidance of the brief, one row per code family.
EXPECTED = [
    # (code, family, kind, retryable)
    (-216, "openapi", KIND_AUTH, False),
    (-220, "openapi", KIND_AUTH, False),
    (-124, "business", KIND_AUTH, False),
    (-1241, "business", KIND_AUTH, False),
    (-242, "openapi", KIND_AUTH, False),
    (-14020, "oauth", KIND_AUTH, False),
    (-230, "openapi", KIND_WINDOW, False),
    (-232, "openapi", KIND_WINDOW, False),
    (-32, "openapi", KIND_RATE_LIMIT, True),
    (-211, "openapi", KIND_QUOTA, False),
    (-218, "openapi", KIND_QUOTA, False),
    (-115, "business", KIND_QUOTA, False),
    (-144, "business", KIND_QUOTA, False),
    (-147, "business", KIND_QUOTA, False),
    (-1441, "business", KIND_QUOTA, False),
    (-1471, "business", KIND_QUOTA, False),
    (-1472, "business", KIND_QUOTA, False),
    (-126, "business", KIND_QUOTA, False),
    (-320, "openapi", KIND_QUOTA, False),
    (-321, "openapi", KIND_QUOTA, False),
    (-137, "business", KIND_QUOTA, False),
    (-213, "openapi", KIND_RECIPIENT, False),
    (-217, "openapi", KIND_RECIPIENT, False),
    (-227, "openapi", KIND_RECIPIENT, False),
    (-244, "openapi", KIND_RECIPIENT, False),
    (-118, "business", KIND_RECIPIENT, False),
    (-119, "business", KIND_RECIPIENT, False),
    (-114, "business", KIND_RECIPIENT, False),
    (-139, "business", KIND_RECIPIENT, False),
    (-140, "business", KIND_RECIPIENT, False),
    (-141, "business", KIND_RECIPIENT, False),
    (-108, "business", KIND_RECIPIENT, False),
    (-109, "business", KIND_TEMPLATE, False),
    (-131, "business", KIND_TEMPLATE, False),
    (-146, "business", KIND_TEMPLATE, False),
    (-1091, "business", KIND_TEMPLATE, False),
    (-117, "business", KIND_TEMPLATE, False),
    (-249, "openapi", KIND_TEMPLATE, False),
    (-112, "business", KIND_PARAM, False),
    (-1121, "business", KIND_PARAM, False),
    (-1122, "business", KIND_PARAM, False),
    (-1124, "business", KIND_PARAM, False),
    (-201, "openapi", KIND_PARAM, False),
    (-210, "openapi", KIND_PARAM, False),
    (-233, "openapi", KIND_PARAM, False),
    (-111, "business", KIND_PARAM, False),
    (-121, "business", KIND_PARAM, False),
    (-122, "business", KIND_PARAM, False),
    (-132, "business", KIND_PARAM, False),
    (-200, "openapi", KIND_SERVER, True),
]


@pytest.mark.parametrize(("code", "family", "kind", "retryable"), EXPECTED)
def test_classification_follows_the_kind_guidance(code, family, kind, retryable):
    err = classify(code, "", family)
    assert (err.kind, err.retryable, err.code, err.family) == (kind, retryable, code, family)


def test_minus_100_depends_on_the_family():
    oa = classify(-100, "", "openapi")
    zbs = classify(-100, "", "business")
    assert (oa.kind, oa.retryable, oa.message) == (KIND_PARAM, False, "attachment_id was expired")
    assert (zbs.kind, zbs.retryable, zbs.message) == (KIND_SERVER, True, "Unknown error, retry")


def test_code_from_another_table_is_still_recognised():
    # -124 is a ZBS code but live traffic shows it on openapi calls too.
    err = classify(-124, "Access token invalid", "openapi")
    assert err.kind == KIND_AUTH and err.is_token_error


def test_unknown_negative_code_is_server_not_retryable():
    err = classify(-99999, "Something new", "openapi")
    assert (err.kind, err.retryable, err.code) == (KIND_SERVER, False, -99999)
    assert str(err) == "Zalo error -99999: Something new"


def test_unknown_oauth_code_is_terminal_auth():
    err = classify(-14999, "", "oauth")
    assert (err.kind, err.retryable) == (KIND_AUTH, False)
    assert not err.is_token_error  # a refresh cannot fix a failed refresh


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (500, KIND_SERVER, True),
        (502, KIND_SERVER, True),
        (503, KIND_SERVER, True),
        (429, KIND_RATE_LIMIT, True),
        (408, KIND_NETWORK, True),
        (401, KIND_AUTH, False),
        (403, KIND_AUTH, False),
        (400, KIND_PARAM, False),
        (413, KIND_PARAM, False),
        (404, KIND_SERVER, False),
    ],
)
def test_http_status_classification(status, kind, retryable):
    err = classify(None, None, "openapi", status)
    assert (err.kind, err.retryable, err.http_status, err.code) == (kind, retryable, status, None)
    assert f"HTTP {status}" in str(err)


def test_known_code_wins_over_http_status():
    err = classify(-230, "", "openapi", 400)
    assert err.kind == KIND_WINDOW and err.http_status == 400


def test_social_codes_match_by_absolute_value():
    assert classify(452, "", "graph").kind == KIND_AUTH
    assert classify(-452, "", "graph").kind == KIND_AUTH
    assert classify(210, "", "graph").kind == KIND_RECIPIENT
    assert classify(452, "", "graph").is_token_error


def test_str_is_readable_and_uses_zalo_message():
    err = classify("-230", "User has not interacted with the OA in the past 7 days", "openapi")
    assert err.code == -230
    assert str(err) == "Zalo error -230: User has not interacted with the OA in the past 7 days"


def test_default_message_when_zalo_sends_none():
    assert classify(-213, None, "openapi").message == "User has not followed OA"
    assert classify(-213, "   ", "openapi").message == "User has not followed OA"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-216, -216),
        ("-216", -216),
        (" -32 ", -32),
        ("0", 0),
        (-5.0, -5),
        ("abc", None),
        (None, None),
        (True, None),
        ("", None),
        ("-", None),
        ("+7", 7),
    ],
)
def test_coerce_code(value, expected):
    assert coerce_code(value) == expected


def test_zalo_error_positional_design_signature():
    err = ZaloError(-230, "outside window", KIND_WINDOW, False)
    assert (err.code, err.message, err.kind, err.retryable) == (
        -230,
        "outside window",
        "window",
        False,
    )


def test_zalo_error_message_only_and_defaults():
    err = ZaloError("Something broke")
    assert err.code is None and err.message == "Something broke" and err.kind == KIND_SERVER
    assert str(err) == "Zalo error: Something broke"
    assert ZaloError(None, "x", KIND_NETWORK).retryable is True
    assert ZaloError(None, "x", KIND_RATE_LIMIT).retryable is True
    assert ZaloError(None, "x", KIND_SERVER).retryable is False
    assert ZaloError("-216", "").code == -216


def test_zalo_error_rejects_unknown_kind_and_bad_code():
    with pytest.raises(ValueError):
        ZaloError(-1, "x", "oops")
    with pytest.raises(ValueError):
        ZaloError(object(), "x")


def test_endpoint_never_keeps_a_query_string():
    err = ZaloError(-216, "x", KIND_AUTH, endpoint="/v3.0/oa/user/detail?data=%7B%7D#frag")
    assert err.endpoint == "/v3.0/oa/user/detail"


def test_zalo_error_pickles_with_all_attributes():
    err = classify(-1122, "Missing param", "business", endpoint="/message/template")
    err.details["error_name"] = "x"
    clone = pickle.loads(pickle.dumps(err))
    assert clone.to_dict() == err.to_dict()
    assert str(clone) == str(err)


def test_is_token_error_only_for_token_codes():
    assert classify(-216, "", "openapi").is_token_error
    assert classify(-220, "", "openapi").is_token_error
    assert not classify(-242, "", "openapi").is_token_error  # bad proof: refresh won't help
    assert not classify(-209, "", "openapi").is_token_error


def test_kind_help_covers_every_kind():
    assert set(KIND_HELP) == set(KINDS)
    for kind, help_ in KIND_HELP.items():
        label, explanation, action = help_
        assert label and explanation.endswith(".") and action.endswith("."), kind
    err = classify(-230, "", "openapi")
    assert err.help is KIND_HELP[KIND_WINDOW]
    assert "template" in err.help.action.lower()


def test_details_are_kept():
    err = classify(-14002, "", "oauth", details={"error_name": "Invalid appId"})
    assert err.to_dict()["details"] == {"error_name": "Invalid appId"}


def test_lookup_prefers_family_table():
    assert errors.lookup_code(-100, "openapi")[1] == KIND_PARAM
    assert errors.lookup_code(-100, "business")[1] == KIND_SERVER
    assert errors.lookup_code(-1, "openapi") is None
