"""Snapshot directories: the one hand-off between netlab's stages.

:func:`write_snapshot` renders a Network's configs into Batfish's layout plus
netlab's metadata; :func:`read_snapshot` parses one back (also a trainee's
edited copy). The layout is described in :mod:`netlab.snapshot.layout`.
"""

from netlab.snapshot.layout import (
    CONFIGS_DIR,
    LAYER1_FILE,
    NETWORK_FILE,
    STATE_FILE,
    Layer1Edge,
    Snapshot,
)
from netlab.snapshot.reader import read_layer1, read_snapshot, read_state, vendor_override
from netlab.snapshot.writer import (
    FORMAT_VERSION,
    is_snapshot,
    layer1_edges,
    layer1_json,
    write_snapshot,
)

__all__ = [
    "CONFIGS_DIR",
    "FORMAT_VERSION",
    "LAYER1_FILE",
    "NETWORK_FILE",
    "STATE_FILE",
    "Layer1Edge",
    "Snapshot",
    "is_snapshot",
    "layer1_edges",
    "layer1_json",
    "read_layer1",
    "read_snapshot",
    "read_state",
    "vendor_override",
    "write_snapshot",
]
