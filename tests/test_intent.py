"""Intent invariants: what device_configs() promises for every network it is given.

Checked on every shipped topology and on two small hand-written networks
(:data:`CLASSIC_YAML`, :data:`EXPRESS_YAML`) that other test modules reuse.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

import pytest

from netlab.errors import RenderError
from netlab.model.device import Action, DeviceConfig
from netlab.model.naming import interface_name, loopback_name
from netlab.model.network import Network
from netlab.model.types import Backbone, LinkKind, PeerKind, Role, Vendor
from netlab.render.intent import (
    INTERNAL_MTU,
    LOCAL_PREFERENCE,
    PEERING_MTU,
    device_config,
    device_configs,
    isis_domain,
    with_vendor,
)
from netlab.topology.files import list_topologies, load_network

CLASSIC_YAML = """\
name: tiny-classic
backbone: classic
sites:
  - {name: ams, kind: pop, city: Amsterdam, lat: 52.37, lon: 4.90}
  - {name: fra, kind: pop, city: Frankfurt, lat: 50.11, lon: 8.68}
  - {name: odn, kind: dc, city: Odense, lat: 55.40, lon: 10.40}
routers:
  - {name: bb1-ams, role: bb, site: ams, route_reflector: true}
  - {name: bb2-ams, role: bb, site: ams, route_reflector: true}
  - {name: bb1-fra, role: bb, site: fra}
  - {name: bb1-odn, role: bb, site: odn}
  - {name: pr1-ams, role: pr, site: ams}
  - {name: pr1-fra, role: pr, site: fra}
  - {name: dr1-odn, role: dr, site: odn}
  - {name: transit1-ams, role: peer, site: ams, network: transit1}
  - {name: peer1-fra, role: peer, site: fra, network: peer1}
external_networks:
  - {name: transit1, asn: 64500, kind: transit}
  - {name: peer1, asn: 64501, kind: peer}
links:
  - {a: bb1-ams, b: bb2-ams}
  - {a: bb1-ams, b: bb1-fra, srlgs: [ams-fra]}
  - {a: bb2-ams, b: bb1-fra, srlgs: [ams-fra]}
  - {a: bb1-ams, b: bb1-odn}
  - {a: bb1-fra, b: bb1-odn}
  - {a: pr1-ams, b: bb1-ams}
  - {a: pr1-ams, b: bb2-ams}
  - {a: pr1-fra, b: bb1-fra}
  - {a: dr1-odn, b: bb1-odn}
  - {a: pr1-ams, b: transit1-ams}
  - {a: pr1-fra, b: peer1-fra}
"""

EXPRESS_YAML = """\
name: tiny-express
backbone: express
planes: 2
sites:
  - {name: dc1, kind: dc, city: A, lat: 52.37, lon: 4.90}
  - {name: dc2, kind: dc, city: B, lat: 50.11, lon: 8.68}
  - {name: dc3, kind: dc, city: C, lat: 55.40, lon: 10.40}
routers:
  - {name: ebb0-dc1, role: ebb, site: dc1, plane: 0}
  - {name: ebb0-dc2, role: ebb, site: dc2, plane: 0}
  - {name: ebb0-dc3, role: ebb, site: dc3, plane: 0}
  - {name: ebb1-dc1, role: ebb, site: dc1, plane: 1}
  - {name: ebb1-dc2, role: ebb, site: dc2, plane: 1}
  - {name: ebb1-dc3, role: ebb, site: dc3, plane: 1}
  - {name: dr1-dc1, role: dr, site: dc1}
  - {name: dr1-dc2, role: dr, site: dc2}
  - {name: dr1-dc3, role: dr, site: dc3}
links:
  - {a: ebb0-dc1, b: ebb0-dc2, srlgs: [c12]}
  - {a: ebb0-dc2, b: ebb0-dc3, srlgs: [c23]}
  - {a: ebb0-dc3, b: ebb0-dc1, srlgs: [c31]}
  - {a: ebb1-dc1, b: ebb1-dc2, srlgs: [c12]}
  - {a: ebb1-dc2, b: ebb1-dc3, srlgs: [c23]}
  - {a: ebb1-dc3, b: ebb1-dc1, srlgs: [c31]}
  - {a: dr1-dc1, b: ebb0-dc1}
  - {a: dr1-dc1, b: ebb1-dc1}
  - {a: dr1-dc2, b: ebb0-dc2}
  - {a: dr1-dc2, b: ebb1-dc2}
  - {a: dr1-dc3, b: ebb0-dc3}
  - {a: dr1-dc3, b: ebb1-dc3}
