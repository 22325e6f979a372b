"""Topology files: find shipped ones, load a Network, save one back exactly.

``load_network(save_network(n))`` gives back ``n``: :func:`network_to_spec`
writes the facts of a network (names, roles, sites, capacities, SRLGs,
demands) and, for every derived value (address, ASN, NET, port, latency,
metric, link id), an explicit override only where the network differs from
what :func:`~netlab.topology.build.build_network` would derive. A network
built from a file therefore saves back to that file's essentials.

Shipped topologies live in ``topologies/`` of a source checkout and in
``netlab/_data/topologies`` of an installed wheel; both are searched.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from netlab.errors import NetlabError, TopologyError
from netlab.model.addressing import isis_area, isis_net
from netlab.model.network import Network
from netlab.model.types import Backbone, Link, Role, Vendor
from netlab.topology.build import (
    assign_ports,
    build_network,
    default_asn,
    derive_kind,
    format_port,
)
from netlab.topology.checks import suggest
from netlab.topology.emit import spec_to_yaml
from netlab.topology.geo import default_metric
from netlab.topology.schema import (
    DEFAULT_VENDORS,
    DemandSpec,
    ExternalNetworkSpec,
    LinkSpec,
    RouterSpec,
    SiteSpec,
    TopologySpec,
    VendorDefaults,
    load_spec,
)

__all__ = [
    "TOPOLOGY_DIRS",
    "list_topologies",
    "load_network",
    "network_to_spec",
    "resolve_topology",
    "save_network",
    "save_spec",
]

_PACKAGE = Path(__file__).resolve().parent.parent
TOPOLOGY_DIRS = (_PACKAGE.parent / "topologies", _PACKAGE / "_data" / "topologies")
"""Where shipped topologies are looked for: a source checkout, then an installed wheel."""


def list_topologies() -> dict[str, Path]:
    """Shipped topologies: name → file, sorted by name (a checkout wins over a wheel)."""
    found: dict[str, Path] = {}
    for folder in TOPOLOGY_DIRS:
        if folder.is_dir():
            for file in sorted(folder.glob("*.yaml")):
                found.setdefault(file.stem, file)
    return dict(sorted(found.items()))


def resolve_topology(name_or_path: str | Path) -> Path:
    """The file a topology NAME or PATH refers to.

    A :class:`~pathlib.Path`, or a string with a ``/`` or ending in ``.yaml``
    or ``.yml``, is a path; any other string names a shipped topology (or,
    failing that, a file in the current directory).
    """
    if isinstance(name_or_path, Path):
        return name_or_path
    text = str(name_or_path)
    if os.sep in text or "/" in text or text.endswith((".yaml", ".yml")):
        return Path(text)
    shipped = list_topologies()
    if text in shipped:
        return shipped[text]
    if Path(text).is_file():
        return Path(text)
    names = ", ".join(shipped) or "none found"
    raise TopologyError(f"unknown topology {text!r}{suggest(text, shipped)}: it is neither a "
                        f"shipped topology ({names}) nor a file")


class _UnsureError(Exception):
    """The fast reader met something only the line-keeping reader judges."""


class _FastLoader(yaml.CSafeLoader):
    """libyaml's parser; rejects (for the careful reader to report) duplicate,
    non-scalar and merge keys, which yaml would silently accept."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                raise _UnsureError
            key = self.construct_object(key_node)
            if key in seen:
                raise _UnsureError
            seen.add(key)
        return super().construct_mapping(node, deep)


