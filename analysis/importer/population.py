"""SCB population grid and localities (tätorter/småorter) for the region package.

The population grid comes from SCB's statistical squares (1 km or 250 m, SWEREF 99 TM), as a
CSV with SCB's cell id (six digits of easting and seven of northing of the south-west corner,
see :func:`analysis.model.scb_cell_id`) or x/y columns, or as a GeoPackage/GeoJSON of squares.
Age counts are used as given (the four groups of :data:`analysis.settings.AGE_GROUPS`) or
summed from 5-year classes; when a file has no ages, national shares are applied (flagged in
the quality report).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from analysis import settings
from analysis.errors import ValidationError
from analysis.importer.readers import read_csv_text, read_vector, to_number
from analysis.importer.validate import StagedInput
from analysis.model import scb_cell_id

AGE_COLUMNS: Final = tuple(settings.AGE_GROUPS)
#: Shares of Sweden's population by age group (SCB, 31 Dec 2023, rounded), used only when the
#: grid has no age columns.  Applied per cell with largest-remainder rounding.
NATIONAL_AGE_SHARES: Final[dict[str, float]] = {
    "pop_0_15": 0.187,
    "pop_16_64": 0.608,
    "pop_65_79": 0.151,
    "pop_80_plus": 0.054,
}
CELL_ID_COLUMNS: Final = ("cell_id", "ruta", "rutid", "rut_id", "ruta_id", "rutkod", "id")
X_COLUMNS: Final = ("x", "easting", "x_sw", "xkoord", "e", "ostkoordinat")
Y_COLUMNS: Final = ("y", "northing", "y_sw", "ykoord", "n", "nordkoordinat")
TOTAL_COLUMNS: Final = (
    "pop_total",
    "pop",
    "totalt",
    "beftotalt",
    "befolkning",
    "total",
    "antal",
    "bef",
    "tot",
)
LOCALITY_ID_COLUMNS: Final = (
    "locality_id",
    "tatortskod",
    "tatortkod",
    "smaortskod",
    "smaortkod",
    "tatort_kod",
    "kod",
    "code",
    "id",
)
YEAR_COLUMNS: Final = ("referensar", "ar", "year", "arsversion", "ref_ar")
LOCALITY_NAME_COLUMNS: Final = ("tatort", "tatortsnamn", "smaort", "namn", "name", "ortnamn")
LOCALITY_POP_COLUMNS: Final = ("population", "befolkning", "bef", "folkmangd", "pop", "bef_tot")
#: A locality with at least this many residents is a ``town``, with at least
#: :data:`VILLAGE_MIN_POPULATION` a ``village`` (SCB's tätort threshold), else a ``small_village``.
TOWN_MIN_POPULATION: Final = 2_000
VILLAGE_MIN_POPULATION: Final = 200
#: Derived localities: cells at least this dense (residents per km²) are joined with touching
#: dense cells; a cluster is a locality when it has at least VILLAGE_MIN_POPULATION residents.
DENSE_CELL_PER_KM2: Final = 100.0

_RANGE = re.compile(r"^\D*?(\d{1,3})\s*[-_–]\s*(\d{1,3})\D*$")
_OPEN = re.compile(r"^\D*?(\d{1,3})\s*(?:\+|plus|_?-?w|_?och_?aldre|_?-)$")


@dataclass
class PopulationResult:
    """A population layer and notes for the quality report."""

    frame: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)


def _find(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lower = {_fold(column): column for column in columns}
    for candidate in candidates:
        if candidate in lower:
            return lower[candidate]
    return None


def _fold(text: str) -> str:
    """Lower-case ASCII with underscores: ``"Tätort Kod"`` -> ``"tatort_kod"``."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+]+", "_", plain.lower()).strip("_")


