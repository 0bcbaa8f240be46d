"""GB 32100-2015 统一社会信用代码 check character and helpers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssjlang.interpret.uscc import (
    ALPHABET,
    division_code,
    is_legacy_registration_number,
    is_valid_uscc,
    looks_like_uscc,
    uscc_check_char,
)


def test_published_example_is_valid() -> None:
    assert is_valid_uscc("91350100M000100Y43")
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_wrong_check_character() -> None:
    assert not is_valid_uscc("91350100M000100Y44")
    assert looks_like_uscc("91350100M000100Y44")


def test_alphabet_excludes_ambiguous_letters() -> None:
    assert len(ALPHABET) == 31
    for letter in "IOSVZ":
        assert letter not in ALPHABET
    assert not is_valid_uscc("91350100M000100I43")
    assert not looks_like_uscc("91350100M000100I43")


def test_lengths_and_case() -> None:
    assert not is_valid_uscc("")
    assert not is_valid_uscc("91350100M000100Y4")
    assert not is_valid_uscc("91350100M000100Y433")
    assert not is_valid_uscc("91350100m000100y43")  # must be canonical (upper case) already


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("9135")
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100Z4")


def test_division_code() -> None:
    assert division_code("91140502MA0K00000X") == "140502"
    assert division_code("91350100M000100Y43") == "350100"
    assert division_code("140502600012345") is None
    assert division_code("91ABCDEFMA0K00000X") is None


def test_legacy_registration_number() -> None:
    assert is_legacy_registration_number("140502600012345")
    assert not is_legacy_registration_number("14050260001234")
    assert not is_legacy_registration_number("14050260001234X")
    assert not is_legacy_registration_number("１４０５０２６０００１２３４５")  # full-width digits


body = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@settings(max_examples=200, deadline=None)
@given(body, st.integers(0, 16), st.integers(1, 30))
def test_every_single_substitution_is_detected(first17: str, position: int, shift: int) -> None:
    """Weights are non-zero mod 31 (a prime), so changing one character always changes the check."""
    code = first17 + uscc_check_char(first17)
    assert is_valid_uscc(code)
    changed = ALPHABET[(ALPHABET.index(code[position]) + shift) % 31]
    mutated = code[:position] + changed + code[position + 1:]
    assert not is_valid_uscc(mutated)
