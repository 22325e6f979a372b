"""The address plan: lab-safe, deterministic, unique, and loud when exhausted."""

from __future__ import annotations

import itertools
from ipaddress import IPv4Address, IPv4Network, IPv6Network

import pytest

from netlab.errors import TopologyError
from netlab.model import addressing as ap


def test_first_values() -> None:
    assert str(ap.loopback4(0)) == "198.18.0.1/32"
    assert str(ap.loopback6(0)) == "2001:db8::1/128"
    assert str(ap.link4(0)) == "198.18.64.0/31"
    assert str(ap.link6(1)) == "2001:db8:1::2/127"
    assert str(ap.site_prefix4(1, 10)) == "198.19.1.0/24"
    assert str(ap.site_prefix6(1, 10)) == "2001:db8:2:100::/56"
    assert str(ap.external_prefix4(0, 2)) == "192.0.2.0/24"
    assert str(ap.external_prefix4(1, 2)) == "198.51.100.0/24"
    assert str(ap.external_prefix6(1)) == "2001:db8:f001::/48"


def test_isis_net_from_loopback_digits() -> None:
    assert ap.system_id(IPv4Address("198.18.0.1")) == "1980.1800.0001"
    assert ap.isis_net(IPv4Address("198.18.0.1")) == "49.0001.1980.1800.0001.00"
    assert ap.isis_net(IPv4Address("198.18.1.44"), ap.isis_area(2)) == \
        "49.0003.1980.1800.1044.00"
    assert ap.isis_area(None) == 1


def test_links_continue_into_the_second_block() -> None:
    first_block = IPv4Network("198.18.64.0/18").num_addresses // 2
    assert str(ap.link4(first_block - 1)) == "198.18.127.254/31"
    assert str(ap.link4(first_block)) == "198.18.128.0/31"
    assert str(ap.link4(ap.max_links() - 1)) == "198.18.255.254/31"


@pytest.mark.parametrize(("total", "length"), [(1, 24), (256, 24), (257, 26), (1024, 26),
                                               (1025, 28), (4096, 28)])
def test_site_prefix_size_shrinks_with_count(total: int, length: int) -> None:
    nets = [ap.site_prefix4(i, total) for i in range(total)]
    assert {n.prefixlen for n in nets} == {length}
    assert all(n.subnet_of(ap.SITE_V4_SPACE) for n in nets)
    assert len(set(nets)) == total
    assert not any(a.overlaps(b) for a, b in itertools.pairwise(nets))


def test_external_prefixes_stay_in_test_nets() -> None:
    for total in (1, 3, 4, 16, 24, 40):
        nets = [ap.external_prefix4(i, total) for i in range(total)]
        assert all(ap.is_external_safe(n) for n in nets)
        assert len(set(nets)) == total
    v6 = [ap.external_prefix6(i) for i in range(50)]
    assert all(n.subnet_of(ap.EXTERNAL_V6_SPACE) for n in v6) and len(set(v6)) == 50


def test_everything_is_lab_safe_and_unique() -> None:
    n = 3000
    lo = [ap.loopback4(i) for i in range(n)]
    links = [ap.link4(i) for i in range(n)]
    assert len({x.ip for x in lo}) == n and len(set(links)) == n
    assert all(ap.is_infra_safe(x.ip) for x in lo)
    assert all(ap.is_infra_safe(x) for x in links)
    assert not {x.ip for x in lo} & {x for net in links for x in net}
    assert all(x.ip in ap.LOOPBACK_V4_SPACE for x in lo)
    v6 = [ap.link6(i) for i in range(n)]
    assert all(isinstance(x, IPv6Network) and ap.is_infra_safe(x) for x in v6)


def test_exhaustion_is_a_topology_error() -> None:
    with pytest.raises(TopologyError, match="address plan exhausted: router loopback"):
        ap.loopback4(IPv4Network("198.18.0.0/18").num_addresses)
    with pytest.raises(TopologyError, match="point-to-point link"):
        ap.link4(ap.max_links())
    with pytest.raises(TopologyError, match="site prefix"):
        ap.site_prefix4(0, 4097)
    with pytest.raises(TopologyError, match="ASN plan exhausted"):
        ap.dc_asn(435)
    with pytest.raises(ValueError, match=">= 0"):
        ap.loopback4(-1)


def test_asns() -> None:
    assert ap.asn_allowed(64496) and ap.asn_allowed(64511)
    assert ap.asn_allowed(65000) and ap.asn_allowed(65534)
    assert not ap.asn_allowed(64512) and not ap.asn_allowed(65535) and not ap.asn_allowed(1)
    assert ap.dc_asn(0) == 65100 and ap.dc_asn(434) == 65534
    assert ap.CLASSIC_ASN == 65000 and ap.EXPRESS_ASN == 65010
