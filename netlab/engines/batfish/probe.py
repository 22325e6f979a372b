"""Is a Batfish service answering? One plain HTTP GET, before any pybatfish call.

pybatfish's ``Session()`` talks to the service in its constructor and retries
an absent one with exponential back-off for minutes. netlab asks first, with
the standard library and a short deadline: ``GET http://HOST:9996/v2/version``.
Port 9996 is the v2 API (pybatfish ``CoordConsts.SVC_CFG_WORK_V2_PORT``), the
path is ``CoordConsts.SVC_CFG_WORK_MGR2`` + ``/version``, and the coordinator
serves it without an API key (``ApiKeyAuthenticationFilter.UNAUTH_PATHS``). It
answers a JSON object of component versions, e.g. ``{"Batfish": "2026.9.17",
"Z3": "4.8.1"}``.

``BATFISH_HOST`` names the service: ``host``, ``host:port`` or
``http://host:port`` (default ``localhost``, port 9996).

Examples
--------
>>> ServiceAddress.parse("bf.example.net:19996").url
'http://bf.example.net:19996'
>>> ServiceAddress.parse("http://10.0.0.5").port
9996
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import metadata
from importlib.util import find_spec
from urllib.parse import urlsplit

from netlab.engines.batfish.deadline import run_bounded
from netlab.errors import EngineError

__all__ = [
    "DEFAULT_PORT",
    "HOST_ENV",
    "PROBE_TIMEOUT",
    "VERSION_PATH",
    "ServiceAddress",
    "ServiceInfo",
    "absent_message",
    "probe",
    "pybatfish_version",
]

HOST_ENV = "BATFISH_HOST"
DEFAULT_HOST = "localhost"
DEFAULT_PORT = 9996
VERSION_PATH = "/v2/version"
PROBE_TIMEOUT = 2.0
START_HINT = "docker run -p 9996:9996 batfish/batfish"


@dataclass(frozen=True, slots=True)
class ServiceAddress:
    """Where a Batfish service is expected: host and v2 API port."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> ServiceAddress:
        """``host``, ``host:port`` or ``http://host:port``; EngineError when malformed."""
        raw = text.strip()
        parts = urlsplit(raw if "://" in raw else f"http://{raw}")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise EngineError(f"{HOST_ENV}={text!r}: bad port (expected host or "
                              "host:port)") from None
        if not parts.hostname or parts.scheme not in ("http", "https"):
            raise EngineError(f"{HOST_ENV}={text!r}: expected host or host:port")
        return cls(parts.hostname, port)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceAddress:
        """The address ``BATFISH_HOST`` names (``localhost:9996`` when unset)."""
        value = (os.environ if env is None else env).get(HOST_ENV, "").strip()
        return cls.parse(value) if value else cls()


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """A Batfish service that answered the probe, with the versions it reported."""

    address: ServiceAddress
    versions: Mapping[str, str] = field(default_factory=dict)

    @property
    def batfish_version(self) -> str | None:
        """The ``Batfish`` component's version (None when the service did not say)."""
        return self.versions.get("Batfish")


def absent_message(address: ServiceAddress, why: str) -> str:
    """The one-line message for an absent service: what, how to start one, how to fall back."""
    return (f"no Batfish service at {address.url} ({why}); start one with "
            f"'{START_HINT}' and set {HOST_ENV}, or use --engine embedded (the default)")


def _get_versions(address: ServiceAddress, timeout: float) -> dict[str, str]:
    url = address.url + VERSION_PATH
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection
        raise EngineError(f"{url} answered HTTP {exc.code}: not a Batfish v2 service? "
                          f"Check {HOST_ENV}, or use --engine embedded (the default)") from None
    except urllib.error.URLError as exc:
        raise EngineError(absent_message(address, str(exc.reason))) from None
    except (TimeoutError, OSError) as exc:
        raise EngineError(absent_message(address, str(exc) or type(exc).__name__)) from None
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise EngineError(f"{url} did not answer JSON: not a Batfish service? "
                          f"Check {HOST_ENV}") from None
    if not isinstance(data, dict):
        raise EngineError(f"{url} answered {type(data).__name__}, expected an object of "
                          "component versions: not a Batfish service?")
    return {str(k): str(v) for k, v in data.items()}


def probe(address: ServiceAddress | None = None, *, timeout: float = PROBE_TIMEOUT
          ) -> ServiceInfo:
    """Ask the service for its version within ``timeout`` seconds (name lookup included).

    Raises a one-line :class:`EngineError` saying the service is absent, how to
    start one and how to fall back to the embedded engine.
    """
    where = address if address is not None else ServiceAddress.from_env()
    try:
        versions = run_bounded(lambda: _get_versions(where, timeout), timeout + 0.5,
                               f"probing {where.url}")
    except EngineError as exc:
        if "did not finish" in exc.message:
            raise EngineError(absent_message(where, f"no answer within {timeout:g} s")) from None
        raise
    return ServiceInfo(where, versions)


def pybatfish_version() -> str | None:
    """The installed pybatfish version, or None when it cannot be imported."""
    if find_spec("pybatfish") is None:
        return None
    try:
        return metadata.version("pybatfish")
    except metadata.PackageNotFoundError:
        return "unknown"
