"""Faults on a running lab — physical and config — and restoring from all of them.

Every operation writes its :class:`~netlab.lab.state.FaultRecord` *before*
acting, so ``netlab lab restore`` (or ``down``) can undo it even if netlab dies
half-way. Physical faults act on layer 1 the way the real thing shows up on a
router: a fibre cut takes both ends of a link down, a linecard takes every
port of a slot down on its router (the far ends lose carrier), a dead router
loses its daemons and its ports, a conduit cut takes down every link of an
SRLG. ``degrade`` adds loss and delay with ``tc netem``; on a kernel without
netem (``CONFIG_NET_SCH_NETEM`` unset) it drops packets with an nftables
egress rule instead and cannot add delay. ``push`` replaces a router's config
the way FRR does in production (``frr-reload.py``), after a dry run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from netlab.errors import LabError
from netlab.lab import frr, netns
from netlab.lab.build import parallel
from netlab.lab.frr import DAEMONS
from netlab.lab.lab import Lab
from netlab.lab.plan import lab_text
from netlab.lab.poll import Pacer, wait_until
from netlab.lab.state import DaemonRecord, FaultRecord, LabState
from netlab.lab.system import FRR_DIR, kill_pid, pid_alive, run
from netlab.model.network import FailureState
from netlab.model.types import Vendor

__all__ = [
    "apply_failures",
    "degrade_link",
    "fail_linecard",
    "fail_link",
    "fail_node",
    "fail_srlg",
    "flap_link",
    "push_config",
    "restore",
]


def _record(lab: Lab, fault: FaultRecord) -> LabState:
    return lab.file.update(lambda s: s.replace(faults=(*s.faults, fault)))


def _ns_ports(state: LabState, ports: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(state.router(r).namespace, i) for r, i in ports]


def _ports_down(lab: Lab, kind: str, target: str, ports: tuple[tuple[str, str], ...]) -> None:
    state = _record(lab, FaultRecord(kind=kind, target=target, interfaces=ports))
    netns.set_links(_ns_ports(state, ports), up=False)


def fail_link(lab: Lab, link_id: str) -> None:
    """Cut a fibre: both ends of the link go down."""
    link = lab.state().link(link_id)
    _ports_down(lab, "link", link_id, ((link.a_router, link.a_iface),
                                       (link.b_router, link.b_iface)))


def fail_linecard(lab: Lab, router: str, slot: int) -> None:
    """A linecard dies: every port of ``slot`` on ``router`` goes down."""
    from netlab.model.naming import slot_of

    rec = lab.state().router(router)
    ports = tuple((router, name) for name, _ in rec.interfaces
                  if (sp := slot_of(Vendor.FRR, name)) is not None and sp[0] == slot)
    if not ports:
        used = sorted({sp[0] for n, _ in rec.interfaces if (sp := slot_of(Vendor.FRR, n))})
        raise LabError(f"{router} has no ports on slot {slot} (slots in use: "
                       f"{', '.join(map(str, used)) or 'none'})")
    _ports_down(lab, "linecard", f"{router}/{slot}", ports)


def fail_srlg(lab: Lab, srlg: str) -> None:
    """A conduit is cut: every link sharing ``srlg`` goes down at once."""
    state = lab.state()
    links = [lk for lk in state.links if srlg in lk.srlgs]
    if not links:
        known = sorted({s for lk in state.links for s in lk.srlgs})
        raise LabError(f"no link of lab {lab.name} is in SRLG {srlg!r} "
                       f"(SRLGs: {', '.join(known[:10]) or 'none'})")
    ports = tuple(p for lk in links for p in ((lk.a_router, lk.a_iface),
                                              (lk.b_router, lk.b_iface)))
    _ports_down(lab, "srlg", srlg, ports)


def fail_node(lab: Lab, router: str) -> None:
    """A router dies: its daemons are killed and its ports go dark."""
    state = lab.state()
    rec = state.router(router)
    ports = tuple((router, name) for name, _ in rec.interfaces)
    state = _record(lab, FaultRecord(kind="node", target=router, interfaces=ports,
                                     routers=(router,)))
    netns.set_links(_ns_ports(state, ports), up=False)
    pids = [p for d in state.daemons if d.router == router
            if (p := frr.read_pid(Path(d.pidfile))) is not None and pid_alive(p)]
    for pid in pids:
        kill_pid(pid)


def flap_link(lab: Lab, link_id: str, times: int, period: float) -> None:
    """Take a link down and up ``times`` times, one flap every ``period`` seconds."""
    if times < 1 or period <= 0:
        raise LabError("flap needs --times >= 1 and --period > 0")
    link = lab.state().link(link_id)
    ports = ((link.a_router, link.a_iface), (link.b_router, link.b_iface))
    state = _record(lab, FaultRecord(kind="flap", target=link_id, interfaces=ports))
    ns_ports = _ns_ports(state, ports)
    pace = Pacer()
    for i in range(times):
        pace.wait_for(i * period)
        netns.set_links(ns_ports, up=False)
        pace.wait_for(i * period + period / 2)
        netns.set_links(ns_ports, up=True)
    lab.file.update(lambda s: s.replace(faults=tuple(
        f for f in s.faults if not (f.kind == "flap" and f.target == link_id))))


def _nft_table(iface: str) -> str:
    return "netlab_" + iface.replace("-", "_")


def degrade_link(lab: Lab, link_id: str, loss: float, delay_ms: float) -> str:
    """Add ``loss`` % packet loss and ``delay_ms`` delay on both directions of a link.

    Returns the mechanism used: ``netem`` or ``nftables`` (loss only).
    """
    if not 0 <= loss <= 100 or delay_ms < 0:
        raise LabError("degrade needs 0 <= --loss <= 100 and --delay >= 0")
    state = lab.state()
    link = state.link(link_id)
    ports = ((link.a_router, link.a_iface), (link.b_router, link.b_iface))
    netem = _has_netem(state.router(link.a_router).namespace, link.a_iface)
    if not netem and delay_ms > 0:
        raise LabError("this kernel has no tc netem (CONFIG_NET_SCH_NETEM): the lab can "
                       "add loss (nftables) but not delay here")
    if not netem and shutil.which("nft") is None:
        raise LabError("this kernel has no tc netem and nftables is not installed: "
                       "apt-get install nftables")
    how = "netem" if netem else "nftables"
    state = _record(lab, FaultRecord(kind="degrade", target=link_id, shaped=ports,
                                     detail=how))
    for ns, itf in _ns_ports(state, ports):
        if netem:
            run(["tc", "qdisc", "replace", "dev", itf, "root", "netem", "loss", f"{loss}%",
                 "delay", f"{delay_ms}ms"], netns=ns)
        else:
            table = _nft_table(itf)
            match = "" if loss >= 100 else f"numgen random mod 10000 < {round(loss * 100)} "
            rule = (f"table netdev {table} {{\n chain egress {{\n"
                    f"  type filter hook egress device \"{itf}\" priority 0; policy accept;\n"
                    f"  {match}counter drop\n }}\n}}\n")
            run(["nft", "-f", "-"], netns=ns, input_text=rule)
    return how


def _has_netem(ns: str, itf: str) -> bool:
    """True when this kernel has the netem queueing discipline (probed on ``itf``)."""
    try:
        run(["tc", "qdisc", "replace", "dev", itf, "root", "netem"], netns=ns)
    except LabError:
        return False
    run(["tc", "qdisc", "del", "dev", itf, "root"], netns=ns, check=False)
    return True


def _unshape(state: LabState, fault: FaultRecord) -> None:
    for ns, itf in _ns_ports(state, fault.shaped):
        if fault.detail == "netem":
            run(["tc", "qdisc", "del", "dev", itf, "root"], netns=ns, check=False)
        else:
            run(["nft", "delete", "table", "netdev", _nft_table(itf)], netns=ns, check=False)


def push_config(lab: Lab, router: str, path: Path) -> str:
    """Replace ``router``'s running config with the FRR config at ``path``.

    Returns ``reload`` (applied in place) or ``restart`` (see :func:`_reload`).
    """
    try:
        text = lab_text(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LabError(f"cannot read {path}: {exc}") from None
    errors = frr.dry_run(text)
    if errors:
        raise LabError(f"{path}: FRR rejects it: {errors[0]}")
    lab.run_of(router)  # a clear error for an unknown router, before recording anything
    if not any(f.kind == "push" and router in f.pushed for f in lab.state().faults):
        _record(lab, FaultRecord(kind="push", target=router, pushed=(router,),
                                 detail=str(path)))
    return _reload(lab, router, text)


def _reload(lab: Lab, router: str, text: str) -> str:
    """Make ``text`` the router's whole config; returns how (``reload`` or ``restart``).

    FRR's own ``frr-reload.py`` applies the difference without disturbing the
    rest. FRR 8.4's frr-reload cannot remove IS-IS from an interface (it drops
    ``ip router isis`` before the interface's other ``isis`` lines, which then
    fail YANG validation: 'Mandatory node "area-tag"'), leaving the router half
    changed; then the router's daemons are restarted with the new config, so
    what runs is always exactly the file.
    """
    from netlab.parse import parse_config

    run_ = lab.run_of(router)
    run_.running.write_text(text, encoding="utf-8")
    how = "reload"
    try:
        run(["python3", str(FRR_DIR / "frr-reload.py"), "--reload", "--stdout",
             "--vty_socket", str(run_.run_dir), "--rundir", str(run_.run_dir),
             "--confdir", str(run_.reload_dir), str(run_.running)], timeout=120.0)
    except LabError:
        _restart(lab, router, run_.running)
        how = "restart"
    cfg = parse_config(text, str(run_.running), Vendor.FRR).config
    mtus = [(i.name, i.mtu or 1500) for i in cfg.interfaces if not i.loopback]
    lines = [f"link set dev {name} mtu {mtu}" for name, mtu in mtus]
    if lines:
        run(["ip", "-n", run_.namespace, "-force", "-batch", "-"],
            input_text="\n".join(lines) + "\n", check=False)
    return how


def _restart(lab: Lab, router: str, config: Path | None = None) -> None:
    """Restart the router's daemons and load ``config`` (default: its startup config)."""
    run_ = lab.run_of(router)
    for d in DAEMONS:  # a half-dead router: clear what is left before starting again
        pid = frr.read_pid(run_.pidfile(d))
        if pid is not None and pid_alive(pid):
            kill_pid(pid)
    wait_until(lambda: None if not any(
        (p := frr.read_pid(run_.pidfile(d))) is not None and pid_alive(p) for d in DAEMONS)
        else "daemons still exiting", deadline_s=15, interval=0.05,
        what=f"{router}: old daemons to exit")
    pids = {d: frr.start_daemon(run_, d) for d in DAEMONS}
    if config is None:
        shutil.copyfile(run_.config, run_.running)
    frr.load_config(run_, run_.running)
    lab.file.update(lambda s: s.replace(daemons=tuple(
        DaemonRecord(d.router, d.daemon, d.namespace, d.pidfile, pids[d.daemon])
        if d.router == router else d for d in s.daemons)))


