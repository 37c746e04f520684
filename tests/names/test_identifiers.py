"""Identifiers: Kazakh IIN/BIN (hand-written), and rigour's INN, OGRN, BIC, IMO, LEI."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError
from corridor.names.identifiers import (
    compare_identifiers,
    describe,
    kz_check_digit,
    parse_identifier,
)


def kinds(text: str) -> dict[str, bool]:
    return {i.kind: i.valid for i in parse_identifier(text)}


@pytest.mark.parametrize(
    ("text", "kind", "sentence"),
    [
        ("780312300126", "iin", "IIN 780312300126 is valid: a man born 1978-03-12."),
        ("850715400674", "iin", "IIN 850715400674 is valid: a woman born 1985-07-15."),
        (
            "220540012343",
            "bin",
            "BIN 220540012343 is valid: a resident legal entity (head office) registered 2022-05.",
        ),
        ("7707083893", "inn", "INN 7707083893 is valid: issued to a legal entity."),
        ("773407989940", "inn", "INN 773407989940 is valid: issued to an individual."),
        ("1027700132195", "ogrn", "OGRN 1027700132195 is valid: issued to a legal entity."),
        ("SABRRUMM", "bic", "SWIFT/BIC SABRRUMM is valid."),
        ("IMO 9273416", "imo", "IMO number IMO9273416 is valid."),
        ("5493001KJTIIGC8Y1R12", "lei", "LEI 5493001KJTIIGC8Y1R12 is valid."),
    ],
)
def test_valid_identifiers_are_recognised_and_explained(
    text: str, kind: str, sentence: str
) -> None:
    [found] = [i for i in parse_identifier(text) if i.kind == kind]
    assert found.valid
    assert describe(found) == sentence


def test_separators_are_ignored() -> None:
    assert kinds("7707-083 893") == {"inn": True}
    assert kinds("7803 1230 0126") == {"iin": True}


def test_wrong_check_digits_are_invalid_but_recognised_by_shape() -> None:
    assert kinds("780312300127") == {"iin": False, "bin": False, "inn": False}
    assert kinds("IMO 9273417") == {"imo": False}
    assert describe(parse_identifier("9273417", "imo")[0]) == (
        "IMO number 9273417 is not valid: wrong length, format or check digit."
    )


def test_iin_with_impossible_birth_date_is_invalid() -> None:
    # Month 13: whatever the check digit, no IIN is issued for it.
    first11 = "78131230012"
    check = kz_check_digit(first11)
    assert check is not None
    assert not parse_identifier(first11 + str(check), "iin")[0].valid


def test_second_weight_branch_of_the_kazakh_checksum() -> None:
    """Find 11 digits whose first weighted sum is 10 mod 11 and check the second weights."""
    for serial in range(10000):
        first11 = f"780312{serial:05d}"
        first = sum(int(d) * w for d, w in zip(first11, range(1, 12), strict=True)) % 11
        if first == 10:
            second = (
                sum(
                    int(d) * w
                    for d, w in zip(first11, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)
                )
                % 11
            )
            assert kz_check_digit(first11) == (None if second == 10 else second)
            return
    pytest.fail("no number reached the second weights")


def test_twelve_digits_can_be_several_things() -> None:
    found = kinds("780312300126")
    assert found["iin"] is True
    assert set(found) <= {"iin", "bin", "inn"}


def test_compare() -> None:
    a = parse_identifier("220540012343", "bin")[0]
    same = parse_identifier("2205 4001 2343", "bin")[0]
    other_digits = "22054001235"
    other = parse_identifier(other_digits + str(kz_check_digit(other_digits)), "bin")[0]
    assert compare_identifiers(a, same) == "same"
    assert other.valid and compare_identifiers(a, other) == "different"
    assert compare_identifiers(a, parse_identifier("7707083893", "inn")[0]) == "unrelated"
    assert compare_identifiers(a, parse_identifier("220540012344", "bin")[0]) == "unrelated"


def test_unknown_kind_is_a_user_error() -> None:
    with pytest.raises(CorridorError, match="identifier kind 'ssn' is unknown"):
        parse_identifier("123", "ssn")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_parse_never_raises(text: str) -> None:
    for identifier in parse_identifier(text):
        assert describe(identifier)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[0-9]{11}\Z"), st.integers(0, 11), st.integers(1, 9))
def test_one_changed_digit_breaks_a_valid_number(first11: str, position: int, delta: int) -> None:
    check = kz_check_digit(first11)
    if check is None:
        return  # no IIN/BIN is issued for these 11 digits
    number = first11 + str(check)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]

    def first_sum(digits: str) -> int:
        return sum(int(d) * w for d, w in zip(digits[:11], range(1, 12), strict=True)) % 11

    if 10 in (first_sum(number), first_sum(changed)):
        return  # the second-weight branch: the guarantee below is the first branch's
    if position == 10:
        # Weight 11 is 0 mod 11: the first weighting cannot see the 11th digit at all.
        assert first_sum(changed) == first_sum(number)
        return
    # Weights 1..10 are non-zero mod 11 (11 is prime): changing one of those digits, or
    # the check digit itself, moves the sum off the check digit.
    assert kz_check_digit(changed[:11]) != int(changed[11])
