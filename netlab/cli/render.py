"""``netlab render`` and ``netlab config``: make snapshots, show, diff and parse configs.

``netlab render TOPOLOGY -o DIR`` renders a shipped topology, a topology YAML
file, or an existing snapshot (re-rendered from its parsed configs, so config
faults and a trainee's edits are kept) into a snapshot directory.
``netlab config show|diff|parse`` look at single configs. Errors are one
line on stderr with exit code 2 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import dataclasses
import difflib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from netlab.cli.common import check_output_parent, console, echo_json, guarded
from netlab.errors import NetlabError
from netlab.model.device import DeviceConfig
from netlab.model.network import FailureState, Network
from netlab.model.types import Vendor
from netlab.parse import parse_file
from netlab.render import render_config
from netlab.render.intent import device_config, device_configs, interface_renames, with_vendor
from netlab.snapshot import (
    CONFIGS_DIR,
    NETWORK_FILE,
    STATE_FILE,
    is_snapshot,
    read_snapshot,
    read_state,
    vendor_override,
    write_snapshot,
)

__all__ = ["COMMANDS", "config", "render"]

DEFAULT_TOPOLOGY = "classic-small"




def _vendor(value: str | None) -> Vendor | None:
    if value is None:
        return None
    try:
        return Vendor(value.lower())
    except ValueError:
        choices = ", ".join(v.value for v in Vendor)
        raise NetlabError(f"unknown vendor {value!r} (choose one of {choices})") from None


def _load_network(source: str) -> Network:
    """A shipped topology name, a topology YAML path, or a snapshot directory."""
    from netlab.topology.files import load_network

    path = Path(source)
    if path.is_dir():
        if not is_snapshot(path):
            raise NetlabError(f"{source}: directory is not a netlab snapshot")
        return load_network(path / NETWORK_FILE)
    return load_network(source)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, str):  # also StrEnum members: their value
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


# -- netlab render ---------------------------------------------------------------------------
@click.command()
@click.argument("topology")
@click.option("-o", "--output", "output", required=True, metavar="DIR",
              help="Snapshot directory to write (new, empty, or a snapshot with --force).")
@click.option("--vendor", metavar="VENDOR",
              help="Render every router as this vendor: junos, iosxr, eos or frr.")
@click.option("--force", is_flag=True, help="Replace an existing snapshot in DIR.")
@guarded
def render(topology: str, output: str, vendor: str | None, force: bool) -> None:
    """Render TOPOLOGY (a shipped name, a YAML file or a snapshot) into snapshot DIR."""
    override = _vendor(vendor)
    check_output_parent(output)
    start = time.perf_counter()
    source = Path(topology)
    failures, dropped = FailureState(), 0
    faults: tuple[dict[str, object], ...] = ()
    if source.is_dir() and is_snapshot(source):
        snap = read_snapshot(source)
        network, configs = snap.network, dict(snap.configs)
        failures, faults = snap.failures, snap.faults
        override = override or vendor_override(read_state(source / STATE_FILE)[2],
                                                source / STATE_FILE)
        if override is not None:
            failures = _rename_failures(network, configs, failures, override)
            configs = {h: with_vendor(c, network, override) for h, c in configs.items()}
        dropped = sum(len(w) for w in snap.warnings.values())
    else:
        network = _load_network(topology)
        configs = device_configs(network, override)
    out = write_snapshot(network, configs, output, failures=failures, faults=faults,
                         overwrite=force, vendor=override)
    elapsed = time.perf_counter() - start
    con = console()
    table = Table(title=f"snapshot {out}", show_header=True)
    table.add_column("vendor")
    table.add_column("routers", justify="right")
    for v, n in sorted(Counter(c.vendor.value for c in configs.values()).items()):
        table.add_row(v, str(n))
    con.print(table)
    down = len(failures.links_down) + len(failures.nodes_down) + len(failures.interfaces_down)
    con.print(f"{network.name}: {len(configs)} configs, {len(network.links)} links "
              f"({down} elements down) in {elapsed:.2f} s")
    if dropped:
        con.print(f"[yellow]warning:[/] {dropped} config line(s) the parser did not "
                  "understand were not carried over (see `netlab config parse`)")


def _rename_failures(network: Network, configs: dict[str, DeviceConfig],
                     failures: FailureState, vendor: Vendor) -> FailureState:
    pairs = set()
    for router, name in failures.interfaces_down:
        cfg = configs.get(router)
        names = interface_renames(network, router, cfg.vendor, vendor) if cfg else {}
        pairs.add((router, names.get(name, name)))
    return dataclasses.replace(failures, interfaces_down=frozenset(pairs))


# -- netlab config ---------------------------------------------------------------------------
@click.group()
def config() -> None:
    """Show, compare and parse device configs."""


@config.command("show")
@click.argument("router")
@click.option("--topology", "-t", default=DEFAULT_TOPOLOGY, show_default=True,
              help="Shipped topology name, topology YAML file or snapshot directory.")
@click.option("--vendor", metavar="VENDOR",
              help="Render as this vendor instead of the modelled one.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the vendor-neutral config as JSON.")
@guarded
def show(router: str, topology: str, vendor: str | None, as_json: bool) -> None:
    """Print ROUTER's config, rendered from the topology's intent."""
    cfg = device_config(_load_network(topology), router, _vendor(vendor))
    if as_json:
        echo_json(_jsonable(cfg))
    else:
        click.echo(render_config(cfg), nl=False)


@config.command("parse")
@click.argument("file")
@click.option("--vendor", metavar="VENDOR", help="Parse as this vendor (default: detect).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the parsed config and warnings as JSON.")
@guarded
def parse(file: str, vendor: str | None, as_json: bool) -> None:
    """Parse a config FILE: the vendor-neutral model and every line not understood."""
    result = parse_file(Path(file), _vendor(vendor))
    if as_json:
        echo_json({"config": _jsonable(result.config),
                   "warnings": [dataclasses.asdict(w) for w in result.warnings]})
        return
    con = console()
    cfg = result.config
    con.print(Text(f"{cfg.hostname} ({cfg.vendor.value})", style="bold"))
    itfs = Table("interface", "ipv4", "ipv6", "mtu", "is-is", "description")
    for i in cfg.interfaces:
        isis = "-" if i.isis is None else ("passive" if i.isis.passive else str(i.isis.metric))
        itfs.add_row(i.name, str(i.ipv4 or "-"), str(i.ipv6 or "-"), str(i.mtu or "-"), isis,
                     i.description, style=None if i.enabled else "dim")
    con.print(itfs)
    if cfg.bgp is not None:
        nbrs = Table("neighbor", "remote-as", "import", "export", "flags",
                     title=f"BGP AS {cfg.bgp.asn}, router-id {cfg.bgp.router_id}")
        for n in cfg.bgp.neighbors:
            flags = [f for f, on in (("rr-client", n.route_reflector_client),
                                     ("next-hop-self", n.next_hop_self),
                                     ("shutdown", n.shutdown)) if on]
            nbrs.add_row(str(n.address), str(n.remote_as), n.import_policy or "-",
                         n.export_policy or "-", " ".join(flags))
        con.print(nbrs)
    names = [p.name for p in cfg.route_policies] + [p.name for p in cfg.prefix_lists]
    if names:
        con.print(Text("policies and prefix lists: " + ", ".join(names)))
    for w in result.warnings:  # plain lines: `file:line: ...` for editors and grep
        click.echo(str(w))
    click.echo(f"{len(result.warnings)} warning(s)")


@config.command("diff")
@click.argument("snapshot_a")
@click.argument("snapshot_b")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@guarded
def diff(snapshot_a: str, snapshot_b: str, as_json: bool) -> None:
    """Compare two snapshots router by router: text diff and what changed in the model."""
    snaps = []
    for s in (snapshot_a, snapshot_b):
        if not Path(s).is_dir() or not is_snapshot(Path(s)):
            raise NetlabError(f"{s}: not a netlab snapshot directory")
        snaps.append(read_snapshot(s))
    a, b = snaps
    report: dict[str, dict[str, Any]] = {}
    for host in sorted(set(a.configs) | set(b.configs)):
        text = _text_diff(a.path, b.path, host)
        model = _semantic_diff(a.configs.get(host), b.configs.get(host))
        if text or model:
            report[host] = {"text": text, "changes": model}
    if as_json:
        echo_json({"a": str(a.path), "b": str(b.path), "routers": report})
        return
    con = console()
    if not report:
        con.print("no differences")
        return
    for host, item in report.items():
        con.rule(host)
        for line in item["text"].splitlines():
            style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1])
            con.print(Text(line, style=style or ""))
        for line in _describe(item["changes"]):
            con.print(Text(line, style="bold"))
    con.print(f"{len(report)} router(s) differ")


def _text_diff(a: Path, b: Path, host: str) -> str:
    def lines(root: Path) -> list[str]:
        f = root / CONFIGS_DIR / f"{host}.cfg"
        return f.read_text(encoding="utf-8").splitlines(keepends=True) if f.is_file() else []

    return "".join(difflib.unified_diff(lines(a), lines(b), f"a/{host}.cfg", f"b/{host}.cfg"))


def _keyed(old: Iterable[Any], new: Iterable[Any], key: Callable[[Any], str]
           ) -> dict[str, Any]:
    before, after = {key(x): x for x in old}, {key(x): x for x in new}
    changed = {}
    for k in sorted(before.keys() & after.keys()):
        fields = _fields(before[k], after[k])
        if fields:
            changed[k] = fields
    out: dict[str, Any] = {}
    if added := sorted(after.keys() - before.keys()):
        out["added"] = added
    if removed := sorted(before.keys() - after.keys()):
        out["removed"] = removed
    if changed:
        out["changed"] = changed
    return out


def _fields(old: Any, new: Any) -> dict[str, list[Any]]:
    """Field name → [old, new] for every top-level field that differs."""
    if old is None or new is None:
        return {} if old is new else {"present": [old is not None, new is not None]}
    return {f.name: [_jsonable(getattr(old, f.name)), _jsonable(getattr(new, f.name))]
            for f in dataclasses.fields(old) if getattr(old, f.name) != getattr(new, f.name)}


def _semantic_diff(a: DeviceConfig | None, b: DeviceConfig | None) -> dict[str, Any]:
    if a is None or b is None:
        return {} if a is b else {"router": "added" if a is None else "removed"}
    out: dict[str, Any] = {}
    sections: list[tuple[str, Iterable[Any], Iterable[Any], Callable[[Any], str]]] = [
        ("interfaces", a.interfaces, b.interfaces, lambda i: i.name),
        ("neighbors", a.bgp.neighbors if a.bgp else (), b.bgp.neighbors if b.bgp else (),
         lambda n: str(n.address)),
        ("route_policies", a.route_policies, b.route_policies, lambda p: p.name),
        ("prefix_lists", a.prefix_lists, b.prefix_lists, lambda p: p.name),
        ("static_routes", a.static_routes, b.static_routes,
         lambda s: f"{s.prefix} via {s.next_hop or 'discard'}"),
    ]
    for name, old, new, key in sections:
        if d := _keyed(old, new, key):
            out[name] = d
    if d2 := _fields(a.isis, b.isis):
        out["isis"] = d2
    bgp_a = dataclasses.replace(a.bgp, neighbors=()) if a.bgp else None
    bgp_b = dataclasses.replace(b.bgp, neighbors=()) if b.bgp else None
    if d3 := _fields(bgp_a, bgp_b):
        out["bgp"] = d3
    for f in ("vendor", "mpls_ldp"):
        if getattr(a, f) != getattr(b, f):
            out[f] = [_jsonable(getattr(a, f)), _jsonable(getattr(b, f))]
    return out


def _describe(changes: dict[str, Any]) -> list[str]:
    """One readable line per change of a semantic diff."""
    lines = []
    for section, d in changes.items():
        if isinstance(d, list):
            lines.append(f"{section}: {_short(d[0])} -> {_short(d[1])}")
            continue
        if not isinstance(d, dict):
            lines.append(f"{section}: {d}")
            continue
        for what in ("added", "removed"):
            if what in d:
                lines.append(f"{section}: {what} {', '.join(d[what])}")
        for k, fields in d.get("changed", {}).items():
            parts = [f"{f} {_short(v[0])} -> {_short(v[1])}" for f, v in fields.items()]
            lines.append(f"{section}: changed {k} ({'; '.join(parts)})")
        if "added" not in d and "removed" not in d and "changed" not in d:
            parts = [f"{f} {_short(v[0])} -> {_short(v[1])}" for f, v in d.items()]
            lines.append(f"{section}: {'; '.join(parts)}")
    return lines


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


COMMANDS = [render, config]
