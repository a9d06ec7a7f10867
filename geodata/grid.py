"""SCB-style statistical grid helpers (SWEREF 99 TM squares named by their south-west corner)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis import settings
from analysis.model import scb_cell_id

#: Count columns of the population layer, summed when cells are aggregated.
COUNT_COLUMNS = ("pop_total", "pop_0_15", "pop_16_64", "pop_65_79", "pop_80_plus")


def cell_polygons(sw_easting: np.ndarray, sw_northing: np.ndarray, size_m: int) -> np.ndarray:
    """Return square cell polygons from south-west corners (metres, EPSG:3006)."""
    e = np.asarray(sw_easting, dtype=float)
    n = np.asarray(sw_northing, dtype=float)
    return np.asarray(shapely.box(e, n, e + size_m, n + size_m))


def aggregate_cells(population: gpd.GeoDataFrame, size_m: int = 1000) -> gpd.GeoDataFrame:
    """Aggregate a population grid to coarser SCB cells (default 1 km).

    Counts are summed; each coarse cell is named by its south-west corner with
    :func:`analysis.model.scb_cell_id`, as SCB names its 1 km squares, and gets the
    ``locality_id`` holding most of its residents (ties: the first id alphabetically).

    Parameters
    ----------
    population
        The ``population`` layer (EPSG:3006), cells of a size that divides ``size_m``.
    size_m
        Side of the coarse cells, metres.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per populated coarse cell, same columns as the input layer.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = gpd.GeoDataFrame(
    ...     {"cell_id": ["4800006900000", "4802506900250"], "size_m": [250, 250],
    ...      "pop_total": [3, 4], "pop_0_15": [1, 0], "pop_16_64": [2, 2],
    ...      "pop_65_79": [0, 1], "pop_80_plus": [0, 1], "locality_id": ["a", "b"]},
    ...     geometry=[shapely.box(480000, 6900000, 480250, 6900250),
    ...               shapely.box(480250, 6900250, 480500, 6900500)], crs="EPSG:3006")
    >>> coarse = aggregate_cells(cells)
    >>> coarse[["cell_id", "size_m", "pop_total", "locality_id"]].values.tolist()
    [['4800006900000', 1000, 7, 'b']]
    """
    if population.crs is None or population.crs != settings.CRS_METRIC:
        raise ValueError(f"population must be in {settings.CRS_METRIC}")
    if population.empty:
        return population.iloc[0:0].copy()
    bounds = population.geometry.bounds
    sw_e = (np.floor(bounds["minx"].to_numpy() / size_m) * size_m).astype(np.int64)
    sw_n = (np.floor(bounds["miny"].to_numpy() / size_m) * size_m).astype(np.int64)
    frame = pd.DataFrame({column: population[column].to_numpy() for column in COUNT_COLUMNS})
    frame["sw_e"] = sw_e
    frame["sw_n"] = sw_n
    grouped = frame.groupby(["sw_e", "sw_n"], sort=True)[list(COUNT_COLUMNS)].sum()
    result = grouped.reset_index()
    if "locality_id" in population.columns:
        frame["locality_id"] = population["locality_id"].to_numpy()
        by_locality = (
            frame.groupby(["sw_e", "sw_n", "locality_id"], sort=True)["pop_total"]
            .sum()
            .reset_index()
            .sort_values(["sw_e", "sw_n", "pop_total", "locality_id"], ascending=[1, 1, 0, 1])
            .drop_duplicates(["sw_e", "sw_n"])
        )
        result = result.merge(by_locality[["sw_e", "sw_n", "locality_id"]], on=["sw_e", "sw_n"])
    result.insert(
        0,
        "cell_id",
        [scb_cell_id(e, n) for e, n in zip(result["sw_e"], result["sw_n"], strict=True)],
    )
    result.insert(1, "size_m", np.int64(size_m))
    geometry = cell_polygons(result["sw_e"].to_numpy(), result["sw_n"].to_numpy(), size_m)
    result = result.drop(columns=["sw_e", "sw_n"])
    for column in COUNT_COLUMNS:
        result[column] = result[column].astype(np.int64)
    result["size_m"] = result["size_m"].astype(np.int64)
    return gpd.GeoDataFrame(result, geometry=geometry, crs=settings.CRS_METRIC)
