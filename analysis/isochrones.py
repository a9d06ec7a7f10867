"""Isochrones: the area reachable from a point within given travel times.

The polygon of a band is the union of the road pieces reachable within the band, buffered by
:data:`ISOCHRONE_BUFFER_M` on each side.  It covers the roads themselves and a strip along them;
the buffer is deliberately narrow (a short walk from the road), so that a large roadless forest
between two reachable roads is *not* drawn as reachable.  Partially reached road segments count
with their reachable part (the segment is cut at the point where time runs out).

The start point walks to its nearest node of the mode's graph first (the access leg, at
:data:`~analysis.settings.ACCESS_SPEED_KMH`), as everywhere else in the engine.

By default the bands are *nested*: the 30-minute polygon contains the 10-minute one, so draw
them largest first.  With ``rings=True`` each band holds only the area beyond the previous band.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import shapely

from analysis import routing, settings
from analysis.errors import NetworkError
from analysis.network import Network, snap_points

#: Half-width of the strip drawn around reachable roads, metres.
ISOCHRONE_BUFFER_M: Final = 100.0


def isochrones(
    network: Network,
    point: shapely.Point,
    mode: str,
    bands_min: Sequence[float] = (5, 10, 20, 30),
    buffer_m: float = ISOCHRONE_BUFFER_M,
    rings: bool = False,
) -> gpd.GeoDataFrame:
    """Return one polygon per travel-time band reachable from ``point`` by ``mode``.

    Parameters
    ----------
    network
        The network.
    point
        Start point, EPSG:3006.
    mode
        Travel mode.
    bands_min
        Band limits, minutes (sorted ascending in the result).
    buffer_m
        Half-width of the strip around reachable roads, metres.
    rings
        False (default): nested polygons.  True: non-overlapping rings.

    Returns
    -------
    GeoDataFrame
        Columns ``band_min`` and ``geometry`` (Polygon or MultiPolygon, empty when nothing is
        reached within the band), EPSG:3006, ascending ``band_min``.

    Raises
    ------
    NetworkError
        When the point is farther than the maximum snap distance from every road of the mode.

    Examples
    --------
    >>> from shapely import LineString, Point
    >>> roads = gpd.GeoDataFrame({"road_class": ["local"]},
    ...     geometry=[LineString([(0, 0), (2000, 0)])], crs="EPSG:3006")
    >>> from analysis.network import build_network
    >>> iso = isochrones(build_network(roads), Point(0, 0), "car", bands_min=(1,))
    >>> iso.band_min.tolist(), round(iso.geometry.iloc[0].bounds[2])  # 1 km in 1 min, +100 m
    ([1], 1100)
    """
    graph = network.graph(mode)
    snap = snap_points(network, gpd.GeoSeries([point], crs=settings.CRS_METRIC), mode)
    if snap.off_network[0] or snap.node[0] < 0:
        raise NetworkError(
            f"The point is more than {settings.MAX_SNAP_DISTANCE_M:.0f} m from any road usable "
            f"by {mode}.",
            f"Punkten ligger mer än {settings.MAX_SNAP_DISTANCE_M:.0f} m från närmaste väg för "
            "valt färdsätt; välj en punkt närmare en väg.",
        )
    bands = sorted(float(b) for b in bands_min)
    limit_s = bands[-1] * 60.0 if bands else 0.0
    nodes, dist = routing.bounded_from(
        *graph.forward, int(snap.node[0]), float(snap.access_s[0]), limit_s
    )
    node_dist = np.full(network.n_nodes, np.inf)
    node_dist[nodes] = dist
    tail = np.repeat(np.arange(network.n_nodes, dtype=np.int64), np.diff(graph.indptr))
    reached = np.isfinite(node_dist[tail])
    tail, head, seconds = tail[reached], graph.indices[reached], graph.weights[reached]
    start_xy = network.node_xy[tail]
    end_xy = network.node_xy[head]

    polygons = []
    for band in bands:
        band_s = band * 60.0
        budget = band_s - node_dist[tail]
        use = budget >= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(seconds[use] > 0, budget[use] / seconds[use], 1.0)
        share = np.clip(share, 0.0, 1.0)[:, None]
        a = start_xy[use]
        b = a + share * (end_xy[use] - a)
        lines = shapely.linestrings(np.stack([a, b], axis=1)) if a.shape[0] else []
        pieces = list(lines)
        if node_dist[snap.node[0]] <= band_s:
            pieces.append(shapely.Point(network.node_xy[snap.node[0]]))
        if pieces:
            shape = shapely.buffer(shapely.GeometryCollection(pieces), buffer_m, quad_segs=4)
        else:
            shape = shapely.Polygon()
        polygons.append(shape)
    if rings:
        polygons = [
            polygons[i] if i == 0 else shapely.difference(polygons[i], polygons[i - 1])
            for i in range(len(polygons))
        ]
    return gpd.GeoDataFrame(
        {"band_min": [int(b) if float(b).is_integer() else b for b in bands]},
        geometry=polygons,
        crs=settings.CRS_METRIC,
    )
