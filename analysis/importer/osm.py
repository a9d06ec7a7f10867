"""Read roads, water, service points and place names from an OpenStreetMap extract.

The extract (``.osm.pbf``, or ``.osm`` XML for tests) is streamed with pyosmium: node
locations go to pyosmium's location store (C++), and only tagged objects of interest reach
Python, so a county-size file is never held as one Python object per node.

Roads become one LineString per stretch of an OSM way between *junctions* (nodes shared with
another road way, or a way's own end points).  Shared OSM nodes project to identical EPSG:3006
coordinates, so the routing engine, which joins lines at equal vertices, sees every junction.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis import settings
from analysis.errors import ValidationError
from analysis.model import CATEGORY_IDS, SECTORS, SITE_KINDS

Progress = Callable[[float, str], None]

#: OSM ``highway`` value -> road class of the data model.  Values not listed are not roads
#: (``proposed``, ``construction``, ``platform``, ``bus_stop``, ``raceway``, ...).
HIGHWAY_CLASSES: Final[dict[str, str]] = {
    "motorway": "motorway",
    "motorway_link": "motorway",
    "trunk": "national",
    "trunk_link": "national",
    "primary": "national",
    "primary_link": "national",
    "secondary": "county",
    "secondary_link": "county",
    "tertiary": "local",
    "tertiary_link": "local",
    "unclassified": "local",
    "road": "local",
    "residential": "street",
    "living_street": "street",
    "service": "street",
    "track": "gravel",
    "footway": "path",
    "cycleway": "path",
    "path": "path",
    "pedestrian": "path",
    "bridleway": "path",
    "steps": "path",
}
#: ``surface`` values that turn an ``unclassified``/``tertiary`` road into a gravel road.
UNPAVED_SURFACES: Final = frozenset(
    {"gravel", "unpaved", "compacted", "fine_gravel", "dirt", "ground", "grass", "earth"}
)
#: Swedish implicit speed limits (``maxspeed=SE:...``), km/h.
IMPLICIT_SPEEDS_KMH: Final[dict[str, float]] = {
    "se:urban": 50.0,
    "se:rural": 70.0,
    "se:motorway": 110.0,
    "se:trunk": 90.0,
    "se:living_street": 7.0,
    "walk": 5.0,
}
#: Kilometres per statute mile.
KM_PER_MILE: Final = 1.609344
#: ``waterway`` values kept as water lines, with the ``kind`` they get.
WATERWAY_LINES: Final = {"river": "river", "canal": "canal", "stream": "stream"}
#: ``place`` values kept as locality names, largest first.
PLACE_RANK: Final = {"city": 0, "town": 1, "village": 2, "hamlet": 3, "isolated_dwelling": 4}
#: Default mapping table of OSM tags to service categories (editable CSV, documented in
#: docs/IMPORT.md).
DEFAULT_MAPPING_PATH: Final = Path(__file__).with_name("category_mapping.csv")

_SPEED_PATTERN = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class MappingRule:
    """One row of the category mapping table: an OSM tag and what it becomes.

    Attributes
    ----------
    key, value
        The OSM tag (``shop``, ``supermarket``).
    category
        Service category, or ``""`` for a tag that only makes a candidate site.
    sector
        Default sector of the service.
    site_kind
        Kind of the site it creates.
    """

    key: str
    value: str
    category: str
    sector: str
    site_kind: str


def load_category_mapping(path: Path | None = None) -> tuple[MappingRule, ...]:
    """Read and check a category mapping table (CSV: key, value, category, sector, site_kind).

    Examples
    --------
    >>> rules = load_category_mapping()
    >>> [r.category for r in rules if (r.key, r.value) == ("shop", "supermarket")]
    ['grocery_full']
    """
    source = path or DEFAULT_MAPPING_PATH
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rules = []
    for number, row in enumerate(rows, start=2):
        try:
            rule = MappingRule(
                key=row["key"].strip(),
                value=row["value"].strip(),
                category=(row.get("category") or "").strip(),
                sector=(row.get("sector") or "").strip(),
                site_kind=(row.get("site_kind") or "other").strip(),
            )
        except (KeyError, AttributeError) as error:
            raise ValidationError(
                f"Mapping table {source.name}: line {number} lacks a column ({error}).",
                f"Kategoritabellen {source.name}: rad {number} saknar en kolumn ({error}). "
                "Kolumnerna är key, value, category, sector, site_kind.",
            ) from error
        bad = (
            (rule.category and rule.category not in CATEGORY_IDS)
            or (rule.category and rule.sector not in SECTORS)
            or rule.site_kind not in SITE_KINDS
        )
        if bad:
            raise ValidationError(
                f"Mapping table {source.name}: line {number} has an unknown category, sector or "
                "site kind.",
                f"Kategoritabellen {source.name}: rad {number} har en okänd kategori, sektor "
                f"eller platstyp. Kategorier: {', '.join(CATEGORY_IDS)}.",
            )
        rules.append(rule)
    return tuple(rules)


def road_class(tags: dict[str, str]) -> str | None:
    """Return the road class of an OSM way's tags, or None when it is not a road.

    Examples
    --------
    >>> road_class({"highway": "trunk"}), road_class({"highway": "unclassified"})
    ('national', 'local')
    >>> road_class({"highway": "unclassified", "surface": "gravel"})
    'gravel'
    >>> road_class({"highway": "construction"}) is None
    True
    """
    highway = tags.get("highway", "")
    found = HIGHWAY_CLASSES.get(highway)
    if found is None or tags.get("area") == "yes" or tags.get("access") == "no":
        return None
    if found == "local" and tags.get("surface", "") in UNPAVED_SURFACES:
        return "gravel"
    return found


def parse_maxspeed(text: str | None) -> float:
    """Return a ``maxspeed`` tag as km/h, or NaN when it is missing or not understood.

    Examples
    --------
    >>> parse_maxspeed("50"), parse_maxspeed("SE:rural"), round(parse_maxspeed("30 mph"), 2)
    (50.0, 70.0, 48.28)
    >>> import math; math.isnan(parse_maxspeed("none")), math.isnan(parse_maxspeed(None))
    (True, True)
    >>> parse_maxspeed("70;50")
    50.0
    """
    if not text:
        return math.nan
    values = []
    for part in str(text).split(";"):
        key = part.strip().lower()
        if key in IMPLICIT_SPEEDS_KMH:
            values.append(IMPLICIT_SPEEDS_KMH[key])
            continue
        match = _SPEED_PATTERN.match(part)
        if match is None:
            continue
        number = float(match.group(1).replace(",", "."))
        if (match.group(2) or "").lower() == "mph":
            number *= KM_PER_MILE
        if 0 < number <= 200:
            values.append(number)
    return min(values) if values else math.nan


def oneway(tags: dict[str, str]) -> tuple[bool, bool]:
    """Return (is one-way, drawn against the direction of travel) for an OSM way.

    Examples
    --------
    >>> oneway({"oneway": "yes"}), oneway({"oneway": "-1"}), oneway({"highway": "motorway"})
    ((True, False), (True, True), (True, False))
    >>> oneway({"junction": "roundabout", "oneway": "no"})
    (False, False)
    """
    value = tags.get("oneway", "").lower()
    if value in ("yes", "true", "1"):
        return True, False
    if value in ("-1", "reverse"):
        return True, True
    if value == "no":
        return False, False
    implied = tags.get("highway") in ("motorway", "motorway_link") or tags.get("junction") in (
        "roundabout",
        "circular",
    )
    return implied, False


def _days(expression: str) -> int:
    days = ("mo", "tu", "we", "th", "fr", "sa", "su")
    total = 0
    for part in expression.lower().split(","):
        if "-" in part:
            first, last = part.split("-", 1)
            total += (days.index(last.strip()) - days.index(first.strip())) % 7 + 1
        else:
            days.index(part.strip())
            total += 1
    return total


def hours_per_week(text: str | None) -> float:
    """Return open hours per week of a simple ``opening_hours`` value, or NaN.

    Understands ``24/7`` and rules such as ``Mo-Fr 08:00-17:00; Sa 10:00-14:00`` (several time
    spans per rule allowed); anything else (public holidays, months, ``off``) gives NaN.

    Examples
    --------
    >>> hours_per_week("Mo-Fr 08:00-17:00; Sa 10:00-14:00"), hours_per_week("24/7")
    (49.0, 168.0)
    >>> import math; math.isnan(hours_per_week("Mo-Fr 08:00-17:00; PH off"))
    True
    """
    if not text:
        return math.nan
    if text.strip() == "24/7":
        return 168.0
    total = 0.0
    try:
        for rule in text.split(";"):
            rule = rule.strip()
            if not rule:
                continue
            days, spans = rule.split(" ", 1)
            count = _days(days)
            for span in spans.split(","):
                start, end = span.strip().split("-")
                start_h, start_m = (int(v) for v in start.split(":"))
                end_h, end_m = (int(v) for v in end.split(":"))
                minutes = (end_h * 60 + end_m) - (start_h * 60 + start_m)
                if minutes <= 0:
                    minutes += 24 * 60
                total += count * minutes / 60.0
    except ValueError:
        return math.nan
    return total if total <= 168.0 else math.nan


@dataclass
class OsmExtract:
    """What :func:`read_osm` found, in EPSG:3006.

    Attributes
    ----------
    roads
        ``road_id``, ``road_class``, ``speed_kmh`` (NaN when untagged), ``name``, ``oneway``,
        ``osm_way_id``; one LineString per stretch between junctions.
    water
        ``kind``, ``name``; lakes as polygons, rivers and streams as lines.
    pois
        One row per mapped OSM object: ``osm_id`` (``n1``/``w2``/``r3``), ``name``,
        ``site_kind``, ``categories`` (tuple), ``sectors`` (tuple), ``operator``,
        ``opening_hours``.
    places
        ``name``, ``place``, ``rank`` of OSM place nodes (used to name derived localities).
    dropped
        Reason -> count of objects left out.
    """

    roads: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    dropped: dict[str, int] = field(default_factory=dict)


class _WaterAreaFilter:
    """Area-assembly filter: only multipolygon relations of water or mapped services."""

    def __init__(self, rule_keys: frozenset[str]) -> None:
        self.rule_keys = rule_keys

    def relation(self, relation: Any) -> bool:
        tags = relation.tags
        if _water_kind(tags) is not None:
            return False
        return not any(key in tags for key in self.rule_keys)


def _water_kind(tags: Any) -> str | None:
    if tags.get("natural") == "water" or "water" in tags:
        water = tags.get("water", "lake")
        return {"river": "river", "canal": "canal", "reservoir": "reservoir"}.get(water, "lake")
    if tags.get("landuse") == "reservoir":
        return "reservoir"
    if tags.get("waterway") == "riverbank":
        return "river"
    return None


def _match_rules(tags: Any, rules: tuple[MappingRule, ...]) -> list[MappingRule]:
    return [rule for rule in rules if tags.get(rule.key) == rule.value]


def _in_bbox(lons: list[float], lats: list[float], bbox: tuple[float, ...] | None) -> bool:
    if bbox is None:
        return True
    west, south, east, north = bbox
    return max(lons) >= west and min(lons) <= east and max(lats) >= south and min(lats) <= north


def read_osm(
    path: Path,
    *,
    bbox_wgs84: tuple[float, float, float, float] | None = None,
    rules: tuple[MappingRule, ...] | None = None,
    progress: Progress | None = None,
    location_storage: str = "flex_mem",
) -> OsmExtract:
    """Stream an OSM extract and return its roads, water, mapped service points and places.

    Parameters
    ----------
    path
        A staged ``.osm.pbf`` or ``.osm`` file (see :func:`analysis.importer.validate.stage_input`).
    bbox_wgs84
        (west, south, east, north): ways and points wholly outside are skipped early.
    rules
        Category mapping table; the default is ``category_mapping.csv``.
    progress
        Called as ``progress(objects_read, message)`` every 100 000 objects.
    location_storage
        pyosmium node-location store: ``flex_mem`` (default) or, for files of all Sweden,
        a disk-backed one such as ``dense_file_array,/tmp/nodes.cache``.
    """
    import osmium  # local import: only the importer needs pyosmium

    rules = rules if rules is not None else load_category_mapping()
    rule_keys = frozenset(rule.key for rule in rules)
    keys = ("highway", "waterway", "natural", "water", "landuse", "place", *sorted(rule_keys))
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations(location_storage)
        .with_areas(_WaterAreaFilter(rule_keys))
        .with_filter(osmium.filter.KeyFilter(*keys))
    )
    wkb = osmium.geom.WKBFactory()
    dropped: dict[str, int] = {}

    def drop(reason: str) -> None:
        dropped[reason] = dropped.get(reason, 0) + 1

    road_rows: list[tuple[int, str, float, str, bool]] = []
    road_nodes: list[np.ndarray] = []
    road_coords: list[np.ndarray] = []
    water_rows: list[tuple[str, str, bytes, bool]] = []
    poi_rows: list[dict[str, Any]] = []
    place_rows: list[tuple[str, str, float, float]] = []
    seen = 0
    try:
        objects: Iterable[Any] = processor
        for obj in objects:
            seen += 1
            if progress is not None and seen % 100_000 == 0:
                progress(float(seen), f"OSM: {seen} tagged objects read")
            tags = obj.tags
            if obj.is_node():
                lon, lat = obj.location.lon, obj.location.lat
                if not _in_bbox([lon], [lat], bbox_wgs84):
                    continue
                matched = _match_rules(tags, rules)
                if matched:
                    poi_rows.append(_poi(f"n{obj.id}", tags, matched, lon=lon, lat=lat))
                place = tags.get("place")
                if place in PLACE_RANK and tags.get("name"):
                    place_rows.append((tags["name"], place, lon, lat))
            elif obj.is_way():
                try:
                    triples = [(node.ref, node.lon, node.lat) for node in obj.nodes]
                except osmium.InvalidLocationError:
                    drop("way with nodes missing from the extract")
                    continue
                if len(triples) < 2:
                    continue
                refs, lons, lats = (list(column) for column in zip(*triples, strict=True))
                if not _in_bbox(lons, lats, bbox_wgs84):
                    continue
                klass = road_class(dict(tags)) if "highway" in tags else None
                if klass is not None:
                    is_oneway, reverse = oneway(dict(tags))
                    if reverse:
                        refs, lons, lats = refs[::-1], lons[::-1], lats[::-1]
                    speed = parse_maxspeed(tags.get("maxspeed"))
                    if tags.get("maxspeed") and math.isnan(speed):
                        drop("maxspeed not understood (class speed used)")
                    road_rows.append((obj.id, klass, speed, str(tags.get("name", "")), is_oneway))
                    road_nodes.append(np.asarray(refs, dtype=np.int64))
                    road_coords.append(np.column_stack([lons, lats]))
                elif "highway" in tags:
                    drop(f"highway={tags.get('highway')} is not a road")
                waterway = tags.get("waterway")
                closed = refs[0] == refs[-1]
                if waterway in WATERWAY_LINES and not closed:
                    line = shapely.LineString(np.column_stack([lons, lats]))
                    water_rows.append(
                        (WATERWAY_LINES[waterway], str(tags.get("name", "")), line.wkb, False)
                    )
                matched = _match_rules(tags, rules)
                if matched:
                    ring = np.column_stack([lons, lats])
                    shape = (
                        shapely.Polygon(ring)
                        if closed and len(refs) >= 4
                        else shapely.LineString(ring)
                    )
                    centre = shape.centroid
                    if shape.geom_type == "Polygon" and not (
                        shape.is_valid and shape.contains(centre)
                    ):
                        centre = shape.representative_point()
                    poi_rows.append(_poi(f"w{obj.id}", tags, matched, lon=centre.x, lat=centre.y))
            elif obj.is_area():
                kind = _water_kind(tags)
                if kind is None and obj.from_way():
                    continue  # service areas from ways were handled as ways
                try:
                    geometry = wkb.create_multipolygon(obj)
                except (RuntimeError, osmium.InvalidLocationError):
                    drop("area that could not be assembled")
                    continue
                shape = shapely.from_wkb(geometry)
                west, south, east, north = shape.bounds
                if not _in_bbox([west, east], [south, north], bbox_wgs84):
                    continue
                if kind is not None:
                    water_rows.append(
                        (kind, str(tags.get("name", "")), bytes.fromhex(geometry), True)
                    )
                if not obj.from_way():
                    matched = _match_rules(tags, rules)
                    if matched:
                        centre = shape.representative_point()
                        poi_rows.append(
                            _poi(f"r{obj.orig_id()}", tags, matched, lon=centre.x, lat=centre.y)
                        )
    except RuntimeError as error:
        raise ValidationError(
            f"The OSM file could not be read: {error}.",
            f"OSM-filen gick inte att läsa ({error}). Ladda ned extraktet på nytt.",
        ) from error
    if progress is not None:
        progress(float(seen), f"OSM: {seen} tagged objects read")
    return OsmExtract(
        roads=_roads_frame(road_rows, road_nodes, road_coords, drop),
        water=_water_frame(water_rows),
        pois=_pois_frame(poi_rows),
        places=_places_frame(place_rows),
        dropped=dropped,
    )


def read_osm_boundaries(path: Path, *, admin_level: str = "7") -> gpd.GeoDataFrame:
    """Return the administrative areas of one level from an OSM extract, in EPSG:3006.

    Swedish municipalities are ``boundary=administrative`` + ``admin_level=7`` relations
    carrying ``ref:scb`` (the municipality code) and ``name`` ("Åre kommun").  Returns
    ``kommunkod``, ``kommunnamn`` and the assembled (multi)polygons; an extract cut inside a
    municipality gives no complete area for it.
    """
    import osmium

    wanted = osmium.filter.TagFilter(("boundary", "administrative"))
    processor = (
        osmium.FileProcessor(str(path))
        .with_areas(osmium.filter.TagFilter(("admin_level", admin_level)))
        .with_filter(wanted)
    )
    wkb = osmium.geom.WKBFactory()
    rows: list[tuple[str, str, bytes]] = []
    objects: Iterable[Any] = processor
    try:
        for obj in objects:
            if not obj.is_area() or obj.tags.get("admin_level") != admin_level:
                continue
            try:
                geometry = bytes.fromhex(wkb.create_multipolygon(obj))
            except (RuntimeError, osmium.InvalidLocationError):
                continue
            code = obj.tags.get("ref:scb") or obj.tags.get("ref") or ""
            rows.append((str(code), str(obj.tags.get("name", "")), geometry))
    except RuntimeError as error:
        raise ValidationError(
            f"The OSM file could not be read: {error}.",
            f"OSM-filen gick inte att läsa ({error}). Ladda ned extraktet på nytt.",
        ) from error
    frame = gpd.GeoDataFrame(
        {
            "kommunkod": pd.Series([row[0] for row in rows], dtype=object),
            "kommunnamn": pd.Series([row[1] for row in rows], dtype=object),
        },
        geometry=gpd.GeoSeries(
            shapely.from_wkb([row[2] for row in rows]) if rows else [], crs=settings.CRS_DISPLAY
        ),
    )
    return frame.to_crs(settings.CRS_METRIC)


def _poi(
    osm_id: str, tags: Any, matched: list[MappingRule], *, lon: float, lat: float
) -> dict[str, Any]:
    categories: list[str] = []
    sectors: list[str] = []
    for rule in matched:
        if rule.category and rule.category not in categories:
            categories.append(rule.category)
            sectors.append(rule.sector)
    return {
        "osm_id": osm_id,
        "name": tags.get("name", "") or tags.get("brand", ""),
        "site_kind": matched[0].site_kind,
        "categories": tuple(categories),
        "sectors": tuple(sectors),
        "operator": tags.get("operator", "") or tags.get("brand", ""),
        "opening_hours": tags.get("opening_hours", ""),
        "lon": lon,
        "lat": lat,
    }


def split_at_junctions(
    nodes: list[np.ndarray], coords: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ways at every interior node shared with another way (or met twice).

    Returns (coordinates, piece index of each coordinate, source way of each piece); a junction
    vertex ends one piece and starts the next, so it appears in both.  Vectorised: one pass
    over all node references, whatever the number of ways.

    Examples
    --------
    >>> refs = [np.array([1, 2, 3]), np.array([2, 4])]
    >>> xy = [np.array([[0.0, 0], [1, 0], [2, 0]]), np.array([[1.0, 0], [1, 1]])]
    >>> points, piece, owner = split_at_junctions(refs, xy)
    >>> piece.tolist(), owner.tolist()
    ([0, 0, 1, 1, 2, 2], [0, 0, 1])
    """
    if not nodes:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    sizes = np.array([len(refs) for refs in nodes])
    every = np.concatenate(nodes)
    points = np.concatenate(coords)
    way = np.repeat(np.arange(len(nodes)), sizes)
    first = np.zeros(len(every), dtype=bool)
    first[np.cumsum(sizes) - sizes] = True
    last = np.zeros(len(every), dtype=bool)
    last[np.cumsum(sizes) - 1] = True
    unique, inverse, counts = np.unique(every, return_inverse=True, return_counts=True)
    cut = (counts[inverse.reshape(-1)] > 1) & ~first & ~last
    copies = 1 + cut.astype(np.int64)
    expanded = np.repeat(np.arange(len(every)), copies)
    second_copy = np.zeros(len(expanded), dtype=bool)
    second_copy[np.cumsum(copies)[cut] - 1] = True
    starts = first[expanded] & ~second_copy | second_copy
    piece = np.cumsum(starts) - 1
    owner = way[expanded][starts]
    return points[expanded], piece, owner


