"""The data flow in one place: region -> network -> travel times -> scenario -> indicators.

Pages and the command line call these functions; each step is a pure function of its inputs,
so the UI can cache every step by plain keys (region id, scenario fingerprint).

* :func:`analyse_region` builds the network and the baseline :class:`RoutingState` once.
* :func:`scenario_analysis` applies a scenario's changes to the baseline services and updates
  the routing state *incrementally* (only services that were added, closed or moved are
  searched again, and only where their nearest-service areas change).
* :func:`point_times` answers "how far is my nearest pharmacy?" for any point, in microseconds,
  from the node-level results.
"""

from __future__ import annotations

import hashlib
import io as _io
import time
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from analysis import indicators, io, model, routing, settings, store
from analysis.errors import UnknownRegionError
from analysis.io import Region
from analysis.network import Network, Snap, build_network, snap_points
from analysis.scenarios import Scenario, apply_changes
from analysis.traveltime import (
    RoutingState,
    TravelTimes,
    minutes_frame,
    service_to_cell_matrix,
    time_to_sites,
)

SECONDS_PER_MINUTE: Final = 60.0
_TO_METRIC: Final = pyproj.Transformer.from_crs(
    settings.CRS_DISPLAY, settings.CRS_METRIC, always_xy=True
)
_TO_DISPLAY: Final = pyproj.Transformer.from_crs(
    settings.CRS_METRIC, settings.CRS_DISPLAY, always_xy=True
)


def lonlat_to_metric(lon: float, lat: float) -> shapely.Point:
    """Return a WGS 84 position (as a map reports a click) as a point in EPSG:3006.

    Examples
    --------
    >>> point = lonlat_to_metric(15.0, 62.0)
    >>> round(point.x), round(point.y)
    (500000, 6874180)
    """
    x, y = _TO_METRIC.transform(lon, lat)
    return shapely.Point(x, y)


def metric_to_lonlat(point: shapely.Point) -> tuple[float, float]:
    """Return ``(lon, lat)`` in WGS 84 of a point in EPSG:3006."""
    lon, lat = _TO_DISPLAY.transform(point.x, point.y)
    return float(lon), float(lat)


@dataclass(frozen=True)
class Analysis:
    """Routing results for one set of services of a region (the baseline or a scenario).

    Attributes
    ----------
    region
        The region package.
    network
        Its road network.
    services
        The services analysed (the baseline, or the scenario's services after its changes).
    state
        Node-level nearest/second-nearest results.  Service *k* of the state is
        ``service_ids[k]``.
    service_ids
        ``service_id`` of every routing id (closed services keep their id, inactive).
    """

    region: Region
    network: Network
    services: gpd.GeoDataFrame
    state: RoutingState
    service_ids: tuple[str, ...]

    @cached_property
    def _travel_times(self) -> TravelTimes:
        return self.state.travel_times()

    @cached_property
    def one_place_cache(self) -> dict[tuple[object, ...], pd.Series]:
        """Minutes to a one-stop place, per mode and bundle (see
        :func:`bundle_one_place_minutes`): the baseline's are asked for on every edit."""
        return {}

    def travel_times(self) -> TravelTimes:
        """Return the cell-level travel times of every mode and category.

        Computed once per analysis (the state never changes); pages and the evaluation ask for
        it several times per rerun.
        """
        return self._travel_times

    def minutes(self, mode: str) -> pd.DataFrame:
        """Return nearest-service minutes per cell (index ``cell_id``) and category."""
        return minutes_frame(self.travel_times(), mode)

    def service_row(self, routing_id: int) -> pd.Series:
        """Return the services row of a routing id (for labels and popups)."""
        service_id = self.service_ids[routing_id]
        return self.services.loc[self.services["service_id"] == service_id].iloc[0]


def analyse_region(region: Region, network: Network | None = None) -> Analysis:
    """Build the network (unless given) and the baseline routing state of ``region``."""
    network = network if network is not None else build_network(region.roads)
    services = region.services.reset_index(drop=True)
    state = RoutingState.build(network, region.population, services)
    return Analysis(region, network, services, state, tuple(services["service_id"]))


#: Bump when the routing results change meaning, so that stored results are not reused.
ENGINE_VERSION: Final = "1"


def baseline_key(region: Region, network: Network) -> str:
    """Return the store key of a region's baseline routing state.

    It changes whenever the roads (network fingerprint), the cells, the services or the
    engine change, so a stored state is only reused for exactly the same inputs.
    """
    digest = hashlib.sha256()
    digest.update(network.fingerprint.encode())
    for frame in (region.population[["cell_id"]], region.services[["service_id", "category"]]):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    for frame in (region.population, region.services):
        digest.update(b"".join(shapely.to_wkb(np.asarray(frame.geometry.array, dtype=object))))
    return f"baseline:{region.info.region_id}:{ENGINE_VERSION}:{digest.hexdigest()[:24]}"


