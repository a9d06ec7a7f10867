"""Tests of the fictional demo region Exempelbygd (geodata/exempelbygd.py).

The region is generated once per module, written with ``build`` into a temporary folder and read
back with ``analysis.io.load_region``, so the tests see exactly what the app will load.  The
road graph is rebuilt here independently of the routing engine, following the documented
topology rule: nodes are unique vertex coordinates, edges are consecutive vertex pairs.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from analysis import settings
from analysis.io import Region, load_region
from analysis.model import (
    CATEGORY_IDS,
    LAYERS,
    NEED_CATEGORIES,
    SECTORS,
    scb_cell_id,
    validate_layer,
)
from geodata import _hours, _shapes, exempelbygd
from geodata.grid import aggregate_cells

SPEED_RANGES_KMH = {
    "national": (90.0, 90.0),
    "county": (70.0, 80.0),
    "local": (50.0, 70.0),
    "gravel": (30.0, 50.0),
    "street": (30.0, 50.0),
    "path": (0.0, 0.0),
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return exempelbygd.build(tmp_path_factory.mktemp("regions"), force=True)


@pytest.fixture(scope="module")
def region(package: Path) -> Region:
    return load_region("exempelbygd", search_dirs=(package.parent,))


class Graph:
    """Car graph built from shared rounded vertices (independent of analysis/network.py)."""

    def __init__(self, roads: gpd.GeoDataFrame) -> None:
        drivable = roads[roads["road_class"] != "path"]
        coords, line = shapely.get_coordinates(drivable.geometry, return_index=True)
        coords = np.round(coords, 2)
        self.nodes, inverse = np.unique(coords, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        same_line = line[1:] == line[:-1]
        a, b = inverse[:-1][same_line], inverse[1:][same_line]
        length = np.hypot(*(coords[1:][same_line] - coords[:-1][same_line]).T)
        n = len(self.nodes)
        self.matrix = sparse.coo_matrix((length, (a, b)), shape=(n, n)).tocsr()
        _, self.labels = connected_components(self.matrix, directed=False)
        self.tree = cKDTree(self.nodes)

    def nearest(self, points: gpd.GeoSeries) -> np.ndarray:
        return np.asarray(self.tree.query(shapely.get_coordinates(points))[1])


@pytest.fixture(scope="module")
def graph(region: Region) -> Graph:
    return Graph(region.roads)


def town_centre_node(region: Region, graph: Graph) -> int:
    town = region.localities[region.localities["kind"] == "town"]
    return int(graph.nearest(town.geometry.representative_point())[0])


# --- Package and determinism ---------------------------------------------------------------------
def test_every_layer_validates_in_epsg_3006(region: Region) -> None:
    for name in LAYERS:
        frame = region.layer(name)
        assert frame is not None, name
        assert frame.crs == settings.CRS_METRIC
        validate_layer(name, frame)


def test_region_info_says_it_is_invented(region: Region) -> None:
    assert region.info.region_id == "exempelbygd"
    assert region.info.name == "Exempelbygd"
    assert region.info.fictional is True
    assert "påhittad" in region.info.description
    assert any("geodata.exempelbygd" in source for source in region.info.sources)


@pytest.mark.slow
def test_same_seed_gives_identical_frames() -> None:
    _, first = exempelbygd.generate(exempelbygd.DEFAULT_SEED)
    _, second = exempelbygd.generate(exempelbygd.DEFAULT_SEED)
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(
            first[name].drop(columns="geometry"), second[name].drop(columns="geometry")
        )
        assert list(first[name].geometry.to_wkb()) == list(second[name].geometry.to_wkb()), name


def test_build_without_force_keeps_a_current_package(package: Path) -> None:
    stamp = (package / "roads.parquet").stat().st_mtime_ns
    assert exempelbygd.build(package.parent) == package
    assert (package / "roads.parquet").stat().st_mtime_ns == stamp


# --- Boundary, localities, population -------------------------------------------------------------
def test_area_is_about_5000_km2_and_not_a_rectangle(region: Region) -> None:
    boundary = region.boundary.geometry.iloc[0]
    assert 4_500e6 <= boundary.area <= 5_500e6
    assert len(boundary.exterior.coords) > 50
    assert boundary.area < 0.9 * boundary.envelope.area


def test_total_population_and_size_bands(region: Region) -> None:
    population = region.population
    assert 17_000 <= population["pop_total"].sum() <= 19_000
    localities = region.localities.set_index("locality_id")
    by_kind = localities.groupby("kind")["population"]
    town = localities[localities["kind"] == "town"]["population"]
    assert len(town) == 1 and 6_000 <= town.iloc[0] <= 8_000
    villages = localities[localities["kind"] == "village"]["population"]
    assert len(villages) == 3 and villages.between(1_000, 2_000).all()
    small = localities[localities["kind"] == "small_village"]["population"]
    assert len(small) >= 15 and small.between(50, 500).all()
    assert by_kind.sum().sum() < population["pop_total"].sum()  # some live outside localities


def test_locality_population_is_the_sum_of_its_cells(region: Region) -> None:
    cells = region.population
    sums = cells.groupby("locality_id")["pop_total"].sum()
    for row in region.localities.itertuples():
        assert row.population == sums.get(row.locality_id, 0)
    centres = cells.geometry.centroid
    for row in region.localities.itertuples():
        inside = centres.within(row.geometry)
        assert (cells.loc[inside, "locality_id"] == row.locality_id).all()
    rural = cells["locality_id"] == settings.RURAL_LOCALITY_ID
    assert not centres[rural].within(region.localities.union_all()).any()


def test_ages_sum_to_total_and_the_profile_is_old(region: Region) -> None:
    cells = region.population
    ages = cells[list(settings.AGE_GROUPS)].sum(axis=1)
    assert (ages == cells["pop_total"]).all()
    assert (cells["pop_total"] > 0).all()
    share_65_plus = (cells["pop_65_79"].sum() + cells["pop_80_plus"].sum()) / cells[
        "pop_total"
    ].sum()
    assert 0.25 <= share_65_plus <= 0.40


def test_cells_follow_the_scb_grid_convention(region: Region) -> None:
    cells = region.population
    bounds = cells.geometry.bounds
    assert (cells["size_m"] == 250).all()
    assert ((bounds["minx"] % 250) == 0).all() and ((bounds["miny"] % 250) == 0).all()
    assert np.allclose(bounds["maxx"] - bounds["minx"], 250)
    assert np.allclose(bounds["maxy"] - bounds["miny"], 250)
    assert np.allclose(cells.geometry.area, 250 * 250)
    expected = [scb_cell_id(e, n) for e, n in zip(bounds["minx"], bounds["miny"], strict=True)]
    assert cells["cell_id"].tolist() == expected
    assert cells["cell_id"].str.fullmatch(r"\d{13}").all()


def test_aggregate_cells_to_1_km_keeps_counts(region: Region) -> None:
    coarse = aggregate_cells(region.population)
    for column in ("pop_total", "pop_0_15", "pop_16_64", "pop_65_79", "pop_80_plus"):
        assert coarse[column].sum() == region.population[column].sum()
    bounds = coarse.geometry.bounds
    assert ((bounds["minx"] % 1000) == 0).all() and ((bounds["miny"] % 1000) == 0).all()
    assert (coarse["size_m"] == 1000).all()
    assert coarse["cell_id"].tolist() == [
        scb_cell_id(e, n) for e, n in zip(bounds["minx"], bounds["miny"], strict=True)
    ]
    validate_layer("population", coarse)


# --- Roads ----------------------------------------------------------------------------------------
def test_at_least_20000_unique_road_vertices(region: Region) -> None:
    coords = np.round(shapely.get_coordinates(region.roads.geometry), 2)
    assert len(np.unique(coords, axis=0)) >= 20_000


def test_vertices_are_whole_metres_and_segments_short(region: Region) -> None:
    coords, line = shapely.get_coordinates(region.roads.geometry, return_index=True)
    assert np.array_equal(coords, np.round(coords))
    same = line[1:] == line[:-1]
    segment = np.hypot(*(coords[1:][same] - coords[:-1][same]).T)
    assert segment.min() > 0
    assert segment.max() <= 260


def test_road_classes_and_speeds(region: Region) -> None:
    roads = region.roads
    assert set(roads["road_class"]) == set(SPEED_RANGES_KMH)
    for road_class, (low, high) in SPEED_RANGES_KMH.items():
        speeds = roads.loc[roads["road_class"] == road_class, "speed_kmh"]
        assert speeds.between(low, high).all(), road_class
    assert not roads["oneway"].any()
    assert 1 <= (roads["road_class"] == "path").sum() <= 10


def test_car_network_is_one_component(graph: Graph) -> None:
    assert len(set(graph.labels)) == 1


def test_every_service_and_cell_is_near_a_drivable_road(region: Region) -> None:
    drivable = region.roads[region.roads["road_class"] != "path"]
    tree = shapely.STRtree(drivable.geometry.to_numpy())
    for points in (region.services.geometry, region.population.geometry.centroid):
        _, distance = tree.query_nearest(points.to_numpy(), return_distance=True, all_matches=False)
        assert distance.max() <= settings.MAX_SNAP_DISTANCE_M
    _, distance = tree.query_nearest(
        region.population.geometry.centroid.to_numpy(), return_distance=True, all_matches=False
    )
    assert distance.max() <= 1_500


def test_every_service_is_reachable_by_car_from_the_town_centre(
    region: Region, graph: Graph
) -> None:
    start = town_centre_node(region, graph)
    targets = graph.nearest(region.services.geometry)
    assert (graph.labels[targets] == graph.labels[start]).all()
    distance = dijkstra(graph.matrix, directed=False, indices=start)
    assert np.isfinite(distance[targets]).all()


def test_network_distance_clearly_exceeds_straight_lines(region: Region, graph: Graph) -> None:
    points = region.localities.geometry.representative_point()
    nodes = graph.nearest(points)
    network = dijkstra(graph.matrix, directed=False, indices=nodes)[:, nodes]
    ratios = []
    for i, j in combinations(range(len(nodes)), 2):
        straight = float(np.hypot(*(graph.nodes[nodes[i]] - graph.nodes[nodes[j]])))
        if straight > 3_000:
            ratios.append(network[i, j] / straight)
    ratios_array = np.array(ratios)
    assert (ratios_array >= 1.0).all()
    assert (ratios_array > 1.2).sum() >= 10
    assert ratios_array.max() > 1.8


def test_roads_do_not_cross_lakes(region: Region) -> None:
    lakes = region.water[region.water["kind"] == "lake"]
    rivers = region.water[region.water["kind"] == "river"]
    assert len(lakes) >= 10 and len(rivers) >= 1
    assert (lakes.geom_type == "Polygon").all()
    assert (rivers.geom_type == "LineString").all()
    tree = shapely.STRtree(region.roads.geometry.to_numpy())
    hits = tree.query(lakes.geometry.to_numpy(), predicate="intersects")
    assert hits.size == 0


# --- Sites, services, needs -----------------------------------------------------------------------
def test_all_categories_and_sectors(region: Region) -> None:
    services = region.services
    assert set(CATEGORY_IDS) <= set(services["category"])
    assert set(services["sector"]) <= set(SECTORS)
    assert {"municipality", "region", "private", "non_profit"} <= set(services["sector"])
    by_category = services.groupby("category").size()
    assert by_category["pharmacy"] == 1
    assert by_category["health_centre"] == 2
    assert 1 <= by_category["pharmacy_agent"] <= 2


def test_services_sit_on_their_sites(region: Region) -> None:
    sites = region.sites.set_index("site_id")
    services = region.services
    assert services["site_id"].isin(sites.index).all()
    for row in services.itertuples():
        assert row.geometry.equals(sites.loc[row.site_id, "geometry"])


def test_each_small_village_has_a_village_hall_candidate(region: Region) -> None:
    sites = region.sites
    halls = sites[(sites["kind"] == "village_hall") & sites["is_candidate"]]
    small = region.localities[region.localities["kind"] == "small_village"]
    for row in small.itertuples():
        assert halls.geometry.within(row.geometry).any() or (
            halls.geometry.distance(row.geometry).min() < 300
        ), row.name


def test_some_villages_have_no_service(region: Region) -> None:
    with_service = region.sites[region.sites["site_id"].isin(region.services["site_id"])]
    served = set(with_service["locality_id"])
    small = set(region.localities.loc[region.localities["kind"] == "small_village", "locality_id"])
    assert len(small - served) >= 5


def _hours_from_osm(text: str) -> float:
    """Independent parser of the opening-hours subset the generator writes."""
    if text == "24/7":
        return 168.0
    days = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    total = 0.0
    for rule in text.split("; "):
        day_part, time_part = rule.split(" ")
        count = 0
        for piece in day_part.split(","):
            if "-" in piece:
                first, last = piece.split("-")
                count += days.index(last) - days.index(first) + 1
            else:
                count += 1
        start, end = (int(t[:2]) + int(t[3:]) / 60 for t in time_part.split("-"))
        total += count * (end - start)
    return total


def test_opening_hours_agree_with_hours_per_week(region: Region) -> None:
    pattern = re.compile(
        r"^(24/7|((Mo|Tu|We|Th|Fr|Sa|Su)([-,](Mo|Tu|We|Th|Fr|Sa|Su))* "
        r"\d\d:\d\d-\d\d:\d\d)(; (Mo|Tu|We|Th|Fr|Sa|Su)([-,](Mo|Tu|We|Th|Fr|Sa|Su))* "
        r"\d\d:\d\d-\d\d:\d\d)*)$"
    )
    for row in region.services.itertuples():
        assert pattern.match(row.opening_hours), row.opening_hours
        assert row.hours_per_week == pytest.approx(_hours_from_osm(row.opening_hours))
    costs = region.services.groupby("category")["annual_cost_sek"].max()
    assert 15e6 <= costs["health_centre"] <= 40e6
    assert (region.services["annual_cost_sek"] > 0).all()
    assert (region.services["capacity"] > 0).all()


def test_needs_are_recent_and_mostly_unprocessed(region: Region) -> None:
    needs = region.needs
    assert needs is not None
    assert 200 <= len(needs) <= 500
    assert needs["need_id"].str.fullmatch(r"demo-\d{4}").all()
    assert set(needs["category"]) <= set(NEED_CATEGORIES)
    reference = pd.Timestamp("2026-11-01T00:00:00Z")
    assert (needs["created_at"] <= reference).all()
    assert (needs["created_at"] >= reference - pd.Timedelta(days=550)).all()
    assert needs["status"].isin(["new", "reviewed"]).mean() > 0.6
    assert (needs["people_count"] >= 1).all()
    assert needs["text"].str.len().between(10, settings.NEED_TEXT_MAX_CHARS).all()
    assert region.boundary.geometry.iloc[0].buffer(2_000).contains(needs.geometry).all()


def test_needs_concentrate_where_services_are_missing(region: Region) -> None:
    needs = region.needs
    assert needs is not None
    cells = region.population
    in_town = needs["locality_id"] == "tallforsen"
    town_share_of_people = cells.loc[cells["locality_id"] == "tallforsen", "pop_total"].sum() / (
        cells["pop_total"].sum()
    )
    assert in_town.mean() < town_share_of_people


def test_names_avoid_real_municipalities(region: Region) -> None:
    real = {
        "Storuman",
        "Sorsele",
        "Vilhelmina",
        "Dorotea",
        "Åsele",
        "Lycksele",
        "Malå",
        "Arjeplog",
        "Arvidsjaur",
        "Jokkmokk",
        "Strömsund",
        "Krokom",
        "Berg",
        "Ragunda",
        "Bräcke",
        "Ånge",
        "Älvdalen",
        "Härjedalen",
        "Pajala",
        "Övertorneå",
        "Överkalix",
    }
    names = set(region.localities["name"]) | set(region.water["name"].dropna())
    assert not names & real


# --- Generator helpers: small known answers and invariants ----------------------------------------
@pytest.mark.slow
def test_another_seed_also_gives_a_valid_region(region: Region) -> None:
    _, layers = exempelbygd.generate(1)
    for name, frame in layers.items():
        validate_layer(name, frame)
    assert layers["population"]["pop_total"].sum() == 18_000
    assert not layers["boundary"].geometry.iloc[0].equals(region.boundary.geometry.iloc[0])


def test_chaikin_and_densify_known_answers() -> None:
    square_corner = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0]])
    smooth = _shapes.chaikin(square_corner, 1)
    assert smooth.tolist() == [[0.0, 0.0], [75.0, 0.0], [100.0, 25.0], [100.0, 100.0]]
    dense = _shapes.densify(np.array([[0.0, 0.0], [250.0, 0.0]]), 100.0)
    assert dense[:, 0].tolist() == pytest.approx([0.0, 250 / 3, 500 / 3, 250.0])


coordinate = st.integers(min_value=0, max_value=1_000)
segment = st.tuples(coordinate, coordinate, coordinate, coordinate).filter(
    lambda s: (s[0], s[1]) != (s[2], s[3])
)


@settings_h(max_examples=60, deadline=None)
@given(st.lists(segment, min_size=2, max_size=8))
def test_node_lines_gives_every_crossing_a_shared_vertex(segments: list[tuple[int, ...]]) -> None:
    lines = [np.array([[a, b], [c, d]], dtype=float) for a, b, c, d in segments]
    noded = _shapes.node_lines(lines)
    for original, new in zip(lines, noded, strict=True):
        assert new[0].tolist() == original[0].tolist()
        assert new[-1].tolist() == original[-1].tolist()
        assert np.array_equal(new, np.round(new))
    geoms = [shapely.LineString(c) for c in lines]
    for i, j in combinations(range(len(lines)), 2):
        if geoms[i].intersects(geoms[j]):
            shared = {tuple(p) for p in noded[i]} & {tuple(p) for p in noded[j]}
            assert shared, (segments[i], segments[j])


@settings_h(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Mo-Fr", "Sa", "Su", "Tu,Th", "Mo,We,Fr", "Sa,Su", "Mo-Su"]),
            st.integers(min_value=0, max_value=22),
            st.integers(min_value=1, max_value=8),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_opening_hours_text_and_total_agree(rules: list[tuple[str, int, int]]) -> None:
    spec = tuple(
        (days, f"{start:02d}:00", f"{min(start + length, 24):02d}:00")
        for days, start, length in rules
    )
    text = _hours.format_hours(spec)
    assert _hours.hours_per_week(spec) == pytest.approx(_hours_from_osm(text))
    assert _hours.hours_per_week("24/7") == 168.0


@settings_h(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(1, 40)),
        min_size=1,
        max_size=30,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_aggregate_cells_preserves_counts(cells: list[tuple[int, int, int]]) -> None:
    e = np.array([480_000 + 250 * c[0] for c in cells])
    n = np.array([6_900_000 + 250 * c[1] for c in cells])
    total = np.array([c[2] for c in cells], dtype=np.int64)
    frame = gpd.GeoDataFrame(
        {
            "cell_id": [scb_cell_id(a, b) for a, b in zip(e, n, strict=True)],
            "size_m": 250,
            "pop_total": total,
            "pop_0_15": total // 4,
            "pop_16_64": total - total // 4,
            "pop_65_79": 0,
            "pop_80_plus": 0,
            "locality_id": "glesbygd",
        },
        geometry=shapely.box(e, n, e + 250, n + 250),
        crs=settings.CRS_METRIC,
    )
    coarse = aggregate_cells(frame)
    assert coarse["pop_total"].sum() == total.sum()
    assert len(coarse) == len({(a // 1000, b // 1000) for a, b in zip(e, n, strict=True)})
    assert coarse.geometry.area.eq(1e6).all()
