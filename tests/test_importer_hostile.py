"""Hostile and broken inputs: each gets its Swedish error and leaves the target folder, with an
existing region package of the same id, byte-for-byte unchanged."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

from analysis.errors import ServicekartanError
from analysis.importer import Limits, build_region_package, preview
from tests.fixtures.importer_world import (
    boundary_geojson,
    folder_digest,
    lonlat,
    population_csv,
    write_osm,
    write_world,
)


class SwedishMessage(Exception):  # noqa: N818 - carries a message, not an error
    """Carries the Swedish message of a domain error, so that ``match=`` checks it."""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a valid imported region 'old' (built once)."""
    inputs = write_world(tmp_path_factory.mktemp("inputs"))
    target = tmp_path_factory.mktemp("template")
    build_region_package("old", "Gamla", municipality="9999", target_dir=target, **inputs)
    return target


@pytest.fixture
def setup(template: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    target = tmp_path / "regions"
    shutil.copytree(template, target)
    inputs = write_world(tmp_path / "in")
    return target, inputs


def refused(setup: tuple[Path, dict[str, Any]], match: str, **changes: Any) -> None:
    """Run an import of region 'old' with ``changes`` and check its Swedish error and that
    nothing in the target folder changed."""
    target, inputs = setup
    before = folder_digest(target)
    arguments = {"municipality": "9999", **inputs, **changes}
    with pytest.raises(SwedishMessage, match=match):
        try:
            build_region_package("old", "Ny", target_dir=target, **arguments)
        except ServicekartanError as error:
            raise SwedishMessage(error.message_sv) from error
    assert folder_digest(target) == before


def _write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _feature_collection(features: list[dict[str, Any]], **extra: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features, **extra})


def _point_feature(east_km: float, north_km: float, **props: str) -> dict[str, Any]:
    lon, lat = lonlat(east_km, north_km)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


VRT = (
    '<OGRVRTDataSource><OGRVRTLayer name="k"><SrcDataSource>/etc/passwd</SrcDataSource>'
    "</OGRVRTLayer></OGRVRTDataSource>"
)


def test_vrt_disguised_as_geojson(setup, tmp_path: Path) -> None:  # noqa: ANN001
    refused(setup, "VRT", boundary_path=_write(tmp_path, "kommuner.geojson", VRT))


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("boundary_path", "/vsicurl/https://example.com/kommuner.geojson"),
        ("osm_path", "https://download.geofabrik.de/europe/sweden-latest.osm.pbf"),
        ("population_path", "file:///etc/passwd.csv"),
        ("boundary_path", "/vsizip//tmp/x.zip/kommuner.geojson"),
    ],
)
def test_remote_and_virtual_paths(setup, argument: str, value: str) -> None:  # noqa: ANN001
    refused(setup, "extern eller virtuell resurs", **{argument: value})


def test_geojson_naming_a_virtual_file(setup, tmp_path: Path) -> None:  # noqa: ANN001
    feature = _point_feature(500, 903, name="/vsicurl/http://example.com/x")
    text = _feature_collection([feature])
    refused(
        setup, "hänvisning till en annan resurs", boundary_path=_write(tmp_path, "k.geojson", text)
    )


def test_geojson_crs_given_by_link(setup, tmp_path: Path) -> None:  # noqa: ANN001
    text = _feature_collection(
        [], crs={"type": "link", "properties": {"href": "https://example.com/crs"}}
    )
    refused(setup, "som en länk", boundary_path=_write(tmp_path, "k.geojson", text))


def test_osm_xml_with_entities(setup, tmp_path: Path) -> None:  # noqa: ANN001
    text = (
        '<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<osm version="0.6"><node id="1" lat="60" lon="15"><tag k="name" v="&x;"/></node></osm>'
    )
    refused(setup, "XML-entitet|fil-URL", osm_path=_write(tmp_path, "w.osm", text))


def test_file_too_large(setup) -> None:  # noqa: ANN001
    refused(setup, "gränsen är", limits=Limits(max_table_bytes=200))


def test_osm_file_too_large(setup) -> None:  # noqa: ANN001
    refused(setup, "gränsen är", limits=Limits(max_osm_bytes=100))


@pytest.mark.parametrize(
    ("argument", "name", "content", "match"),
    [
        ("osm_path", "w.osm.pbf", '{"type": "FeatureCollection"}', "innehåller GeoJSON"),
        ("boundary_path", "k.gpkg", b"\x00\x01\x02garbage\x00", "okänd binärdata"),
        ("boundary_path", "k.geojson", b"PK\x03\x04rest", "innehåller ett zip-arkiv"),
        ("population_path", "p.csv", b"SQLite format 3\x00" + bytes(100), "GeoPackage"),
        ("population_path", "p.csv", b"", "tom fil"),
        ("boundary_path", "k.shp", b"\x00\x00\x27\x0a", "filändelse som inte stöds"),
    ],
)
def test_content_not_what_the_name_says(
    setup,
    tmp_path: Path,
    argument: str,
    name: str,
    content: bytes | str,
    match: str,  # noqa: ANN001
) -> None:
    refused(setup, match, **{argument: _write(tmp_path, name, content)})


