"""Both engines on every shipped topology and drill, row for row, against a real Batfish.

Marked ``batfish``: tests/conftest.py skips the module unless ``BATFISH_HOST``
names a service (``docker run -p 9996:9996 batfish/batfish``). Rows must
agree except where the capability findings say they differ
(:func:`netlab.engines.batfish.compare.disagreements` leaves those out).
"""

from __future__ import annotations

from pathlib import Path
from random import Random

import pytest

from netlab.engines.base import (
    ConfiguredStatus,
    Engine,
    FileFormat,
    ParseStatus,
    Question,
    ask,
)
from netlab.engines.batfish import BatfishEngine, BatfishSession
from netlab.engines.batfish.capability import (
    Difference,
    Verdict,
    batfish_can_grade,
)
from netlab.engines.batfish.compare import disagreements
from netlab.faults import CATALOGUE, NetworkState, fault_type, pick_params
from netlab.model.types import Vendor
from netlab.render.intent import device_configs
from netlab.scenario.checks import run_check
from netlab.scenario.drill import list_scenarios, load_drill, write_state
from netlab.snapshot import read_snapshot
from netlab.snapshot.layout import Snapshot
from netlab.topology.files import list_topologies, load_network

pytestmark = [pytest.mark.batfish, pytest.mark.slow]

TOPOLOGIES = sorted(list_topologies())
SMALL = [t for t in TOPOLOGIES if t.endswith("-small")]
COMPARED = [q for q in Question if q not in (Question.TRACEROUTE, Question.LINK_UTILISATION,
                                              Question.PARSE_WARNING,
                                              Question.DIFFERENTIAL_REACHABILITY)]
FORMATS = {Vendor.JUNOS: FileFormat.JUNIPER, Vendor.IOSXR: FileFormat.CISCO_IOS_XR,
           Vendor.EOS: FileFormat.ARISTA}


@pytest.fixture(scope="module")
def batfish() -> BatfishEngine:
    session = BatfishSession(network="netlab-tests")
    session.connect()
    return BatfishEngine(session)


@pytest.fixture(scope="module")
def embedded() -> Engine:
    from netlab.engines.embedded import EmbeddedEngine

    return EmbeddedEngine()


@pytest.fixture(scope="module")
def version(batfish: BatfishEngine) -> str | None:
    assert batfish.session.info is not None
    return batfish.session.info.batfish_version


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("batfish-integration")


def _snapshot(state: NetworkState, path: Path) -> Snapshot:
    if not path.exists():
        write_state(state, path)
    return read_snapshot(path)


def _differences(state: NetworkState, version: str | None) -> list[Difference]:
    verdict = batfish_can_grade(list(state.faults), state, batfish_version=version)
    blocked = [f for f in verdict.findings if f.verdict is Verdict.NOT_MODELLED]
    if blocked:
        pytest.skip(f"Batfish cannot grade this: {blocked[0]}")
    return [d for f in verdict.findings if f.verdict is Verdict.DIFFERS for d in f.differences]


def _agree(batfish: Engine, embedded: Engine, snapshot: Snapshot,
           differences: list[Difference]) -> None:
    problems = {}
    for q in COMPARED:
        out = disagreements(q, ask(batfish, q, snapshot), ask(embedded, q, snapshot),
                            differences)
        if out:
            problems[q.value] = out[:5] + ([f"... {len(out) - 5} more"] if len(out) > 5 else [])
    assert not problems, problems


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_batfish_reads_every_shipped_config(topology: str, batfish: BatfishEngine,
                                            workdir: Path) -> None:
    network = load_network(topology)
    snap = _snapshot(NetworkState(network, device_configs(network)), workdir / topology)
    files = batfish.file_parse_status(snap).rows
    assert {r.nodes for r in files} == {(h,) for h in snap.configs}
    for row in files:
        host = row.nodes[0]
        assert row.status in (ParseStatus.PASSED, ParseStatus.PARTIALLY_UNRECOGNIZED), row
        assert row.file_format is FORMATS[snap.configs[host].vendor], row
    errors = [i for i in batfish.init_issues(snap) if i.is_error]
    assert not errors, errors[:5]
    # external peers are real nodes: no session points at an address nobody owns
    compat = batfish.bgp_session_compatibility(snap).rows
    assert not [r for r in compat if r.configured_status is ConfiguredStatus.UNKNOWN_REMOTE]


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_baselines_agree(topology: str, batfish: BatfishEngine, embedded: Engine,
                         version: str | None, workdir: Path) -> None:
    network = load_network(topology)
    state = NetworkState(network, device_configs(network))
    snap = _snapshot(state, workdir / topology)
    _agree(batfish, embedded, snap, _differences(state, version))


@pytest.mark.parametrize("fault", sorted(CATALOGUE))
@pytest.mark.parametrize("topology", SMALL)
def test_faults_agree(topology: str, fault: str, batfish: BatfishEngine, embedded: Engine,
                      version: str | None, workdir: Path) -> None:
    network = load_network(topology)
    base = NetworkState(network, device_configs(network))
    ft = fault_type(fault)
    state = ft.apply(base, pick_params(ft, base, Random(7)))
    differences = _differences(state, version)
    snap = _snapshot(state, workdir / f"{topology}-{fault}")
    _agree(batfish, embedded, snap, differences)
    reference = _snapshot(base, workdir / topology)
    q = Question.DIFFERENTIAL_REACHABILITY
    out = disagreements(q, batfish.differential_reachability(snap, reference),
                        embedded.differential_reachability(snap, reference), differences)
    assert not out, out[:5]


@pytest.mark.parametrize("scenario", sorted(list_scenarios()))
def test_shipped_drills_grade_the_same(scenario: str, batfish: BatfishEngine, embedded: Engine,
                                       version: str | None, workdir: Path) -> None:
    drill = load_drill(scenario)
    verdict = batfish_can_grade(drill, batfish_version=version)
    if not verdict.ok:
        pytest.skip(f"Batfish cannot grade {scenario}: {verdict.reasons[0]}")
    paths = drill.write(workdir / scenario)
    base, faulted = read_snapshot(paths.baseline), read_snapshot(paths.faulted)
    fixed = read_snapshot(write_state(drill.edited(drill.fix), workdir / scenario / "fixed"))
    for snap in (faulted, fixed):
        for check in drill.spec.checks:
            a = run_check(batfish, check, snap, base)
            b = run_check(embedded, check, snap, base)
            assert a.passed == b.passed, (scenario, check.name, a.detail, b.detail)
