"""Importer: a small OSM world built with pyosmium comes back with known travel times and
categories; population ages, localities, service lists, the quality report and the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from analysis import settings as app_settings
from analysis.importer import build_region_package, preview, quality_frame
from analysis.importer.__main__ import main
from analysis.importer.build import prepare_region
from analysis.importer.fetch import GEOFABRIK_SWEDEN_URL, fetch, plan_fetch
from analysis.importer.population import NATIONAL_AGE_SHARES, apportion
from analysis.io import load_region
from tests.fixtures.importer_world import (
    N0,
    NODES,
    folder_digest,
    population_rows,
    write_osm,
    write_world,
)

KMH = 3.6  # (m/s) per (km/h)
MPH30_KMH = 30 * 1.609344


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def package(world: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("regions")
    return build_region_package("testby", "Testby", municipality="9999", target_dir=target, **world)


@pytest.fixture(scope="module")
def region(package: Path):  # noqa: ANN201 - analysis.io.Region
    return load_region("testby", (package.parent,))


def _xy(node_id: int) -> tuple[float, float]:
    east, north = NODES[node_id]
    return east * 1000.0, N0 + north * 1000.0


def _car_graph(roads: gpd.GeoDataFrame) -> tuple[np.ndarray, coo_matrix]:
    """Independent reference: nodes from vertices rounded to 0.01 m, car seconds per segment."""
    coords, owner = shapely.get_coordinates(roads.geometry.to_numpy(), return_index=True)
    nodes, inverse = np.unique(np.round(coords, 2), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    speed = roads["speed_kmh"].to_numpy(dtype=float)
    class_speed = roads["road_class"].map(app_settings.CAR_SPEED_BY_CLASS_KMH).to_numpy(float)
    speed = np.where(np.isnan(speed), class_speed, speed)
    rows, cols, seconds = [], [], []
    for i in range(len(coords) - 1):
        if owner[i] != owner[i + 1] or speed[owner[i]] <= 0:
            continue
        length = float(np.hypot(*(coords[i + 1] - coords[i])))
        rows.append(inverse[i])
        cols.append(inverse[i + 1])
        seconds.append(length / (speed[owner[i]] / KMH))
        if not bool(roads["oneway"].iloc[owner[i]]):
            rows.append(inverse[i + 1])
            cols.append(inverse[i])
            seconds.append(seconds[-1])
    graph = coo_matrix((seconds, (rows, cols)), shape=(len(nodes), len(nodes))).tocsr()
    return nodes, graph


def _node_index(nodes: np.ndarray, node_id: int) -> int:
    distance = np.hypot(*(nodes - np.array(_xy(node_id))).T)
    assert distance.min() < 0.05, f"node {node_id} missing from the imported network"
    return int(distance.argmin())


def test_roads_share_vertices_at_every_junction(region) -> None:  # noqa: ANN001
    roads = region.roads
    coords = shapely.get_coordinates(roads.geometry.to_numpy())
    unique = np.unique(np.round(coords, 2), axis=0)
    assert len(unique) == 11  # nodes 1-11, every shared OSM node a single vertex
    # way 100 is split at nodes 2 and 3 (shared with ways 102 and 101): 3 pieces, 8 lines in all
    assert (roads["osm_way_id"] == 100).sum() == 3
    assert len(roads) == 8
    assert roads["road_id"].tolist() == list(range(1, 9))


@pytest.mark.parametrize(
    ("source", "target", "seconds"),
    [
        (1, 6, 4000 / (70 / KMH) + 3000 / (60 / KMH)),  # maxspeed 70, then class speed 60
        (1, 7, 2000 / (70 / KMH) + 2000 / (MPH30_KMH / KMH)),  # "30 mph"
        (9, 5, 2000 / (75 / KMH)),  # oneway=-1: drivable from 9 to 5
        (9, 6, 2000 / (75 / KMH) + 4000 / (70 / KMH) + 3000 / (60 / KMH)),
    ],
)
def test_car_travel_times_are_as_constructed(
    region, source: int, target: int, seconds: float
) -> None:  # noqa: ANN001, E501
    nodes, graph = _car_graph(region.roads)
    times = dijkstra(graph, indices=_node_index(nodes, source))
    assert times[_node_index(nodes, target)] == pytest.approx(seconds, abs=0.01)


def test_oneway_and_footway_are_not_driven_the_wrong_way(region) -> None:  # noqa: ANN001
    nodes, graph = _car_graph(region.roads)
    times = dijkstra(graph, indices=_node_index(nodes, 5))
    assert math.isinf(times[_node_index(nodes, 9)])  # against oneway=-1
    assert math.isinf(times[_node_index(nodes, 8)])  # footway end: walk only


def test_engine_network_agrees_with_the_reference(region) -> None:  # noqa: ANN001
    network = pytest.importorskip("analysis.network")
    net = network.build_network(region.roads)
    car = net.graph("car")
    graph = coo_matrix(
        (car.weights, (np.repeat(np.arange(net.n_nodes), np.diff(car.indptr)), car.indices)),
        shape=(net.n_nodes, net.n_nodes),
    ).tocsr()
    start, end = _node_index(net.node_xy, 1), _node_index(net.node_xy, 6)
    expected = 4000 / (70 / KMH) + 3000 / (60 / KMH)
    assert dijkstra(graph, indices=start)[end] == pytest.approx(expected, abs=0.01)


def test_road_attributes(region) -> None:  # noqa: ANN001
    roads = region.roads.set_index("osm_way_id")
    assert roads.loc[100, "road_class"].unique().tolist() == ["national"]
    assert roads.loc[100, "speed_kmh"].unique().tolist() == [70.0]
    assert math.isnan(roads.loc[101, "speed_kmh"])
    assert roads.loc[102, "speed_kmh"] == pytest.approx(MPH30_KMH)
    assert roads.loc[103, "road_class"] == "path"
    assert bool(roads.loc[104, "oneway"]) and not bool(roads.loc[101, "oneway"])
    # oneway=-1 is stored in the direction of travel: from node 9 to node 5
    start = shapely.get_coordinates(roads.loc[104, "geometry"])[0]
    assert np.allclose(start, _xy(9), atol=0.05)
    assert roads.loc[105, "road_class"] == "gravel"
    assert region.roads.crs == app_settings.CRS_METRIC


def test_services_are_mapped_as_tagged(region) -> None:  # noqa: ANN001
    services = region.services.set_index("service_id")
    assert sorted(services.index) == [
        "osm-n50-grocery_full",
        "osm-n51-pharmacy",
        "osm-n52-grocery_convenience",
        "osm-n52-parcel_agent",
        "osm-w200-school_primary",
    ]
    assert services.loc["osm-n50-grocery_full", "hours_per_week"] == 60.0
    assert services.loc["osm-n51-pharmacy", "sector"] == "private"
    assert services.loc["osm-w200-school_primary", "sector"] == "municipality"
    assert services.loc["osm-n52-parcel_agent", "operator"] == "Nära"
    assert (services["annual_cost_sek"] == 0).all()
    school = services.loc["osm-w200-school_primary", "geometry"]
    assert school.distance(shapely.Point(499_100, N0 + 901_100)) < 0.05  # centroid of the way
    sites = region.sites.set_index("site_id")
    assert sites.loc["osm-n53", "kind"] == "village_hall"  # site without service
    assert sites.loc["osm-w200", "kind"] == "school"
    assert sites.loc["osm-n50", "locality_id"] == "byn"
    assert "osm-n54" not in sites.index  # outside the 10 km buffer


def test_water_and_boundary(region) -> None:  # noqa: ANN001
    assert region.water["kind"].tolist() == ["lake"]
    assert region.water.geometry.iloc[0].area == pytest.approx(1e6, rel=1e-4)
    assert region.boundary[["name", "code"]].values.tolist() == [["Testby", "9999"]]
    assert region.boundary.geometry.iloc[0].area == pytest.approx(1e8, rel=1e-3)


def test_population_and_derived_localities(region) -> None:  # noqa: ANN001
    population = region.population
    inside = [r for r in population_rows() if 495_000 <= r[0] < 505_000]
    assert int(population["pop_total"].sum()) == sum(r[2] for r in inside)
    ages = population[list(app_settings.AGE_GROUPS)].sum(axis=1)
    assert (ages == population["pop_total"]).all()
    assert population["cell_id"].str.len().eq(13).all()
    localities = region.localities
    assert localities[["locality_id", "name", "kind", "population"]].values.tolist() == [
        ["byn", "Byn", "village", 450]
    ]
    assert (population["locality_id"] == "byn").sum() == 3
    assert set(population["locality_id"]) == {"byn", app_settings.RURAL_LOCALITY_ID}


def test_quality_report(package: Path) -> None:
    report = json.loads((package / "quality_report.json").read_text(encoding="utf-8"))
    assert report["counts"]["roads"] == 8
    assert report["network"]["fragments"] == 2  # the far-off track
    assert report["network"]["largest_fragment_share_of_length"] == pytest.approx(
        15 / 15.5, abs=1e-4
    )
    assert "fuel" in report["categories_without_service"]
    assert "grocery_full" not in report["categories_without_service"]
    dropped = {
        "layer": "population",
        "reason": "cell centre outside the municipality",
        "count": 1,
        "reason_sv": "rutans mittpunkt ligger utanför kommunen",
    }
    assert dropped in report["dropped"]
    assert any("annual_cost_sek is 0" in note for note in report["notes"])
    frame = quality_frame(package)
    assert list(frame.columns) == ["section", "item", "value"]
    assert frame.query("section == 'counts' and item == 'services'")["value"].tolist() == ["5"]
    leg = report["network"]["population_share_by_access_leg_m"]
    assert sum(leg.values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("ages", ["classes", "none"])
def test_age_classes_and_national_fallback(tmp_path: Path, ages: str) -> None:
    files = write_world(tmp_path / "in", ages=ages)
    prepared = prepare_region("testby", "Testby", municipality="9999", **files)
    population = prepared.layers["population"]
    total = population["pop_total"].to_numpy()
    groups = population[list(app_settings.AGE_GROUPS)].to_numpy()
    assert (groups.sum(axis=1) == total).all()
    if ages == "classes":
        # 15-19 holds pop // 2: one year of five goes to 0-15; the rest is 85+
        half = total // 2
        assert (population["pop_0_15"].to_numpy() <= np.ceil(half / 5)).all()
        assert population["pop_0_15"].sum() == pytest.approx(half.sum() / 5, abs=len(total))
        assert (population["pop_80_plus"].to_numpy() == total - half).all()
        assert any("15-19" in note for note in prepared.report["notes"])
    else:
        shares = population["pop_80_plus"].sum() / total.sum()
        assert shares == pytest.approx(NATIONAL_AGE_SHARES["pop_80_plus"], abs=0.01)
        assert any("national shares" in note for note in prepared.report["notes"])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=30),
    st.lists(st.floats(0.01, 1.0), min_size=1, max_size=5),
)
def test_apportion_keeps_every_count(counts: list[int], weights: list[float]) -> None:
    shares = {f"g{i}": w for i, w in enumerate(weights)}
    parts = apportion(np.array(counts), shares)
    stacked = np.column_stack(list(parts.values()))
    assert (stacked >= 0).all()
    assert stacked.sum(axis=1).tolist() == counts
    exact = np.outer(counts, np.array(weights) / sum(weights))
    assert np.abs(stacked - exact).max() < 1.0 + 1e-9


def test_osm_xml_gives_the_same_network(tmp_path: Path, region) -> None:  # noqa: ANN001
    files = write_world(tmp_path / "in", osm_name="world.osm")
    prepared = prepare_region("testby", "Testby", municipality_name="testby", **files)
    roads = prepared.layers["roads"]
    assert len(roads) == len(region.roads)
    assert roads.geometry.length.sum() == pytest.approx(region.roads.geometry.length.sum())


def _to(epsg: int, east: float, north: float) -> tuple[float, float]:
    x, y = Transformer.from_crs("EPSG:3006", f"EPSG:{epsg}", always_xy=True).transform(east, north)
    return float(x), float(y)


@pytest.mark.parametrize(
    ("epsg", "header", "swap"),
    [(3006, "X;Y", False), (3021, "X;Y", True), (4326, "lon;lat", False), (4326, "lat;lon", True)],
)
def test_preview_detects_the_crs(epsg: int, header: str, swap: bool) -> None:
    x, y = _to(epsg, 500_000.0, N0 + 903_000.0)
    first, second = (y, x) if swap else (x, y)
    text = f"Namn;Kategori;{header}\nICA;Livsmedelsbutik;{first};{second}\n"
    result = preview(text.encode(), name="lista.csv")
    assert result.crs == f"EPSG:{epsg}"
    assert result.errors.empty
    assert result.rows.loc[0, "x"] == pytest.approx(500_000.0, abs=0.01)
    assert result.rows.loc[0, "y"] == pytest.approx(N0 + 903_000.0, abs=0.01)


def test_preview_explicit_crs_wins_and_reports_row_errors() -> None:
    text = (
        "id;namn;typ;x;y;kostnad\n"
        "a;Skolan;Skola;500000;6903000;100\n"
        "b;;Bibliotek;500100;6903000;\n"
        "c;Okänd;Frisör;500200;6903000;-5\n"
        "c;Utanför;Apotek;;6903000;\n"
    )
    result = preview(text.encode("latin-1"), name="lista.csv", crs="EPSG:3006")
    assert result.crs == "EPSG:3006"
    assert result.total_rows == 4
    assert result.rows["category"].tolist() == ["school_primary", "library", "", "pharmacy"]
    assert result.errors[["row", "column"]].values.tolist() == [
        [3, "name"],
        [4, "annual_cost_sek"],
        [4, "category"],
        [4, "service_id"],
        [5, "service_id"],
        [5, "x/y"],
    ]
    assert "okänd kategori 'Frisör'" in result.errors.loc[2, "message_sv"]


def test_preview_with_column_mapping_and_geojson() -> None:
    lon, lat = _to(4326, 500_000.0, N0 + 903_000.0)
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"Benämning": "Bokbussen", "Slag": "Bibliotek"},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        ],
    }
    result = preview(
        json.dumps(data).encode(),
        name="lista.geojson",
        mapping={"name": "Benämning", "category": "Slag"},
    )
    assert result.rows[["name", "category"]].values.tolist() == [["Bokbussen", "library"]]
    assert result.errors.empty


def test_municipal_list_replaces_osm_category(tmp_path: Path, world: dict[str, Path]) -> None:
    listing = tmp_path / "butiker.csv"
    listing.write_text(
        "Id;Namn;Kategori;Huvudman;Sektor;Kostnad;X;Y\n"
        "k1;Byns Livs;Livsmedelsbutik;Byns Livs AB;privat;120000;500050;6902950\n"
        "k2;Apoteksombudet;Apoteksombud;Apoteket AB;;;500060;6903060\n",
        encoding="utf-8",
    )
    prepared = prepare_region(
        "testby", "Testby", municipality="9999", services_paths=[listing], **world
    )
    services = prepared.layers["services"].set_index("service_id")
    assert "osm-n50-grocery_full" not in services.index
    assert services.loc["k1", "category"] == "grocery_full"
    assert services.loc["k1", "annual_cost_sek"] == 120_000.0
    assert services.loc["k2", "category"] == "pharmacy_agent"
    assert services.loc["k2", "sector"] == "private"
    assert "osm-n51-pharmacy" in services.index  # other categories keep OSM's
    sites = prepared.layers["sites"].set_index("site_id")
    assert "osm-n50" not in sites.index and "site-k1" in sites.index
    assert sites.loc["site-k1", "locality_id"] == "byn"


def test_rebuild_replaces_the_package_atomically(world: dict[str, Path], tmp_path: Path) -> None:
    first = build_region_package(
        "testby", "Testby", municipality="9999", target_dir=tmp_path, **world
    )
    second = build_region_package(
        "testby", "Testby igen", municipality="9999", target_dir=tmp_path, **world
    )
    assert first == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["testby"]
    info = json.loads((second / "region.json").read_text(encoding="utf-8"))
    assert info["name"] == "Testby igen" and info["municipality_code"] == "9999"
    assert not info["fictional"]


def test_progress_is_reported(world: dict[str, Path]) -> None:
    calls: list[tuple[float, str]] = []
    prepare_region(
        "testby", "Testby", municipality="9999", progress=lambda f, m: calls.append((f, m)), **world
    )
    fractions = [f for f, _ in calls if f <= 1.0]
    assert fractions[0] == 0.0 and fractions == sorted(fractions)
    assert any("OSM" in message for _, message in calls)


def test_bbox_skips_ways_outside(tmp_path: Path) -> None:
    from analysis.importer.osm import read_osm

    path = write_osm(tmp_path / "w.osm.pbf")
    lon_lat = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    west, south = lon_lat.transform(495_000, N0 + 895_000)
    east, north = lon_lat.transform(505_000, N0 + 905_000)
    extract = read_osm(path, bbox_wgs84=(west, south, east, north))
    assert 105 not in set(extract.roads["osm_way_id"])
    assert "n54" not in set(extract.pois["osm_id"])


def test_cli_build_prints_summary(world: dict[str, Path], tmp_path: Path, capsys) -> None:  # noqa: ANN001
    status = main(
        [
            "build",
            "--region-id",
            "testby",
            "--name",
            "Testby",
            "--osm",
            str(world["osm_path"]),
            "--boundary",
            str(world["boundary_path"]),
            "--municipality",
            "9999",
            "--population",
            str(world["population_path"]),
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr()
    assert status == 0
    assert "Region package written" in out.out and "Categories without service" in out.out
    assert "%" in out.err  # progress lines
    assert (tmp_path / "testby" / "quality_report.json").is_file()


def test_cli_error_exits_2_in_swedish_and_writes_nothing(
    world: dict[str, Path],
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    status = main(
        [
            "build",
            "--region-id",
            "testby",
            "--name",
            "Testby",
            "--osm",
            str(world["osm_path"]),
            "--boundary",
            str(world["boundary_path"]),
            "--municipality",
            "1234",
            "--population",
            str(world["population_path"]),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert "Fel: Ingen kommun med kommunkod 1234" in err and "Error: No municipality" in err
    assert folder_digest(tmp_path / "out") == {}


def test_cli_preview(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    listing = tmp_path / "lista.csv"
    listing.write_text("Namn;Kategori;X;Y\nA;Skola;500000;6903000\nB;Frisör;500000;6903000\n")
    assert main(["preview", "--services", str(listing)]) == 1
    out = capsys.readouterr().out
    assert "2 rows, coordinates read as EPSG:3006" in out and "okänd kategori" in out


def test_fetch_with_an_injected_downloader(tmp_path: Path) -> None:
    fetched: list[str] = []

    def fake(url: str, target: Path) -> None:
        fetched.append(url)
        target.write_bytes(b"data")

    files = fetch(
        "180",
        tmp_path,
        download=fake,
        population_url="https://www.scb.se/contentassets/x/TotRut_SweRef.zip",
    )
    assert fetched == [GEOFABRIK_SWEDEN_URL, "https://www.scb.se/contentassets/x/TotRut_SweRef.zip"]
    assert files["osm"] == tmp_path / "0180" / "sweden-latest.osm.pbf"
    assert files["population"].read_bytes() == b"data"


def test_fetch_failure_removes_the_partial_file(tmp_path: Path) -> None:
    def broken(url: str, target: Path) -> None:  # noqa: ARG001
        target.write_bytes(b"half")
        raise OSError("connection reset")

    with pytest.raises(OSError, match="connection reset"):
        fetch("2321", tmp_path, download=broken)
    assert not (tmp_path / "2321" / "sweden-latest.osm.pbf").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--municipality", "23a1"], "fyra siffror"),
        (["--municipality", "2321", "--osm-url", "http://example.org/x.pbf"], "https"),
    ],
)
def test_fetch_arguments_are_checked(
    tmp_path: Path,
    capsys,
    arguments: list[str],
    message: str,  # noqa: ANN001
) -> None:
    def never(url: str, target: Path) -> None:  # noqa: ARG001
        raise AssertionError("no download expected")

    status = main(["fetch", "--out", str(tmp_path), *arguments], download=never)
    assert status == 2
    assert message in capsys.readouterr().err


def test_fetch_dry_run_lists_the_plan(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["fetch", "--municipality", "2321", "--out", str(tmp_path), "--dry-run"]) == 0
    assert GEOFABRIK_SWEDEN_URL in capsys.readouterr().out
    assert not any(tmp_path.iterdir())
    assert [item.kind for item in plan_fetch("2321", tmp_path)] == ["osm"]


def test_quality_frame_from_dict() -> None:
    frame = quality_frame(
        {"counts": {"roads": 2}, "dropped": [{"layer": "x", "reason": "y", "count": 3}]}
    )
    assert frame.values.tolist() == [["counts", "roads", "2"], ["dropped", "x: y", "3"]]
    assert isinstance(frame, pd.DataFrame)


def test_localities_from_an_scb_geopackage(world: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "tatorter.gpkg"
    gpd.GeoDataFrame(
        {"TATORTSKOD": ["T1234", "T9999"], "TATORT": ["Byn", "Långtbortistan"], "BEF": [None, 250]},
        geometry=[
            shapely.Polygon(  # the three dense cells, an L shape
                [
                    (e * 1000, N0 + n * 1000)
                    for e, n in [
                        (499, 902),
                        (500, 902),
                        (500, 901),
                        (501, 901),
                        (501, 903),
                        (499, 903),
                    ]
                ]
            ),
            shapely.box(700_000, N0 + 1_300_000, 701_000, N0 + 1_301_000),
        ],
        crs="EPSG:3006",
    ).to_file(path, driver="GPKG", engine="pyogrio")
    prepared = prepare_region(
        "testby", "Testby", municipality="9999", localities_path=path, **world
    )
    localities = prepared.layers["localities"]
    assert localities[["locality_id", "name", "kind", "population"]].values.tolist() == [
        ["T1234", "Byn", "village", 450]  # population missing: summed from the grid
    ]
    assert (prepared.layers["population"]["locality_id"] == "T1234").sum() == 3
    assert not any("derived" in note for note in prepared.report["notes"])


def test_population_grid_as_wgs84_squares(world: dict[str, Path], tmp_path: Path) -> None:
    """SCB squares delivered in another CRS are snapped back onto the grid after reprojection."""
    rows = population_rows()
    frame = gpd.GeoDataFrame(
        {"Pop": [pop for _, _, pop in rows]},
        geometry=[shapely.box(e, n, e + 1000, n + 1000) for e, n, _ in rows],
        crs="EPSG:3006",
    ).to_crs("EPSG:4326")
    path = tmp_path / "grid.geojson"
    path.write_text(frame.to_json(), encoding="utf-8")
    prepared = prepare_region(
        "testby", "Testby", municipality="9999", **{**world, "population_path": path}
    )
    cells = prepared.layers["population"]
    expected = sorted(f"{e:06d}{n:07d}" for e, n, _ in rows if 495_000 <= e < 505_000)
    assert sorted(cells["cell_id"]) == expected
    assert (cells["size_m"] == 1000).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(1, 12), min_size=2, max_size=8), min_size=1, max_size=8))
def test_split_at_junctions_keeps_every_way_and_cuts_only_at_shared_nodes(
    ways: list[list[int]],
) -> None:
    from analysis.importer.osm import split_at_junctions

    refs = [np.array(way, dtype=np.int64) for way in ways]
    coords = [np.column_stack([way, np.zeros(len(way))]).astype(float) for way in ways]
    points, piece, owner = split_at_junctions(refs, coords)
    uses = pd.Series(np.concatenate(refs)).value_counts()
    for way_index, way in enumerate(ways):
        pieces = [
            points[piece == p][:, 0].astype(int).tolist()
            for p in np.flatnonzero(owner == way_index)
        ]
        assert all(len(p) >= 2 for p in pieces)
        rebuilt = pieces[0] + [node for p in pieces[1:] for node in p[1:]]
        assert rebuilt == way  # the pieces chain back into the way
        for p in pieces:  # interior vertices of a piece are used by nobody else
            assert all(uses[node] == 1 for node in p[1:-1])
        cuts = [node for node in way[1:-1] if uses[node] > 1]
        assert len(pieces) == len(cuts) + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("50", 50.0), ("50 km/h", 50.0), ("90,5", 90.5), ("SE:urban", 50.0), ("20 mph", 32.18688)],
)
def test_maxspeed_values(text: str, expected: float) -> None:
    from analysis.importer.osm import parse_maxspeed

    assert parse_maxspeed(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["none", "signals", "", "0", "999", "fast"])
def test_maxspeed_not_understood_is_nan(text: str) -> None:
    from analysis.importer.osm import parse_maxspeed

    assert math.isnan(parse_maxspeed(text))


def test_geopackage_layers_and_reference_years(world: dict[str, Path], tmp_path: Path) -> None:
    """Lantmäteriet's file holds county and municipality layers; SCB's locality file every
    reference year.  The municipality layer and the latest year are used."""
    boundary = tmp_path / "administrativ_indelning.gpkg"
    box = shapely.box(495_000, N0 + 895_000, 505_000, N0 + 905_000)
    for layer, columns in (
        ("lansyta", {"lanskod": ["99"], "lansnamn": ["Testlän"]}),
        ("kommunyta", {"kommunkod": ["9999"], "kommunnamn": ["Testby"]}),
    ):
        gpd.GeoDataFrame(columns, geometry=[box], crs="EPSG:3006").to_file(
            boundary, layer=layer, driver="GPKG", engine="pyogrio"
        )
    localities = tmp_path / "smaorter.gpkg"
    gpd.GeoDataFrame(
        {"REFERENSAR": [2015, 2020], "SMAORTSKOD": ["S1", "S1"], "SMAORT": ["Gammal", "Byn"]},
        geometry=[shapely.box(499_000, N0 + 902_000, 501_000, N0 + 903_000)] * 2,
        crs="EPSG:3006",
    ).to_file(localities, driver="GPKG", engine="pyogrio")
    prepared = prepare_region(
        "testby",
        "Testby",
        municipality="9999",
        localities_path=localities,
        **{**world, "boundary_path": boundary},
    )
    assert prepared.layers["boundary"]["name"].tolist() == ["Testby"]
    assert prepared.layers["localities"][["locality_id", "name"]].values.tolist() == [["S1", "Byn"]]


def test_categories_missing_inside_the_municipality(tmp_path: Path) -> None:
    from tests.fixtures.importer_world import POI_NODES

    pois = {**POI_NODES, 55: (508.0, 900.0, {"amenity": "fuel", "name": "Macken"})}  # neighbour
    files = write_world(tmp_path / "in")
    write_osm(files["osm_path"], pois=pois)
    report = prepare_region("testby", "Testby", municipality="9999", **files).report
    assert "fuel" not in report["categories_without_service"]
    assert "fuel" in report["categories_without_service_inside_municipality"]


def test_boundary_from_the_osm_extract(tmp_path: Path) -> None:
    files = write_world(tmp_path / "in")
    write_osm(files["osm_path"], boundary=True)
    prepared = prepare_region(
        "testby", "Testby", municipality_name="Testby", **{**files, "boundary_path": None}
    )
    boundary = prepared.layers["boundary"]
    assert boundary[["name", "code"]].values.tolist() == [["Testby kommun", "9999"]]
    assert boundary.geometry.iloc[0].area == pytest.approx(1e8, rel=1e-3)
    assert "boundary: OpenStreetMap" in prepared.report["sources"]


def test_boundary_missing_from_the_osm_extract(tmp_path: Path) -> None:
    from analysis.errors import ValidationError

    files = write_world(tmp_path / "in")
    with pytest.raises(ValidationError, match="no complete municipality boundary") as error:
        prepare_region("testby", "Testby", municipality="9999", **{**files, "boundary_path": None})
    assert "ingen hel kommungräns" in error.value.message_sv


def test_every_report_sentence_has_a_swedish_version(tmp_path: Path) -> None:
    from analysis.importer.texts import has_swedish

    sentences = [
        "population x/y were cell centres; converted to south-west corners",
        "age classes spanning two age groups split by number of years: 15-19",
        "age columns found but they do not cover all ages; ignored",
        "the grid has no ages: age groups estimated from national shares (SCB 2023) in every cell",
        "3 cells whose age groups do not add up to the total",
        "lista.csv: x and y were swapped (x held northing/latitude)",
        "lista.geojson: non-point geometries replaced by a point on their surface",
        "the largest connected road fragment holds only 85.2 % of the drivable length"
        " (7 fragments)",
        "fewer than 95 % of residents live within 2000 m of a drivable road",
        "OSM service replaced by the municipality's list of its category",
        "OSM site left without a service",
        "way with nodes missing from the extract",
        "maxspeed not understood (class speed used)",
        "highway=proposed is not a road",
        "area that could not be assembled",
        "road stretch of zero length",
    ]
    files = write_world(tmp_path / "in", ages="classes")
    report = prepare_region("testby", "Testby", municipality="9999", **files).report
    sentences += report["notes"] + report["warnings"] + [d["reason"] for d in report["dropped"]]
    missing = [text for text in sentences if not has_swedish(text)]
    assert not missing
    assert len(report["notes_sv"]) == len(report["notes"])
    assert all("reason_sv" in item for item in report["dropped"])