def test_sqlite_that_is_not_a_geopackage(setup, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "k.gpkg"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (a)")
    connection.commit()
    connection.close()
    refused(setup, "inget GeoPackage", boundary_path=path)


def _boundary_gpkg(path: Path, crs: str | None = "EPSG:3006") -> Path:
    frame = gpd.GeoDataFrame(
        {"kommunkod": ["9999"], "kommunnamn": ["Testby"]},
        geometry=[shapely.box(495_000, 6_895_000, 505_000, 6_905_000)],
        crs=crs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "crs was not provided": intended here
        frame.to_file(path, driver="GPKG", engine="pyogrio")
    return path


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE VIEW sneaky AS SELECT '/vsicurl/http://example.com/x' AS a",
        "CREATE VIRTUAL TABLE other USING fts4(a)",
    ],
)
def test_geopackage_referring_to_other_resources(
    setup,
    tmp_path: Path,
    statement: str,  # noqa: ANN001
) -> None:
    path = _boundary_gpkg(tmp_path / "k.gpkg")
    connection = sqlite3.connect(path)
    connection.execute(statement)
    connection.commit()
    connection.close()
    refused(setup, "hänvisar till andra resurser", boundary_path=path)


def test_geopackage_boundary_is_read(setup, tmp_path: Path) -> None:  # noqa: ANN001
    """Control: the same GeoPackage without tricks imports."""
    target, inputs = setup
    inputs = {**inputs, "boundary_path": _boundary_gpkg(tmp_path / "k.gpkg")}
    folder = build_region_package("ny", "Ny", municipality="9999", target_dir=target, **inputs)
    assert (folder / "boundary.parquet").is_file()


def test_missing_crs(setup, tmp_path: Path) -> None:  # noqa: ANN001
    refused(
        setup, "saknar koordinatsystem", boundary_path=_boundary_gpkg(tmp_path / "k.gpkg", None)
    )


def test_wrong_crs(setup, tmp_path: Path) -> None:  # noqa: ANN001
    ring = [[495_000, 6_895_000], [505_000, 6_895_000], [505_000, 6_905_000], [495_000, 6_895_000]]
    feature = {
        "type": "Feature",
        "properties": {"kommunkod": "9999"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    text = _feature_collection([feature])  # SWEREF 99 TM numbers in a WGS 84 file
    refused(setup, "utanför Sverige", boundary_path=_write(tmp_path, "k.geojson", text))


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    return path


def test_zip_bomb(setup, tmp_path: Path) -> None:  # noqa: ANN001
    bomb = _zip(tmp_path / "grid.zip", {"grid.csv": b"0" * (20 * 1024 * 1024)})
    refused(setup, "zip-bomb", population_path=bomb)


def test_zip_larger_than_allowed_uncompressed(setup, tmp_path: Path) -> None:  # noqa: ANN001
    big = _zip(tmp_path / "grid.zip", {"grid.csv": b"Ruta;Pop\n" * 2000})
    refused(setup, "zip-bomb", population_path=big, limits=Limits(max_zip_uncompressed_bytes=1000))


def test_zip_with_path_outside(setup, tmp_path: Path) -> None:  # noqa: ANN001
    evil = _zip(tmp_path / "grid.zip", {"../grid.csv": b"Ruta;Pop\n"})
    refused(setup, "utanför arkivet", population_path=evil)


def test_zip_with_two_data_files(setup, tmp_path: Path) -> None:  # noqa: ANN001
    two = _zip(tmp_path / "grid.zip", {"a.csv": b"Ruta;Pop\n", "b.csv": b"Ruta;Pop\n"})
    refused(setup, "exakt en datafil", population_path=two)


def test_zip_holding_a_vrt(setup, tmp_path: Path) -> None:  # noqa: ANN001
    bundle = _zip(tmp_path / "k.zip", {"kommuner.geojson": VRT.encode()})
    refused(setup, "VRT", boundary_path=bundle)


def test_zipped_population_is_read(setup, tmp_path: Path) -> None:  # noqa: ANN001
    """Control: SCB ships its grids zipped; a plain zip with one CSV imports."""
    target, inputs = setup
    content = Path(inputs["population_path"]).read_bytes()
    bundle = _zip(tmp_path / "grid.zip", {"TotRut/grid.csv": content, "readme.pdf": b"%PDF"})
    folder = build_region_package(
        "ny", "Ny", municipality="9999", target_dir=target, **{**inputs, "population_path": bundle}
    )
    assert (folder / "population.parquet").is_file()


def _services(tmp_path: Path, text: str, name: str = "lista.csv") -> list[Path]:
    return [_write(tmp_path, name, text)]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Namn;X;Y\nA;500000;6903000\n", "saknar kolumn"),
        ("Namn;Kategori;X;Y\nA;Skola;500000;6903000\n", None),  # control
        (
            "Id;Namn;Kategori;X;Y\na;A;Skola;500000;6903000\na;B;Skola;500100;6903000\n",
            "förekommer flera gånger",
        ),  # noqa: E501
        ("Namn;Kategori;X;Y\nA;Skola;700000;7300000\n", "utanför kommunen"),
        ("Namn;Kategori;X;Y\nA;Skola;12;13\n", "passar inte"),
        ("Namn;Kategori;X;Y\nA;Frisör;500000;6903000\n", "okänd kategori"),
    ],
)
def test_service_list_errors(setup, tmp_path: Path, text: str, match: str | None) -> None:  # noqa: ANN001
    if match is None:
        target, inputs = setup
        services = _services(tmp_path, text)
        build_region_package(
            "ny", "Ny", municipality="9999", target_dir=target, services_paths=services, **inputs
        )
        return
    refused(setup, match, services_paths=_services(tmp_path, text))


