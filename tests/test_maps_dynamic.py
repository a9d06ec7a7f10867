"""Layers sent on their own (``st_folium(feature_group_to_add=...)``): they leave the map alone."""

from __future__ import annotations

import pandas as pd
from shapely.geometry import Point

from analysis import maps
from tests.test_maps import _html, _tiny_region


def test_a_detached_travel_time_layer_leaves_the_map_unchanged() -> None:
    region = _tiny_region()
    cells = region.population
    first = maps.base_map(region, "sv")
    maps.travel_time_layer(
        first, cells, pd.Series(5.0, index=cells.index), "Apotek, bil", attach=False
    )
    second = maps.base_map(region, "sv")
    group = maps.travel_time_layer(
        second, cells, pd.Series(50.0, index=cells.index), "Bibliotek, cykel", attach=False
    )
    assert "Apotek" not in _html(first) and "Bibliotek" not in _html(second)
    assert any(isinstance(child, maps.LayerLegend) for child in group._children.values())
    box = next(c for c in group._children.values() if isinstance(c, maps.LayerLegend))
    assert "Bibliotek, cykel" in box.html_json()


def test_a_detached_difference_layer_carries_its_legend() -> None:
    region = _tiny_region()
    cells = region.population
    m = maps.base_map(region, "sv")
    group = maps.difference_layer(
        m, cells, pd.Series(-7.0, index=cells.index), "<b>Apotek</b>", attach=False
    )
    box = next(c for c in group._children.values() if isinstance(c, maps.LayerLegend))
    assert "&lt;b&gt;Apotek&lt;/b&gt;" in box.html_json()
    assert "snabbare" in box.html_json()


def test_changed_services_marks_new_moved_and_closed() -> None:
    region = _tiny_region()
    before = region.services.iloc[:3].copy()
    after = before.iloc[1:].copy()  # the first one closes
    after.loc[after.index[0], "geometry"] = Point(
        after.geometry.iloc[0].x + 500, after.geometry.iloc[0].y
    )  # the second one moves
    group = maps.changed_services_layer(before, after, "Ändringar")
    m = maps.base_map(region, "sv")
    group.add_to(m)
    page = _html(m)
    assert page.count("sk-changed") >= 2  # the style rule and the moved service
    assert page.count("sk-closed") == 2  # the style rule and the one closed service
    assert "Stängs:" in page


def test_nearest_site_finds_a_clicked_candidate_within_reach() -> None:
    region = _tiny_region()
    site = region.sites[region.sites["is_candidate"]].iloc[0]
    lon, lat = maps._TO_METRIC.transform(site.geometry.x, site.geometry.y, direction="INVERSE")
    assert maps.nearest_site(region, lat, lon) == site["site_id"]
    assert maps.nearest_site(region, lat + 1.0, lon) is None  # 110 km away
