"""The live lab: the same network as real FRR routers in Linux network namespaces.

:class:`~netlab.lab.lab.Lab` is the facade (up, down, status, exec, vtysh,
capture); :mod:`netlab.lab.faults` injects and restores faults. See
``docs/lab.md`` for what the lab creates and how to clean up after a crash.
"""

from netlab.lab.lab import Lab, RouterStatus
from netlab.lab.poll import wait_until

__all__ = ["Lab", "RouterStatus", "wait_until"]
