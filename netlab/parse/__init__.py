"""Parse vendor config text back into :class:`DeviceConfig`.

One module per vendor (``netlab.parse.<vendor>``) exposes
``parse(text, filename) -> ParseResult``. :func:`parse_config` detects the
vendor (the ``!RANCID-CONTENT-TYPE:`` header first, then the syntax) and
dispatches. Lines a parser does not understand become :class:`ParseWarning`
values with file and line; syntax errors raise :class:`ParseError`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path

from netlab.errors import ParseError
from netlab.model.types import Vendor
from netlab.parse.result import ParseResult, ParseWarning
from netlab.yamlfile import read_text

__all__ = ["ParseResult", "ParseWarning", "detect_vendor", "parse_config", "parse_file"]

_RANCID = re.compile(r"^\s*[!#]RANCID-CONTENT-TYPE:\s*(\S+)", re.MULTILINE)
_RANCID_VENDOR = {"juniper": Vendor.JUNOS, "cisco-xr": Vendor.IOSXR, "arista": Vendor.EOS,
                  "frr": Vendor.FRR}


def detect_vendor(text: str, filename: str = "<config>") -> Vendor:
    """The vendor of a config: its RANCID header, else recognisable syntax."""
    head = "\n".join(text.splitlines()[:5])
    m = _RANCID.search(head)
    if m is not None:
        kind = m.group(1).lower()
        if kind in _RANCID_VENDOR:
            return _RANCID_VENDOR[kind]
        raise ParseError(f"unknown RANCID-CONTENT-TYPE {kind!r}", path=filename, line=1)
    if re.search(r"^\s*(system|interfaces|protocols)\s*\{", text, re.MULTILINE):
        return Vendor.JUNOS
    if re.search(r"^frr (version|defaults)", text, re.MULTILINE):
        return Vendor.FRR
    if re.search(r"^router isis \S+\n(?:.*\n)*?\s+is-type", text, re.MULTILINE) and re.search(
        r"^\s*address-family ipv4 unicast", text, re.MULTILINE
    ) and re.search(r"^(end-policy|route-policy )", text, re.MULTILINE):
        return Vendor.IOSXR
    if re.search(r"^interface Ethernet\d", text, re.MULTILINE):
        return Vendor.EOS
    raise ParseError("cannot tell which vendor wrote this config "
                     "(add a '!RANCID-CONTENT-TYPE:' header)", path=filename, line=1)


def _parser(vendor: Vendor) -> Callable[[str, str], ParseResult]:
    module = importlib.import_module(f"netlab.parse.{vendor.value}")
    parse: Callable[[str, str], ParseResult] = module.parse
    return parse


def parse_config(text: str, filename: str = "<config>", vendor: Vendor | None = None
                 ) -> ParseResult:
    """Parse ``text`` (from ``filename``) into a normalized DeviceConfig plus warnings."""
    v = vendor or detect_vendor(text, filename)
    return _parser(v)(text, filename)


def parse_file(path: Path, vendor: Vendor | None = None) -> ParseResult:
    return parse_config(read_text(path, error=ParseError), str(path), vendor)