"""

TINY = {"tiny-classic": CLASSIC_YAML, "tiny-express": EXPRESS_YAML}


def tiny_network(name: str, tmp: Path) -> Network:
    """One of the hand-written test networks, loaded through the topology file reader."""
    path = tmp / f"{name}.yaml"
    path.write_text(TINY[name], encoding="utf-8")
    return load_network(path)


SHIPPED = sorted(list_topologies())
ALL = [*TINY, *SHIPPED]


@pytest.fixture(scope="module", params=ALL)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Network, dict[str, DeviceConfig]]:
    name: str = request.param
    net = tiny_network(name, tmp_path_factory.mktemp(name)) if name in TINY else \
        load_network(name)
    return net, device_configs(net)


def _owner_of(configs: dict[str, DeviceConfig]) -> dict[object, tuple[str, str]]:
    out: dict[object, tuple[str, str]] = {}
    for host, cfg in configs.items():
        for itf in cfg.interfaces:
            for addr in (itf.ipv4, itf.ipv6):
                if addr is not None:
                    out[addr.ip] = (host, itf.name)
    return out


def test_every_router_gets_a_normalized_config(built: tuple[Network, dict[str, DeviceConfig]]
                                               ) -> None:
    net, configs = built
    assert sorted(configs) == sorted(net.routers)
    for host, cfg in configs.items():
        assert cfg == cfg.normalized()
        assert cfg.hostname == host
        assert cfg.vendor is net.routers[host].vendor
        lo = cfg.loopback()
        assert lo is not None and lo.name == loopback_name(cfg.vendor)
        assert lo.ipv4 == net.routers[host].loopback4
        assert lo.ipv6 == net.routers[host].loopback6


def test_every_link_has_two_matching_interfaces(built: tuple[Network, dict[str, DeviceConfig]]
                                                ) -> None:
    net, configs = built
    for link in net.links.values():
        a = configs[link.a.router].interface(net.interface_of(link, link.a.router))
        b = configs[link.b.router].interface(net.interface_of(link, link.b.router))
        assert a.ipv4 is not None and b.ipv4 is not None and a.ipv6 and b.ipv6
        assert a.ipv4.network == b.ipv4.network == link.ipv4
        assert a.ipv4.network.prefixlen == 31 and a.ipv4.ip != b.ipv4.ip
        assert a.ipv6.network == b.ipv6.network == link.ipv6 and a.ipv6.ip != b.ipv6.ip
        assert a.description == f"to {link.b.router} {b.name} [{link.id}]"
        assert b.description == f"to {link.a.router} {a.name} [{link.id}]"
        assert a.mtu == b.mtu == (PEERING_MTU if link.kind is LinkKind.PEERING else INTERNAL_MTU)
        if link.kind is LinkKind.PEERING:
            assert a.isis is None and b.isis is None
        if (a.isis is None) != (b.isis is None):
            pytest.fail(f"IS-IS on one end only of {link.id}")
        if a.isis is not None and b.isis is not None:
            assert a.isis.metric == b.isis.metric == link.metric
            assert a.isis.point_to_point and not a.isis.passive and not b.isis.passive
        assert a.mpls == b.mpls


def test_isis_runs_inside_each_domain(built: tuple[Network, dict[str, DeviceConfig]]) -> None:
    net, configs = built
    for host, cfg in configs.items():
        router = net.routers[host]
        domain = isis_domain(net, router)
        assert (cfg.isis is not None) == (domain is not None)
        if cfg.isis is not None:
            assert cfg.isis.net == router.net and cfg.isis.wide_metrics
            assert cfg.isis.level.value == "level-2"
        for link in net.links_of(host):
            peer = net.routers[link.other(host).router]
            itf = cfg.interface(net.interface_of(link, host))
            same = domain is not None and domain == isis_domain(net, peer)
            assert (itf.isis is not None) == same, f"{host} {itf.name}"
            core = {router.role, peer.role} <= {Role.BB, Role.EBB}
            assert itf.mpls == (same and core)
        assert cfg.mpls_ldp == any(i.mpls for i in cfg.interfaces)


def test_ibgp_sessions_are_on_loopbacks_and_configured_on_both_sides(
        built: tuple[Network, dict[str, DeviceConfig]]) -> None:
    net, configs = built
    loopbacks = {}
    for r in net.routers.values():
        loopbacks[r.loopback4.ip] = r.name
        loopbacks[r.loopback6.ip] = r.name
    for host, cfg in configs.items():
        if cfg.bgp is None:
            continue
        me = net.routers[host]
        assert cfg.bgp.asn == me.asn and cfg.bgp.router_id == me.loopback4.ip
        for nb in cfg.bgp.neighbors:
            if nb.remote_as != cfg.bgp.asn:
                continue
            other = loopbacks.get(nb.address)
            assert other is not None, f"{host}: iBGP neighbor {nb.address} is no loopback"
            assert nb.update_source == loopback_name(cfg.vendor)
            assert isis_domain(net, net.routers[other]) == isis_domain(net, me)
            mine = me.loopback4.ip if isinstance(nb.address, IPv4Address) else me.loopback6.ip
            back = configs[other].neighbor(mine)
            assert back.remote_as == me.asn
            assert back.route_reflector_client is False or nb.route_reflector_client is False


def test_ebgp_sessions_match_on_both_sides(built: tuple[Network, dict[str, DeviceConfig]]
                                           ) -> None:
    net, configs = built
    owners = _owner_of(configs)
    for host, cfg in configs.items():
        if cfg.bgp is None:
            continue
        for nb in cfg.bgp.neighbors:
            if nb.remote_as == cfg.bgp.asn:
                continue
            other, _ = owners[nb.address]
            assert net.routers[other].asn == nb.remote_as
            mine = next(addr.ip for i in cfg.interfaces for addr in (i.ipv4, i.ipv6)
                        if addr is not None and not i.loopback
                        and addr.network == ip_address_network(nb.address, configs[other]))
            back = configs[other].neighbor(mine)
            assert back.remote_as == cfg.bgp.asn
            assert back.password == nb.password
            assert nb.update_source is None
            for name in (nb.import_policy, nb.export_policy):
                assert name is not None, f"{host} {nb.address}: eBGP without a policy"
                assert any(p.name == name for p in cfg.route_policies)


def ip_address_network(address: IPv4Address | IPv6Address, cfg: DeviceConfig) -> object:
    """The connected network of ``cfg`` that holds ``address``."""
    for itf in cfg.interfaces:
        for addr in (itf.ipv4, itf.ipv6):
            if addr is not None and addr.ip == address:
                return addr.network
    raise AssertionError(f"{cfg.hostname} has no interface with {address}")


def test_route_reflection_is_consistent(built: tuple[Network, dict[str, DeviceConfig]]) -> None:
    net, configs = built
    domains: dict[str, list[str]] = defaultdict(list)
    for r in net.routers.values():
        if (d := isis_domain(net, r)) is not None:
            domains[d].append(r.name)
    for members in domains.values():
        rrs = [m for m in members if net.routers[m].route_reflector]
        for m in members:
            cfg = configs[m]
            assert cfg.bgp is not None
            ibgp = {nb.address: nb for nb in cfg.bgp.neighbors if nb.remote_as == cfg.bgp.asn}
            expect = [p for p in members if p != m] if not rrs or m in rrs else rrs
            for p in expect:
                pr = net.routers[p]
                for addr in (pr.loopback4.ip, pr.loopback6.ip):
                    nb = ibgp[addr]
                    assert nb.route_reflector_client == (m in rrs and p not in rrs)
            assert len(ibgp) == 2 * len(expect)
            clients = any(nb.route_reflector_client for nb in ibgp.values())
            assert (cfg.bgp.cluster_id is not None) == clients
            if clients:
                assert cfg.bgp.cluster_id == net.routers[m].loopback4.ip


def test_edge_routers_set_next_hop_self_and_originate(
        built: tuple[Network, dict[str, DeviceConfig]]) -> None:
    net, configs = built
    for cfg in configs.values():
        if cfg.bgp is None:
            continue
        ebgp = any(nb.remote_as != cfg.bgp.asn for nb in cfg.bgp.neighbors)
        for nb in cfg.bgp.neighbors:
            if nb.remote_as == cfg.bgp.asn:
                assert nb.next_hop_self == ebgp
    for sp in net.site_prefixes.values():
        origins = [h for h, c in configs.items() if c.bgp and sp.ipv4 in c.bgp.networks]
        assert origins, f"nobody originates {sp.ipv4}"
        assert all(sp.ipv6 in configs[h].bgp.networks for h in origins)  # type: ignore[union-attr]
    for r in net.routers_with(Role.PEER):
        ext = net.external_networks[str(r.network)]
        bgp = configs[r.name].bgp
        assert bgp is not None and set(ext.prefixes4) | set(ext.prefixes6) == set(bgp.networks)


def test_peering_import_policy_filters_and_prefers(
        built: tuple[Network, dict[str, DeviceConfig]]) -> None:
    net, configs = built
    owners = _owner_of(configs)
    for host, cfg in configs.items():
        if cfg.bgp is None or net.routers[host].role is Role.PEER:
            continue
        for nb in cfg.bgp.neighbors:
            peer = net.routers[owners[nb.address][0]]
            if peer.role is not Role.PEER:
                continue
            ext = net.external_networks[str(peer.network)]
            policy = next(p for p in cfg.route_policies if p.name == nb.import_policy)
            permits = [t for t in policy.terms if t.action is Action.PERMIT]
            assert permits and policy.default_action is Action.DENY
            assert {t.set_local_preference for t in permits} == {LOCAL_PREFERENCE[ext.kind]}
            assert policy.terms[0].action is Action.DENY  # bogons first
            lists = {p.name: p for p in cfg.prefix_lists}
            accepted = {e.prefix for t in permits for e in lists[str(t.match_prefix_list)].entries}
            assert accepted == set(ext.prefixes4) | set(ext.prefixes6)
            assert nb.max_prefix is not None and nb.password
            export = next(p for p in cfg.route_policies if p.name == nb.export_policy)
            exported = {e.prefix for t in export.terms
                        for e in lists[str(t.match_prefix_list)].entries}
            assert exported == {p for sp in net.site_prefixes.values()
                                for p in (sp.ipv4, sp.ipv6)}
    assert LOCAL_PREFERENCE[PeerKind.PEER] > LOCAL_PREFERENCE[PeerKind.TRANSIT]


def test_express_dc_routers_peer_with_every_plane(
        built: tuple[Network, dict[str, DeviceConfig]]) -> None:
    net, configs = built
    owners = _owner_of(configs)
    if net.backbone is not Backbone.EXPRESS:  # classic DC routers are iBGP clients only
        for dr in net.routers_with(Role.DR):
            bgp = configs[dr.name].bgp
            assert bgp is not None and all(nb.remote_as == dr.asn for nb in bgp.neighbors)
        return
    for dr in net.routers_with(Role.DR):
        bgp = configs[dr.name].bgp
        assert bgp is not None and bgp.multipath
        planes = {net.routers[owners[nb.address][0]].plane for nb in bgp.neighbors}
        assert planes == set(range(net.planes)), dr.name
        assert {sp.ipv4 for sp in net.site_prefixes.values() if dr.name in sp.origin_routers} \
            <= set(bgp.networks)


def test_vendor_override_renames_every_interface(tmp_path: Path) -> None:
    net = tiny_network("tiny-classic", tmp_path)
    frr = device_configs(net, Vendor.FRR)
    for host, cfg in frr.items():
        assert cfg.vendor is Vendor.FRR
        names = {i.name for i in cfg.interfaces}
        expected = {"lo"} | {interface_name(Vendor.FRR, lk.end(host).slot, lk.end(host).port,
                                            lk.capacity_gbps) for lk in net.links_of(host)}
        assert names == expected
        if cfg.bgp is not None:
            assert {nb.update_source for nb in cfg.bgp.neighbors} <= {"lo", None}


@pytest.mark.parametrize("name", list(TINY))
def test_with_vendor_moves_a_config_like_an_override(name: str, tmp_path: Path) -> None:
    net = tiny_network(name, tmp_path)
    modelled = device_configs(net)
    for vendor in Vendor:
        overridden = device_configs(net, vendor)
        for host, cfg in modelled.items():
            assert with_vendor(cfg, net, vendor) == overridden[host]


def test_device_config_is_one_router_of_device_configs(tmp_path: Path) -> None:
    net = tiny_network("tiny-classic", tmp_path)
    assert device_config(net, "pr1-ams", Vendor.EOS) == device_configs(net, Vendor.EOS)["pr1-ams"]


def test_a_link_that_neither_igp_nor_ebgp_can_use_is_refused(tmp_path: Path) -> None:
    net = tiny_network("tiny-express", tmp_path)
    routers = dict(net.routers)
    routers["dr1-dc1"] = dataclasses.replace(routers["dr1-dc1"], asn=net.asn)
    with pytest.raises(RenderError, match="same AS"):
        device_configs(net.replace(routers=routers))


def test_addresses_are_lab_safe(built: tuple[Network, dict[str, DeviceConfig]]) -> None:
    _, configs = built
    infra4, infra6 = ip_address("198.18.0.0"), ip_address("2001:db8::")
    for cfg in configs.values():
        for itf in cfg.interfaces:
            assert itf.ipv4 is not None and itf.ipv6 is not None
            assert int(itf.ipv4.ip) >> 17 == int(infra4) >> 17
            assert int(itf.ipv6.ip) >> 96 == int(infra6) >> 96