def _load_fast(path: Path) -> Network | None:
    """The network if ``path`` is sound, read with libyaml (several times faster);
    None when anything is wrong, so the line-keeping reader can say where."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    try:
        data = yaml.load(path.read_bytes(), Loader=_FastLoader)
        spec = TopologySpec.model_validate(data)
        return build_network(spec, path=str(path))
    except (_UnsureError, yaml.YAMLError, ValidationError, NetlabError, OSError, ValueError,
            TypeError):
        return None


def load_network(name_or_path: str | Path) -> Network:
    """Load and check a topology by shipped NAME or by PATH; errors name file and line.

    A sound file is read with libyaml; a file with any problem is read again
    keeping every value's line, so the error names it.
    """
    path = resolve_topology(name_or_path)
    network = _load_fast(path)
    if network is not None:
        return network
    spec, lines = load_spec(path)
    return build_network(spec, lines=lines, path=str(path))


def _mode_for(path: Path) -> int:
    """The permission bits a new ``path`` gets from ``open()``: the existing file's when
    replacing one, else 0666 less the process umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write(text: str, path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise TopologyError("file exists; refusing to overwrite it", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        # Name the file the person asked for, not the temporary file beside it.
        raise TopologyError(f"cannot write: {exc.strerror or exc}", path=path) from exc
    try:
        # mkstemp creates the file private (0600): give it the mode a plain write would
        # (or the replaced file's), so a topology someone generates stays readable to others
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise TopologyError(f"cannot write: {exc.strerror or exc}", path=path) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_spec(spec: TopologySpec, path: str | Path, *, overwrite: bool = True) -> None:
    """Write ``spec`` as a topology file (atomically); ``overwrite=False`` refuses to replace."""
    _write(spec_to_yaml(spec), Path(path), overwrite)


def save_network(network: Network, path: str | Path, *, overwrite: bool = True) -> None:
    """Write ``network`` as a topology file that :func:`load_network` reads back equal."""
    save_spec(network_to_spec(network), path, overwrite=overwrite)


def _vendor_defaults(n: Network) -> VendorDefaults:
    """Each role's most common vendor (ties: the usual default), so few routers name one."""
    counts: dict[Role, Counter[Vendor]] = defaultdict(Counter)
    for r in n.routers.values():
        counts[r.role][r.vendor] += 1
    chosen = {role.value: max(c, key=lambda v: (c[v], v is DEFAULT_VENDORS.of(role), v.value))
              for role, c in counts.items()}
    return VendorDefaults(**chosen)


def _base_spec(n: Network) -> TopologySpec:
    """The facts of ``n`` with every derivable value left to derivation."""
    vendors = _vendor_defaults(n)
    return TopologySpec(
        name=n.name, backbone=n.backbone,
        asn=None if n.asn == default_asn(n.backbone) else n.asn,
        planes=None if n.planes == (4 if n.backbone is Backbone.EXPRESS else 1) else n.planes,
        description=n.description, vendors=vendors,
        sites=[SiteSpec(name=s.name, kind=s.kind, city=s.city, lat=s.lat, lon=s.lon,
                        originate=s.name in n.site_prefixes) for s in n.sites.values()],
        routers=[RouterSpec(name=r.name, role=r.role, site=r.site,
                            vendor=None if r.vendor is vendors.of(r.role) else r.vendor,
                            plane=r.plane, route_reflector=r.route_reflector, network=r.network)
                 for r in n.routers.values()],
        external_networks=[ExternalNetworkSpec(name=e.name, asn=e.asn, kind=e.kind)
                           for e in n.external_networks.values()],
        links=[LinkSpec(a=lk.a.router, b=lk.b.router, capacity=lk.capacity_gbps,
                        srlgs=list(lk.srlgs)) for lk in n.links.values()],
        demands=[DemandSpec(src=d.src, dst=d.dst, gbps=d.gbps) for d in n.demands],
    )


def _link_overrides(spec: LinkSpec, want: Link, got: Link, kind_default: bool) -> LinkSpec:
    changes: dict[str, object] = {}
    if want.id != got.id:
        changes["id"] = want.id
    if not kind_default:
        changes["kind"] = want.kind
    if want.latency_ms != got.latency_ms:
        changes["latency"] = want.latency_ms
    if want.metric != default_metric(want.latency_ms):
        changes["metric"] = want.metric
    if want.ipv4 != got.ipv4:
        changes["ipv4"] = want.ipv4
    if want.ipv6 != got.ipv6:
        changes["ipv6"] = want.ipv6
    if want.plane != got.plane:
        changes["plane"] = want.plane
    return spec.model_copy(update=changes) if changes else spec


def network_to_spec(network: Network) -> TopologySpec:
    """The topology file form of ``network``: the exact inverse of building it."""
    base = _base_spec(network)
    derived = build_network(base, check=False)
    rspecs = {r.name: r for r in base.routers}
    routers = []
    for r, router in zip(base.routers, network.routers.values(), strict=True):
        got_r = derived.routers[r.name]
        changes = {key: getattr(router, key) for key in ("asn", "loopback4", "loopback6")
                   if getattr(router, key) != getattr(got_r, key)}
        # The NET is derived from the loopback actually used, overridden or not.
        if router.net != isis_net(router.loopback4.ip, isis_area(router.plane)):
            changes["net"] = router.net
        routers.append(r.model_copy(update=changes) if changes else r)
    links = []
    for spec, want, got in zip(base.links, network.links.values(), derived.links.values(),
                               strict=True):
        kind_default = want.kind is derive_kind(rspecs[spec.a], rspecs[spec.b])
        links.append(_link_overrides(spec, want, got, kind_default))
    # Ports: a router whose derived layout differs gets every port written out.
    kinds = [lk.kind for lk in network.links.values()]
    ports = assign_ports(base.model_copy(update={"links": links}), kinds)
    wrong: set[str] = set()
    for ends, want in zip(ports, network.links.values(), strict=True):
        for end, real in zip(ends, (want.a, want.b), strict=True):
            if end != real:
                wrong.add(real.router)
    if wrong:
        for i, want in enumerate(network.links.values()):
            update = {f"{side}_port": format_port(end.slot, end.port)
                      for side, end in (("a", want.a), ("b", want.b)) if end.router in wrong}
            if update:
                links[i] = links[i].model_copy(update=update)
    sites = []
    for s in base.sites:
        prefixes = network.site_prefixes.get(s.name)
        got_p = derived.site_prefixes.get(s.name)
        if prefixes is None or got_p is None:
            sites.append(s)
            continue
        changes = {}
        if prefixes.ipv4 != got_p.ipv4:
            changes["prefix4"] = prefixes.ipv4
        if prefixes.ipv6 != got_p.ipv6:
            changes["prefix6"] = prefixes.ipv6
        if prefixes.origin_routers != got_p.origin_routers:
            changes["origin"] = list(prefixes.origin_routers)
        sites.append(s.model_copy(update=changes) if changes else s)
    externals = []
    for e in base.external_networks:
        want_e, got_e = network.external_networks[e.name], derived.external_networks[e.name]
        if (want_e.prefixes4, want_e.prefixes6) != (got_e.prefixes4, got_e.prefixes6):
            externals.append(e.model_copy(
                update={"prefixes": [*want_e.prefixes4, *want_e.prefixes6]}))
        else:
            externals.append(e)
    return base.model_copy(update={"sites": sites, "routers": routers, "links": links,
                                   "external_networks": externals})

