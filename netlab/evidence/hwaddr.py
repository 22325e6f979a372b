"""Hardware (MAC) addresses of router ports: locally administered and reproducible.

Every port gets ``02:xx:xx:xx:xx:xx`` (the locally administered bit set, the
multicast bit clear, IEEE 802 §8.2), its last five bytes a CRC-32 of
``router/interface`` plus one byte of a second hash, so show output and packet
captures name the same address for the same port in every run.

Examples
--------
>>> mac_address("nyc1-bb1", "et-0/0/0")
'02:0c:93:9d:9b:c1'
>>> cisco_mac("02:0c:93:9d:9b:c1")
'020c.939d.9bc1'
"""

from __future__ import annotations

import zlib

__all__ = ["cisco_mac", "mac_address"]


def mac_address(router: str, interface: str) -> str:
    """The MAC address of ``router``'s ``interface`` (colon-separated, lower case)."""
    key = f"{router}/{interface}".encode()
    h = zlib.crc32(key).to_bytes(4, "big") + (zlib.adler32(key) & 0xFF).to_bytes(1, "big")
    return ":".join(f"{b:02x}" for b in (0x02, *h))


def cisco_mac(mac: str) -> str:
    """A MAC in Cisco/Arista dotted form: ``020c.939d.9bc1``."""
    hexes = mac.replace(":", "").replace("-", "").replace(".", "").lower()
    return ".".join(hexes[i:i + 4] for i in range(0, 12, 4))
