"""Cell travel times, scenario edits and isochrones, against hand answers and networkx."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import LineString, Point, box

from analysis import routing
from analysis import settings as cfg
from analysis.errors import NetworkError, ValidationError
from analysis.isochrones import isochrones
from analysis.network import build_network, snap_points
from analysis.traveltime import (
    RoutingState,
    compute_travel_times,
    minutes_frame,
    service_to_cell_matrix,
    time_to_sites,
)

WALK_MPS = cfg.ACCESS_SPEED_KMH / 3.6

# --- fixtures -----------------------------------------------------------------------------------


def frame(data, geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(data, geometry=geometry, crs=cfg.CRS_METRIC)


def cells_at(points) -> gpd.GeoDataFrame:
    return frame(
        {"cell_id": [f"c{i}" for i in range(len(points))]},
        [box(x - 125, y - 125, x + 125, y + 125) for x, y in points],
    )


def services_at(rows) -> gpd.GeoDataFrame:
    return frame(
        {
            "service_id": [f"s{i}" for i in range(len(rows))],
            "category": [c for c, _ in rows],
        },
        [Point(xy) for _, xy in rows],
    )


# (0,0) --- (1000,0) --- (2000,0), local road (60 km/h)
LINE = frame(
    {"road_id": [0], "road_class": ["local"]}, [LineString([(0, 0), (1000, 0), (2000, 0)])]
)


def grid_roads(seed: int, size: int = 7, step: float = 400.0) -> gpd.GeoDataFrame:
    """A jittered grid of roads with random classes, speeds and one-way streets."""
    rng = np.random.default_rng(seed)
    xy = np.stack(np.meshgrid(np.arange(size), np.arange(size), indexing="ij"), -1) * step
    xy = xy + rng.uniform(-80, 80, xy.shape)
    lines, classes = [], []
    for i in range(size):
        for j in range(size):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < size and j + dj < size and rng.random() < 0.85:
                    lines.append(LineString([xy[i, j], xy[i + di, j + dj]]))
                    classes.append(
                        rng.choice(["local", "gravel", "county", "path", "motorway", "street"])
                    )
    count = len(lines)
    speed = np.where(rng.random(count) < 0.2, rng.choice([30.0, 50.0, 0.0], count), np.nan)
    return frame(
        {
            "road_id": np.arange(count),
            "road_class": classes,
            "speed_kmh": speed,
            "oneway": rng.random(count) < 0.15,
        },
        lines,
    )


def random_points(rng, count, extent) -> list[tuple[float, float]]:
    return [tuple(p) for p in rng.uniform(-200, extent + 200, (count, 2))]


def nx_reference_times(net, road_frame, mode, cells, services, category):
    """Cell times built independently: networkx on the road segments with its own cost rules."""
    speed_cls = cfg.CAR_SPEED_BY_CLASS_KMH
    road_class = road_frame["road_class"].to_numpy()
    road_speed = road_frame["speed_kmh"].to_numpy(dtype=float)
    road_oneway = road_frame["oneway"].fillna(False).to_numpy(dtype=bool)
    graph = nx.DiGraph()
    for u, v, length, road in zip(
        net.edge_u.tolist(),
        net.edge_v.tolist(),
        net.edge_length_m.tolist(),
        net.edge_road.tolist(),
        strict=True,
    ):
        cls = road_class[road]
        if mode == "car":
            kmh = road_speed[road] if not np.isnan(road_speed[road]) else speed_cls[cls]
            if cls == "path" or kmh <= 0:
                continue
            pairs = [(u, v)] if road_oneway[road] else [(u, v), (v, u)]
        else:
            if cls == "motorway":
                continue
            kmh = cfg.BIKE_SPEED_KMH if mode == "bike" else cfg.WALK_SPEED_KMH
            pairs = [(u, v), (v, u)]
        for a, b in pairs:
            w = length / (kmh / 3.6)
            if not graph.has_edge(b, a) or graph[b][a]["weight"] > w:
                graph.add_edge(b, a, weight=w)  # reversed: from service outward
    source = "super"
    graph.add_node(source)
    sites = services[services["category"] == category]
    nodes = np.array(list(graph.nodes - {source}), dtype=np.int64)
    if nodes.size == 0:
        return np.full(len(cells), np.inf)
    xy = net.node_xy[nodes]
    for point in sites.geometry:
        d = np.hypot(xy[:, 0] - point.x, xy[:, 1] - point.y)
        k = int(np.argmin(d))
        if d[k] <= cfg.MAX_SNAP_DISTANCE_M:
            node = int(nodes[k])
            w = d[k] / WALK_MPS
            if not graph.has_edge(source, node) or graph[source][node]["weight"] > w:
                graph.add_edge(source, node, weight=w)
    lengths = nx.single_source_dijkstra_path_length(graph, source)
    out = []
    for centre in cells.geometry.centroid:
        d = np.hypot(xy[:, 0] - centre.x, xy[:, 1] - centre.y)
        k = int(np.argmin(d))
        if d[k] > cfg.MAX_SNAP_DISTANCE_M:
            out.append(np.inf)
        else:
            out.append(lengths.get(int(nodes[k]), np.inf) + d[k] / WALK_MPS)
    return np.array(out)


# --- known answers ------------------------------------------------------------------------------


def test_known_times_with_access_legs():
    net = build_network(LINE)
    cells = cells_at([(0, 100), (2000, 0), (0, 5000)])
    services = services_at([("grocery_full", (2000, 50)), ("library", (1000, 0))])
    tt = compute_travel_times(net, cells, services, ("car", "walk"), ("grocery_full", "pharmacy"))
    car, walk = 0, 1
    # walk 100 m (72 s) + 2 km by car (120 s) + walk 50 m (36 s)
    assert tt.nearest_s[car, 0].tolist()[:2] == pytest.approx([228.0, 36.0])
    assert tt.nearest_s[walk, 0, 0] == pytest.approx(72.0 + 1440.0 + 36.0)
    assert tt.nearest_service[car, 0].tolist() == [0, 0, -1]
    # the third cell is 5 km from any road: off the network, not a huge number
    assert tt.off_network.tolist() == [[False, False, True], [False, False, True]]
    assert np.isinf(tt.nearest_s[:, :, 2]).all()
    # nobody reaches a pharmacy
    assert np.isinf(tt.nearest_s[:, 1]).all() and (tt.nearest_service[:, 1] == -1).all()
    assert tt.cell_ids.tolist() == ["c0", "c1", "c2"]
    assert tt.nearest_s.shape == (2, 2, 3)


def test_second_nearest_and_colocated_hub():
    net = build_network(LINE)
    cells = cells_at([(0, 0), (2000, 0)])
    services = services_at(
        [("cash", (0, 0)), ("cash", (1000, 0)), ("cash", (1000, 0)), ("library", (0, 0))]
    )
    tt = compute_travel_times(net, cells, services, ("car",), ("cash",))
    assert tt.nearest_service[0, 0].tolist() == [0, 1]
    assert tt.second_service[0, 0].tolist() == [1, 2]  # the hub's two services stay distinct
    assert tt.second_s[0, 0].tolist() == pytest.approx([60.0, 60.0])


def test_minutes_frame():
    net = build_network(LINE)
    tt = compute_travel_times(
        net,
        cells_at([(0, 0)]),
        services_at([("library", (2000, 0))]),
        ("car",),
        ("library", "cash"),
    )
    minutes = minutes_frame(tt, "car")
    assert minutes.index.name == "cell_id" and list(minutes.columns) == ["library", "cash"]
    assert minutes.loc["c0", "library"] == pytest.approx(2.0)
    assert np.isinf(minutes.loc["c0", "cash"])
    with pytest.raises(ValidationError, match="not computed"):
        minutes_frame(tt, "walk")


def test_off_network_service_is_left_out_and_flagged():
    net = build_network(LINE)
    services = services_at([("cash", (0, 9000)), ("cash", (2000, 0))])
    tt = compute_travel_times(net, cells_at([(0, 0)]), services, ("car",), ("cash",))
    assert tt.service_off_network.tolist() == [[True, False]]
    assert tt.nearest_service[0, 0, 0] == 1 and tt.second_service[0, 0, 0] == -1


# --- independent reference and invariants on random networks -------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("mode", ["car", "bike", "walk"])
def test_matches_networkx_on_random_networks(seed, mode):
    road_frame = grid_roads(seed)
    net = build_network(road_frame)
    rng = np.random.default_rng(seed + 100)
    cells = cells_at(random_points(rng, 40, 2400))
    services = services_at(
        [("cash", p) for p in random_points(rng, 4, 2400)]
        + [("library", p) for p in random_points(rng, 1, 2400)]
    )
    tt = compute_travel_times(net, cells, services, (mode,), ("cash", "library"))
    for c, category in enumerate(("cash", "library")):
        expected = nx_reference_times(net, road_frame, mode, cells, services, category)
        np.testing.assert_allclose(tt.nearest_s[0, c], expected, rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["car", "bike", "walk"]))
def test_no_time_beats_the_straight_line(seed, mode):
    net = build_network(grid_roads(seed, size=5))
    rng = np.random.default_rng(seed)
    cells = cells_at(random_points(rng, 25, 1600))
    services = services_at([("cash", p) for p in random_points(rng, 3, 1600)])
    tt = compute_travel_times(net, cells, services, (mode,), ("cash",))
    top_speed = max(
        max(cfg.CAR_SPEED_BY_CLASS_KMH.values()), 90.0, cfg.BIKE_SPEED_KMH, cfg.WALK_SPEED_KMH
    )
    centres = cells.geometry.centroid
    for i, j in enumerate(tt.nearest_service[0, 0]):
        if j < 0:
            continue
        straight = centres.iloc[i].distance(services.geometry.iloc[j])
        assert tt.nearest_s[0, 0, i] >= straight / (top_speed / 3.6) - 1e-9


def _relabel(labels: np.ndarray, kept: np.ndarray) -> np.ndarray:
    return np.where(labels >= 0, kept[np.maximum(labels, 0)], -1)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_scenario_edits_equal_from_scratch(seed):
    road_frame = grid_roads(seed, size=5)
    net = build_network(road_frame)
    rng = np.random.default_rng(seed)
    cells = cells_at(random_points(rng, 20, 1600))
    services = services_at(
        [(c, p) for c, p in zip(["cash", "library"] * 3, random_points(rng, 6, 1600), strict=True)]
    )
    categories, modes = ("cash", "library"), ("car", "walk")
    state = RoutingState.build(net, cells, services, modes, categories)
    before = state.travel_times()

    # add
    new_point = Point(random_points(rng, 1, 1600)[0])
    added = state.with_service_added(new_point, "cash").travel_times()
    services_plus = pd.concat(
        [services, services_at([("cash", (new_point.x, new_point.y))])], ignore_index=True
    )
    expected = compute_travel_times(net, cells, services_plus, modes, categories)
    for name in ("nearest_s", "nearest_service", "second_s", "second_service"):
        np.testing.assert_array_equal(getattr(added, name), getattr(expected, name))
    assert (added.nearest_s <= before.nearest_s).all()

    # remove
    removed = state.with_service_removed(2).travel_times()
    kept = np.array([0, 1, 3, 4, 5])
    expected = compute_travel_times(net, cells, services.iloc[kept], modes, categories)
    np.testing.assert_array_equal(removed.nearest_s, expected.nearest_s)
    np.testing.assert_array_equal(removed.second_s, expected.second_s)
    np.testing.assert_array_equal(removed.nearest_service, _relabel(expected.nearest_service, kept))
    np.testing.assert_array_equal(removed.second_service, _relabel(expected.second_service, kept))
    assert (removed.nearest_s >= before.nearest_s).all()

    # move
    moved = state.with_service_moved(1, new_point).travel_times()
    services_moved = services.copy()
    services_moved.loc[1, "geometry"] = new_point
    expected = compute_travel_times(net, cells, services_moved, modes, categories)
    for name in ("nearest_s", "nearest_service", "second_s", "second_service"):
        np.testing.assert_array_equal(getattr(moved, name), getattr(expected, name))


def test_scenario_edit_errors_and_off_network_moves():
    net = build_network(LINE)
    state = RoutingState.build(
        net, cells_at([(0, 0)]), services_at([("cash", (2000, 0))]), ("car",), ("cash",)
    )
    gone = state.with_service_removed(0)
    with pytest.raises(ValidationError, match="already removed"):
        gone.with_service_removed(0)
    with pytest.raises(ValidationError, match="category"):
        state.with_service_added(Point(0, 0), "spaceport")
    far = state.with_service_moved(0, Point(0, 50_000)).travel_times()
    assert np.isinf(far.nearest_s).all() and far.service_off_network.tolist() == [[True]]
    back = (
        state.with_service_moved(0, Point(0, 50_000))
        .with_service_moved(0, Point(1000, 0))
        .travel_times()
    )
    assert back.nearest_s[0, 0, 0] == pytest.approx(60.0)
    assert state.travel_times().nearest_s[0, 0, 0] == pytest.approx(120.0)  # unchanged


def test_time_to_sites_and_service_matrix_agree_with_nearest():
    road_frame = grid_roads(5)
    net = build_network(road_frame)
    rng = np.random.default_rng(5)
    cells = cells_at(random_points(rng, 60, 2400))
    services = services_at([("cash", p) for p in random_points(rng, 5, 2400)])
    tt = compute_travel_times(net, cells, services, ("bike",), ("cash",))
    to_sites = time_to_sites(net, cells, services.geometry, "bike")
    np.testing.assert_array_equal(to_sites, tt.nearest_s[0, 0])

    limit = 900.0
    matrix = service_to_cell_matrix(net, cells, services, "bike", limit)
    assert matrix.shape == (5, 60)
    assert (matrix.data <= limit).all()
    best = np.full(60, np.inf)
    for j in range(5):
        row = matrix.getrow(j)
        best[row.indices] = np.minimum(best[row.indices], row.data)
    within = tt.nearest_s[0, 0] <= limit
    np.testing.assert_allclose(best[within], tt.nearest_s[0, 0][within])
    assert np.isinf(best[~within]).all()


# --- isochrones ---------------------------------------------------------------------------------


def test_isochrones_nested_partial_edges_and_rings():
    net = build_network(
        frame({"road_id": [0], "road_class": ["local"]}, [LineString([(0, 0), (3000, 0)])])
    )
    iso = isochrones(net, Point(0, 0), "car", bands_min=(2, 1))
    assert iso.band_min.tolist() == [1, 2] and iso.crs == cfg.CRS_METRIC
    one, two = iso.geometry
    # the single 3 km segment is reached partly: 1 km in 1 min, 2 km in 2 min
    assert one.bounds[2] == pytest.approx(1100.0, abs=1)
    assert two.bounds[2] == pytest.approx(2100.0, abs=1)
    assert two.contains(one.buffer(-1))
    rings = isochrones(net, Point(0, 0), "car", bands_min=(1, 2), rings=True)
    assert rings.geometry.iloc[0].intersection(rings.geometry.iloc[1]).area < 1e-6
    assert rings.geometry.area.sum() == pytest.approx(two.area)


def test_isochrone_counts_the_access_leg_and_rejects_far_points():
    net = build_network(LINE)
    near = isochrones(net, Point(0, 0), "walk", bands_min=(5,)).geometry.iloc[0]
    away = isochrones(net, Point(0, 150), "walk", bands_min=(5,)).geometry.iloc[0]
    assert away.area < near.area
    assert isochrones(net, Point(0, 450), "walk", bands_min=(5,)).geometry.iloc[0].is_empty
    with pytest.raises(NetworkError, match="from any road"):
        isochrones(net, Point(0, 10_000), "car")


# --- the demo region ----------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_region_matches_networkx_on_a_sample():
    if not (cfg.BUILTIN_REGIONS_DIR / "exempelbygd" / "region.json").is_file():
        pytest.skip(
            "demo region geodata/regions/exempelbygd not built (python -m geodata.exempelbygd)"
        )
    from analysis.io import load_region

    region = load_region("exempelbygd")
    net = build_network(region.roads)
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(len(region.population), min(60, len(region.population)), False))
    cells = region.population.iloc[sample]
    categories = tuple(region.services["category"].value_counts().index[:3])
    road_frame = region.roads.reset_index(drop=True)
    if "speed_kmh" not in road_frame:
        road_frame["speed_kmh"] = np.nan
    if "oneway" not in road_frame:
        road_frame["oneway"] = False
    for mode in ("car", "walk"):
        tt = compute_travel_times(net, cells, region.services, (mode,), categories)
        for c, category in enumerate(categories):
            expected = nx_reference_times(net, road_frame, mode, cells, region.services, category)
            np.testing.assert_allclose(tt.nearest_s[0, c], expected, rtol=1e-9)
    snap = snap_points(net, gpd.GeoSeries(shapely.centroid(cells.geometry.array)), "car")
    assert snap.off_network.mean() < 0.5


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_nearest_workspace_on_a_road_network(seed):
    """What-if edits on a NearestWorkspace over a built road network (float weights, one-way
    streets) equal a from-scratch search after every step, and restore() undoes them all."""
    net = build_network(grid_roads(seed, size=6))
    graph = net.graph("car")
    rng = np.random.default_rng(seed)
    active = np.flatnonzero(graph.active)
    nodes = rng.choice(active, 4, replace=False)
    offsets = rng.uniform(0.0, 120.0, 4)
    ids = np.array([3, 5, 8, 13])
    start = routing.multi_source(*graph.reverse, nodes, offsets, ids)
    ws = routing.NearestWorkspace(graph.reverse, graph.forward, *start, nodes, offsets, ids)
    current = {int(i): (int(v), float(o)) for i, v, o in zip(ids, nodes, offsets, strict=True)}
    for step in range(9):
        node, offset = int(rng.choice(active)), float(rng.uniform(0.0, 120.0))
        if step % 3 == 0:
            ws.add(20 + step, node, offset)
            current[20 + step] = (node, offset)
        elif step % 3 == 1:
            gone = sorted(current)[int(rng.integers(len(current)))]
            ws.remove(gone)
            del current[gone]
        else:
            moved = sorted(current)[int(rng.integers(len(current)))]
            ws.move(moved, node, offset)
            current[moved] = (node, offset)
        keys = sorted(current)
        expected = routing.multi_source(
            *graph.reverse, [current[k][0] for k in keys], [current[k][1] for k in keys], keys
        )
        np.testing.assert_array_equal(ws.dist, expected[0])
        np.testing.assert_array_equal(ws.label, expected[1])
    ws.restore()
    np.testing.assert_array_equal(ws.dist, start[0])
    np.testing.assert_array_equal(ws.label, start[1])
