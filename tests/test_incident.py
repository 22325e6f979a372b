"""Building an Incident from a topology and faults, and reading one back from snapshots."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from netlab.errors import FaultError, SnapshotError
from netlab.evidence.clock import FlapCycle, OpticDecay
from netlab.evidence.incident import (
    BASELINE_DIR,
    FAULTED_DIR,
    apply_specs,
    baseline_state,
    build_incident,
    fault_starts,
    load_incident,
    state_of,
)
from netlab.snapshot import STATE_FILE
from netlab.topology.files import load_network

LINK = "nyc1-bb1--lon1-bb1"


def test_build_incident_writes_both_snapshots_and_keeps_the_faults(tmp_path: Path) -> None:
    incident = build_incident(
        "classic-small",
        [("link-down", {"link": LINK}),
         ("link-flap", {"link": "nyc1-bb2--lon1-bb2", "period": 60, "down": 10}, 2.0),
         ("optic-degrade", {"link": "prn1-bb1--cln1-bb1", "router": "cln1-bb1"}, 1.0)],
        workdir=tmp_path, page_minute=4.0)
    assert (tmp_path / BASELINE_DIR / STATE_FILE).is_file()
    assert (tmp_path / FAULTED_DIR / STATE_FILE).is_file()
    assert [f.type for f in incident.faults] == ["link-down", "link-flap", "optic-degrade"]
    assert incident.clock.fault_starts == (0.0, 2.0, 1.0)
    assert incident.clock.page_minute == incident.clock.now_minute == 4.0
    assert LINK in incident.faulted.failures.links_down
    assert not incident.baseline.failures.links_down
    assert incident.flaps == (FlapCycle("nyc1-bb2--lon1-bb2", 2.0, 60.0, 10.0),)
    assert incident.optics == (OpticDecay("prn1-bb1--cln1-bb1", "cln1-bb1", 1.0, 4.0, 2.0,
                                          1.0),)
    data = json.loads((tmp_path / FAULTED_DIR / STATE_FILE).read_text())
    assert [f["start_minute"] for f in data["faults"]] == [0.0, 2.0, 1.0]


def test_at_moves_the_clock_only(tmp_path: Path) -> None:
    incident = build_incident("classic-small", [("link-down", {"link": LINK})],
                              workdir=tmp_path)
    later = incident.at(30)
    assert later.clock.now_minute == 30.0 and incident.clock.now_minute == 5.0
    assert later.faulted is incident.faulted and later.engine is incident.engine
    assert dataclasses.replace(later, clock=incident.clock) == incident


def test_load_incident_reads_back_what_build_wrote(tmp_path: Path) -> None:
    built = build_incident("classic-small", [("bgp-shutdown", {
        "router": "nyc1-pr1", "neighbor": "198.18.64.27"}, 1.5)], workdir=tmp_path)
    read = load_incident(tmp_path / FAULTED_DIR, tmp_path / BASELINE_DIR, now_minute=9)
    assert read.faults == built.faults
    assert read.clock.fault_starts == (1.5,)
    assert read.clock.now_minute == 9.0
    assert fault_starts(read.faulted) == (1.5,)
    assert state_of(read.faulted).configs["nyc1-pr1"] == built.state.configs["nyc1-pr1"]


def test_a_bad_fault_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(FaultError, match="did you mean"):
        build_incident("classic-small", [("link-down", {"link": "nyc1-bb1--lon1-bb9"})],
                       workdir=tmp_path)
    assert not any(tmp_path.iterdir())
    with pytest.raises(FaultError, match="before minute 0"):
        apply_specs(baseline_state(load_network("classic-small")),
                    [("link-down", {"link": LINK}, -1.0)])


def test_snapshots_are_not_overwritten_unless_asked(tmp_path: Path) -> None:
    build_incident("classic-small", [("link-down", {"link": LINK})], workdir=tmp_path)
    with pytest.raises(SnapshotError, match="--force"):
        build_incident("classic-small", [("link-down", {"link": LINK})], workdir=tmp_path)
    again = build_incident("classic-small", [("node-down", {"router": "nyc1-bb1"})],
                           workdir=tmp_path, overwrite=True)
    assert again.faulted.failures.nodes_down == {"nyc1-bb1"}


def test_baseline_and_faulted_must_be_the_same_network(tmp_path: Path) -> None:
    build_incident("classic-small", [("link-down", {"link": LINK})], workdir=tmp_path / "a")
    other = build_incident("express-small", [("node-down", {"router": "prn1-ebb0"})],
                           workdir=tmp_path / "b")
    with pytest.raises(SnapshotError, match="express-small"):
        load_incident(tmp_path / "a" / FAULTED_DIR, other.baseline)


def test_a_malformed_start_minute_is_reported_with_its_file(tmp_path: Path) -> None:
    build_incident("classic-small", [("link-down", {"link": LINK})], workdir=tmp_path)
    state = tmp_path / FAULTED_DIR / STATE_FILE
    data = json.loads(state.read_text())
    data["faults"][0]["start_minute"] = "soon"
    state.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match="start_minute") as err:
        load_incident(tmp_path / FAULTED_DIR, tmp_path / BASELINE_DIR)
    assert "state.json" in str(err.value)


def test_public_api_is_pinned() -> None:
    from netlab.evidence import alerts, changes, clock, events, incident, syslog, timeline
    from netlab.evidence.incident import Incident

    assert [f.name for f in dataclasses.fields(Incident)] == [
        "baseline", "faulted", "state", "clock", "engine"]
    assert callable(Incident.at)
    assert set(incident.__all__) >= {"Incident", "build_incident", "load_incident",
                                     "default_engine", "state_of"}
    assert set(clock.__all__) >= {"SimClock", "FlapCycle", "OpticDecay", "EPOCH"}
    assert set(alerts.__all__) == {"Alert", "AlertKind", "Severity", "alerts"}
    assert set(syslog.__all__) >= {"SyslogLine", "syslog_lines", "render_log"}
    assert set(events.__all__) <= set(timeline.__all__)
    assert "compute_changes" in changes.__all__
    for module in (alerts, changes, clock, events, incident, syslog, timeline):
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)
