"""Map builders: local assets only, legend, escaping, symbols, travel-time bands, clicks."""

from __future__ import annotations

import html
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from analysis import maps, settings
from analysis.errors import DataModelError
from analysis.i18n import fmt_date
from analysis.io import Region, RegionInfo
from analysis.model import CATEGORIES, scb_cell_id, validate_layer

XSS = "<script>alert(1)</script>"
TEMPLATE_INJECTION = "`${alert(2)}`\\"
X0, Y0 = 480_000, 6_950_000  # south-west corner of the tiny region, EPSG:3006


def _frame(layer: str, rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    return validate_layer(layer, gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:3006"))


def _tiny_region() -> Region:
    """A 10 km square region: two localities, four roads, a lake and a river, 16 cells."""
    point = shapely.Point
    boundary = _frame(
        "boundary", [{"name": "Liten", "geometry": shapely.box(X0, Y0, X0 + 1e4, Y0 + 1e4)}]
    )
    roads = _frame(
        "roads",
        [
            {
                "road_id": 1,
                "road_class": "national",
                "geometry": shapely.LineString([(X0, Y0 + 5e3), (X0 + 1e4, Y0 + 5e3)]),
            },
            {
                "road_id": 2,
                "road_class": "local",
                "geometry": shapely.LineString([(X0 + 2e3, Y0), (X0 + 2e3, Y0 + 1e4)]),
            },
            {
                "road_id": 3,
                "road_class": "gravel",
                "geometry": shapely.LineString(
                    [(X0 + 2e3, Y0 + 8e3), (X0 + 7e3, Y0 + 9e3), (X0 + 7001, Y0 + 9001)]
                ),
            },
            {
                "road_id": 4,
                "road_class": "path",
                "geometry": shapely.LineString([(X0 + 500, Y0 + 500), (X0 + 1500, Y0 + 600)]),
            },
        ],
    )
    water = _frame(
        "water",
        [
            {"kind": "lake", "geometry": shapely.box(X0 + 6e3, Y0 + 1e3, X0 + 8e3, Y0 + 3e3)},
            {
                "kind": "river",
                "geometry": shapely.LineString([(X0 + 8e3, Y0 + 2e3), (X0 + 1e4, Y0 + 4e3)]),
            },
        ],
    )
    localities = _frame(
        "localities",
        [
            {
                "locality_id": "storby",
                "name": "Storby",
                "kind": "town",
                "population": 900,
                "geometry": shapely.box(X0 + 1e3, Y0 + 4e3, X0 + 3e3, Y0 + 6e3),
            },
            {
                "locality_id": "lillby",
                "name": XSS,
                "kind": "village",
                "population": 40,
                "geometry": shapely.box(X0 + 6e3, Y0 + 8e3, X0 + 7e3, Y0 + 9e3),
            },
        ],
    )
    cells = []
    for i in range(4):
        for j in range(4):
            x, y = X0 + 1e3 + 250 * i, Y0 + 4e3 + 250 * j
            total = [0, 3, 7, 12, 30, 60, 150, 4][(i * 4 + j) % 8]
            cells.append(
                {
                    "cell_id": scb_cell_id(int(x), int(y)),
                    "size_m": 250,
                    "pop_total": total,
                    "pop_0_15": total // 4,
                    "pop_16_64": total // 2,
                    "pop_65_79": total // 8,
                    "pop_80_plus": total - total // 4 - total // 2 - total // 8,
                    "geometry": shapely.box(x, y, x + 250, y + 250),
                }
            )
    population = _frame("population", cells)
    sites = _frame(
        "sites",
        [
            {
                "site_id": "s1",
                "name": "Skolan",
                "kind": "school",
                "locality_id": "storby",
                "is_candidate": True,
                "geometry": point(X0 + 2e3, Y0 + 5e3),
            }
        ],
    )
    services = _frame(
        "services",
        [
            {
                "service_id": f"svc{k}",
                "category": category.id,
                "name": XSS if k == 0 else (TEMPLATE_INJECTION if k == 1 else f"Tjänst {k}"),
                "operator": "Kommunen & Co",
                "sector": "municipality",
                "site_id": "s1",
                "opening_hours": "Mo-Fr 08-17",
                "hours_per_week": 45.0,
                "annual_cost_sek": 1_250_000.0,
                "capacity": 0.0,
                "geometry": point(X0 + 1e3 + 500 * k, Y0 + 5e3 + 100 * k),
            }
            for k, category in enumerate(CATEGORIES)
        ],
    )
    needs = _frame(
        "needs",
        [
            {
                "need_id": "n1",
                "category": "pharmacy",
                "text": "Vi behöver apoteksombud <img src=x onerror=alert(3)>",
                "registrant_type": "association",
                "people_count": 25,
                "created_at": pd.Timestamp("2026-11-01 10:00"),
                "status": "new",
                "geometry": point(X0 + 7e3, Y0 + 8.5e3),
            }
        ],
    )
    info = RegionInfo(region_id="liten", name="Liten", fictional=True)
    return Region(info, boundary, roads, water, localities, population, sites, services, needs)


@pytest.fixture(scope="module")
def region() -> Region:
    return _tiny_region()


def _full_map(region: Region, lang: str = "sv", online_tiles: bool = False) -> folium.Map:
    m = maps.base_map(region, lang, online_tiles=online_tiles)
    maps.population_layer(m, region.population, lang)
    maps.localities_layer(m, region.localities, lang)
    maps.services_layer(m, region.services, lang)
    maps.needs_layer(m, region.needs, lang)
    minutes = pd.Series(np.linspace(0, 60, len(region.population)), index=region.population.index)
    minutes.iloc[-1] = np.inf
    maps.travel_time_layer(m, region.population, minutes, "Apotek, bil", lang)
    return m


def _html(m: folium.Map) -> str:
    return m.get_root().render()


def _strings(page: str) -> str:
    """The page with every JSON string literal in its scripts decoded (folium writes \\u00e4)."""
    literals = re.findall(r'"(?:[^"\\\n]|\\.)*"', page)
    return page + "\n".join(json.loads(literal) for literal in literals)


def _urls(page: str) -> list[str]:
    """Every src/href value and every absolute URL anywhere in the page."""
    attrs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    absolute = re.findall(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^\s"'`)<]*""", page)
    return attrs + absolute


def test_map_loads_local_assets_only(region: Region) -> None:
    page = _html(_full_map(region))
    urls = _urls(page)
    assert urls, "the page should load scripts and stylesheets"
    assert all(url.startswith("/app/static/") for url in urls), [
        u for u in urls if not u.startswith("/app/static/")
    ]
    for name, path in (*maps.LOCAL_JS, *maps.LOCAL_CSS):
        assert f"/app/static/{path}" in page, name
    assert "cdn" not in page.lower()


def test_local_asset_files_exist() -> None:
    for file in maps.local_asset_files():
        assert file.is_file(), f"{file} missing: run bash scripts/fetch_static.sh"
    for package in (p for p in maps.STATIC_DIR.iterdir() if p.is_dir()):
        assert list(package.glob("LICENSE*")), f"{package.name} has no licence file"


def test_online_tiles_add_only_the_osm_tile_url(region: Region) -> None:
    page = _html(maps.base_map(region, online_tiles=True))
    foreign = [u for u in _urls(page) if not u.startswith("/app/static/")]
    assert foreign
    assert all("tile.openstreetmap.org" in u or "openstreetmap.org/copyright" in u for u in foreign)
    # Offered in the layer menu, but switched off until the user switches it on.
    assert "OpenStreetMap-bakgrund" in page
    tile_var = re.search(r"var (tile_layer_\w+) = L\.tileLayer", page).group(1)
    assert f"{tile_var}.addTo(" not in page


def test_use_local_assets_is_idempotent_and_takes_a_base() -> None:
    try:
        assert maps.use_local_assets("/base/app/static/") == "/base/app/static"
        assert maps.use_local_assets() == "/base/app/static"
        assert folium.Map.default_js[0] == ("leaflet", "/base/app/static/leaflet/leaflet.js")
    finally:
        maps.use_local_assets(maps.STATIC_BASE)
    first = list(folium.Map.default_css)
    maps.use_local_assets()
    assert folium.Map.default_css == first


def test_legend_lists_categories_population_and_travel_time_in_swedish(region: Region) -> None:
    page = _html(_full_map(region))
    legend = html.unescape(json.loads(re.search(r'div\.innerHTML = (".*?");\n', page).group(1)))
    assert "Teckenförklaring" in legend
    assert "Befolkning, invånare per ruta (250 m)" in legend
    assert "Apotek, bil, restid i minuter" in legend
    for label in (
        "0–5",
        "5–10",
        "10–20",
        "20–30",
        "30–45",
        "över 45",
        "ej nåbar",
        "100 eller fler",
    ):
        assert label in legend, label
    for category in ("Apotek", "Vårdcentral", "Drivmedel", "Registrerat behov", "Grus-/skogsväg"):
        assert category in legend, category
    assert 'setAttribute("role", "region")' in page
    assert "Kartans teckenförklaring" in _strings(page)


def test_legend_in_english(region: Region) -> None:
    m = maps.base_map(region, "en")
    maps.population_layer(m, region.population, "en")
    maps.services_layer(m, region.services, "en", categories=["pharmacy"])
    legend = maps.legend(m).to_html()
    assert "Legend" in legend and "Population, residents per cell (250 m)" in legend
    assert "Pharmacy" in legend and "Library" not in legend


def test_data_strings_are_escaped(region: Region) -> None:
    page = _html(_full_map(region))
    decoded = _strings(page)
    assert XSS not in decoded and "<img src=x" not in decoded
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "${alert(2)}" not in page and "&#36;{alert(2)}" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in decoded
    assert "Kommunen &amp; Co" in page


def test_travel_time_title_is_escaped(region: Region) -> None:
    m = maps.base_map(region)
    minutes = pd.Series(5.0, index=region.population.index)
    maps.travel_time_layer(m, region.population, minutes, XSS)
    page = _html(m)
    assert XSS not in page and "&lt;script&gt;" in page


@given(st.text())
def test_escape_text_leaves_nothing_active(text: str) -> None:
    escaped = maps.escape_text(text)
    assert not set(escaped) & set("<>\"'`$\\")
    assert html.unescape(escaped) == text


def test_every_category_has_a_distinct_marker(region: Region) -> None:
    page = _strings(_html(_full_map(region)))
    looks = {(c.colour, c.symbol, maps.CATEGORY_SHAPES[c.id]) for c in CATEGORIES}
    assert len(looks) == len(CATEGORIES), "two categories would look the same"
    for category in CATEGORIES:
        shape = maps.CATEGORY_SHAPES[category.id]
        marker = f'class="sk-svc sk-shape-{shape}" style="background:{category.colour};'
        assert marker in page, category.id
        name = maps.t(f"category.{category.id}")
        assert f'aria-label="{html.escape(name)}: ' in page, category.id


def test_services_layer_filters_categories(region: Region) -> None:
    m = maps.base_map(region)
    groups = maps.services_layer(m, region.services, categories=["pharmacy", "library", "nope"])
    assert set(groups) == {"pharmacy", "library"}


def test_popups_use_swedish_numbers(region: Region) -> None:
    details = dict(maps.feature_details("services", region.services.iloc[2]))
    assert details["Årskostnad"] == "1\u00a0250\u00a0000 kr"
    assert details["Öppet, timmar per vecka"] == "45"
    assert details["Huvudman"] == "Kommun"
    need = dict(maps.feature_details("needs", region.needs.iloc[0]))
    assert need["Registrerat av"] == "Förening" and need["Status"] == "Ny"
    assert need["Registrerat"] == fmt_date(pd.Timestamp("2026-11-01 10:00"))
    with pytest.raises(DataModelError, match="Unknown feature kind"):
        maps.feature_details("roads", region.roads.iloc[0])


def test_coordinates_are_rounded_and_in_degrees(region: Region) -> None:
    page = _html(maps.base_map(region))
    numbers = re.findall(r"\[(-?\d+\.\d+), (-?\d+\.\d+)\]", page)
    assert numbers
    for lng, lat in numbers:
        assert len(lng.split(".")[1]) <= maps.DISPLAY_DECIMALS + 1
        assert 10 < float(lng) < 25 or 55 < float(lng) < 70
        assert 55 < float(lat) < 70 or 10 < float(lat) < 25


def test_population_classes_known_answer(region: Region) -> None:
    values = np.array([1, 4, 5, 9, 10, 24, 25, 49, 50, 99, 100, 5000], dtype=float)
    classes = maps._class_index(values, maps.POPULATION_BREAKS)
    assert classes.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    m = maps.base_map(region)
    maps.population_layer(m, region.population)
    page = _strings(_html(m))
    drawn = region.population[region.population["pop_total"] > 0]
    data = _cell_data(page)
    assert len(data["c"]) == len(drawn) == len(data["r"]) == len(data["p"])
    assert [150, 37, 75, 18, 20] in data["p"]
    assert "{count} invånare" in page and "0–15 år" in page and "sv-SE" in page


def _compact_data(page: str) -> list[dict]:
    """Every delta-encoded data block of the page (cell grids and road lines)."""
    return [json.loads(block) for block in re.findall(r"var data = (\{.*?\});\n", page)]


def _cell_data(page: str) -> dict:
    (cells,) = [data for data in _compact_data(page) if "c" in data]
    return cells


def _decode(data: dict, deltas: list[int]) -> list[tuple[float, float]]:
    x, y, points = data["x0"], data["y0"], []
    for dx, dy in zip(deltas[::2], deltas[1::2], strict=True):
        x, y = x + dx, y + dy
        points.append((x / data["k"], y / data["k"]))
    return points


def test_cells_decode_to_their_corners(region: Region) -> None:
    """The compact cell encoding (integer deltas of 1e-5 degrees) decodes to the real corners."""
    m = maps.base_map(region)
    maps.population_layer(m, region.population)
    data = _cell_data(_html(m))
    drawn = region.population[region.population["pop_total"] > 0].to_crs(settings.CRS_DISPLAY)
    for ring, geometry in zip(data["r"], drawn.geometry, strict=True):
        corners = _decode(data, ring)
        expected = np.asarray(geometry.exterior.coords)[:-1]
        assert np.allclose(corners, expected, atol=1e-5)


def test_cell_tooltips_in_english(region: Region) -> None:
    m = maps.base_map(region, "en")
    maps.population_layer(m, region.population, "en")
    page = _strings(_html(m))
    assert "{count} residents" in page and "Aged 80 and over" in page and "en-GB" in page


def test_travel_time_bands_known_answer() -> None:
    minutes = pd.Series([0, 4.99, 5, 9.9, 10, 19, 20, 29, 30, 44.9, 45, 300, np.inf, np.nan, -1])
    bands = maps.travel_time_band(minutes)
    assert bands.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6]
    assert bands.index.equals(minutes.index)


def test_travel_time_needs_a_time_per_cell(region: Region) -> None:
    m = maps.base_map(region)
    with pytest.raises(DataModelError, match="have no travel time"):
        maps.travel_time_layer(m, region.population, pd.Series([1.0]), "x")


def test_wrong_crs_is_refused(region: Region) -> None:
    m = maps.base_map(region)
    with pytest.raises(DataModelError, match="reproject"):
        maps.services_layer(m, region.services.to_crs(settings.CRS_DISPLAY))
    with pytest.raises(DataModelError, match="no CRS"):
        maps.roads_layer(m, region.roads.set_crs(None, allow_override=True))


def test_layer_control_and_legend_come_after_every_layer(region: Region) -> None:
    m = maps.base_map(region)
    maps.services_layer(m, region.services)
    maps.population_layer(m, region.population)
    kinds = [type(child).__name__ for child in m._children.values()]
    assert kinds[-2:] in (["LayerControl", "Legend"], ["Legend", "LayerControl"])
    page = _html(m)
    control = page.index("L.control.layers(")
    for name in re.findall(r"var (feature_group_\w+) = L\.featureGroup", page):
        assert page.index(f"var {name} =") < control


def test_empty_optional_layers(region: Region) -> None:
    m = maps.base_map(region, labels=False, roads=False)
    assert maps.needs_layer(m, None) is None
    empty = region.services.iloc[0:0]
    assert maps.services_layer(m, empty) == {}
    assert "services" not in maps.legend(m).sections


def test_roads_are_simplified_and_decode_to_their_vertices(region: Region) -> None:
    m = maps.base_map(region, roads=False, labels=False)
    maps.roads_layer(m, region.roads)
    page = _html(m)
    lines = _compact_data(page)
    assert len(lines) == region.roads["road_class"].nunique()
    drawn = [point for data in lines for deltas in data["r"] for point in _decode(data, deltas)]
    vertices = int(shapely.get_num_coordinates(np.asarray(region.roads.geometry.values)).sum())
    # The gravel road's last vertex is 1.4 m from the one before: simplification drops it.
    assert len(drawn) == vertices - 1
    national = region.roads[region.roads["road_class"] == "national"].to_crs(settings.CRS_DISPLAY)
    expected = np.asarray(national.geometry.iloc[0].coords)
    assert any(np.allclose(_decode(data, data["r"][0]), expected, atol=1e-5) for data in lines)
    assert "#a88d6c" in page


def test_nearest_feature_finds_the_clicked_marker(region: Region) -> None:
    service = region.services.iloc[3]
    shown = region.services.iloc[[3]].to_crs(settings.CRS_DISPLAY).geometry.iloc[0]
    found = maps.nearest_feature(region, shown.y, shown.x)
    assert found is not None and found[0] == "services"
    assert found[1]["service_id"] == service["service_id"]
    need = region.needs.to_crs(settings.CRS_DISPLAY).geometry.iloc[0]
    kind, row = maps.nearest_feature(region, need.y + 0.00005, need.x)
    assert (kind, row["need_id"]) == ("needs", "n1")
    assert maps.nearest_feature(region, 60.0, 15.0) is None


def test_map_works_with_streamlit_folium(region: Region) -> None:
    """streamlit-folium extracts the script and header itself: the legend and CSS must survive."""
    from streamlit_folium import _get_header, generate_leaflet_string

    m = _full_map(region)
    m.get_root().render()
    script = generate_leaflet_string(m)
    assert "sk-legend" in script and "L.control.layers(" in script
    assert ".sk-svc" in _get_header(m)


def test_travel_time_layer_carries_minutes_and_bands(region: Region) -> None:
    cells = region.population.iloc[:4]
    minutes = pd.Series([3.04, 12.0, np.inf, np.nan], index=cells.index)
    m = maps.base_map(region)
    maps.travel_time_layer(m, cells, minutes, "Apotek, bil")
    data = _cell_data(_html(m))
    assert data["c"] == [0, 2, 6, 6]
    assert data["m"] == [3.0, 12.0, None, None]
    assert data["p"] == cells["pop_total"].tolist()


def test_count_layer_draws_classes_and_escapes_its_title(region: Region) -> None:
    cells = gpd.GeoDataFrame(
        {"cell_id": ["a", "b", "c"], "category": ["total"] * 3, "needs": [5, 12, 0]},
        geometry=[shapely.box(X0 + i * 1e3, Y0, X0 + (i + 1) * 1e3, Y0 + 1e3) for i in range(3)],
        crs="EPSG:3006",
    )
    m = maps.base_map(region)
    maps.count_layer(m, cells, XSS)
    page = _html(m)
    data = _cell_data(page)
    assert data["c"] == [1, 2] and data["p"] == [5, 12]
    assert XSS not in _strings(page)
    assert "50 eller fler" in maps.legend(m).to_html()


def test_home_marker_is_distinct_and_escaped(region: Region) -> None:
    m = maps.base_map(region)
    maps.home_marker(m, 62.7, 14.7, label=XSS)
    page = _strings(_html(m))
    assert 'class="sk-home"' in page and XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    kinds = [type(child).__name__ for child in m._children.values()]
    assert kinds[-1] in ("LayerControl", "Legend")


@pytest.mark.parametrize("category", CATEGORIES, ids=lambda c: c.id)
def test_marker_letter_contrast_passes_wcag_aa(category) -> None:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted(
        (luminance(category.colour), luminance(maps.text_colour_on(category.colour)))
    )
    assert (dark + 0.05) / (light + 0.05) >= 4.5
