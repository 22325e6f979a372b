"""Where generated sites are: real metro areas first, then synthetic sites around them.

PoPs sit in large metro areas (60 of them, coordinates of the city centre,
``weight`` ≈ metro population in millions, which drives the gravity demand
model); data centres sit in the towns hyperscalers publicly build in (20 of
them). Beyond the real list, sites are synthetic: the ``k``-th extra site
near a city is named ``<code><k>`` (``ams2``, ``ams3`` …) and placed up to
about 130 km from it, by a random generator seeded with the site's name so
that adding sites never moves the existing ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from netlab.model.types import SiteKind

__all__ = ["DC_SITES", "POP_CITIES", "City", "pick_sites"]


@dataclass(frozen=True, slots=True)
class City:
    """A real place: short code, name, coordinates (degrees) and demand weight."""

    code: str
    name: str
    lat: float
    lon: float
    weight: float = 1.0


# Ordered so that the first few give a compact, intercontinental backbone.
POP_CITIES: tuple[City, ...] = (
    City("nyc", "New York", 40.7128, -74.0060, 20.1),
    City("lon", "London", 51.5074, -0.1278, 14.3),
    City("sjc", "San Jose", 37.3382, -121.8863, 7.7),
    City("fra", "Frankfurt", 50.1109, 8.6821, 2.7),
    City("chi", "Chicago", 41.8781, -87.6298, 9.5),
    City("ams", "Amsterdam", 52.3676, 4.9041, 2.5),
    City("iad", "Ashburn", 39.0438, -77.4874, 6.3),
    City("par", "Paris", 48.8566, 2.3522, 11.1),
    City("dfw", "Dallas", 32.7767, -96.7970, 7.6),
    City("sea", "Seattle", 47.6062, -122.3321, 4.0),
    City("lax", "Los Angeles", 34.0522, -118.2437, 13.2),
    City("mad", "Madrid", 40.4168, -3.7038, 6.7),
    City("mia", "Miami", 25.7617, -80.1918, 6.1),
    City("sto", "Stockholm", 59.3293, 18.0686, 2.4),
    City("atl", "Atlanta", 33.7490, -84.3880, 6.1),
    City("mil", "Milan", 45.4642, 9.1900, 4.3),
    City("yyz", "Toronto", 43.6532, -79.3832, 6.2),
    City("waw", "Warsaw", 52.2297, 21.0122, 3.1),
    City("den", "Denver", 39.7392, -104.9903, 3.0),
    City("dub", "Dublin", 53.3498, -6.2603, 1.4),
    City("tyo", "Tokyo", 35.6762, 139.6503, 37.4),
    City("sin", "Singapore", 1.3521, 103.8198, 5.9),
    City("gru", "Sao Paulo", -23.5505, -46.6333, 22.0),
    City("hkg", "Hong Kong", 22.3193, 114.1694, 7.5),
    City("syd", "Sydney", -33.8688, 151.2093, 5.3),
    City("bom", "Mumbai", 19.0760, 72.8777, 20.4),
    City("yul", "Montreal", 45.5017, -73.5673, 4.3),
    City("yvr", "Vancouver", 49.2827, -123.1207, 2.6),
    City("phx", "Phoenix", 33.4484, -112.0740, 4.9),
    City("bos", "Boston", 42.3601, -71.0589, 4.9),
    City("mex", "Mexico City", 19.4326, -99.1332, 21.8),
    City("vie", "Vienna", 48.2082, 16.3738, 2.9),
    City("mrs", "Marseille", 43.2965, 5.3698, 1.9),
    City("zrh", "Zurich", 47.3769, 8.5417, 1.4),
    City("hel", "Helsinki", 60.1699, 24.9384, 1.5),
    City("prg", "Prague", 50.0755, 14.4378, 2.7),
    City("ist", "Istanbul", 41.0082, 28.9784, 15.5),
    City("ath", "Athens", 37.9838, 23.7275, 3.6),
    City("lis", "Lisbon", 38.7223, -9.1393, 2.9),
    City("bcn", "Barcelona", 41.3874, 2.1686, 5.6),
    City("osa", "Osaka", 34.6937, 135.5023, 19.0),
    City("sel", "Seoul", 37.5665, 126.9780, 25.5),
    City("del", "Delhi", 28.6139, 77.2090, 30.3),
    City("tpe", "Taipei", 25.0330, 121.5654, 7.0),
    City("bkk", "Bangkok", 13.7563, 100.5018, 10.7),
    City("jkt", "Jakarta", -6.2088, 106.8456, 33.4),
    City("mnl", "Manila", 14.5995, 120.9842, 13.5),
    City("kul", "Kuala Lumpur", 3.1390, 101.6869, 8.0),
    City("maa", "Chennai", 13.0827, 80.2707, 11.0),
    City("dxb", "Dubai", 25.2048, 55.2708, 3.5),
    City("jnb", "Johannesburg", -26.2041, 28.0473, 10.0),
    City("los", "Lagos", 6.5244, 3.3792, 15.4),
    City("nbo", "Nairobi", -1.2921, 36.8219, 5.1),
    City("cai", "Cairo", 30.0444, 31.2357, 21.3),
    City("eze", "Buenos Aires", -34.6037, -58.3816, 15.2),
    City("scl", "Santiago", -33.4489, -70.6693, 6.9),
    City("bog", "Bogota", 4.7110, -74.0721, 11.3),
    City("lim", "Lima", -12.0464, -77.0428, 10.9),
    City("mel", "Melbourne", -37.8136, 144.9631, 5.1),
    City("akl", "Auckland", -36.8485, 174.7633, 1.7),
)

# Towns with publicly announced hyperscale data centres.
DC_SITES: tuple[City, ...] = (
    City("prn", "Prineville", 44.2999, -120.8345, 2.0),
    City("cln", "Clonee", 53.4108, -6.4436, 2.0),
    City("frc", "Forest City", 35.3340, -81.8651, 2.0),
    City("lla", "Lulea", 65.5848, 22.1547, 2.0),
    City("atn", "Altoona", 41.6441, -93.4647, 2.0),
    City("odn", "Odense", 55.4038, 10.4024, 2.0),
    City("ftw", "Fort Worth", 32.7555, -97.3308, 2.0),
    City("lln", "Los Lunas", 34.8062, -106.7334, 2.0),
    City("nao", "New Albany", 40.0812, -82.8088, 2.0),
    City("pap", "Papillion", 41.1544, -96.0422, 2.0),
    City("rva", "Henrico", 37.5407, -77.4360, 2.0),
    City("eag", "Eagle Mountain", 40.3141, -112.0069, 2.0),
    City("hsv", "Huntsville", 34.7304, -86.5861, 2.0),
    City("dkb", "DeKalb", 41.9295, -88.7504, 2.0),
    City("gtn", "Gallatin", 36.3884, -86.4467, 2.0),
    City("ssp", "Stanton Springs", 33.5907, -83.7563, 2.0),
    City("kcm", "Kansas City", 39.0997, -94.5786, 2.0),
    City("mza", "Mesa", 33.4152, -111.8315, 2.0),
    City("sgp", "Singapore", 1.3230, 103.6960, 2.0),
    City("tpl", "Temple", 31.0982, -97.3428, 2.0),
)

_JITTER_DEG = 1.2  # synthetic sites lie within about 130 km of their city


def pick_sites(count: int, kind: SiteKind) -> list[City]:
    """The first ``count`` sites of a kind: real places, then synthetic ones (deterministic).

    Examples
    --------
    >>> [c.code for c in pick_sites(2, SiteKind.POP)]
    ['nyc1', 'lon1']
    >>> pick_sites(61, SiteKind.POP)[-1].code
    'nyc2'
    """
    real = POP_CITIES if kind is SiteKind.POP else DC_SITES
    out: list[City] = []
    for i in range(count):
        base = real[i % len(real)]
        k = 1 + i // len(real)
        code = f"{base.code}{k}"
        if k == 1:
            out.append(City(code, base.name, base.lat, base.lon, base.weight))
            continue
        rng = random.Random(f"netlab-site:{code}")
        lat = max(-89.0, min(89.0, base.lat + rng.uniform(-_JITTER_DEG, _JITTER_DEG)))
        lon = base.lon + rng.uniform(-_JITTER_DEG, _JITTER_DEG) * 1.3
        lon = (lon + 180.0) % 360.0 - 180.0
        out.append(City(code, f"{base.name} {k}", round(lat, 4), round(lon, 4),
                        round(base.weight * rng.uniform(0.2, 0.5), 2)))
    return out