def test_service_mapping_naming_missing_column(setup, tmp_path: Path) -> None:  # noqa: ANN001
    services = _services(tmp_path, "Namn;Kategori;X;Y\nA;Skola;500000;6903000\n")
    refused(
        setup,
        "Rätta kolumnmappningen",
        services_paths=services,
        services_mappings={"name": "Benämning"},
    )  # noqa: E501


def test_service_geojson_with_empty_geometry(setup, tmp_path: Path) -> None:  # noqa: ANN001
    features = [
        _point_feature(500, 903, name="A", category="Skola"),
        {"type": "Feature", "properties": {"name": "B", "category": "Skola"}, "geometry": None},
    ]
    services = _services(tmp_path, _feature_collection(features), "lista.geojson")
    refused(setup, "geometrin är tom", services_paths=services)


def test_service_geojson_with_unreadable_geometry(setup, tmp_path: Path) -> None:  # noqa: ANN001
    features = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": 5}}
    ]  # noqa: E501
    services = _services(tmp_path, _feature_collection(features), "lista.geojson")
    refused(setup, "ingen läsbar geometri", services_paths=services)


def test_duplicated_ids_across_lists(setup, tmp_path: Path) -> None:  # noqa: ANN001
    first = _write(tmp_path, "a.csv", "Id;Namn;Kategori;X;Y\nx;A;Skola;500000;6903000\n")
    second = _write(tmp_path, "b.csv", "Id;Namn;Kategori;X;Y\nx;B;Bibliotek;500100;6903000\n")
    refused(setup, "Id ska vara unika", services_paths=[first, second])


def test_duplicated_population_cells(setup, tmp_path: Path) -> None:  # noqa: ANN001
    text = "Ruta;Pop\n4990006902000;5\n4990006902000;7\n"
    refused(setup, "förekommer mer än en gång", population_path=_write(tmp_path, "p.csv", text))


def test_bad_cell_ids(setup, tmp_path: Path) -> None:  # noqa: ANN001
    refused(setup, "rut-id", population_path=_write(tmp_path, "p.csv", "Ruta;Pop\n12345;5\n"))


def test_population_of_another_area(setup, tmp_path: Path) -> None:  # noqa: ANN001
    text = "Ruta;Pop\n6000006500000;5\n"
    refused(setup, "Ingen befolkningsruta", population_path=_write(tmp_path, "p.csv", text))


def test_negative_population(setup, tmp_path: Path) -> None:  # noqa: ANN001
    text = "Ruta;Pop\n4990006902000;-5\n"
    refused(setup, "inte är negativa", population_path=_write(tmp_path, "p.csv", text))


def test_unknown_municipality(setup) -> None:  # noqa: ANN001
    refused(setup, "Ingen kommun med kommunkod 1234", municipality="1234")


def test_ambiguous_boundary_file(setup) -> None:  # noqa: ANN001
    refused(setup, "välj kommun med kod", municipality=None)


def test_bad_region_id(setup) -> None:  # noqa: ANN001
    target, inputs = setup
    before = folder_digest(target)
    with pytest.raises(SwedishMessage, match="får bara innehålla"):
        try:
            build_region_package("../old", "Ny", municipality="9999", target_dir=target, **inputs)
        except ServicekartanError as error:
            raise SwedishMessage(error.message_sv) from error
    assert folder_digest(target) == before


