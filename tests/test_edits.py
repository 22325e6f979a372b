"""Config edits by path: the language of scenario reference fixes."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface

import pytest

from netlab.errors import ScenarioError
from netlab.model.device import (
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    InterfaceConfig,
    IsisInterface,
    IsisProcess,
)
from netlab.model.types import Vendor
from netlab.scenario.edits import ConfigEdit, apply_edit, apply_edits

CFG = DeviceConfig(
    hostname="sea-bb1",
    vendor=Vendor.JUNOS,
    interfaces=(
        InterfaceConfig("lo0", ipv4=IPv4Interface("198.18.0.1/32"),
                        isis=IsisInterface(passive=True), loopback=True),
        InterfaceConfig("et-0/0/1", ipv4=IPv4Interface("198.18.64.0/31"), mtu=9000,
                        isis=IsisInterface(metric=30)),
    ),
    isis=IsisProcess(net="49.0001.1980.1800.0001.00", overload=True),
    bgp=BgpConfig(asn=65000, router_id=IPv4Address("198.18.0.1"), neighbors=(
        BgpNeighbor(IPv4Address("198.18.0.2"), 65001, update_source="lo0"),
        BgpNeighbor(IPv4Address("198.18.0.3"), 65000),
    )),
).normalized()


def edit(path: str, value: object = None, remove: bool = False) -> DeviceConfig:
    return apply_edit(CFG, ConfigEdit("sea-bb1", path, value, remove))


def test_scalar_fields_by_path() -> None:
    assert edit("isis.overload", False).isis.overload is False  # type: ignore[union-attr]
    assert edit("interfaces[et-0/0/1].isis.metric", 120).interface("et-0/0/1").isis == \
        IsisInterface(metric=120)
    assert edit("bgp.neighbors[198.18.0.2].remote_as", 65000).neighbor(
        IPv4Address("198.18.0.2")).remote_as == 65000


def test_nested_value_from_a_mapping_and_disable_with_null() -> None:
    cfg = edit("interfaces[et-0/0/1].isis", None)
    assert cfg.interface("et-0/0/1").isis is None
    back = apply_edit(cfg, ConfigEdit("sea-bb1", "interfaces[et-0/0/1].isis", {"metric": 30}))
    assert back == CFG


def test_remove_and_add_collection_elements() -> None:
    cfg = edit("bgp.neighbors[198.18.0.3]", remove=True)
    assert [str(n.address) for n in cfg.bgp.neighbors] == ["198.18.0.2"]  # type: ignore[union-attr]
    added = apply_edit(cfg, ConfigEdit("sea-bb1", "bgp.neighbors[198.18.0.3]",
                                       {"remote_as": 65000}))
    assert added == CFG


def test_values_are_converted_to_field_types() -> None:
    cfg = edit("interfaces[et-0/0/1].ipv4", "198.18.64.8/31")
    assert cfg.interface("et-0/0/1").ipv4 == IPv4Interface("198.18.64.8/31")
    assert edit("isis.level", "level-1-2").isis.level.value == "level-1-2"  # type: ignore[union-attr]


@pytest.mark.parametrize(("path", "value", "message"), [
    ("isis.foo", 1, "IsisProcess has no field 'foo'"),
    ("interfaces[xe-9/9/9].mtu", 1500, "no interfaces element 'xe-9/9/9'"),
    ("isis.overload", "yes", "expected true or false, got 'yes'"),
    ("interfaces[et-0/0/1].mtu", "big", "expected a whole number"),
    ("interfaces[et-0/0/1].ipv4", "198.18.64.300/31", "198.18.64.300/31"),
    ("isis.level", "level-3", "is not one of level-1, level-2, level-1-2"),
    ("isis..net", "x", "expected a field name"),
])
def test_bad_edits_name_the_problem(path: str, value: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(".", r"\.")):
        edit(path, value)


def test_unknown_router() -> None:
    with pytest.raises(ScenarioError, match="unknown router 'nope'"):
        apply_edits({"sea-bb1": CFG}, [ConfigEdit("nope", "isis.overload", False)])
