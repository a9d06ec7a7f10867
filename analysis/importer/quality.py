"""The data-quality report of an import: what is there, what is missing, what was dropped.

The report is a plain dict (written as ``quality_report.json`` inside the package folder) and
:func:`quality_frame` turns it into a table for the planner's import page.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from analysis import settings
from analysis.importer.texts import swedish
from analysis.io import Region
from analysis.model import CATEGORY_IDS, LAYERS

REPORT_FILE: Final = "quality_report.json"
#: Bins of the access leg (metres from a cell centre to the nearest drivable road vertex).
ACCESS_BINS_M: Final = (0.0, 100.0, 250.0, 500.0, 1_000.0, 2_000.0, 5_000.0, np.inf)
#: Decimals used when rounding vertices before matching them (as the routing engine does).
VERTEX_DECIMALS: Final = 2


def drivable(roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the roads a car may use: class speed above 0 and ``speed_kmh`` not 0."""
    class_speed = roads["road_class"].map(settings.CAR_SPEED_BY_CLASS_KMH).fillna(0.0)
    speed = roads["speed_kmh"] if "speed_kmh" in roads else pd.Series(np.nan, index=roads.index)
    usable = (class_speed > 0) & ~(speed == 0)
    return roads[usable]


def road_components(roads: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (vertex xy, component of each vertex, road length per component) of ``roads``.

    Vertices are matched after rounding to 0.01 m; consecutive vertices of a line are joined.
    Components are numbered by decreasing road length (0 = largest).

    Examples
    --------
    >>> lines = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (100, 0)]),
    ...     shapely.LineString([(100, 0), (100, 50)]), shapely.LineString([(500, 0), (510, 0)])],
    ...     crs="EPSG:3006")
    >>> _, comp, length = road_components(lines)
    >>> comp.tolist(), length.tolist()
    ([0, 0, 0, 1, 1], [150.0, 10.0])
    """
    if roads.empty:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64), np.empty(0)
    coords, owner = shapely.get_coordinates(roads.geometry.to_numpy(), return_index=True)
    rounded = np.round(coords, VERTEX_DECIMALS)
    unique, inverse = np.unique(rounded, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    same_line = owner[1:] == owner[:-1]
    u, v = inverse[:-1][same_line], inverse[1:][same_line]
    seg_length = np.hypot(*(coords[1:][same_line] - coords[:-1][same_line]).T)
    n = len(unique)
    graph = sparse.coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    length = np.bincount(labels[u], weights=seg_length, minlength=count)
    order = np.argsort(-length, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(count)
    return unique, rank[labels], length[order]


def network_summary(roads: gpd.GeoDataFrame, population: gpd.GeoDataFrame) -> dict[str, Any]:
    """Summarise the drivable network and how residents reach it.

    Returns fragments, the largest fragment's share of drivable road length, the population
    share whose cell centre is within :data:`~analysis.settings.MAX_SNAP_DISTANCE_M` of a
    drivable road, the distribution of the access leg (distance to the nearest drivable road
    vertex, which is where the routing engine snaps) and the population share whose nearest
    vertex is off the largest fragment.
    """
    cars = drivable(roads)
    vertices, component, length = road_components(cars)
    total_pop = float(population["pop_total"].sum()) if len(population) else 0.0
    summary: dict[str, Any] = {
        "drivable_road_km": round(float(length.sum()) / 1000.0, 3),
        "fragments": int(len(length)),
        "largest_fragment_share_of_length": (
            round(float(length[0] / length.sum()), 4) if len(length) and length.sum() else 0.0
        ),
    }
    if population.empty or cars.empty:
        summary.update(
            share_population_within_snap_distance=0.0,
            share_population_off_largest_fragment=1.0 if total_pop else 0.0,
            access_leg_m={},
            population_share_by_access_leg_m={},
        )
        return summary
    centres = population.geometry.centroid
    weights = population["pop_total"].to_numpy(dtype=float)
    tree = shapely.STRtree(cars.geometry.to_numpy())
    _, line_distance = tree.query_nearest(
        centres.to_numpy(), return_distance=True, all_matches=False
    )
    # query_nearest returns one match per input point here (all_matches=False).
    within = line_distance <= settings.MAX_SNAP_DISTANCE_M
    vertex_distance, nearest = cKDTree(vertices).query(
        np.column_stack([centres.x.to_numpy(), centres.y.to_numpy()])
    )
    off_largest = component[nearest] != 0
    denominator = total_pop if total_pop > 0 else 1.0
    counts, _ = np.histogram(vertex_distance, bins=ACCESS_BINS_M, weights=weights)
    labels = [
        f"{int(lo)}-{int(hi)}" if np.isfinite(hi) else f">{int(lo)}"
        for lo, hi in zip(ACCESS_BINS_M[:-1], ACCESS_BINS_M[1:], strict=True)
    ]
    summary.update(
        share_population_within_snap_distance=round(float(weights[within].sum() / denominator), 4),
        share_population_off_largest_fragment=round(
            float(weights[off_largest].sum() / denominator), 4
        ),
        access_leg_m=_weighted_percentiles(vertex_distance, weights),
        population_share_by_access_leg_m={
            label: round(float(count / denominator), 4)
            for label, count in zip(labels, counts, strict=True)
        },
    )
    return summary


def _weighted_percentiles(values: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    if not len(values) or weights.sum() <= 0:
        return {}
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    result = {}
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        result[name] = round(float(values[order][np.searchsorted(cumulative, q)]), 1)
    result["max"] = round(float(values.max()), 1)
    return result


def build_report(
    region_id: str,
    layers: dict[str, gpd.GeoDataFrame],
    *,
    network: dict[str, Any],
    dropped: list[dict[str, Any]],
    notes: list[str],
    warnings: list[str],
    sources: list[str],
) -> dict[str, Any]:
    """Assemble the quality report of an import from its layers and what the steps recorded."""
    services = layers["services"]
    present = set(services["category"]) if len(services) else set()
    shape = layers["boundary"].geometry.iloc[0]
    inside = services[services.within(shape)] if len(services) else services
    present_inside = set(inside["category"]) if len(inside) else set()
    counts = {name: int(len(frame)) for name, frame in layers.items()}
    roads = layers["roads"]
    lengths = roads.geometry.length.groupby(roads["road_class"]).sum() / 1000.0
    per_category = services["category"].value_counts() if len(services) else pd.Series()
    return {
        "region_id": region_id,
        "counts": counts,
        "population_total": int(layers["population"]["pop_total"].sum()),
        "road_km_by_class": {str(k): round(float(v), 3) for k, v in lengths.items()},
        "services_by_category": {c: int(per_category.get(c, 0)) for c in CATEGORY_IDS},
        "categories_without_service": [c for c in CATEGORY_IDS if c not in present],
        "categories_without_service_inside_municipality": [
            c for c in CATEGORY_IDS if c not in present_inside
        ],
        "network": network,
        "dropped": [{**item, "reason_sv": swedish(str(item["reason"]))} for item in dropped],
        "notes": notes,
        "notes_sv": [swedish(note) for note in notes],
        "warnings": warnings,
        "warnings_sv": [swedish(warning) for warning in warnings],
        "sources": sources,
    }


def quality_frame(report: dict[str, Any] | Path, language: str = "en") -> pd.DataFrame:
    """Return the report as a table: ``section``, ``item``, ``value`` (one row per figure).

    ``report`` is a report dict, a package folder or a ``quality_report.json`` path.  With
    ``language="sv"`` notes, warnings and drop reasons are the Swedish versions (section and
    item names stay the report's keys; the page translates those).

    Examples
    --------
    >>> report = {"counts": {"roads": 3}, "dropped": [], "notes": ["x"], "notes_sv": ["y"]}
    >>> quality_frame(report).values.tolist()
    [['counts', 'roads', '3'], ['notes', '1', 'x']]
    >>> quality_frame(report, "sv").values.tolist()
    [['counts', 'roads', '3'], ['notes', '1', 'y']]
    """
    if isinstance(report, Path):
        path = report / REPORT_FILE if report.is_dir() else report
        content: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    else:
        content = report
    swedish_text = language == "sv"
    rows: list[tuple[str, str, str]] = []
    for section, value in content.items():
        if section.endswith("_sv"):
            continue
        if swedish_text and f"{section}_sv" in content:
            value = content[f"{section}_sv"]
        if isinstance(value, dict):
            for item, inner in value.items():
                rows.append((section, str(item), _text(inner)))
        elif isinstance(value, list):
            for number, inner in enumerate(value, start=1):
                if isinstance(inner, dict) and "reason" in inner:
                    reason = (
                        inner.get("reason_sv", inner["reason"]) if swedish_text else inner["reason"]
                    )
                    rows.append(
                        (section, f"{inner.get('layer', '')}: {reason}", str(inner["count"]))
                    )
                else:
                    rows.append((section, str(number), _text(inner)))
        else:
            rows.append((section, "", _text(value)))
    return pd.DataFrame(rows, columns=["section", "item", "value"])


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_quality_report(report: dict[str, Any], package_dir: Path) -> Path:
    """Write ``quality_report.json`` into a package folder atomically (temp file + rename)."""
    target = package_dir / REPORT_FILE
    handle, temporary = tempfile.mkstemp(prefix=".quality-", suffix=".json", dir=package_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=2)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def summary_lines(report: dict[str, Any]) -> list[str]:
    """Return a short English summary of a report for the command line."""
    network = report.get("network", {})
    lines = [
        "Counts: " + ", ".join(f"{k} {v}" for k, v in report.get("counts", {}).items()),
        f"Population: {report.get('population_total', 0)}",
        f"Drivable roads: {network.get('drivable_road_km', 0)} km in "
        f"{network.get('fragments', 0)} fragment(s); largest "
        f"{100 * network.get('largest_fragment_share_of_length', 0):.1f} % of length",
        f"Residents within {settings.MAX_SNAP_DISTANCE_M:.0f} m of a drivable road: "
        f"{100 * network.get('share_population_within_snap_distance', 0):.1f} %; off the "
        f"largest fragment: {100 * network.get('share_population_off_largest_fragment', 0):.1f} %",
        "Categories without service: "
        + (", ".join(report.get("categories_without_service", [])) or "none"),
    ]
    for item in report.get("dropped", []):
        lines.append(f"Dropped {item['count']} from {item['layer']}: {item['reason']}")
    lines += [f"Note: {note}" for note in report.get("notes", [])]
    lines += [f"Warning: {warning}" for warning in report.get("warnings", [])]
    return lines


def region_report(region: Region) -> dict[str, Any]:
    """Return the quality report of any loaded region package (e.g. the demo region).

    An imported package keeps the report written at import time (with what was dropped and
    why); this recomputes what can be recomputed from the layers alone.
    """
    layers = {name: frame for name in LAYERS if (frame := region.layer(name)) is not None}
    return build_report(
        region.info.region_id,
        layers,
        network=network_summary(region.roads, region.population),
        dropped=[],
        notes=[],
        warnings=[],
        sources=list(region.info.sources),
    )
