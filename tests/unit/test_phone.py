"""Phone normalisation to Zalo's ``84…`` form (conflict C10 of docs/zalo-api.md)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from zalo_oa_tools.phone import InvalidPhoneError, hash_phone, is_valid_phone, normalize_phone


@pytest.mark.parametrize(
    "number",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "(091) 234-5678",
        "+84 912345678",
        "+84 (0) 912 345 678",
        "+84912345678",
        "84912345678",
        "912345678",
        "0084912345678",
        " 0912345678 ",
        912345678,
    ],
)
def test_vietnamese_mobile_forms(number):
    assert normalize_phone(number) == "84912345678"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (
            "0842345678",
            "84842345678",
        ),  # 084 prefix: bare "842345678" is national, not "+84 2345678"
        ("842345678", "84842345678"),
        ("0387654321", "84387654321"),  # Viettel 03x
        ("02838221234", "842838221234"),  # Ho Chi Minh City landline
        ("+84 28 3822 1234", "842838221234"),
    ],
)
def test_vietnamese_other_prefixes(number, expected):
    assert normalize_phone(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+65 8123 4567", "6581234567"),
        ("6581234567", "6581234567"),
        ("+1 (650) 253-0000", "16502530000"),
        ("0033 1 42 68 53 00", "33142685300"),
        ("+39 06 6982 1234", "390669821234"),  # Italian leading zero is kept
    ],
)
def test_foreign_numbers_keep_international_digits(number, expected):
    assert normalize_phone(number) == expected


def test_default_region_is_used_for_national_numbers():
    assert normalize_phone("8123 4567", default_region="SG") == "6581234567"


@pytest.mark.parametrize(
    "number",
    ["", "   ", None, "abc", "0912abc678", "12", "0", 0, True, "091234567890123", "+84 12"],
)
def test_invalid_numbers_raise_with_the_input_named(number):
    with pytest.raises(InvalidPhoneError) as info:
        normalize_phone(number)
    assert repr(number) in str(info.value)
    assert isinstance(info.value, ValueError)
    assert not is_valid_phone(number)


def test_strict_false_accepts_possible_numbers():
    # 0200... is not an allocated Vietnamese range but has a possible length.
    with pytest.raises(InvalidPhoneError):
        normalize_phone("0200 000 0000")
    assert normalize_phone("0200 000 0000", strict=False) == "842000000000"


def test_is_valid_phone():
    assert is_valid_phone("0912345678")
    assert not is_valid_phone("091234")


def test_hash_phone_is_sha256_of_normalised_number():
    expected = hashlib.sha256(b"84912345678").hexdigest()
    assert hash_phone("0912 345 678") == expected == hash_phone("+84912345678")


@given(st.from_regex(r"9[0-9]{8}", fullmatch=True))
def test_all_vn_forms_of_a_number_agree(national):
    try:
        expected = normalize_phone("0" + national)
    except InvalidPhoneError:
        return  # unallocated range: nothing to compare
    assert expected == "84" + national
    for form in (national, "84" + national, "+84" + national, "+84 " + national, "0084" + national):
        assert normalize_phone(form) == expected
