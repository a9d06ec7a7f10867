"""Travel times from population cells to the nearest (and second-nearest) service.

A cell's time is: walking from the cell centroid to its snapped road node (the access leg), then
the network time to the service's snapped node, then walking to the service (its own access
leg).  Computed per mode and category by one multi-source search from the services on the
reversed graph (:mod:`analysis.routing`), then read off at each cell's node.

Points farther than :data:`~analysis.settings.MAX_SNAP_DISTANCE_M` from every road of a mode are
*off the network* in that mode: cells get ``inf`` (and ``off_network`` is set); services are left
out of that mode's search (``service_off_network`` is set) rather than given a huge time.

For scenario edits, :class:`RoutingState` keeps the node-level results and updates only what a
change touches (see :meth:`RoutingState.with_service_added` and friends).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from analysis import model, routing, settings
from analysis.errors import ValidationError
from analysis.network import Network, Snap, snap_points

_T = TypeVar("_T", bound=np.generic)
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class TravelTimes:
    """Travel times of every population cell, per mode and category.

    Attributes
    ----------
    cell_ids
        Population ``cell_id``, in population order.
    modes, categories
        Order of the first two axes of the arrays.
    nearest_s
        ``(n_modes, n_categories, n_cells)`` seconds to the nearest service; ``inf`` when none is
        reachable or the cell is off the network.
    nearest_service
        Same shape: positional index of that service in ``services`` (services added later by a
        scenario continue the numbering); -1 for none.
    second_s, second_service
        The same for the second-nearest *distinct* service.
    off_network
        ``(n_modes, n_cells)``: the cell centroid is beyond the maximum snap distance.
    service_off_network
        ``(n_modes, n_services)``: the service is beyond the maximum snap distance and was left
        out of that mode's search.
    """

    cell_ids: NDArray[np.object_]
    modes: tuple[str, ...]
    categories: tuple[str, ...]
    nearest_s: FloatArray
    nearest_service: IntArray
    second_s: FloatArray
    second_service: IntArray
    off_network: BoolArray
    service_off_network: BoolArray

    def index(self, mode: str, category: str | None = None) -> tuple[int, int]:
        """Return ``(mode index, category index)`` (category index -1 when not given)."""
        if mode not in self.modes:
            raise ValidationError(
                f"Mode {mode!r} was not computed; modes: {', '.join(self.modes)}.",
                f"Färdsättet {mode!r} är inte beräknat; färdsätt: {', '.join(self.modes)}.",
            )
        if category is not None and category not in self.categories:
            raise ValidationError(
                f"Category {category!r} was not computed.",
                f"Kategorin {category!r} är inte beräknad.",
            )
        return self.modes.index(mode), (-1 if category is None else self.categories.index(category))


def minutes_frame(tt: TravelTimes, mode: str) -> pd.DataFrame:
    """Return the nearest-service times of ``mode`` in minutes: index ``cell_id``, one column per
    category (``inf`` = no service reachable or cell off the network).

    Examples
    --------
    >>> tt = TravelTimes(
    ...     np.array(["a", "b"], dtype=object), ("car",), ("library",),
    ...     np.array([[[60.0, np.inf]]]), np.array([[[0, -1]]]),
    ...     np.full((1, 1, 2), np.inf), np.full((1, 1, 2), -1),
    ...     np.zeros((1, 2), dtype=bool), np.zeros((1, 1), dtype=bool),
    ... )
    >>> minutes_frame(tt, "car")["library"].tolist()
    [1.0, inf]
    """
    m, _ = tt.index(mode)
    return pd.DataFrame(
        tt.nearest_s[m].T / 60.0,
        index=pd.Index(tt.cell_ids, name="cell_id"),
        columns=list(tt.categories),
    )


def _centroids(population: gpd.GeoDataFrame) -> gpd.GeoSeries:
    if "cell_id" not in population.columns:
        raise ValidationError(
            "The population layer lacks the column cell_id.",
            "Befolkningslagret saknar kolumnen cell_id.",
        )
    geoms = np.asarray(population.geometry.array, dtype=object)
    return gpd.GeoSeries(shapely.centroid(geoms), crs=population.crs)


def _cell_times(
    node_dist: FloatArray, node_label: IntArray, snap: Snap
) -> tuple[FloatArray, IntArray]:
    """Read node-level results at the cells' nodes and add the cells' access legs."""
    ok = ~snap.off_network & (snap.node >= 0)
    times = np.full(snap.node.shape[0], np.inf)
    labels = np.full(snap.node.shape[0], -1, dtype=np.int64)
    times[ok] = node_dist[snap.node[ok]] + snap.access_s[ok]
    labels[ok] = node_label[snap.node[ok]]
    labels[~np.isfinite(times)] = -1
    return times, labels


@dataclass(frozen=True)
class RoutingState:
    """Node-level nearest/second-nearest results, ready for cheap scenario edits.

    Build it once with :meth:`build`; every ``with_*`` method returns a *new* state (nothing is
    mutated, so a cached state can be shared) in which only the changed category was updated,
    and only in the part of the network the change affects.  :meth:`travel_times` turns a state
    into :class:`TravelTimes`.  Services are identified by their positional index in the
    ``services`` frame given to :meth:`build`; an added service gets the next free index.

    Attributes
    ----------
    network
        The network the state was computed on.
    modes, categories
        Modes and categories kept.
    cell_ids
        Population ``cell_id`` in population order.
    cell_snap
        Snap of each cell centroid, per mode.
    service_category
        Category of every service id (removed ones included).
    service_active
        False for services removed by a scenario.
    service_snap
        Snap of every service, per mode.
    node_state
        ``(mode, category) -> (dist1, label1, dist2, label2)`` over the nodes, computed on the
        reversed graph (time from a node to a service).
    """

    network: Network
    modes: tuple[str, ...]
    categories: tuple[str, ...]
    cell_ids: NDArray[np.object_]
    cell_snap: Mapping[str, Snap]
    service_category: NDArray[np.object_]
    service_active: BoolArray
    service_snap: Mapping[str, Snap]
    node_state: Mapping[tuple[str, str], routing.TopTwo]

    @classmethod
    def build(
        cls,
        network: Network,
        population: gpd.GeoDataFrame,
        services: gpd.GeoDataFrame,
        modes: Sequence[str] = settings.MODES,
        categories: Sequence[str] = model.CATEGORY_IDS,
    ) -> RoutingState:
        """Snap cells and services and run one k=2 search per (mode, category)."""
        if "category" not in services.columns:
            raise ValidationError(
                "The services layer lacks the column category.",
                "Servicelagret saknar kolumnen category.",
            )
        modes = tuple(modes)
        categories = tuple(categories)
        for mode in modes:
            network.graph(mode)  # raises on an unknown mode
        centroids = _centroids(population)
        service_points = gpd.GeoSeries(
            np.asarray(services.geometry.array, dtype=object), crs=services.crs
        )
        cell_snap = {mode: snap_points(network, centroids, mode) for mode in modes}
        service_snap = {mode: snap_points(network, service_points, mode) for mode in modes}
        state = cls(
            network=network,
            modes=modes,
            categories=categories,
            cell_ids=population["cell_id"].to_numpy(dtype=object),
            cell_snap=cell_snap,
            service_category=services["category"].astype(str).to_numpy(dtype=object),
            service_active=np.ones(len(services), dtype=np.bool_),
            service_snap=service_snap,
            node_state={},
        )
        node_state = {
            (mode, category): state._from_scratch(mode, category)
            for mode in modes
            for category in categories
        }
        return replace(state, node_state=node_state)

    @classmethod
    def from_node_state(
        cls,
        network: Network,
        population: gpd.GeoDataFrame,
        services: gpd.GeoDataFrame,
        node_state: Mapping[tuple[str, str], routing.TopTwo],
    ) -> RoutingState:
        """Rebuild a state from saved node-level results (e.g. read from the store).

        Snapping is redone (it is cheap); the searches are not.  ``node_state`` must come from
        :meth:`build` on the same network, population and services.
        """
        keys = list(node_state)
        modes = tuple(dict.fromkeys(mode for mode, _ in keys))
        categories = tuple(dict.fromkeys(category for _, category in keys))
        empty = cls.build(network, population, services, modes, ())
        return replace(empty, categories=categories, node_state=dict(node_state))

    # --- internals ----------------------------------------------------------------------------

    def _sources(self, mode: str, category: str) -> tuple[IntArray, FloatArray, IntArray]:
        snap = self.service_snap[mode]
        use = (
            (self.service_category == category)
            & self.service_active
            & ~snap.off_network
            & (snap.node >= 0)
        )
        ids = np.flatnonzero(use).astype(np.int64)
        return snap.node[ids], snap.access_s[ids], ids

    def _from_scratch(self, mode: str, category: str) -> routing.TopTwo:
        graph = self.network.graph(mode)
        nodes, offsets, ids = self._sources(mode, category)
        return routing.two_nearest(*graph.reverse, nodes, offsets, ids)

    def _check_service(self, service: int) -> None:
        if not 0 <= service < self.service_active.shape[0] or not self.service_active[service]:
            raise ValidationError(
                f"Service {service} does not exist or was already removed.",
                f"Servicen {service} finns inte eller är redan borttagen.",
            )

    def _with_snaps(self, point: shapely.Point | None) -> dict[str, Snap]:
        series = gpd.GeoSeries([point], crs=settings.CRS_METRIC)
        return {mode: snap_points(self.network, series, mode) for mode in self.modes}

    # --- public API ---------------------------------------------------------------------------

    def with_service_added(self, point: shapely.Point, category: str) -> RoutingState:
        """Return the state with one more service of ``category`` at ``point`` (EPSG:3006).

        The new service's id is ``len(state.service_active)`` of the old state.
        """
        if category not in model.CATEGORY_IDS:
            raise ValidationError(
                f"Unknown category {category!r}.", f"Okänd servicekategori {category!r}."
            )
        new_id = int(self.service_active.shape[0])
        snaps = self._with_snaps(point)
        service_snap = {
            mode: Snap(
                node=np.append(old.node, snaps[mode].node),
                distance_m=np.append(old.distance_m, snaps[mode].distance_m),
                access_s=np.append(old.access_s, snaps[mode].access_s),
                off_network=np.append(old.off_network, snaps[mode].off_network),
            )
            for mode, old in self.service_snap.items()
        }
        node_state = dict(self.node_state)
        if category in self.categories:
            for mode in self.modes:
                snap = snaps[mode]
                if snap.off_network[0] or snap.node[0] < 0:
                    continue
                graph = self.network.graph(mode)
                node_state[(mode, category)] = routing.add_source(
                    *graph.reverse,
                    self.node_state[(mode, category)],
                    int(snap.node[0]),
                    float(snap.access_s[0]),
                    new_id,
                )
        return replace(
            self,
            service_category=np.append(self.service_category, np.array([category], dtype=object)),
            service_active=np.append(self.service_active, True),
            service_snap=service_snap,
            node_state=node_state,
        )

    def with_service_removed(self, service: int) -> RoutingState:
        """Return the state without service ``service`` (a positional id)."""
        self._check_service(service)
        category = str(self.service_category[service])
        node_state = dict(self.node_state)
        if category in self.categories:
            for mode in self.modes:
                snap = self.service_snap[mode]
                if snap.off_network[service] or snap.node[service] < 0:
                    continue
                graph = self.network.graph(mode)
                nodes, offsets, ids = self._sources(mode, category)
                node_state[(mode, category)] = routing.remove_source(
                    graph.reverse,
                    graph.forward,
                    self.node_state[(mode, category)],
                    service,
                    nodes,
                    offsets,
                    ids,
                )
        active = self.service_active.copy()
        active[service] = False
        return replace(self, service_active=active, node_state=node_state)

    def with_service_moved(self, service: int, point: shapely.Point) -> RoutingState:
        """Return the state with service ``service`` moved to ``point`` (it keeps its id)."""
        self._check_service(service)
        category = str(self.service_category[service])
        snaps = self._with_snaps(point)
        node_state = dict(self.node_state)
        service_snap = {}
        for mode in self.modes:
            old = self.service_snap[mode]
            new = snaps[mode]
            if category in self.categories:
                graph = self.network.graph(mode)
                top_two = self.node_state[(mode, category)]
                if not (old.off_network[service] or old.node[service] < 0):
                    nodes, offsets, ids = self._sources(mode, category)
                    top_two = routing.remove_source(
                        graph.reverse, graph.forward, top_two, service, nodes, offsets, ids
                    )
                if not (new.off_network[0] or new.node[0] < 0):
                    top_two = routing.add_source(
                        *graph.reverse, top_two, int(new.node[0]), float(new.access_s[0]), service
                    )
                node_state[(mode, category)] = top_two
            service_snap[mode] = Snap(
                node=_set(old.node, service, new.node[0]),
                distance_m=_set(old.distance_m, service, new.distance_m[0]),
                access_s=_set(old.access_s, service, new.access_s[0]),
                off_network=_set(old.off_network, service, new.off_network[0]),
            )
        return replace(self, service_snap=service_snap, node_state=node_state)

    def category_times(
        self, mode: str, category: str
    ) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
        """Return ``(nearest_s, nearest_service, second_s, second_service)`` of every cell."""
        d1, l1, d2, l2 = self.node_state[(mode, category)]
        snap = self.cell_snap[mode]
        t1, s1 = _cell_times(d1, l1, snap)
        t2, s2 = _cell_times(d2, l2, snap)
        return t1, s1, t2, s2

    def travel_times(self) -> TravelTimes:
        """Return the cell-level :class:`TravelTimes` of this state."""
        shape = (len(self.modes), len(self.categories), self.cell_ids.shape[0])
        nearest_s = np.full(shape, np.inf)
        second_s = np.full(shape, np.inf)
        nearest_service = np.full(shape, -1, dtype=np.int64)
        second_service = np.full(shape, -1, dtype=np.int64)
        for m, mode in enumerate(self.modes):
            for c, category in enumerate(self.categories):
                t1, s1, t2, s2 = self.category_times(mode, category)
                nearest_s[m, c], nearest_service[m, c] = t1, s1
                second_s[m, c], second_service[m, c] = t2, s2
        return TravelTimes(
            cell_ids=self.cell_ids,
            modes=self.modes,
            categories=self.categories,
            nearest_s=nearest_s,
            nearest_service=nearest_service,
            second_s=second_s,
            second_service=second_service,
            off_network=np.stack([self.cell_snap[m].off_network for m in self.modes]),
            service_off_network=np.stack([self.service_snap[m].off_network for m in self.modes]),
        )


def _set(values: NDArray[_T], index: int, value: Any) -> NDArray[_T]:
    out = values.copy()
    out[index] = value
    return out


def compute_travel_times(
    network: Network,
    population: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    modes: Sequence[str] = settings.MODES,
    categories: Sequence[str] = model.CATEGORY_IDS,
) -> TravelTimes:
    """Return nearest and second-nearest service times of every cell, per mode and category.

    Parameters
    ----------
    network
        From :func:`analysis.network.build_network`.
    population
        Population cells (polygons, EPSG:3006) with ``cell_id``.
    services
        Service points (EPSG:3006) with ``category``.  Service ids in the result are positions
        in this frame.
    modes, categories
        What to compute.

    Examples
    --------
    >>> from shapely import LineString, Point, box
    >>> roads = gpd.GeoDataFrame({"road_class": ["local"]},
    ...     geometry=[LineString([(0, 0), (1000, 0)])], crs="EPSG:3006")
    >>> cells = gpd.GeoDataFrame({"cell_id": ["c"]}, geometry=[box(-5, -5, 5, 5)], crs="EPSG:3006")
    >>> shops = gpd.GeoDataFrame({"category": ["grocery_full"]},
    ...     geometry=[Point(1000, 0)], crs="EPSG:3006")
    >>> from analysis.network import build_network
    >>> tt = compute_travel_times(build_network(roads), cells, shops, ("car",), ("grocery_full",))
    >>> float(tt.nearest_s[0, 0, 0])  # 1 km at 60 km/h
    60.0
    """
    return RoutingState.build(network, population, services, modes, categories).travel_times()


def time_to_sites(
    network: Network, population: gpd.GeoDataFrame, site_points: gpd.GeoSeries, mode: str
) -> FloatArray:
    """Return each cell's time (seconds) to the nearest of an arbitrary set of points.

    Used e.g. for "all bundle services at one place".  Off-network cells and cells reaching no
    point get ``inf``; points off the network are ignored.

    Examples
    --------
    >>> from shapely import LineString, Point, box
    >>> roads = gpd.GeoDataFrame({"road_class": ["local"]},
    ...     geometry=[LineString([(0, 0), (500, 0), (1000, 0)])], crs="EPSG:3006")
    >>> cells = gpd.GeoDataFrame({"cell_id": ["c"]}, geometry=[box(-5, -5, 5, 5)], crs="EPSG:3006")
    >>> from analysis.network import build_network
    >>> time_to_sites(build_network(roads), cells, gpd.GeoSeries([Point(500, 0)]), "car").tolist()
    [30.0]
    """
    graph = network.graph(mode)
    site_snap = snap_points(network, site_points, mode)
    ok = ~site_snap.off_network & (site_snap.node >= 0)
    dist, label = routing.multi_source(*graph.reverse, site_snap.node[ok], site_snap.access_s[ok])
    times, _ = _cell_times(dist, label, snap_points(network, _centroids(population), mode))
    return times


def service_to_cell_matrix(
    network: Network,
    population: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    mode: str,
    limit_s: float,
) -> csr_matrix:
    """Return a sparse ``(n_services, n_cells)`` matrix of times (seconds) within ``limit_s``.

    Entry ``[j, i]`` is the time from cell ``i`` to service ``j`` (both access legs included)
    when it is at most ``limit_s``.  Pairs beyond the limit are not stored.  A pair at exactly
    0 s is stored as an explicit zero: use the sparsity *structure* (``indices``/``indptr``),
    not ``!= 0``, to find the pairs within reach.  Off-network services and cells have no pair.

    Examples
    --------
    >>> from shapely import LineString, Point, box
    >>> roads = gpd.GeoDataFrame({"road_class": ["local"]},
    ...     geometry=[LineString([(0, 0), (1000, 0)])], crs="EPSG:3006")
    >>> cells = gpd.GeoDataFrame({"cell_id": ["a", "b"]},
    ...     geometry=[box(-5, -5, 5, 5), box(995, -5, 1005, 5)], crs="EPSG:3006")
    >>> shops = gpd.GeoDataFrame({"category": ["cash"]}, geometry=[Point(0, 0)], crs="EPSG:3006")
    >>> from analysis.network import build_network
    >>> service_to_cell_matrix(build_network(roads), cells, shops, "car", 30.0).nnz
    1
    >>> service_to_cell_matrix(build_network(roads), cells, shops, "car", 90.0).toarray().tolist()
    [[0.0, 60.0]]
    """
    graph = network.graph(mode)
    n_cells = len(population)
    cell_snap = snap_points(network, _centroids(population), mode)
    service_snap = snap_points(
        network,
        gpd.GeoSeries(np.asarray(services.geometry.array, dtype=object), crs=services.crs),
        mode,
    )
    cell_ok = np.flatnonzero(~cell_snap.off_network & (cell_snap.node >= 0))
    order = cell_ok[np.argsort(cell_snap.node[cell_ok], kind="stable")]
    sorted_nodes = cell_snap.node[order]
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for j in range(len(services)):
        if service_snap.off_network[j] or service_snap.node[j] < 0:
            continue
        nodes, dist = routing.bounded_from(
            *graph.reverse, int(service_snap.node[j]), float(service_snap.access_s[j]), limit_s
        )
        start = np.searchsorted(sorted_nodes, nodes, side="left")
        stop = np.searchsorted(sorted_nodes, nodes, side="right")
        counts = stop - start
        if not counts.sum():
            continue
        positions = np.repeat(stop - counts.cumsum(), counts) + np.arange(counts.sum())
        cells = order[positions]
        times = np.repeat(dist, counts) + cell_snap.access_s[cells]
        keep = times <= limit_s
        rows.append(np.full(int(keep.sum()), j, dtype=np.int64))
        cols.append(cells[keep])
        vals.append(times[keep])
    row = np.concatenate([np.zeros(0, dtype=np.int64), *rows])
    col = np.concatenate([np.zeros(0, dtype=np.int64), *cols])
    val = np.concatenate([np.zeros(0, dtype=np.float64), *vals])
    indptr = np.zeros(len(services) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=len(services)), out=indptr[1:])
    order_rows = np.argsort(row, kind="stable")
    return csr_matrix((val[order_rows], col[order_rows], indptr), shape=(len(services), n_cells))
