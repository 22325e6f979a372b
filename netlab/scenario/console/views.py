"""Plain-text views the console prints: alerts, interface counters, optics, health.

Plain text (no markup) so the session's replies read the same in a terminal,
a test and a transcript.
"""

from __future__ import annotations

from collections.abc import Sequence

from netlab.evidence.alerts import Alert, Severity
from netlab.evidence.clock import RX_LOW_ALARM_DBM, RX_LOW_WARNING_DBM
from netlab.evidence.show.ports import PortFacts

__all__ = ["alerts_view", "counters_view", "health_view", "optics_view", "table"]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, a rule under the header."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip()
             for row in (header, *rows)]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def alerts_view(open_: Sequence[Alert], cleared: Sequence[tuple[Alert, float]] = ()) -> str:
    """Open alerts, most severe first (then by time); ``cleared`` with the minutes
    after the page they cleared at, when asked for."""
    if not open_ and not cleared:
        return "No open alerts."
    rows = [[f"{a.fired_at:%H:%M:%S}", a.severity.value, a.kind.value, a.device, a.summary]
            for a in sorted(open_, key=lambda a: (a.severity.rank, a.fired_minute, a.device))]
    out = [f"{len(open_)} open alert{'s' * (len(open_) != 1)}:"]
    if rows:
        out.append(table(["fired", "severity", "alert", "device", "summary"], rows))
    if cleared:
        out.append(f"\n{len(cleared)} cleared:")
        out.append(table(["fired", "cleared", "alert", "device", "summary"],
                         [[f"{a.fired_at:%H:%M:%S}", f"+{m:.1f} min", a.kind.value, a.device,
                           a.summary] for a, m in cleared]))
    return "\n".join(out)


def _gbps(bps: int) -> str:
    return f"{bps / 1e9:.1f}"


def counters_view(router: str, ports: Sequence[PortFacts]) -> str:
    """State, rates and counters of ``ports`` (counters since they were cleared at boot)."""
    rows = []
    for p in ports:
        c = p.counters
        state = "up" if p.up else ("admin-down" if not p.admin_up else "down")
        to = f"{p.far[0]} {p.far[1]}" if p.far else "-"
        rows.append([p.name, state, to, _gbps(c.in_bps), _gbps(c.out_bps), str(c.in_packets),
                     str(c.out_packets), str(c.crc_errors), str(c.fec_corrected),
                     str(c.fec_uncorrected), str(c.out_drops), str(p.transitions)])
    return f"{router}: interface counters (since boot)\n" + table(
        ["interface", "state", "to", "in-Gbps", "out-Gbps", "in-pkts", "out-pkts", "crc",
         "fec-corr", "fec-uncorr", "out-drops", "flaps"], rows)


def optics_view(router: str, port: PortFacts) -> str:
    """Digital optical monitoring of one port, with the alarm thresholds."""
    if port.optic is None:
        return f"{router} {port.name}: no optic (not a physical port)"
    o = port.optic
    flags = []
    if o.rx_dbm <= RX_LOW_ALARM_DBM:
        flags.append("LOW RX ALARM")
    elif o.rx_dbm <= RX_LOW_WARNING_DBM:
        flags.append("low rx warning")
    c = port.counters
    return "\n".join([
        f"{router} {port.name} optic ({port.speed_gbps or 0:g}G)"
        + (f"  [{', '.join(flags)}]" if flags else ""),
        f"  Rx power     {o.rx_dbm:8.2f} dBm  (low warning {RX_LOW_WARNING_DBM:g} dBm, "
        f"low alarm {RX_LOW_ALARM_DBM:g} dBm)",
        f"  Tx power     {o.tx_dbm:8.2f} dBm",
        f"  pre-FEC BER  {o.pre_fec_ber:8.1e}",
        f"  FEC corrected {c.fec_corrected}, uncorrected {c.fec_uncorrected}; "
        f"CRC errors {c.crc_errors}",
    ])


def health_view(open_: Sequence[Alert], dropped_gbps: float) -> str:
    """What the NOC dashboard says: service-affecting alerts and traffic dropped now."""
    counts = {s: sum(a.severity is s for a in open_) for s in Severity}
    serious = [a for a in open_ if a.severity.rank <= 1]
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "none"
    lines = [f"Open alerts: {summary}.",
             f"Traffic dropped under the demand matrix now: {dropped_gbps:.1f} Gbps."]
    if not serious and dropped_gbps <= 0:
        lines.append("No service-affecting alerts are open: the network looks healthy from "
                     "the NOC. (The drill's grading checks are only run when you submit.)")
    else:
        lines.append("Still service-affecting:")
        lines += [f"  [{a.severity.value}] {a.summary}" for a in
                  sorted(serious, key=lambda a: (a.severity.rank, a.fired_minute))[:8]]
        if len(serious) > 8:
            lines.append(f"  … and {len(serious) - 8} more ('alerts' lists them)")
    return "\n".join(lines)
