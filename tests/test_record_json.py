"""The record's JSON writer is json.dumps(…, ensure_ascii=False, indent=2), byte for byte."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ssjlang.interpret.record import indented_json

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=30)


@settings(max_examples=120, deadline=None)
@given(value=values)
def test_indented_json_equals_json_dumps(value: object) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)
