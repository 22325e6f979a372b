"""The public API of the show and packet-capture evidence modules, pinned."""

from __future__ import annotations

import doctest

import pytest

import netlab.evidence.hwaddr
import netlab.evidence.pcap
import netlab.evidence.show
import netlab.evidence.show.dispatch
import netlab.evidence.show.grammar
import netlab.evidence.show.text


def test_public_api() -> None:
    assert sorted(netlab.evidence.show.__all__) == [
        "PLATFORMS", "Platform", "commands", "platform", "prompt", "show"]
    assert sorted(netlab.evidence.pcap.__all__) == [
        "ALL_ISS", "capture", "four_byte_asn", "write_pcap"]
    assert sorted(netlab.evidence.hwaddr.__all__) == ["cisco_mac", "mac_address"]
    for module in (netlab.evidence.show, netlab.evidence.pcap, netlab.evidence.hwaddr):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


@pytest.mark.parametrize("module", [netlab.evidence.hwaddr, netlab.evidence.show.grammar,
                                    netlab.evidence.show.text,
                                    netlab.evidence.show.dispatch])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
