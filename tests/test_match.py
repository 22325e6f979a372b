"""The subset matcher used by scenario checks and grading."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address

from netlab.scenario.match import ABSENT, ANY, match, plain


class State(StrEnum):
    UP = "UP"
    DOWN = "DOWN"


@dataclass(frozen=True)
class Row:
    node: str
    state: State
    address: IPv4Address
    metric: int
    hops: tuple[str, ...]


ROW = Row("sea-bb1", State.UP, IPv4Address("198.18.0.1"), 30, ("a", "b", "c"))


def test_plain_turns_rows_into_json_data() -> None:
    assert plain(ROW) == {"node": "sea-bb1", "state": "UP", "address": "198.18.0.1",
                          "metric": 30, "hops": ["a", "b", "c"]}


def test_subset_of_keys_matches_and_a_wrong_value_is_named() -> None:
    row = plain(ROW)
    assert match(row, {"node": "sea-bb1", "state": "UP"}) is None
    assert match(row, {"state": "DOWN"}) == "state: expected 'DOWN', got 'UP'"
    assert match(row, {"vrf": "default"}) == "vrf: expected 'default', key is missing"


def test_absent_and_any_markers() -> None:
    row = {"a": 1, "b": None}
    assert match(row, {"b": ABSENT, "a": ANY}) is None
    assert match(row, {"a": ABSENT}) == "a: expected absent, got 1"
    assert match(row, {"b": ANY}) == "b: expected a value, got nothing"


def test_operators() -> None:
    assert match(95.5, {"gt": 90}) is None
    assert match(80, {"gt": 90}) == "value: expected gt 90, got 80"
    assert match(80, {"ge": 80, "le": 80}) is None
    assert match("ESTABLISHED", {"in": ["ESTABLISHED", "IDLE"]}) is None
    assert match("IDLE", {"not_in": ["IDLE"]}) is not None
    assert match(["x", "y"], {"contains": "y"}) is None
    assert match("198.18.0.1", {"regex": r"^198\.18\."}) is None
    assert match("up", {"gt": 1}) is not None  # ordering needs a number


def test_lists_unordered_and_ordered() -> None:
    hops = plain(ROW)["hops"]
    assert match(hops, ["c", "a"]) is None
    assert match(hops, ["d"]) is not None
    assert match(hops, {"ordered": ["a", "c"]}) is None
    assert match(hops, {"ordered": ["c", "a"]}) == "value[1]: no item matches 'a' in order"


def test_numbers_and_bools_are_not_confused() -> None:
    assert match(1, 1.0) is None
    assert match(True, 1) is not None
    assert match(1, True) is not None
    assert match(False, False) is None
