"""The inventory's integer-keyed lookups answer what the ``ipaddress`` objects would."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netlab.engines.base import IPAddress
from netlab.engines.embedded.inventory import Connected, Inventory, ipkey
from netlab.model.network import FailureState
from netlab.render.intent import device_configs
from netlab.snapshot.layout import Snapshot
from netlab.snapshot.writer import layer1_edges
from netlab.topology.files import load_network


@pytest.fixture(scope="module")
def inv() -> Inventory:
    network = load_network("express-small")
    configs = device_configs(network)
    return Inventory(Snapshot(Path("/inventory"), network, FailureState(), configs,
                              layer1_edges(network, configs)))


def _naive_connected(inv: Inventory, node: str, address: IPAddress) -> Connected | None:
    best = None
    for c in inv.connected.get(node, ()):
        if (c.network.version == address.version and address in c.network
                and (best is None or c.network.prefixlen > best.network.prefixlen)):
            best = c
    return best


def test_ipkey_is_equality_and_carries_the_family() -> None:
    v4, v6 = IPv4Address("198.18.0.1"), IPv6Address("::c612:1")  # same low bits
    assert ipkey(v4) != ipkey(v6)
    assert ipkey(v4) >> 129 == 0 and ipkey(v6) >> 129 == 1
    assert ipkey(IPv4Address("198.18.0.1")) == ipkey(v4)


def test_every_address_finds_its_owner_and_its_subnet(inv: Inventory) -> None:
    checked = 0
    for (node, name), itf in inv.interfaces.items():
        for addr in (itf.ipv4, itf.ipv6):
            if addr is None:
                continue
            assert inv.owner(addr.ip) == (node, name)
            assert inv.interface_address((node, name), addr.version) == addr.ip
            for other in inv.names[:40]:
                assert inv.connected_to(other, addr.ip) == _naive_connected(inv, other, addr.ip)
            checked += 1
    assert checked > 100


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_connected_to_matches_the_subnet_test(inv: Inventory, data: st.DataObject) -> None:
    node = data.draw(st.sampled_from(inv.names))
    subnets = inv.connected.get(node, ())
    if subnets and data.draw(st.booleans()):  # near one of its subnets, often inside
        c = data.draw(st.sampled_from(subnets))
        bits = c.network.max_prefixlen
        spread = min(bits - c.network.prefixlen + 1, 16)  # half inside, half just outside
        n = int(c.network.network_address) ^ data.draw(st.integers(0, (1 << spread) - 1))
        address: IPAddress = ip_address(n) if bits == 32 else IPv6Address(n)
    else:
        address = data.draw(st.one_of(st.integers(0, 2**32 - 1).map(IPv4Address),
                                      st.integers(0, 2**128 - 1).map(IPv6Address)))
    assert inv.connected_to(node, address) == _naive_connected(inv, node, address)