def age_classes(columns: list[str]) -> dict[str, tuple[int, int | None]]:
    """Return the columns that look like age classes, with their (lowest, highest) age.

    Examples
    --------
    >>> age_classes(["Ruta", "0-4", "15-19", "ald80_84", "85+"])
    {'0-4': (0, 4), '15-19': (15, 19), 'ald80_84': (80, 84), '85+': (85, None)}
    """
    found: dict[str, tuple[int, int | None]] = {}
    for column in columns:
        if column in AGE_COLUMNS:
            continue
        text = _fold(column)
        if match := _RANGE.match(text):
            low, high = int(match.group(1)), int(match.group(2))
            if low <= high:
                found[column] = (low, high)
        elif match := _OPEN.match(text):
            found[column] = (int(match.group(1)), None)
    return found


def _group_shares(low: int, high: int | None) -> dict[str, float]:
    """Share of an age class that falls in each age group (by number of years)."""
    if high is None:
        for name, (g_low, g_high) in settings.AGE_GROUPS.items():
            if (g_high is None and low >= g_low) or (g_high is not None and g_low <= low <= g_high):
                return {name: 1.0}
        return {AGE_COLUMNS[-1]: 1.0}
    shares: dict[str, float] = {}
    years = high - low + 1
    for name, (g_low, g_high) in settings.AGE_GROUPS.items():
        top = high if g_high is None else min(high, g_high)
        overlap = top - max(low, g_low) + 1
        if overlap > 0:
            shares[name] = overlap / years
    return shares