def test_road_network_in_pieces(setup, tmp_path: Path) -> None:  # noqa: ANN001
    nodes: dict[int, tuple[float, float]] = {}
    ways: dict[int, tuple[list[int], dict[str, str]]] = {}
    for i in range(8):  # eight separate 1 km roads, none sharing a node
        nodes[2 * i + 1] = (496 + i, 896 + i)
        nodes[2 * i + 2] = (496 + i, 897 + i)
        ways[100 + i] = ([2 * i + 1, 2 * i + 2], {"highway": "tertiary"})
    path = write_osm(tmp_path / "bitar.osm.pbf", nodes=nodes, ways=ways, pois={})
    refused(setup, "Vägnätet hänger inte ihop", osm_path=path)


def test_no_roads_in_the_municipality(setup, tmp_path: Path) -> None:  # noqa: ANN001
    nodes = {1: (600.0, 990.0), 2: (601.0, 990.0)}
    path = write_osm(
        tmp_path / "fel.osm.pbf", nodes=nodes, ways={1: ([1, 2], {"highway": "primary"})}, pois={}
    )  # noqa: E501
    refused(setup, "inga vägar inom kommunen", osm_path=path)


def test_truncated_pbf(setup, tmp_path: Path) -> None:  # noqa: ANN001
    good = Path(setup[1]["osm_path"]).read_bytes()
    broken = good[:40] + b"\xff" * 64
    refused(setup, "gick inte att läsa", osm_path=_write(tmp_path, "trasig.osm.pbf", broken))


def test_uploads_as_bytes_are_checked_too(setup, tmp_path: Path) -> None:  # noqa: ANN001
    refused(setup, "VRT", boundary_path=("kommuner.geojson", VRT.encode()))
    boundary = boundary_geojson(tmp_path / "k.geojson").read_bytes()
    population = population_csv(tmp_path / "p.csv").read_bytes()
    target, inputs = setup
    folder = build_region_package(
        "uppladdad",
        "Uppladdad",
        municipality="9999",
        target_dir=target,
        osm_path=inputs["osm_path"],
        boundary_path=("kommuner.geojson", boundary),
        population_path=("befolkning.csv", population),
    )
    assert folder.name == "uppladdad"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: preview("/vsicurl/http://example.com/a.csv"), "extern eller virtuell"),
        (lambda: preview(VRT.encode(), name="a.geojson"), "VRT"),
        (lambda: preview(b"Namn;Kategori\nA;Skola\n", name="a.csv"), "saknar kolumn"),
        (
            lambda: preview(b"a;b;x;y\n", name="a.csv", mapping={"name": "/vsicurl/x"}),
            "extern eller virtuell",
        ),
        (lambda: preview(b"Namn;Kategori;X;Y\n", name="a.csv", crs="+proj=longlat"), "EPSG-kod"),
    ],
)
def test_preview_refuses_hostile_input(call: Callable[[], object], match: str) -> None:
    with pytest.raises(SwedishMessage, match=match):
        try:
            call()
        except ServicekartanError as error:
            raise SwedishMessage(error.message_sv) from error


def test_no_staging_leftovers_after_failures(setup, tmp_path: Path) -> None:  # noqa: ANN001
    target, _ = setup
    refused(setup, "zip-bomb", population_path=_zip(tmp_path / "g.zip", {"g.csv": bytes(20 << 20)}))
    assert sorted(p.name for p in target.iterdir()) == ["old"]


def test_csv_bytes_io_is_not_accepted_as_path() -> None:
    """Only paths, strings and bytes are sources; a file object is refused cleanly."""
    with pytest.raises((TypeError, ServicekartanError)):
        preview(io.BytesIO(b"x"), name="a.csv")  # type: ignore[arg-type]


def test_deeply_nested_json(setup, tmp_path: Path) -> None:  # noqa: ANN001
    refused(setup, "inte giltig JSON", boundary_path=_write(tmp_path, "k.geojson", "[" * 200_000))


def test_boundary_with_only_empty_geometries(setup, tmp_path: Path) -> None:  # noqa: ANN001
    features = [{"type": "Feature", "properties": {"kommunkod": "9999"}, "geometry": None}]
    text = _feature_collection(features)
    refused(setup, "inga ytor", boundary_path=_write(tmp_path, "k.geojson", text))


def test_zip_with_a_corrupt_entry(setup, tmp_path: Path) -> None:  # noqa: ANN001
    path = _zip(tmp_path / "grid.zip", {"grid.csv": b"Ruta;Pop\n" + b"4990006902000;5\n" * 500})
    raw = bytearray(path.read_bytes())
    start = raw.index(b"grid.csv") + len("grid.csv")  # first local header's data follows its name
    for offset in range(start + 10, start + 40):
        raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))
    refused(setup, "går inte att packa upp", population_path=path)
