"""``netlab topology``: list, show, generate and draw backbones.

``generate`` never replaces an existing file unless ``--force`` is given, and
records the exact command in the file's ``description`` so the file can be
regenerated. Errors are one line on stderr with exit code 2.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from netlab.cli.common import check_output_parent, console, echo_json, guarded
from netlab.errors import TopologyError

__all__ = ["COMMANDS", "topology"]





def _refuse_existing(path: Path, force: bool) -> None:
    check_output_parent(path)
    if path.exists() and not force:
        raise TopologyError("file exists; refusing to overwrite it (use --force)", path=path)


@click.group("topology")
def topology() -> None:
    """Shipped and generated backbones: list, show, generate, draw."""


@topology.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guarded
def list_cmd(as_json: bool) -> None:
    """List the shipped topologies."""
    from netlab.topology.files import list_topologies, load_network

    rows = []
    for name, path in list_topologies().items():
        n = load_network(path)
        rows.append({"name": name, "backbone": n.backbone.value, "planes": n.planes,
                     "sites": len(n.sites), "routers": len(n.routers), "links": len(n.links),
                     "path": str(path), "description": n.description})
    if as_json:
        echo_json(rows)
        return
    table = Table(title="Shipped topologies")
    for col in ("name", "backbone", "planes", "sites", "routers", "links"):
        table.add_column(col, justify="right" if col not in ("name", "backbone") else "left")
    for row in rows:
        table.add_row(*(str(row[c]) for c in ("name", "backbone", "planes", "sites", "routers",
                                              "links")))
    console().print(table)


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


@topology.command("show")
@click.argument("name_or_path", metavar="NAME|PATH")
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
@guarded
def show(name_or_path: str, as_json: bool) -> None:
    """Show a topology: sites, routers, links, external networks, demand totals."""
    from netlab.topology.files import load_network
    from netlab.topology.summary import network_summary

    data = network_summary(load_network(name_or_path))
    if as_json:
        echo_json(data)
        return
    out = console()
    t = data["totals"]
    out.print(f"[bold]{data['name']}[/bold]: {data['backbone']} backbone, AS {data['asn']}, "
              f"{data['planes']} plane(s); {t['sites']} sites, {t['routers']} routers, "
              f"{t['links']} links ({t['longhaul_links']} long-haul, {t['srlgs']} SRLGs), "
              f"{t['demands']} demands totalling {t['demand_gbps']:g} Gbps")
    if data["description"]:
        out.print(data["description"], markup=False)
    out.print(_table("Sites", ["site", "kind", "city", "lat", "lon", "prefix4", "routers"],
                     [[s["name"], s["kind"], s["city"], s["lat"], s["lon"], s["prefix4"],
                       len(s["routers"])] for s in data["sites"]]))
    out.print(_table("Routers", ["router", "role", "site", "vendor", "asn", "loopback",
                                 "plane", "rr"],
                     [[r["name"], r["role"], r["site"], r["vendor"], r["asn"], r["loopback4"],
                       r["plane"], "yes" if r["route_reflector"] else ""]
                      for r in data["routers"]]))
    out.print(_table("Links", ["link", "kind", "a end", "b end", "Gbps", "ms", "metric",
                               "SRLG", "plane"],
                     [[lk["id"], lk["kind"], f"{lk['a']} {lk['a_interface']}",
                       f"{lk['b']} {lk['b_interface']}", f"{lk['capacity_gbps']:g}",
                       f"{lk['latency_ms']:g}", lk["metric"], ", ".join(lk["srlgs"]),
                       lk["plane"]] for lk in data["links"]]))
    if data["external_networks"]:
        out.print(_table("External networks", ["network", "kind", "asn", "prefixes", "PoPs"],
                         [[e["name"], e["kind"], e["asn"], " ".join(e["prefixes"]),
                           len(e["routers"])] for e in data["external_networks"]]))
    if data["demand_totals"]:
        out.print(_table("Demand totals (Gbps at peak)", ["site", "sends", "receives"],
                         [[d["site"], f"{d['out_gbps']:g}", f"{d['in_gbps']:g}"]
                          for d in data["demand_totals"]]))


_CLASSIC_ONLY = ("pops", "prs_per_pop", "peers", "diverse")
_EXPRESS_ONLY = ("planes",)


@topology.command("generate")
@click.argument("kind", type=click.Choice(["classic", "express"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Topology file to write.")
@click.option("--name", help="Network name (default: the output file's stem).")
@click.option("--pops", type=int, help="PoPs (classic; default 4).")
@click.option("--dcs", type=int, help="Data centres (default 2 classic, 4 express).")
@click.option("--planes", type=int, help="Parallel planes (express; default 4).")
@click.option("--prs-per-pop", type=int, help="Peering routers per PoP (classic; default 2).")
@click.option("--drs-per-dc", type=int, help="DC routers per data centre (default 2).")
@click.option("--peers", type=int, help="External networks, transits first (classic; default 4).")
@click.option("--rr-sites", type=int, help="Sites whose backbone routers reflect routes (2).")
@click.option("--neighbours", type=int, help="Extra fibre spans to nearest sites (default 2).")
@click.option("--diverse", type=float,
              help="Share of spans with a diverse bb2 conduit (classic; default 0.25).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@guarded
def generate(kind: str, output: Path, name: str | None, seed: int, force: bool,
             **options: Any) -> None:
    """Generate a classic or express backbone and write it as a topology file."""
    from netlab.topology.build import build_network
    from netlab.topology.classic import ClassicParams, generate_classic
    from netlab.topology.express import ExpressParams, generate_express
    from netlab.topology.files import save_spec

    _refuse_existing(output, force)
    wrong = _EXPRESS_ONLY if kind == "classic" else _CLASSIC_ONLY
    for key in wrong:
        if options.get(key) is not None:
            raise TopologyError(f"--{key.replace('_', '-')} does not apply to a {kind} backbone")
    given = {k: v for k, v in options.items() if v is not None}
    name = name or output.stem
    if kind == "classic":
        spec = generate_classic(ClassicParams(name=name, seed=seed, **given))
    else:
        spec = generate_express(ExpressParams(name=name, seed=seed, **given))
    spec = spec.model_copy(
        update={"description": f"{spec.description} -o {shlex.quote(str(output))}"})
    network = build_network(spec, path=str(output))
    save_spec(spec, output, overwrite=force)
    click.echo(f"wrote {output}: {len(network.sites)} sites, {len(network.routers)} routers, "
               f"{len(network.links)} links, {len(network.demands)} demands")


@topology.command("draw")
@click.argument("name_or_path", metavar="NAME|PATH")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Image to write: .png, .svg or .pdf.")
@click.option("--labels/--no-labels", default=None,
              help="Router labels (default: on up to 80 routers).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@guarded
def draw(name_or_path: str, output: Path, labels: bool | None, force: bool) -> None:
    """Draw a topology as a map (sites at their coordinates, conduits as bands)."""
    from netlab.topology.draw import FORMATS, draw_network
    from netlab.topology.files import load_network

    if output.suffix.lower().lstrip(".") not in FORMATS:
        raise TopologyError(f"cannot draw to {output.name!r}: use a .png, .svg or .pdf file")
    _refuse_existing(output, force)
    network = load_network(name_or_path)
    draw_network(network, output, labels=labels)
    click.echo(f"wrote {output}")


COMMANDS = [topology]
