"""Tests of the fictional county Exempellän (geodata/exempellan.py).

The county is generated once per session (about 20 s) and written with ``write_region`` into a
temporary folder, then read back with ``analysis.io.load_region``, so the tests see what the
app would load.  The car network is built with the app's own ``build_network``.
"""

from __future__ import annotations

from itertools import combinations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from analysis import settings
from analysis.io import Region, RegionInfo, load_region, write_region
from analysis.model import CATEGORY_IDS, LAYERS, validate_layer
from analysis.network import Network, build_network, snap_points
from geodata import exempelbygd, exempellan
from geodata._package import is_current

Layers = dict[str, gpd.GeoDataFrame]


@pytest.fixture(scope="session")
def generated() -> tuple[RegionInfo, Layers]:
    return exempellan.generate(exempellan.DEFAULT_SEED)


@pytest.fixture(scope="session")
def region(
    generated: tuple[RegionInfo, Layers], tmp_path_factory: pytest.TempPathFactory
) -> Region:
    info, layers = generated
    folder = write_region(info, layers, tmp_path_factory.mktemp("regions"))
    return load_region("exempellan", search_dirs=(folder.parent,))


@pytest.fixture(scope="session")
def network(region: Region) -> Network:
    return build_network(region.roads)


# --- Package --------------------------------------------------------------------------------------
def test_package_loads_valid_and_labelled_fictional(
    generated: tuple[RegionInfo, Layers], region: Region
) -> None:
    _, layers = generated
    assert set(layers) == set(LAYERS)
    for name, frame in layers.items():
        loaded = region.layer(name)
        assert loaded is not None and len(loaded) == len(frame), name
        assert validate_layer(name, loaded).crs == settings.CRS_METRIC
    info = region.info
    assert (info.region_id, info.name, info.fictional) == ("exempellan", "Exempellän", True)
    assert "påhittat" in info.description
    assert f"frö {exempellan.DEFAULT_SEED}" in info.description
    assert info.sources and "geodata.exempellan" in info.sources[0]


def test_sizes(region: Region) -> None:
    assert 4 <= len(region.boundary) <= 6
    assert 130_000 <= region.population["pop_total"].sum() <= 170_000
    assert 16_000 <= len(region.population) <= 24_000
    vertices = np.unique(shapely.get_coordinates(region.roads.geometry), axis=0)
    assert 250_000 <= len(vertices) <= 350_000
    assert 330 <= len(region.services) <= 470
    assert 80 <= len(region.localities) <= 130


@pytest.mark.slow
def test_same_seed_gives_identical_layers(generated: tuple[RegionInfo, Layers]) -> None:
    info, first = generated
    again_info, second = exempellan.generate(exempellan.DEFAULT_SEED)
    assert again_info == info
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(
            first[name].drop(columns="geometry"), second[name].drop(columns="geometry")
        )
        assert list(first[name].geometry.to_wkb()) == list(second[name].geometry.to_wkb()), name


def test_another_seed_gives_another_county() -> None:
    first, other = exempellan.plan_county(exempellan.DEFAULT_SEED), exempellan.plan_county(1)
    assert not first.outline.equals(other.outline)
    assert [p.town for p in first.plans] != [p.town for p in other.plans]
    again = exempellan.plan_county(exempellan.DEFAULT_SEED)
    assert again.specs == first.specs and again.crossings == first.crossings


