"""统一社会信用代码 (unified social credit code, GB 32100-2015) validation.

An 18-character code: 1 registration-authority code, 1 organisation-type code, 6 administrative
division (行政区划码, 晋城市城区 = 140502), 9 organisation code (组织机构代码), 1 check character.
Individual businesses registered before the reform may still carry a legacy 15-digit 注册号.
"""

from __future__ import annotations

import operator

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of GB 32100 (no I, O, S, V, Z)."""

WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# One dict per position: character → value × weight mod 31, so a check is 17 C-level lookups
# (intake validates every id of a registry that may hold millions of rows).
_POSITION_TABLES: tuple[dict[str, int], ...] = tuple(
    {c: (i * w) % 31 for i, c in enumerate(ALPHABET)} for w in WEIGHTS
)
_ALPHABET_SET = frozenset(ALPHABET)


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17: alphabet[(31 − Σ v·w mod 31) mod 31].

    Raises ValueError when `first17` is not 17 characters of the GB 32100 alphabet.
    """
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    try:
        total = sum(map(operator.getitem, _POSITION_TABLES, first17))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not in the GB 32100 alphabet") from None
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character code of the GB 32100 alphabet with a correct check character.

    The code must already be canonical (upper case, no spaces): see `canonical.canonical_id`.
    """
    if len(code) != 18:
        return False
    try:
        total = sum(map(operator.getitem, _POSITION_TABLES, code))
    except KeyError:
        return False
    return ALPHABET[(31 - total % 31) % 31] == code[17]


def looks_like_uscc(code: str) -> bool:
    """18 characters of the alphabet, whatever the check character: a USCC with a typo, not junk."""
    return len(code) == 18 and _ALPHABET_SET.issuperset(code)


def division_code(code: str) -> str | None:
    """Characters 3–8, the administrative division (e.g. "140502"), or None if not an 18-char code."""
    if len(code) != 18:
        return None
    division = code[2:8]
    return division if division.isascii() and division.isdigit() else None


def is_legacy_registration_number(code: str) -> bool:
    """A pre-2015 工商注册号: exactly 15 ASCII digits."""
    return len(code) == 15 and code.isascii() and code.isdigit()