def _roads_frame(
    rows: list[tuple[int, str, float, str, bool]],
    nodes: list[np.ndarray],
    coords: list[np.ndarray],
    drop: Callable[[str], None],
) -> gpd.GeoDataFrame:
    columns = ["road_id", "road_class", "speed_kmh", "name", "oneway", "osm_way_id"]
    lonlat, parts, owners = split_at_junctions(nodes, coords)
    if not len(owners):
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=_ROAD_DTYPES[c]) for c in columns},
            geometry=gpd.GeoSeries([], crs=settings.CRS_METRIC),
        )
    xy = _project(lonlat[:, 0], lonlat[:, 1])
    # Drop repeated consecutive vertices (zero-length segments) before building lines.
    keep = np.ones(len(xy), dtype=bool)
    same = (np.diff(parts) == 0) & np.all(np.isclose(np.diff(xy, axis=0), 0.0, atol=1e-6), axis=1)
    keep[1:] &= ~same
    counts = np.bincount(parts[keep], minlength=len(owners))
    valid = counts >= 2
    for _ in range(int((~valid).sum())):
        drop("road stretch of zero length")
    mask = valid[parts] & keep
    renumber = np.cumsum(valid) - 1
    lines = shapely.linestrings(xy[mask], indices=renumber[parts[mask]])
    owner = owners[valid]
    frame = pd.DataFrame(rows, columns=["osm_way_id", "road_class", "speed_kmh", "name", "oneway"])
    frame = frame.iloc[owner].reset_index(drop=True)
    frame.insert(0, "road_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    frame["speed_kmh"] = frame["speed_kmh"].astype(float)
    frame["oneway"] = frame["oneway"].astype(bool)
    frame["osm_way_id"] = frame["osm_way_id"].astype(np.int64)
    return gpd.GeoDataFrame(frame[columns], geometry=lines, crs=settings.CRS_METRIC)


_ROAD_DTYPES: Final = {
    "road_id": "int64",
    "road_class": "object",
    "speed_kmh": "float64",
    "name": "object",
    "oneway": "bool",
    "osm_way_id": "int64",
}


def _project(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    from pyproj import Transformer

    transformer = Transformer.from_crs(settings.CRS_DISPLAY, settings.CRS_METRIC, always_xy=True)
    x, y = transformer.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([x, y])


def _water_frame(rows: list[tuple[str, str, bytes, bool]]) -> gpd.GeoDataFrame:
    geometry = gpd.GeoSeries(
        shapely.from_wkb([row[2] for row in rows]) if rows else [], crs=settings.CRS_DISPLAY
    )
    frame = gpd.GeoDataFrame(
        {
            "kind": pd.Series([row[0] for row in rows], dtype=object),
            "name": pd.Series([row[1] for row in rows], dtype=object),
        },
        geometry=geometry,
    )
    return frame.to_crs(settings.CRS_METRIC)


def _pois_frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    columns = ["osm_id", "name", "site_kind", "categories", "sectors", "operator", "opening_hours"]
    frame = pd.DataFrame(rows, columns=[*columns, "lon", "lat"])
    frame = frame.drop_duplicates("osm_id").reset_index(drop=True)
    xy = _project(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    return gpd.GeoDataFrame(
        frame[columns].astype(dict.fromkeys(columns, object)),
        geometry=shapely.points(xy) if len(frame) else [],
        crs=settings.CRS_METRIC,
    )


def _places_frame(rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=["name", "place", "lon", "lat"])
    frame["rank"] = frame["place"].map(PLACE_RANK).astype(float)
    xy = _project(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    return gpd.GeoDataFrame(
        frame[["name", "place", "rank"]],
        geometry=shapely.points(xy) if len(frame) else [],
        crs=settings.CRS_METRIC,
    )