def test_build_writes_once_and_skips_a_current_package(
    region: Region, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = region.info.path
    assert is_current(folder, f"generatorversion {exempellan.GENERATOR_VERSION}, frö 20261204")

    def fail(seed: int) -> None:
        raise AssertionError(f"a current package must not be generated again (seed {seed})")

    monkeypatch.setattr(exempellan, "generate", fail)
    assert exempellan.build(folder.parent) == folder


# --- Municipalities -------------------------------------------------------------------------------
def test_municipalities_partition_the_county(region: Region) -> None:
    parts = list(region.boundary.geometry)
    assert all(p.geom_type == "Polygon" and p.is_valid for p in parts)
    county = shapely.union_all(parts)
    assert county.geom_type == "Polygon"  # one piece, no holes between municipalities
    assert not list(county.interiors)
    assert county.area == pytest.approx(sum(p.area for p in parts), rel=1e-9)
    assert 18_000e6 <= county.area <= 26_000e6
    for a, b in combinations(parts, 2):
        assert a.intersection(b).area < 1.0
    # Every municipality shares a border (not just a corner) with another one.
    for a in parts:
        assert max(a.intersection(b).length for b in parts if b is not a) > 8_000
    names = region.boundary["name"]
    assert names.is_unique and names.str.endswith(" kommun").all()


def test_localities_record_their_municipality(region: Region) -> None:
    localities = region.localities
    assert set(localities["municipality"]) == set(region.boundary["name"])
    boundary = region.boundary.set_index("name").geometry
    for row in localities.itertuples():
        assert boundary[row.municipality].contains(row.geometry), row.name
    towns = localities[localities["kind"] == "town"]
    assert towns["municipality"].is_unique and len(towns) == len(region.boundary)
    seat = towns.loc[towns["population"].idxmax()]
    assert seat["population"] >= 2.5 * towns["population"].drop(seat.name).max()


def test_cells_lie_in_the_county(region: Region) -> None:
    county = region.boundary.union_all()
    centres = region.population.geometry.centroid
    assert centres.within(county.buffer(200.0)).all()
    assert centres.within(county).mean() > 0.99


def test_locality_population_is_the_sum_of_its_cells(region: Region) -> None:
    cells = region.population
    per_locality = cells.groupby("locality_id")["pop_total"].sum()
    localities = region.localities
    expected = localities["locality_id"].map(per_locality).fillna(0).astype(np.int64)
    assert localities["population"].tolist() == expected.tolist()
    # ... and a cell belongs to the locality whose polygon holds its centre, else to glesbygd.
    centres = cells.geometry.centroid
    inside = shapely.STRtree(region.localities.geometry.to_numpy()).query(
        centres.to_numpy(), predicate="within"
    )
    named = cells["locality_id"].to_numpy()[inside[0]]
    assert (named == region.localities["locality_id"].to_numpy()[inside[1]]).all()
    rural = np.ones(len(cells), dtype=bool)
    rural[inside[0]] = False
    assert (cells["locality_id"].to_numpy()[rural] == settings.RURAL_LOCALITY_ID).all()


# --- Ids and names --------------------------------------------------------------------------------
def test_ids_are_unique_and_prefixed_per_municipality(region: Region) -> None:
    for layer, column in (
        ("roads", "road_id"),
        ("localities", "locality_id"),
        ("population", "cell_id"),
        ("sites", "site_id"),
        ("services", "service_id"),
        ("needs", "need_id"),
    ):
        frame = region.layer(layer)
        assert frame is not None
        assert frame[column].is_unique, layer
    assert region.sites["site_id"].str.fullmatch(r"lan[1-6]-site-\d{3}").all()
    assert region.services["service_id"].str.fullmatch(r"lan[1-6]-svc-\d{3}").all()
    assert region.needs is not None
    # The store keeps every region's needs in one table: ids (and their receipt codes, the first
    # ten letters and digits) must not collide with Exempelbygd's "demo-0001".
    assert region.needs["need_id"].str.fullmatch(r"lan[1-6]-\d{4}").all()
    assert region.services["site_id"].isin(region.sites["site_id"]).all()
    assert region.roads["road_id"].tolist() == list(range(1, len(region.roads) + 1))


def test_names_are_unique_invented_and_unlike_real_municipalities(region: Region) -> None:
    localities = region.localities
    assert localities["name"].is_unique
    assert localities["locality_id"].tolist() == [
        exempelbygd._slug(name) for name in localities["name"]
    ]
    names = set(localities["name"]) | set(region.water["name"].dropna())
    assert not names & exempellan.REAL_MUNICIPALITIES
    assert not set(localities["name"]) & {p.name for p in exempelbygd.EXEMPELBYGD.localities}
    # A site or service name used in several municipalities says which town it is in
    # ("Kommunhuset, Björkliden"), so pickers that list sites and services stay unambiguous.
    for frame in (region.sites, region.services):
        assert frame["name"].is_unique
    assert region.sites["name"].str.startswith("Kommunhuset, ").sum() == len(region.boundary)


# --- Roads ----------------------------------------------------------------------------------------
def test_car_network_is_one_component_across_municipalities(
    region: Region, network: Network
) -> None:
    fragments = network.fragments()
    assert (fragments["mode"] == "car").sum() == 1
    # Roads cross every shared border: some road pieces lie in two municipalities.
    parts = region.boundary.geometry.to_numpy()
    crossing = region.roads.geometry.apply(
        lambda line: int(sum(line.crosses(p.exterior) and line.intersects(p) for p in parts))
    )
    assert (crossing >= 2).sum() >= len(parts) - 1


def test_every_locality_reaches_the_county_seat_by_car(region: Region, network: Network) -> None:
    car = network.graph("car")
    matrix = csr_matrix(
        (car.weights, car.indices, car.indptr), shape=(network.n_nodes, network.n_nodes)
    )
    points = region.localities.geometry.representative_point()
    snap = snap_points(network, gpd.GeoSeries(points, crs=settings.CRS_METRIC), "car")
    assert (snap.distance_m < settings.MAX_SNAP_DISTANCE_M).all()
    towns = region.localities["kind"].to_numpy() == "town"
    seat = int(np.argmax(np.where(towns, region.localities["population"], -1)))
    seconds = dijkstra(matrix, indices=int(snap.node[seat]))[snap.node]
    assert np.isfinite(seconds).all()
    assert seconds.max() < 4 * 3600  # across the county in under four hours by car


def test_vertices_are_whole_metres_and_roads_avoid_lakes(region: Region) -> None:
    coords, line = shapely.get_coordinates(region.roads.geometry, return_index=True)
    assert np.array_equal(coords, np.round(coords))
    same = line[1:] == line[:-1]
    segment = np.hypot(*(coords[1:][same] - coords[:-1][same]).T)
    assert segment.min() > 0 and segment.max() <= 130
    lakes = region.water[region.water["kind"] == "lake"]
    tree = shapely.STRtree(region.roads.geometry.to_numpy())
    assert tree.query(lakes.geometry.to_numpy(), predicate="intersects").size == 0


def test_every_service_and_cell_is_near_a_drivable_road(region: Region) -> None:
    drivable = region.roads[region.roads["road_class"] != "path"]
    tree = shapely.STRtree(drivable.geometry.to_numpy())
    for points in (region.services.geometry, region.population.geometry.centroid):
        _, distance = tree.query_nearest(points.to_numpy(), return_distance=True, all_matches=False)
        assert distance.max() <= 1_500


# --- Services -------------------------------------------------------------------------------------
def test_services_cover_every_category_and_the_seat_has_the_county_sites(region: Region) -> None:
    services = region.services
    assert set(CATEGORY_IDS) <= set(services["category"])
    names = set(services["name"])
    assert "Länssjukhusets akutmottagning" in names and "Länsbiblioteket" in names
    by_category = services.groupby("category").size()
    assert by_category["pharmacy"] >= len(region.boundary)
    assert by_category["health_centre"] >= 2 * len(region.boundary)
    sites = region.sites.set_index("site_id")
    for row in services.itertuples():
        assert row.geometry.equals(sites.loc[row.site_id, "geometry"])