def restore(lab: Lab) -> list[str]:
    """Undo every fault in force; returns what was undone, one phrase each."""
    state = lab.state()
    done = []
    ports = {p for f in state.faults for p in f.interfaces}
    netns.set_links(_ns_ports(state, tuple(sorted(ports))), up=True)
    for f in state.faults:
        if f.shaped:
            _unshape(state, f)
        done.append(f"{f.kind} {f.target}")
    dead = sorted({r for f in state.faults for r in f.routers})
    parallel(lambda r: _restart(lab, r), dead)
    pushed = sorted({r for f in state.faults for r in f.pushed} - set(dead))
    for r in pushed:
        _reload(lab, r, lab.run_of(r).config.read_text(encoding="utf-8"))
    lab.file.update(lambda s: s.replace(faults=()))
    return done


def apply_failures(lab: Lab, failures: FailureState) -> None:
    """Apply a snapshot's failure state to a lab that just came up."""
    for router in sorted(failures.nodes_down):
        fail_node(lab, router)
    for link_id in sorted(failures.links_down):
        fail_link(lab, link_id)
    loose = tuple(sorted((r, _frr_name(i)) for r, i in failures.interfaces_down
                         if r not in failures.nodes_down))
    if loose:
        _ports_down(lab, "port", ",".join(f"{r}:{i}" for r, i in loose), loose)


def _frr_name(name: str) -> str:
    """A physical interface name of any vendor, as the lab (FRR) names it."""
    from netlab.model.naming import interface_name, slot_of

    for vendor in Vendor:
        sp = slot_of(vendor, name)
        if sp is not None:
            return interface_name(Vendor.FRR, *sp)
    raise LabError(f"cannot place interface {name} on a slot/port")