def apportion(counts: np.ndarray, shares: dict[str, float]) -> dict[str, np.ndarray]:
    """Split integer counts by shares with largest-remainder rounding (sums are kept exactly).

    Examples
    --------
    >>> parts = apportion(np.array([10, 3]), {"a": 0.2, "b": 0.8})
    >>> parts["a"].tolist(), parts["b"].tolist()
    ([2, 1], [8, 2])
    """
    names = list(shares)
    weights = np.array([shares[name] for name in names], dtype=float)
    weights = weights / weights.sum()
    exact = np.outer(np.asarray(counts, dtype=float), weights)
    floor = np.floor(exact).astype(np.int64)
    missing = np.asarray(counts, dtype=np.int64) - floor.sum(axis=1)
    order = np.argsort(-(exact - floor), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    floor += (rank < missing[:, None]).astype(np.int64)
    return {name: floor[:, i] for i, name in enumerate(names)}


def _cells_from_ids(ids: pd.Series, label: str) -> tuple[np.ndarray, np.ndarray]:
    text = ids.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    bad = ~text.str.fullmatch(r"\d{13}")
    if bad.any():
        first = text[bad].iloc[0]
        raise ValidationError(
            f"{label!r}: cell id {first!r} is not SCB's 13-digit id "
            "(6 digits easting, 7 northing).",
            f"{label!r}: rut-id {first!r} följer inte SCB:s format (13 siffror: 6 för östlig och "
            "7 för nordlig koordinat i SWEREF 99 TM). Kontrollera kolumnen eller ange x/y.",
        )
    return (
        text.str[:6].astype(np.int64).to_numpy(),
        text.str[6:].astype(np.int64).to_numpy(),
    )


def _infer_size(east: np.ndarray, north: np.ndarray, label: str) -> int:
    if len(east) == 0:
        return 1000
    if np.all(east % 1000 == 0) and np.all(north % 1000 == 0):
        return 1000
    if np.all(east % 250 == 0) and np.all(north % 250 == 0):
        return 250
    raise ValidationError(
        f"{label!r}: cell corners are not on SCB's 250 m or 1 km grid.",
        f"{label!r}: rutornas hörn ligger inte på SCB:s rutnät (250 m eller 1 km). Ange "
        "sydvästra hörnet i SWEREF 99 TM (EPSG:3006).",
    )


def read_population(
    staged: StagedInput, *, cell_size_m: int | None = None, layer: str | None = None
) -> PopulationResult:
    """Read an SCB population grid and return the ``population`` layer (without locality ids).

    Parameters
    ----------
    staged
        A staged CSV, GeoPackage or GeoJSON file.
    cell_size_m
        250 or 1000; inferred from the cell corners when not given.
    layer
        GeoPackage layer name (the first layer by default).
    """
    notes: list[str] = []
    if staged.kind == "csv":
        table: pd.DataFrame = read_csv_text(staged)
        columns = list(table.columns)
        id_column = _find(columns, CELL_ID_COLUMNS)
        x_column, y_column = _find(columns, X_COLUMNS), _find(columns, Y_COLUMNS)
        id_is_generic = id_column is not None and _fold(id_column) == "id"
        if id_column is not None and not (id_is_generic and x_column and y_column):
            east, north = _cells_from_ids(table[id_column], staged.label)
        elif x_column is not None and y_column is not None:
            east_f, north_f = to_number(table[x_column]), to_number(table[y_column])
            if east_f.isna().any() or north_f.isna().any():
                raise _missing(staged.label, "x/y")
            east = east_f.round().astype(np.int64).to_numpy()
            north = north_f.round().astype(np.int64).to_numpy()
            east, north = _centre_to_corner(east, north, cell_size_m, notes)
        else:
            raise _missing(staged.label, "cell id (Ruta) or x/y")
    else:
        vector = read_vector(staged, layer, prefer=("ruta", "rut", "grid", "bef", "pop"))
        if vector.empty:
            raise _missing(staged.label, "cells")
        bounds = vector.geometry.bounds
        if (vector.geom_type == "Point").all():
            east = bounds["minx"].round().astype(np.int64).to_numpy()
            north = bounds["miny"].round().astype(np.int64).to_numpy()
            east, north = _centre_to_corner(east, north, cell_size_m, notes)
        else:
            if cell_size_m is None:
                width = float((bounds["maxx"] - bounds["minx"]).median())
                cell_size_m = min((250, 1000), key=lambda size: abs(size - width))
            east, north = _snap_corners(bounds, cell_size_m, staged.label)
        table = pd.DataFrame(vector.drop(columns=vector.geometry.name))
        columns = list(table.columns)
    size = cell_size_m or _infer_size(east, north, staged.label)
    if size not in (250, 1000):
        raise ValidationError(
            f"{staged.label!r}: cell size {size} m; SCB grids are 250 m or 1000 m.",
            f"{staged.label!r}: rutstorleken {size} m stöds inte; SCB:s rutor är 250 m eller "
            "1 000 m.",
        )
    counts = _counts(table, columns, staged.label, notes)
    frame = pd.DataFrame(
        {
            "cell_id": [scb_cell_id(e, n) for e, n in zip(east, north, strict=True)],
            "size_m": np.full(len(east), size, dtype=np.int64),
            **counts,
        }
    )
    if frame["cell_id"].duplicated().any():
        duplicated = sorted(frame.loc[frame["cell_id"].duplicated(), "cell_id"])[:5]
        raise ValidationError(
            f"{staged.label!r}: cells occur more than once: {duplicated}.",
            f"{staged.label!r}: rutor förekommer mer än en gång: {duplicated}. Ta bort "
            "dubbletterna (eller summera dem) och försök igen.",
        )
    geometry = shapely.box(east, north, east + size, north + size)
    result = gpd.GeoDataFrame(frame, geometry=geometry, crs=settings.CRS_METRIC)
    return PopulationResult(result, notes)


def _snap_corners(bounds: pd.DataFrame, size: int, label: str) -> tuple[np.ndarray, np.ndarray]:
    """South-west corners of cell squares, snapped to the grid (squares read in another CRS
    and reprojected are off by centimetres to a metre or two)."""
    corners = []
    for column in ("minx", "miny"):
        values = bounds[column].to_numpy(dtype=float)
        snapped = np.round(values / size) * size
        if len(values) and np.abs(values - snapped).max() > 5.0:
            raise ValidationError(
                f"{label!r}: the squares are not on SCB's {size} m grid in SWEREF 99 TM.",
                f"{label!r}: rutorna ligger inte på SCB:s rutnät ({size} m) i SWEREF 99 TM; "
                "kontrollera filens koordinatsystem och rutstorlek.",
            )
        corners.append(snapped.astype(np.int64))
    return corners[0], corners[1]


def _centre_to_corner(
    east: np.ndarray, north: np.ndarray, size: int | None, notes: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    for candidate in (size,) if size else (1000, 250):
        half = candidate // 2
        if len(east) and np.all(east % candidate == half) and np.all(north % candidate == half):
            notes.append("population x/y were cell centres; converted to south-west corners")
            return east - half, north - half
    return east, north


def _missing(label: str, what: str) -> ValidationError:
    return ValidationError(
        f"{label!r} lacks the column(s) for {what}.",
        f"{label!r} saknar kolumn(er) för {what.replace('cell id', 'rut-id')}. Byt namn på "
        "kolumnerna (t.ex. Ruta, Pop) eller ange en kolumnmappning.",
    )


def _integer_column(table: pd.DataFrame, column: str, label: str) -> np.ndarray:
    values = to_number(table[column]) if table[column].dtype == object else table[column]
    values = pd.to_numeric(values, errors="coerce").astype(float).fillna(0.0)
    if (values < 0).any() or not np.allclose(values, values.round()):
        raise ValidationError(
            f"{label!r}: column {column!r} must hold whole, non-negative numbers.",
            f"{label!r}: kolumnen {column!r} ska innehålla hela tal som inte är negativa.",
        )
    result: np.ndarray = values.round().astype(np.int64).to_numpy()
    return result


def _counts(
    table: pd.DataFrame, columns: list[str], label: str, notes: list[str]
) -> dict[str, np.ndarray]:
    total_column = _find(columns, TOTAL_COLUMNS)
    total = _integer_column(table, total_column, label) if total_column else None
    direct = [column for column in AGE_COLUMNS if column in columns]
    groups: dict[str, np.ndarray] = {}
    if len(direct) == len(AGE_COLUMNS):
        groups = {column: _integer_column(table, column, label) for column in AGE_COLUMNS}
    else:
        classes = age_classes(columns)
        if classes and _covers_all_ages(list(classes.values())):
            groups = {name: np.zeros(len(table), dtype=np.int64) for name in AGE_COLUMNS}
            for column, (low, high) in classes.items():
                parts = apportion(_integer_column(table, column, label), _group_shares(low, high))
                for name, values in parts.items():
                    groups[name] += values
            straddling = [c for c, (lo, hi) in classes.items() if len(_group_shares(lo, hi)) > 1]
            if straddling:
                notes.append(
                    "age classes spanning two age groups split by number of years: "
                    + ", ".join(straddling)
                )
        elif classes:
            notes.append("age columns found but they do not cover all ages; ignored")
    if total is None and not groups:
        raise _missing(label, "population (Pop, Totalt or pop_total)")
    if total is None:
        total = sum(groups.values(), np.zeros(len(table), dtype=np.int64))
    if not groups:
        groups = apportion(total, NATIONAL_AGE_SHARES)
        notes.append(
            "the grid has no ages: age groups estimated from national shares "
            "(SCB 2023) in every cell"
        )
    else:
        summed = sum(groups.values(), np.zeros(len(table), dtype=np.int64))
        mismatched = int((summed != total).sum())
        if mismatched:
            notes.append(f"{mismatched} cells whose age groups do not add up to the total")
    return {"pop_total": total, **groups}


def _covers_all_ages(ranges: list[tuple[int, int | None]]) -> bool:
    ordered = sorted(ranges, key=lambda r: r[0])
    expected = 0
    for low, high in ordered:
        if low != expected:
            return False
        if high is None:
            return True
        expected = high + 1
    return False


def clip_population(
    population: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, int]:
    """Keep cells whose centre lies inside the municipality (not the buffer).

    Residents across the border are another municipality's; their services may still count
    (those are kept in the buffer).  Returns the kept cells and how many were dropped.
    """
    shape = boundary.geometry.iloc[0]
    centres = population.geometry.centroid
    inside = shapely.contains_xy(shape, centres.x.to_numpy(), centres.y.to_numpy())
    kept = population[inside].reset_index(drop=True)
    return kept, int((~inside).sum())


def locality_kind(population: int) -> str:
    """Return the locality kind of a locality with ``population`` residents.

    Examples
    --------
    >>> locality_kind(5000), locality_kind(300), locality_kind(80)
    ('town', 'village', 'small_village')
    """
    if population >= TOWN_MIN_POPULATION:
        return "town"
    if population >= VILLAGE_MIN_POPULATION:
        return "village"
    return "small_village"


def slug(text: str) -> str:
    """Return an id-safe slug of a place name.

    Examples
    --------
    >>> slug("Järpen Östra"), slug("Åre")
    ('jarpen-ostra', 'are')
    """
    return _fold(text).replace("_", "-").replace("+", "") or "ort"


def _unique_ids(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for name in names:
        base = slug(name)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def read_localities(
    staged: StagedInput, boundary: gpd.GeoDataFrame, *, layer: str | None = None
) -> gpd.GeoDataFrame:
    """Read SCB tätorter/småorter polygons and keep those touching the municipality.

    ``locality_id`` is the file's code when it has one (else a slug of the name); ``kind``
    follows from the population (:func:`locality_kind`); a missing population is summed from
    the grid by :func:`assign_localities`.
    """
    frame = read_vector(staged, layer, prefer=("tatort", "smaort", "ort"))
    frame = frame[frame.geom_type.isin(("Polygon", "MultiPolygon"))]
    year_column = _find([str(c) for c in frame.columns], YEAR_COLUMNS)
    if year_column is not None and len(frame):
        years = pd.to_numeric(frame[year_column], errors="coerce")
        frame = frame[years == years.max()]  # SCB ships every reference year in one file
    frame = frame[frame.intersects(boundary.geometry.iloc[0])].reset_index(drop=True)
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    name_column = _find(columns, LOCALITY_NAME_COLUMNS)
    id_column = _find(columns, LOCALITY_ID_COLUMNS)
    pop_column = _find(columns, LOCALITY_POP_COLUMNS)
    if name_column is None:
        raise _missing(staged.label, "locality name (tatort, namn or name)")
    names = frame[name_column].astype(str).str.strip().tolist()
    ids = (
        frame[id_column].astype(str).str.strip().tolist()
        if id_column is not None
        else _unique_ids(names)
    )
    population = np.full(len(frame), -1, dtype=np.int64)
    if pop_column:
        given = pd.to_numeric(frame[pop_column], errors="coerce").notna().to_numpy()
        population[given] = _integer_column(frame, pop_column, staged.label)[given]
    result = gpd.GeoDataFrame(
        {
            "locality_id": pd.Series(ids, dtype=object),
            "name": pd.Series(names, dtype=object),
            "kind": pd.Series([locality_kind(int(p)) for p in population], dtype=object),
            "population": population.astype(np.int64),
        },
        geometry=shapely.make_valid(frame.geometry.to_numpy()),
        crs=settings.CRS_METRIC,
    )
    if result["locality_id"].duplicated().any():
        result["locality_id"] = _unique_ids(names)
    return result


def derive_localities(
    population: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    dense_per_km2: float = DENSE_CELL_PER_KM2,
    min_population: int = VILLAGE_MIN_POPULATION,
) -> gpd.GeoDataFrame:
    """Derive localities from dense grid cells when no locality file is given.

    Cells with at least ``dense_per_km2`` residents per km² are joined with touching dense cells
    (edges or corners); every cluster of at least ``min_population`` residents becomes a
    locality, named after the most important OSM place (city > town > village > hamlet) inside
    it, else "Ort 1", "Ort 2", ... in order of size.

    Examples
    --------
    >>> import shapely
    >>> cells = gpd.GeoDataFrame({"pop_total": [150, 120, 5]}, geometry=[
    ...     shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000),
    ...     shapely.box(5000, 0, 6000, 1000)], crs="EPSG:3006")
    >>> places = gpd.GeoDataFrame({"name": ["Byn"], "place": ["village"], "rank": [2.0]},
    ...     geometry=[shapely.Point(500, 500)], crs="EPSG:3006")
    >>> found = derive_localities(cells, places)
    >>> found[["locality_id", "name", "kind", "population"]].values.tolist()
    [['byn', 'Byn', 'village', 270]]
    """
    empty = gpd.GeoDataFrame(
        {
            "locality_id": pd.Series(dtype=object),
            "name": pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
            "population": pd.Series(dtype=np.int64),
        },
        geometry=gpd.GeoSeries([], crs=settings.CRS_METRIC),
    )
    if population.empty:
        return empty
    bounds = population.geometry.bounds
    size = float((bounds["maxx"] - bounds["minx"]).iloc[0])
    density = population["pop_total"].to_numpy() / (size * size / 1e6)
    dense = population[density >= dense_per_km2].reset_index(drop=True)
    if dense.empty:
        return empty
    dense_bounds = dense.geometry.bounds
    col = np.round(dense_bounds["minx"].to_numpy() / size).astype(np.int64)
    row = np.round(dense_bounds["miny"].to_numpy() / size).astype(np.int64)
    index = {(c, r): i for i, (c, r) in enumerate(zip(col, row, strict=True))}
    sources, targets = [], []
    for i, (c, r) in enumerate(zip(col, row, strict=True)):
        for dc in (-1, 0, 1):
            for dr in (-1, 0, 1):
                j = index.get((c + dc, r + dr))
                if j is not None:
                    sources.append(i)
                    targets.append(j)
    graph = sparse.coo_matrix(
        (np.ones(len(sources)), (sources, targets)), shape=(len(dense), len(dense))
    )
    _, labels = connected_components(graph, directed=False)
    rows = []
    for label in np.unique(labels):
        members = dense[labels == label]
        total = int(members["pop_total"].sum())
        if total < min_population:
            continue
        shape = shapely.union_all(members.geometry.to_numpy())
        inside = places[places.within(shape)] if not places.empty else places
        name = ""
        if not inside.empty:
            name = str(inside.sort_values(["rank", "name"]).iloc[0]["name"])
        rows.append((name, total, shape))
    if not rows:
        return empty
    rows.sort(key=lambda item: -item[1])
    names = [name or f"Ort {i}" for i, (name, _, _) in enumerate(rows, start=1)]
    return gpd.GeoDataFrame(
        {
            "locality_id": pd.Series(_unique_ids(names), dtype=object),
            "name": pd.Series(names, dtype=object),
            "kind": pd.Series([locality_kind(total) for _, total, _ in rows], dtype=object),
            "population": np.array([total for _, total, _ in rows], dtype=np.int64),
        },
        geometry=[shape for _, _, shape in rows],
        crs=settings.CRS_METRIC,
    )


def assign_localities(
    population: gpd.GeoDataFrame, localities: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Give every cell the ``locality_id`` containing its centre (else the rural pseudo-locality)
    and fill unknown locality populations (-1) from the grid."""
    population = population.copy()
    population["locality_id"] = pd.Series(
        [settings.RURAL_LOCALITY_ID] * len(population), dtype=object, index=population.index
    )
    if not localities.empty and not population.empty:
        centres = gpd.GeoDataFrame(geometry=population.geometry.centroid, crs=settings.CRS_METRIC)
        joined = gpd.sjoin(
            centres, localities[["locality_id", "geometry"]], how="left", predicate="within"
        )
        joined = joined[~joined.index.duplicated(keep="first")]
        found = joined["locality_id"].notna()
        population.loc[found[found].index, "locality_id"] = joined.loc[found, "locality_id"]
        localities = localities.copy()
        sums = population.groupby("locality_id")["pop_total"].sum()
        unknown = localities["population"] < 0
        localities.loc[unknown, "population"] = (
            localities.loc[unknown, "locality_id"].map(sums).fillna(0).astype(np.int64)
        )
        localities["kind"] = [locality_kind(int(p)) for p in localities["population"]]
    return population, localities
