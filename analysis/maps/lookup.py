"""Look-ups behind map clicks: the feature, grid cell or candidate site a click hit.

``st_folium`` reports the position of a click, not what is drawn there; these functions find it
in the region's layers (EPSG:3006).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd
import pyproj
import shapely

from analysis import settings
from analysis.io import Region

#: Clicking a marker returns its position; a feature this close (metres) is the one clicked.
CLICK_TOLERANCE_M: Final = 25.0

_TO_METRIC = pyproj.Transformer.from_crs(settings.CRS_DISPLAY, settings.CRS_METRIC, always_xy=True)


def nearest_feature(
    region: Region,
    lat: float,
    lng: float,
    kinds: Sequence[str] = ("services", "needs"),
    max_distance_m: float = CLICK_TOLERANCE_M,
) -> tuple[str, pd.Series] | None:
    """Return ``(kind, row)`` of the service or need nearest a clicked position, if close.

    ``st_folium`` reports the position of a clicked marker, not its data; this finds the
    feature drawn there.
    """
    x, y = _TO_METRIC.transform(lng, lat)
    best: tuple[float, str, pd.Series] | None = None
    for kind in kinds:
        frame = region.layer(kind)
        if frame is None or not len(frame):
            continue
        distances = frame.geometry.distance(shapely.Point(x, y))
        position = int(np.argmin(distances.to_numpy()))
        distance = float(distances.iloc[position])
        if distance <= max_distance_m and (best is None or distance < best[0]):
            best = (distance, kind, frame.iloc[position])
    return None if best is None else (best[1], best[2])


def cell_at(region: Region, lat: float, lng: float) -> pd.Series | None:
    """Return the populated grid cell containing a clicked position, or None.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from types import SimpleNamespace
    >>> cells = gpd.GeoDataFrame({"cell_id": ["a"]}, geometry=[box(0, 6_900_000, 250, 6_900_250)],
    ...                          crs="EPSG:3006")
    >>> lng, lat = pyproj.Transformer.from_crs(3006, 4326, always_xy=True).transform(100, 6_900_100)
    >>> cell_at(SimpleNamespace(population=cells), lat, lng)["cell_id"]
    'a'
    """
    x, y = _TO_METRIC.transform(lng, lat)
    population = region.population
    hits = population.sindex.query(shapely.Point(x, y), predicate="intersects")
    return None if len(hits) == 0 else population.iloc[int(hits[0])]


def nearest_site(
    region: Region, lat: float, lng: float, max_distance_m: float = 300.0
) -> str | None:
    """Return the id of the candidate site nearest a clicked position, if within reach."""
    x, y = _TO_METRIC.transform(lng, lat)
    sites = region.sites
    candidates = sites[sites["is_candidate"]] if "is_candidate" in sites.columns else sites
    if candidates.empty:
        return None
    distances = candidates.geometry.distance(shapely.Point(x, y)).to_numpy()
    best = int(np.argmin(distances))
    return str(candidates["site_id"].iloc[best]) if distances[best] <= max_distance_m else None