def state_to_bytes(state: RoutingState) -> bytes:
    """Serialise the node-level results of a state (an ``.npz``, quickly compressed).

    Deflate at level 1: a quarter of the time of :func:`numpy.savez_compressed` (level 6) for
    a slightly larger file; :func:`numpy.load` reads both.
    """
    buffer = _io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for (mode, category), parts in state.node_state.items():
            for name, array in zip(("d1", "l1", "d2", "l2"), parts, strict=True):
                with archive.open(f"{mode}|{category}|{name}.npy", "w", force_zip64=True) as entry:
                    np.lib.format.write_array(entry, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def node_state_from_bytes(payload: bytes) -> dict[tuple[str, str], routing.TopTwo]:
    """Read what :func:`state_to_bytes` wrote."""
    with np.load(_io.BytesIO(payload)) as data:
        parts: dict[tuple[str, str], dict[str, np.ndarray]] = {}
        for key in data.files:
            mode, category, name = key.split("|")
            parts.setdefault((mode, category), {})[name] = data[key]
    return {key: (p["d1"], p["l1"], p["d2"], p["l2"]) for key, p in parts.items()}


def stored_baseline(region: Region, database: store.Store) -> Analysis:
    """Return the baseline analysis, reusing routing results persisted in the DuckDB store.

    The first call computes and stores them; after a restart they are read back (snapping is
    redone, the searches are not), so nothing is recomputed for the same inputs.
    """
    network = build_network(region.roads)
    key = baseline_key(region, network)
    payload = store.get_result(database, key)
    if payload is None:
        # computed at set-up (python -m analysis precompute) into the region package?
        payload = _derived_baseline(region, key)
        if payload is not None:
            store.put_result(database, key, region.info.region_id, "routing_state", payload)
    services = region.services.reset_index(drop=True)
    if payload is None:
        analysis = analyse_region(region, network)
        store.put_result(
            database, key, region.info.region_id, "routing_state", state_to_bytes(analysis.state)
        )
        return analysis
    state = RoutingState.from_node_state(
        network, region.population, services, node_state_from_bytes(payload)
    )
    return Analysis(region, network, services, state, tuple(services["service_id"]))


def _derived_baseline(region: Region, key: str) -> bytes | None:
    try:
        return io.read_derived(region.info.region_id, key)
    except UnknownRegionError:  # a region loaded from elsewhere (tests, a given folder)
        return None


def has_precomputed_baseline(region: Region) -> bool:
    """Whether the region's package holds the baseline state for exactly its current inputs."""
    return _derived_baseline(region, baseline_key(region, build_network(region.roads))) is not None


def precompute_baseline(region: Region) -> tuple[Path, float]:
    """Compute the baseline routing state and store it in the region's package.

    Run once at set-up (``python -m analysis precompute``): a server whose data folder is new
    then reads the state instead of routing every category and mode on its first visit.

    Returns
    -------
    tuple
        The file written and the seconds the routing took.
    """
    start = time.perf_counter()
    network = build_network(region.roads)
    analysis = analyse_region(region, network)
    seconds = time.perf_counter() - start
    key = baseline_key(region, network)
    return io.write_derived(region.info.region_id, key, state_to_bytes(analysis.state)), seconds


def _service_points(services: gpd.GeoDataFrame) -> dict[str, shapely.Point]:
    return dict(zip(services["service_id"], services.geometry, strict=True))


def services_analysis(baseline: Analysis, services_after: gpd.GeoDataFrame) -> Analysis:
    """Return the analysis of ``services_after``, updated incrementally from ``baseline``.

    The difference between the two service sets decides the work: services whose id
    disappeared are removed, new ids are added (in their order in ``services_after``) and
    services whose point changed are moved.  Everything else keeps its node-level results.
    """
    before = _service_points(baseline.services)
    after = _service_points(services_after)
    routing_id = {service_id: k for k, service_id in enumerate(baseline.service_ids)}
    state = baseline.state
    ids = list(baseline.service_ids)
    for service_id in before.keys() - after.keys():
        state = state.with_service_removed(routing_id[service_id])
    categories = dict(zip(services_after["service_id"], services_after["category"], strict=True))
    for service_id, point in after.items():
        if service_id not in before:
            state = state.with_service_added(point, str(categories[service_id]))
            ids.append(service_id)
        elif not point.equals(before[service_id]):
            state = state.with_service_moved(routing_id[service_id], point)
    return Analysis(
        baseline.region,
        baseline.network,
        services_after.reset_index(drop=True),
        state,
        tuple(ids),
    )


def scenario_analysis(baseline: Analysis, scenario: Scenario) -> Analysis:
    """Apply ``scenario`` to the baseline services and return its (incremental) analysis."""
    services_after = apply_changes(baseline.services, baseline.region.sites, scenario.changes)
    return services_analysis(baseline, services_after)


def point_times(analysis: Analysis, point: shapely.Point) -> pd.DataFrame:
    """Return, for a point (EPSG:3006), the nearest service of every category and mode.

    Columns: ``mode``, ``category``, ``minutes`` (``inf`` when unreachable or the point is
    farther than :data:`~analysis.settings.MAX_SNAP_DISTANCE_M` from a road),
    ``service_id``, ``service_name``, ``access_m`` (walk from the point to the road).
    """
    rows = []
    series = gpd.GeoSeries([point], crs=settings.CRS_METRIC)
    state = analysis.state
    for mode in state.modes:
        snap = snap_points(analysis.network, series, mode)
        node = int(snap.node[0])
        usable = node >= 0 and not bool(snap.off_network[0])
        for category in state.categories:
            dist, label, _, _ = state.node_state[(mode, category)]
            seconds = float(dist[node]) + float(snap.access_s[0]) if usable else np.inf
            routing_id = int(label[node]) if usable and np.isfinite(seconds) else -1
            row = analysis.service_row(routing_id) if routing_id >= 0 else None
            rows.append(
                {
                    "mode": mode,
                    "category": category,
                    "minutes": seconds / SECONDS_PER_MINUTE,
                    "service_id": None if row is None else row["service_id"],
                    "service_name": None if row is None else row["name"],
                    "access_m": float(snap.distance_m[0]),
                }
            )
    return pd.DataFrame(rows)


def one_stop_points(
    services: gpd.GeoDataFrame,
    bundle: dict[str, tuple[str, ...]] = model.EVERYDAY_BUNDLE,
    radius_m: float = settings.ONE_PLACE_RADIUS_M,
) -> gpd.GeoSeries:
    """Return the service sites from which every need of ``bundle`` is within ``radius_m``.

    A shared service point hosting the whole bundle qualifies, and so does a town centre where
    the shop, the pharmacy and the cash machine stand a short walk apart: one stop covers all
    errands.  Distances are straight lines between service points (EPSG:3006).

    Examples
    --------
    >>> from shapely import Point
    >>> services = gpd.GeoDataFrame(
    ...     {"site_id": ["a", "b", "c"], "category": ["cash", "parcel_agent", "cash"]},
    ...     geometry=[Point(0, 0), Point(100, 0), Point(5000, 0)], crs="EPSG:3006")
    >>> bundle = {"cash": ("cash",), "parcels": ("parcel_agent",)}
    >>> [(p.x, p.y) for p in one_stop_points(services, bundle)]
    [(0.0, 0.0), (100.0, 0.0)]
    """
    sites = services.drop_duplicates("site_id")
    site_points = np.asarray(sites.geometry.array, dtype=object)
    covers_all = np.ones(len(sites), dtype=bool)
    for categories in bundle.values():
        providers = services.loc[services["category"].isin(categories)]
        if providers.empty:
            covers_all[:] = False
            break
        tree = shapely.STRtree(np.asarray(providers.geometry.array, dtype=object))
        site_index, _ = tree.query(site_points, predicate="dwithin", distance=radius_m)
        has_need = np.zeros(len(sites), dtype=bool)
        has_need[site_index] = True
        covers_all &= has_need
    return gpd.GeoSeries(site_points[covers_all], crs=services.crs)


def bundle_one_place_minutes(
    analysis: Analysis, mode: str, bundle: dict[str, tuple[str, ...]] = model.EVERYDAY_BUNDLE
) -> pd.Series:
    """Return each cell's minutes to the nearest place offering the whole bundle in one stop.

    Computed once per analysis, mode and bundle (the result must not be changed).
    """
    key = (mode, tuple((need, tuple(categories)) for need, categories in bundle.items()))
    cached = analysis.one_place_cache.get(key)
    if cached is not None:
        return cached
    population = analysis.region.population
    points = one_stop_points(analysis.services, bundle)
    seconds = time_to_sites(analysis.network, population, points, mode)
    result = pd.Series(
        seconds / SECONDS_PER_MINUTE,
        index=pd.Index(population["cell_id"], name="cell_id"),
        name="one_place_min",
    )
    analysis.one_place_cache[key] = result
    return result


def minutes_at_points(
    analysis: Analysis,
    points: gpd.GeoSeries,
    categories: pd.Series,
    mode: str,
    snap: Snap | None = None,
) -> pd.Series:
    """Return, per point, the minutes to the nearest service of *that point's* category.

    Used for registered needs: a need for a pharmacy is met if a pharmacy is near it.  A
    category without services (e.g. ``"other"``) gives NaN ("does not apply"); a point off the
    network gives ``inf``.  The result is aligned to ``points.index``.  ``snap`` is the points'
    :func:`~analysis.network.snap_points` for ``mode``, when the caller has it already.
    """
    snap = snap if snap is not None else snap_points(analysis.network, points, mode)
    usable = (snap.node >= 0) & ~snap.off_network
    result = pd.Series(np.nan, index=points.index, name="minutes")
    values = categories.to_numpy()
    for category in analysis.state.categories:
        rows = values == category
        if not rows.any():
            continue
        dist, _, _, _ = analysis.state.node_state[(mode, category)]
        seconds = np.full(int(rows.sum()), np.inf)
        ok = usable[rows]
        seconds[ok] = dist[snap.node[rows][ok]] + snap.access_s[rows][ok]
        result.iloc[np.flatnonzero(rows)] = seconds / SECONDS_PER_MINUTE
    return result


def need_minutes_at_points(
    analysis: Analysis,
    points: gpd.GeoSeries,
    need_ids: pd.Series,
    mode: str,
    snap: Snap | None = None,
) -> pd.Series:
    """Return, per point, the minutes to the nearest service meeting *that point's* need.

    A need is met by any of its categories (:data:`analysis.model.NEEDS`); an unknown need
    gives NaN ("does not apply"), a point off the network ``inf``.  Aligned to
    ``points.index``; ``snap`` as in :func:`minutes_at_points`.
    """
    snap = snap if snap is not None else snap_points(analysis.network, points, mode)
    result = np.full(len(points), np.nan)
    values = need_ids.to_numpy()
    for need, categories in model.NEEDS.items():
        rows = values == need
        if not rows.any():
            continue
        nearest = np.full(len(points), np.inf)
        for category in categories:
            if category in analysis.state.categories:
                times = minutes_at_points(
                    analysis, points, pd.Series(category, index=points.index), mode, snap
                ).to_numpy()
                nearest = np.fmin(nearest, times)
        result[rows] = nearest[rows]
    return pd.Series(result, index=points.index, name="minutes")


def travel_time_table(analysis: Analysis, modes: tuple[str, ...] = ("car",)) -> gpd.GeoDataFrame:
    """Return one row per populated cell with its minutes to every category, for export.

    Columns: ``cell_id``, ``pop_total``, ``locality_id``, then per mode and category
    ``<mode>_<category>_min`` and ``<mode>_<category>_second_min`` (``inf`` = unreachable)
    and ``<mode>_off_network``; the cell polygon in EPSG:3006.
    """
    population = analysis.region.population
    tt = analysis.travel_times()
    columns: dict[str, object] = {
        "cell_id": population["cell_id"].to_numpy(),
        "pop_total": population["pop_total"].to_numpy(),
        "locality_id": population.get("locality_id", pd.Series(index=population.index)).to_numpy(),
    }
    for mode in modes:
        m, _ = tt.index(mode)
        for c, category in enumerate(tt.categories):
            columns[f"{mode}_{category}_min"] = tt.nearest_s[m, c] / SECONDS_PER_MINUTE
            columns[f"{mode}_{category}_second_min"] = tt.second_s[m, c] / SECONDS_PER_MINUTE
        columns[f"{mode}_off_network"] = tt.off_network[m]
    return gpd.GeoDataFrame(columns, geometry=population.geometry.to_numpy(), crs=population.crs)


def e2sfca_per_cell(analysis: Analysis, category: str, mode: str) -> pd.Series:
    """Return each cell's E2SFCA ratio for ``category``: capacity per resident within reach.

    Supply is the services' ``capacity`` (pupils, patients per day, or 1 per service point);
    demand is the cells' residents; the catchment and its distance-decay steps are
    :data:`~analysis.settings.E2SFCA_STEPS_MIN` (30 min by default).  Indexed by ``cell_id``.
    """
    population = analysis.region.population
    services = analysis.services.loc[analysis.services["category"] == category]
    cells = pd.Index(population["cell_id"], name="cell_id")
    if services.empty:
        return pd.Series(0.0, index=cells, name="e2sfca")
    limit_s = max(settings.E2SFCA_STEPS_MIN) * SECONDS_PER_MINUTE
    cost = service_to_cell_matrix(analysis.network, population, services, mode, limit_s)
    demand = pd.Series(population["pop_total"].to_numpy(dtype=float), index=cells)
    # A service without a known capacity (e.g. imported from OpenStreetMap) counts as 1.
    capacity = services["capacity"].astype(float).fillna(1.0)
    supply = pd.Series(capacity.to_numpy(), index=services["service_id"])
    ratio = indicators.e2sfca(demand, supply, cost)
    return pd.Series(ratio.to_numpy(), index=cells, name="e2sfca")
