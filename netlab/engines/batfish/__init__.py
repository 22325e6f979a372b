"""The Batfish engine (``--engine batfish``): netlab's questions asked of a Batfish service.

* :mod:`~netlab.engines.batfish.probe` — is a service answering? (one bounded HTTP GET)
* :mod:`~netlab.engines.batfish.session` — pybatfish behind the probe; snapshot upload
* :mod:`~netlab.engines.batfish.translate` (+ ``_routes``, ``_flows``) — wire → rows
* :mod:`~netlab.engines.batfish.hybrid` — what the embedded engine fills in, and marks
* :mod:`~netlab.engines.batfish.capability` — what Batfish can grade faithfully
* :mod:`~netlab.engines.batfish.engine` — :class:`BatfishEngine`

docs/batfish.md tells the whole story.
"""

from netlab.engines.batfish.engine import BatfishEngine
from netlab.engines.batfish.probe import ServiceAddress, ServiceInfo, probe, pybatfish_version
from netlab.engines.batfish.session import BatfishSession

__all__ = [
    "BatfishEngine",
    "BatfishSession",
    "ServiceAddress",
    "ServiceInfo",
    "probe",
    "pybatfish_version",
]
