"""Topologies: the file format, the builder, the generators and shipped networks.

``load_network(name_or_path)`` and ``save_network(network, path)`` are the
entry points most code needs; ``load_network(save_network(n)) == n``.
"""

from netlab.topology.build import build_network
from netlab.topology.files import (
    list_topologies,
    load_network,
    network_to_spec,
    save_network,
)
from netlab.topology.schema import TopologySpec, load_spec

__all__ = [
    "TopologySpec",
    "build_network",
    "list_topologies",
    "load_network",
    "load_spec",
    "network_to_spec",
    "save_network",
]
