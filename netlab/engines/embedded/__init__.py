"""The embedded analysis engine: netlab's default grader, in-process, no server.

Modules, in the order the analysis runs:

* :mod:`inventory` — nodes, interface state, addresses, layer 1;
* :mod:`adjacency` — IS-IS adjacencies and why they are down;
* :mod:`spf` — all-pairs SPF with ECMP masks (scipy), incremental failures;
* :mod:`isis_rib` — IS-IS routes per node and prefix;
* :mod:`fib` — main RIB/FIB (admin distances per vendor, longest match);
* :mod:`bgp_sessions` — compatibility and establishment of BGP sessions;
* :mod:`policy`, :mod:`bgp_decision`, :mod:`bgp_rib` — BGP propagation and best paths;
* :mod:`forwarding_step`, :mod:`forwarding` — traceroute and reachability;
* :mod:`utilisation` — the demand matrix over the FIB;
* :mod:`whatif` — incremental physical-failure what-ifs;
* :mod:`analysis` and :mod:`engine` — the pipeline and the :class:`EmbeddedEngine` facade.
"""

from netlab.engines.embedded.engine import EmbeddedEngine
from netlab.engines.embedded.whatif import WhatIf, failed_snapshot, parse_failure

__all__ = ["EmbeddedEngine", "WhatIf", "failed_snapshot", "parse_failure"]
