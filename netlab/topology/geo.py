"""Distances, latencies and the default IS-IS metric, all from site coordinates.

A fibre path is longer than the great circle between its ends: we use a
route factor of 1.2 and light in fibre travels about 200 km per millisecond.
Links inside one site get 0.05 ms. The default IS-IS metric is one unit per
100 µs of one-way latency (at least 1), so the IGP prefers the shortest path
in time, like most backbones' latency-based metric plans.

Examples
--------
>>> round(great_circle_km(51.51, -0.13, 40.71, -74.01))
5571
>>> latency_ms(5571.0), default_metric(33.426)
(33.426, 334)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EARTH_RADIUS_KM",
    "FIBRE_KM_PER_MS",
    "MIN_LATENCY_MS",
    "ROUTE_FACTOR",
    "default_metric",
    "distance_matrix_km",
    "great_circle_km",
    "latency_ms",
]

EARTH_RADIUS_KM = 6371.0
ROUTE_FACTOR = 1.2  # fibre routes are ~20 % longer than the great circle
FIBRE_KM_PER_MS = 200.0  # light in glass, c / 1.5
MIN_LATENCY_MS = 0.05  # a patch cord or metro hop inside a site


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km between two points in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_matrix_km(lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64]:
    """All-pairs great-circle distances (km) between points given in degrees."""
    p = np.radians(lat)[:, None]
    q = np.radians(lat)[None, :]
    dl = np.radians(lon)[:, None] - np.radians(lon)[None, :]
    h = np.sin((q - p) / 2) ** 2 + np.cos(p) * np.cos(q) * np.sin(dl / 2) ** 2
    out: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


def latency_ms(distance_km: float) -> float:
    """One-way latency (ms, rounded to the µs) of a fibre between points ``distance_km`` apart."""
    return round(max(MIN_LATENCY_MS, distance_km * ROUTE_FACTOR / FIBRE_KM_PER_MS), 3)


def default_metric(latency: float) -> int:
    """Default IS-IS metric of a link: one unit per 100 µs of latency, at least 1."""
    return max(1, round(latency * 10))
