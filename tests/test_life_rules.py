import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.life import (
    NUM_RULES,
    RuleSet,
    RuleSyntaxError,
    format_rule,
    parse_rule,
    rule_index,
    table_from_index,
)


@given(st.integers(0, NUM_RULES - 1))
def test_text_round_trip(index):
    table = table_from_index(index)
    text = format_rule(table)
    assert np.array_equal(parse_rule(text), table)
    assert format_rule(parse_rule(text)) == text
    assert rule_index(table) == index


@pytest.mark.parametrize("text,canonical", [
    ("B3/S23", "B3/S23"), ("b3/s32", "B3/S23"), ("B/S", "B/S"), ("B2/S", "B2/S"),
    (" B36/S23 ", "B36/S23"), ("B8765/S0", "B5678/S0"),
])
def test_canonical_print(text, canonical):
    assert format_rule(parse_rule(text)) == canonical


@pytest.mark.parametrize("bad", ["B9/S", "X3/S2", "B3S23", "", "B3/S23/", "B33/S2", "S23/B3"])
def test_invalid_rule_text_names_text_and_format(bad):
    with pytest.raises(RuleSyntaxError) as err:
        parse_rule(bad)
    assert repr(bad) in str(err.value)
    assert "B<digits" in str(err.value)


def test_json_round_trip():
    rule = RuleSet.from_text("B36/S23")
    again = RuleSet.from_json(rule.to_json())
    assert again == rule and json.loads(rule.to_json())["rule"] == "B36/S23"
    assert RuleSet.from_index(rule.index) == rule
