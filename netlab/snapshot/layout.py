"""The snapshot directory: the one hand-off between netlab's stages.

Its layout is Batfish's, so a Batfish service can load it unchanged::

    SNAPSHOT/
      configs/<hostname>.cfg          one rendered (or edited) config per router
      batfish/layer1_topology.json    physical links that are up (both ends up)
      batfish/isp_config.json         (optional) external peers for Batfish
      netlab/network.yaml             the Network, in topology-file form
      netlab/state.json               failure state, faults applied, provenance

Configs are the source of truth for device intent (a trainee edits them);
``netlab/network.yaml`` carries what configs cannot: sites, coordinates,
capacities, SRLGs, demands. ``state.json`` lists the physical elements that
are down; ``layer1_topology.json`` is written from it and never lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netlab.model.device import DeviceConfig
from netlab.model.network import FailureState, Network
from netlab.parse.result import ParseWarning

__all__ = [
    "CONFIGS_DIR",
    "LAYER1_FILE",
    "NETWORK_FILE",
    "STATE_FILE",
    "Layer1Edge",
    "Snapshot",
]

CONFIGS_DIR = "configs"
LAYER1_FILE = "batfish/layer1_topology.json"
ISP_FILE = "batfish/isp_config.json"
NETWORK_FILE = "netlab/network.yaml"
STATE_FILE = "netlab/state.json"


@dataclass(frozen=True, slots=True, order=True)
class Layer1Edge:
    """One direction-free physical edge between two (hostname, interface) ends."""

    node1: str
    interface1: str
    node2: str
    interface2: str


@dataclass(frozen=True)
class Snapshot:
    """A snapshot read back: the network, its failure state and parsed configs."""

    path: Path
    network: Network
    failures: FailureState
    configs: dict[str, DeviceConfig]
    layer1: tuple[Layer1Edge, ...]
    warnings: dict[str, tuple[ParseWarning, ...]] = field(default_factory=dict)
    faults: tuple[dict[str, object], ...] = ()  # faults applied, as recorded in state.json
