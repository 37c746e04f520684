"""Great-circle distances and distance from shore, from a land mask shipped on PyPI.

The land mask is the ``global-land-mask`` package's GLOBE-derived 1 km grid (21600 x 43200,
ocean = True). Loading it whole costs about 1 GB, so it is read once, reduced to a
``_FACTOR``-times coarser grid where a cell is land if any of its 1 km pixels is, and
that bit-packed grid (about 7 MB) is cached in ``$CORRIDOR_CACHE_DIR``.
Distance from shore is then the distance to the nearest land cell centre, searched in a
window of `MAX_SHORE_NM` around the point. Nothing is downloaded at run time.
"""

from __future__ import annotations

import math
import os
from functools import cache
from importlib import util
from pathlib import Path
from typing import Any

import numpy as np

from corridor.errors import CorridorError
from corridor.settings import get_settings

#: Mean Earth radius (IUGG) in metres, and metres in a nautical mile.
EARTH_M = 6_371_008.8
NM = 1852.0
#: 1 km pixels per coarse cell side: 4 gives ~3.7 km cells, fine for GFW's 20 nm (loitering)
#: and 50 nm (gaps) shore thresholds, and small enough to cache.
_FACTOR = 4
#: Distances from shore are searched up to this far; anything farther reads as this value.
#: GFW's largest shore threshold is 50 nm; 200 nm (the EEZ limit) leaves room.
MAX_SHORE_NM = 200.0

Array = np.ndarray[Any, Any]


def haversine_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in metres (scalars or numpy arrays)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _mask_file() -> Path:
    spec = util.find_spec("global_land_mask")
    if spec is None or spec.origin is None:
        raise CorridorError("the global-land-mask package is not installed; run `make install`")
    return Path(spec.origin).parent / "globe_combined_mask_compressed.npz"


@cache
def land_grid() -> tuple[Array, float, float, float]:
    """(land bool grid, lat of row 0, lon of column 0, cell size in degrees); row 0 is south."""
    cache_dir = get_settings().cache_dir
    cached = cache_dir / f"land_x{_FACTOR}.npz"
    if cached.exists():
        data = np.load(cached)
        shape = tuple(int(x) for x in data["shape"])
        land = np.unpackbits(data["bits"])[: shape[0] * shape[1]].reshape(shape).astype(bool)
        return land, float(data["lat0"]), float(data["lon0"]), float(data["step"])
    with np.load(_mask_file()) as data:
        ocean = data["mask"]
        lat, lon = data["lat"], data["lon"]
    rows, cols = ocean.shape[0] // _FACTOR, ocean.shape[1] // _FACTOR
    land = np.empty((rows, cols), dtype=bool)
    chunk = 300  # coarse rows per step: keeps the inverted copy to ~50 MB at a time
    for r in range(0, rows, chunk):
        block = ocean[r * _FACTOR : (r + chunk) * _FACTOR, : cols * _FACTOR]
        n = block.shape[0] // _FACTOR
        land[r : r + n] = ~block.reshape(n, _FACTOR, cols, _FACTOR).all(axis=(1, 3))
    del ocean
    step = abs(float(lat[1] - lat[0])) * _FACTOR
    # The package's rows run north to south; flip so row 0 is the southern edge.
    if lat[0] > lat[-1]:
        land = land[::-1]
    lat0 = float(min(lat[0], lat[-1])) - abs(float(lat[1] - lat[0])) / 2
    lon0 = float(lon[0]) - abs(float(lon[1] - lon[0])) / 2
    land = np.ascontiguousarray(land)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir / f".land_x{_FACTOR}.tmp.npz"
    np.savez(
        tmp, bits=np.packbits(land), shape=np.array(land.shape), lat0=lat0, lon0=lon0, step=step
    )
    os.replace(tmp, cached)
    return land, lat0, lon0, step


def is_land(lat: float, lon: float) -> bool:
    land, lat0, lon0, step = land_grid()
    row = min(max(int((lat - lat0) / step), 0), land.shape[0] - 1)
    col = int((lon - lon0) / step) % land.shape[1]
    return bool(land[row, col])


def distance_from_shore_nm(lat: float, lon: float) -> float:
    """Nautical miles to the nearest land cell (0 on land), capped at `MAX_SHORE_NM`."""
    land, lat0, lon0, step = land_grid()
    rows, cols = land.shape
    row = min(max(int((lat - lat0) / step), 0), rows - 1)
    col = int((lon - lon0) / step) % cols
    if land[row, col]:
        return 0.0
    reach_deg = MAX_SHORE_NM / 60.0
    dr = math.ceil(reach_deg / step) + 1
    coslat = max(math.cos(math.radians(lat)), 0.05)
    dc = min(math.ceil(reach_deg / coslat / step) + 1, cols // 2)
    r0, r1 = max(row - dr, 0), min(row + dr + 1, rows)
    col_idx = np.arange(col - dc, col + dc + 1) % cols
    window = land[r0:r1][:, col_idx]
    hit_r, hit_c = np.nonzero(window)
    if hit_r.size == 0:
        return MAX_SHORE_NM
    lats = lat0 + (r0 + hit_r + 0.5) * step
    lons = lon0 + (col_idx[hit_c] + 0.5) * step
    nearest = float(np.min(haversine_m(lat, lon, lats, lons))) / NM
    return min(nearest, MAX_SHORE_NM)


def distances_from_shore_nm(lats: Array, lons: Array) -> Array:
    """`distance_from_shore_nm` for arrays of points."""
    return np.array(
        [distance_from_shore_nm(float(a), float(b)) for a, b in zip(lats, lons, strict=True)]
    )
