"""Building the routable network from road lines, and snapping points to it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely import LineString, MultiLineString, Point

from analysis import settings
from analysis.errors import NetworkError
from analysis.network import build_network, snap_points


def roads(lines, classes, speed=None, oneway=None, crs="EPSG:3006") -> gpd.GeoDataFrame:
    data = {"road_id": np.arange(len(lines)), "road_class": classes}
    if speed is not None:
        data["speed_kmh"] = speed
    if oneway is not None:
        data["oneway"] = oneway
    return gpd.GeoDataFrame(data, geometry=lines, crs=crs)


def node_at(net, x, y) -> int:
    hits = np.flatnonzero((net.node_xy[:, 0] == x) & (net.node_xy[:, 1] == y))
    assert hits.size == 1
    return int(hits[0])


def edge_time(net, mode, a, b) -> float:
    graph = net.graph(mode)
    lo, hi = graph.indptr[a], graph.indptr[a + 1]
    match = graph.weights[lo:hi][graph.indices[lo:hi] == b]
    return float(match.min()) if match.size else np.inf


#         (0,1000)
#            |  path
#  (0,0) ---(1000,0)--- (2000,0) motorway --- (3000,0)
CROSS = roads(
    [
        LineString([(0, 0), (1000, 0), (2000, 0)]),
        LineString([(1000, 0), (1000, 1000)]),
        LineString([(2000, 0), (3000, 0)]),
    ],
    ["local", "path", "motorway"],
)


def test_nodes_are_shared_vertices_and_edges_consecutive_pairs():
    net = build_network(CROSS)
    assert net.n_nodes == 5
    assert len(net.edge_u) == 4
    np.testing.assert_allclose(sorted(net.edge_length_m), [1000.0] * 4)
    assert sorted(net.edge_road.tolist()) == [0, 0, 1, 2]


def test_costs_per_mode():
    net = build_network(CROSS)
    a, b, c, d, up = (
        node_at(net, *xy) for xy in [(0, 0), (1000, 0), (2000, 0), (3000, 0), (1000, 1000)]
    )
    assert edge_time(net, "car", a, b) == pytest.approx(60.0)  # 1 km at 60 km/h
    assert edge_time(net, "car", c, d) == pytest.approx(3600 / 110)
    assert edge_time(net, "car", b, up) == np.inf  # path: not drivable
    assert edge_time(net, "bike", b, up) == pytest.approx(240.0)  # 15 km/h
    assert edge_time(net, "walk", a, b) == pytest.approx(720.0)  # 5 km/h
    assert edge_time(net, "walk", c, d) == np.inf  # no walking on motorways
    assert edge_time(net, "bike", d, c) == np.inf


def test_speed_override_zero_speed_and_oneway():
    net = build_network(
        roads(
            [LineString([(0, 0), (900, 0)]), LineString([(900, 0), (1800, 0)])],
            ["gravel", "local"],
            speed=[90.0, 0.0],
            oneway=[True, False],
        )
    )
    a, b, c = (node_at(net, x, 0) for x in (0, 900, 1800))
    assert edge_time(net, "car", a, b) == pytest.approx(36.0)
    assert edge_time(net, "car", b, a) == np.inf  # one-way restricts cars
    assert edge_time(net, "walk", b, a) == pytest.approx(648.0)  # ... only
    assert edge_time(net, "car", b, c) == np.inf  # speed 0: not drivable
    assert not net.graph("car").active[c]


def test_missing_speed_falls_back_to_class_and_nullable_oneway():
    frame = roads(
        [LineString([(0, 0), (750, 0)]), LineString([(750, 0), (1500, 0)])],
        ["county", "county"],
        speed=[np.nan, 50.0],
        oneway=[None, None],
    )
    net = build_network(frame)
    a, b, c = (node_at(net, x, 0) for x in (0, 750, 1500))
    assert edge_time(net, "car", a, b) == pytest.approx(36.0)
    assert edge_time(net, "car", c, b) == pytest.approx(54.0)


def test_vertices_match_after_rounding_to_a_centimetre():
    net = build_network(
        roads(
            [LineString([(0, 0), (100.001, 0)]), LineString([(100.004, 0.002), (200, 0)])],
            ["local", "local"],
        )
    )
    assert net.n_nodes == 3
    frag = net.fragments()
    assert frag.loc[frag["mode"] == "car", "n_nodes"].tolist() == [3]


def test_crossing_without_shared_vertex_does_not_connect():
    net = build_network(
        roads(
            [LineString([(0, 0), (100, 0)]), LineString([(50, -50), (50, 50)])],
            ["local", "local"],
        )
    )
    graph = net.graph("car")
    assert graph.component_sizes.tolist() == [2, 2]
    assert sorted(set(graph.component.tolist())) == [0, 1]


def test_fragments_are_reported_per_mode_largest_first():
    net = build_network(CROSS)
    frag = net.fragments()
    car = frag[frag["mode"] == "car"]
    assert car["n_nodes"].tolist() == [4]  # the path end is not in the car graph
    assert net.graph("car").component[node_at(net, 1000, 1000)] == -1
    walk = frag[frag["mode"] == "walk"]
    assert walk["n_nodes"].tolist() == [4]  # the far end of the motorway is not walkable
    assert walk["share"].sum() == pytest.approx(1.0)


def test_multilinestring_parts_are_roads():
    net = build_network(
        roads(
            [MultiLineString([[(0, 0), (10, 0)], [(10, 0), (10, 10)]])],
            ["local"],
        )
    )
    assert net.n_nodes == 3 and len(net.edge_u) == 2


def test_transpose_holds_every_edge_reversed():
    net = build_network(
        roads([LineString([(0, 0), (100, 0), (100, 100)])], ["local"], oneway=[True])
    )
    graph = net.graph("car")
    forward = {
        (u, int(v), float(w))
        for u in range(net.n_nodes)
        for v, w in zip(
            graph.indices[graph.indptr[u] : graph.indptr[u + 1]],
            graph.weights[graph.indptr[u] : graph.indptr[u + 1]],
            strict=True,
        )
    }
    backward = {
        (int(v), u, float(w))
        for u in range(net.n_nodes)
        for v, w in zip(
            graph.rev_indices[graph.rev_indptr[u] : graph.rev_indptr[u + 1]],
            graph.rev_weights[graph.rev_indptr[u] : graph.rev_indptr[u + 1]],
            strict=True,
        )
    }
    assert forward == backward and len(forward) == 2


def test_fingerprint_is_stable_and_sensitive():
    assert build_network(CROSS).fingerprint == build_network(CROSS.copy()).fingerprint
    changed = CROSS.copy()
    changed.loc[0, "road_class"] = "gravel"
    assert build_network(changed).fingerprint != build_network(CROSS).fingerprint
    moved = CROSS.copy()
    moved.geometry = moved.geometry.translate(0.5, 0)
    assert build_network(moved).fingerprint != build_network(CROSS).fingerprint


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (roads([], []), "empty"),
        (roads([LineString([(0, 0), (1, 1)])], ["local"], crs="EPSG:4326"), "EPSG:3006"),
        (roads([LineString([(0, 0), (1, 1)])], ["highway"]), "Unknown road class"),
        (roads([LineString([(5, 5), (5, 5.001)])], ["local"]), "non-zero length"),
    ],
)
def test_unusable_input_raises_network_error(frame, match):
    with pytest.raises(NetworkError, match=match) as info:
        build_network(frame)
    assert info.value.message_sv != str(info.value)


def test_snap_uses_the_mode_graph_and_walks_the_access_leg():
    net = build_network(CROSS)
    points = gpd.GeoSeries([Point(1000, 900), Point(2900, 10), Point(-3000, 0)], crs="EPSG:3006")
    walk = snap_points(net, points, "walk")
    car = snap_points(net, points, "car")
    assert walk.node[0] == node_at(net, 1000, 1000)
    assert walk.distance_m[0] == pytest.approx(100.0)
    assert walk.access_s[0] == pytest.approx(100.0 / (settings.ACCESS_SPEED_KMH / 3.6))
    assert car.node[0] == node_at(net, 1000, 0)  # the path end is not a car node
    assert car.node[1] == node_at(net, 3000, 0)  # motorway: cars only
    assert walk.node[1] == node_at(net, 2000, 0)
    assert walk.off_network.tolist() == [False, False, True]
    assert walk.distance_m[2] == pytest.approx(3000.0)  # flagged, distance still reported


def test_snap_max_distance_and_empty_points():
    net = build_network(CROSS)
    points = gpd.GeoSeries([Point(0, 150), Point()], crs="EPSG:3006")
    snap = snap_points(net, points, "car", max_distance_m=100.0)
    assert snap.off_network.tolist() == [True, True]
    assert snap.node[1] == -1 and np.isinf(snap.distance_m[1])
    with pytest.raises(NetworkError, match="mode"):
        snap_points(net, points, "boat")
    with pytest.raises(NetworkError, match="EPSG:3006"):
        snap_points(net, points.set_crs("EPSG:4326", allow_override=True), "car")


def test_mode_without_roads_flags_everything_off_network():
    net = build_network(roads([LineString([(0, 0), (100, 0)])], ["path"]))
    snap = snap_points(net, gpd.GeoSeries([Point(0, 0)], crs="EPSG:3006"), "car")
    assert snap.off_network.tolist() == [True] and snap.node.tolist() == [-1]
