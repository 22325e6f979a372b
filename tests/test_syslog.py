"""Syslog: each vendor's real message shapes, both ends and both sides, faithful to config.

Golden files (``tests/golden/syslog/<vendor>/<fault>.log``) hold what every router of
classic-small, rendered as one vendor, logs for a few faults; regenerate with
``NETLAB_REGEN_GOLDEN=1 pytest tests/test_syslog.py`` and review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fault_helpers import FaultLab, lab
from golden import check_golden

from netlab.evidence.incident import Incident
from netlab.evidence.syslog import SyslogLine, log_profile, render_log, syslog_lines
from netlab.model.types import Role, Vendor
from netlab.snapshot import CONFIGS_DIR

__all__ = ["lab"]

LINK = "nyc1-bb1--lon1-bb1"
ENDS = {"nyc1-bb1", "lon1-bb1"}
# Fixed parameters (not picked) so the golden files do not move with the picks.
FAULTS: dict[str, dict[str, Any]] = {
    "link-down": {"link": LINK},
    "isis-auth-mismatch": {"router": "nyc1-bb1", "link": LINK},
    "isis-mtu-mismatch": {"router": "nyc1-bb1", "link": LINK},
    "bgp-remote-as": {"router": "nyc1-pr1", "neighbor": "198.18.0.6"},
    "bgp-max-prefix": {"router": "nyc1-pr1", "neighbor": "198.18.0.6"},
    "bgp-password": {"router": "nyc1-pr1", "neighbor": "198.18.0.6"},
}
GOLDEN = ("link-down", "isis-auth-mismatch", "bgp-remote-as", "bgp-max-prefix",
          "bgp-password")
STAMP = {
    Vendor.JUNOS: re.compile(r"^Mar 14 \d\d:\d\d:\d\d  \S+ (\S+\[\d+\]|/kernel): "),
    Vendor.IOSXR: re.compile(r"^(RP/0/RP0/CPU0|LC/0/\d+/CPU0):Mar 14 \d\d:\d\d:\d\d\.\d{3} "
                             r"UTC: \w+\[\d+\]: %[A-Z_]+-[A-Z_]+-\d-[A-Z_]+ : "),
    Vendor.EOS: re.compile(r"^Mar 14 \d\d:\d\d:\d\d \S+ (Ebra|Isis|Bgp): %[A-Z_]+-\d-[A-Z_]+: "),
    Vendor.FRR: re.compile(r"^Mar 14 \d\d:\d\d:\d\d \S+ (kernel: \[ *\d+\.\d{6}\]|\w+d\[\d+\]:) "),
}


def logs(lab: FaultLab, fault: str, vendor: Vendor | None, minute: float = 6.0
         ) -> tuple[Incident, tuple[SyslogLine, ...]]:
    incident = lab.incident("classic-small", [(fault, FAULTS[fault])], vendor=vendor,
                            now_minute=minute)
    return incident, syslog_lines(incident)


def of(lines: tuple[SyslogLine, ...], router: str) -> str:
    return "\n".join(s.message for s in lines if s.router == router)


@pytest.mark.parametrize("vendor", list(Vendor))
@pytest.mark.parametrize("fault", GOLDEN)
def test_golden_syslog_per_vendor(lab: FaultLab, vendor: Vendor, fault: str) -> None:
    _, lines = logs(lab, fault, vendor)
    for s in lines:
        assert s.vendor is vendor
        assert STAMP[vendor].match(s.text), s.text
    check_golden(f"syslog/{vendor.value}/{fault}.log", render_log(lines, collected=True))


@pytest.mark.parametrize("vendor", [Vendor.JUNOS, Vendor.IOSXR, Vendor.EOS])
def test_a_cut_is_logged_at_both_ends(lab: FaultLab, vendor: Vendor) -> None:
    _, lines = logs(lab, "link-down", vendor)
    assert {s.router for s in lines} == ENDS
    words = {Vendor.JUNOS: ("SNMP_TRAP_LINK_DOWN", "RPD_ISIS_ADJDOWN", "Interface Down"),
             Vendor.IOSXR: ("%PKT_INFRA-LINK-3-UPDOWN", "%ROUTING-ISIS-5-ADJCHANGE",
                            "Interface state down"),
             Vendor.EOS: ("%LINEPROTO-5-UPDOWN", "%ISIS-4-ISIS_ADJCHG",
                          "interface went down")}[vendor]
    for router in ENDS:
        text = of(lines, router)
        assert all(w in text for w in words), text


def test_frr_logs_only_what_its_config_turns_on(lab: FaultLab) -> None:
    _, cut = logs(lab, "link-down", Vendor.FRR)
    assert {s.router for s in cut} == ENDS
    assert all("Link down" in s.message and "kernel" in s.text for s in cut)
    _, maxpfx = logs(lab, "bgp-max-prefix", Vendor.FRR)
    assert [s.message for s in maxpfx] == [
        "%MAXPFXEXCEED: No. of IPv4 Unicast prefix received from 198.18.0.6 "
        f"{_accepted(lab, Vendor.FRR)} exceed, limit 1"]


def _accepted(lab: FaultLab, vendor: Vendor | None) -> int:
    """Prefixes nyc1-pr1 accepted from 198.18.0.6 in the baseline, by the engine."""
    _, base = lab.base("classic-small", vendor)
    return len({r.network for r in lab.engine.bgp_rib(base, nodes=["nyc1-pr1"])
                if str(r.received_from_ip) == "198.18.0.6"})


def test_wrong_remote_as_shows_bad_peer_as_on_both_sides(lab: FaultLab) -> None:
    _, lines = logs(lab, "bgp-remote-as", None)
    wrong, right = of(lines, "nyc1-pr1"), of(lines, "lon1-bb1")
    assert "%ROUTING-BGP-3-NOTIFICATION : sent to neighbor 198.18.0.6 2/2 (peer in wrong AS) " \
           "2 bytes FDE8" in wrong
    assert "NOTIFICATION received from 198.18.0.3 (Internal AS 65000): code 2 (Open Message " \
           "Error) subcode 2 (bad peer AS number)" in right


def test_max_prefix_logs_the_limit_and_the_count(lab: FaultLab) -> None:
    _, lines = logs(lab, "bgp-max-prefix", Vendor.JUNOS)
    count = _accepted(lab, Vendor.JUNOS)
    assert (f"BGP_CEASE_PREFIX_LIMIT_EXCEEDED: 198.18.0.6 (Internal AS 65000): Shutting down "
            f"peer due to exceeding configured maximum prefix-limit(1) for inet-unicast nlri: "
            f"{count} (instance master)") in of(lines, "nyc1-pr1")
    assert "subcode 1 (Maximum Number of Prefixes Reached)" in of(lines, "lon1-bb1")


@pytest.mark.parametrize("fault", ["isis-auth-mismatch", "isis-mtu-mismatch"])
def test_hello_problems_show_only_as_a_lost_adjacency(lab: FaultLab, fault: str) -> None:
    _, lines = logs(lab, fault, None)
    text = render_log(lines).lower()
    assert "auth" not in text and "mtu" not in text
    assert {s.router for s in lines} == ENDS
    reasons = sorted(re.sub(r".*reason: ", "", s.message) for s in lines)
    assert reasons == ["3-Way Handshake Failed", "Aged Out"]


def test_password_mismatch_shows_md5_drops_at_every_retry(lab: FaultLab) -> None:
    incident, lines = logs(lab, "bgp-password", None, minute=10)
    md5 = [s for s in lines if "MD5 digest" in s.message]
    assert {s.router for s in md5} == {"nyc1-pr1", "lon1-bb1"}
    assert len(md5) >= 2 * 9  # one attempt per side every 32 s at most for 9 minutes
    assert all(s.minute <= incident.clock.now_minute for s in lines)


def test_lines_wait_for_the_clock(lab: FaultLab) -> None:
    incident, late = logs(lab, "isis-auth-mismatch", None)
    assert syslog_lines(incident.at(0.1)) == ()
    early = syslog_lines(incident.at(0.49))
    assert early == tuple(s for s in late if s.minute <= 0.49)
    assert [s.minute for s in late] == sorted(s.minute for s in late)


def test_peers_and_dead_routers_write_nothing(lab: FaultLab) -> None:
    incident = lab.incident("classic-small", [("node-down", {"router": "nyc1-pr1"})],
                            now_minute=10)
    lines = syslog_lines(incident)
    peers = {r.name for r in incident.network.routers.values() if r.role is Role.PEER}
    assert lines and not {s.router for s in lines} & (peers | {"nyc1-pr1"})
    assert {"nyc1-bb1", "nyc1-bb2"} <= {s.router for s in lines}
    hold = [s for s in lines if "Hold Timer Expired" in s.message]
    assert hold and all(s.minute == pytest.approx(1.5, abs=0.05) for s in hold)


def test_a_flapping_link_repeats_down_and_up(lab: FaultLab) -> None:
    incident = lab.incident("classic-small", [("link-flap", {"link": LINK, "period": 60,
                                                            "down": 10})], now_minute=4.1)
    lines = [s for s in syslog_lines(incident) if s.router == "nyc1-bb1"]
    downs = [s for s in lines if "SNMP_TRAP_LINK_DOWN" in s.message]
    ups = [s for s in lines if "SNMP_TRAP_LINK_UP" in s.message]
    assert len(downs) == 5 and len(ups) == 4
    assert len([s for s in lines if "RPD_ISIS_ADJDOWN" in s.message]) == 5
    assert not [s for s in lines if "RPD_ISIS_ADJUP" in s.message]  # informational


def test_log_profile_reads_the_config(tmp_path: Path) -> None:
    junos = log_profile(Vendor.JUNOS, "system { syslog { file messages { any notice; } } }")
    assert (junos.bgp_neighbor_changes, junos.max_severity) == (False, 5)
    assert log_profile(Vendor.JUNOS, "group X { log-updown; }").bgp_neighbor_changes
    assert log_profile(Vendor.JUNOS, "file messages { any any; }").max_severity == 7
    frr = log_profile(Vendor.FRR, "log syslog informational\nrouter bgp 1\n "
                                  "bgp log-neighbor-changes\n")
    assert frr.bgp_neighbor_changes and not frr.isis_adjacency_changes
    assert frr.max_severity == 6
    assert log_profile(Vendor.FRR, "log syslog warnings\n").max_severity == 4
    xr = log_profile(Vendor.IOSXR, "router isis core\n log adjacency changes\n")
    assert xr.isis_adjacency_changes and xr.bgp_neighbor_changes
    assert not log_profile(Vendor.IOSXR, " bgp log neighbor changes disable\n"
                           ).bgp_neighbor_changes
    assert not log_profile(Vendor.EOS, "router bgp 1\n   no bgp log-neighbor-changes\n"
                           ).bgp_neighbor_changes


def test_an_operator_turning_on_frr_logging_gets_adjacency_and_neighbor_lines(
        lab: FaultLab) -> None:
    incident, quiet = logs(lab, "bgp-remote-as", Vendor.FRR)
    assert quiet == ()
    for host in ("nyc1-pr1", "lon1-bb1"):
        path = incident.faulted.path / CONFIGS_DIR / f"{host}.cfg"
        text = path.read_text()
        path.write_text(re.sub(r"^(router bgp \d+)$", r"\1\n bgp log-neighbor-changes", text,
                               flags=re.M))
    lines = syslog_lines(incident)
    assert "[PXVXG-TFNNT] %ADJCHANGE: neighbor 198.18.0.6(lon1-bb1) in vrf default Down " \
           "Remote AS changed" in of(lines, "nyc1-pr1")
    assert "%NOTIFICATION: sent to neighbor 198.18.0.6 2/2 (OPEN Message Error/Bad Peer AS) " \
           "2 bytes fd e8" in of(lines, "nyc1-pr1")
    assert "%NOTIFICATION: received from neighbor 198.18.0.3 2/2" in of(lines, "lon1-bb1")


def test_a_shut_port_goes_down_with_its_commit_on_both_ends(lab: FaultLab) -> None:
    incident = lab.incident("classic-small", [("interface-admin-down", {
        "router": "nyc1-bb1", "link": LINK})])
    lines = syslog_lines(incident)
    shut = of(lines, "nyc1-bb1")
    assert "ifAdminStatus down(2), ifOperStatus down(2)" in shut
    assert "ifAdminStatus up(1), ifOperStatus down(2)" in of(lines, "lon1-bb1")
    for router in ENDS:
        mine = [s for s in lines if s.router == router]
        assert "SNMP_TRAP_LINK_DOWN" in mine[0].message
        assert int(mine[-1].minute * 60) == int(mine[0].minute * 60) == 1
