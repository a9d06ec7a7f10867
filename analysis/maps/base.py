"""The offline base map: boundary, dimmed surroundings, water, roads and place names.

:func:`base_map` draws it from the region's own layers, so that a map works with no tile
server; :func:`roads_layer` and :func:`locality_labels` are its parts.
"""

from __future__ import annotations

from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import shapely

from analysis import settings
from analysis.i18n import t
from analysis.io import Region
from analysis.maps.assets import use_local_assets
from analysis.maps.display import (
    _display,
    _ensure_css,
    _feature_collection,
    _pane,
    _require_metric,
    _vocabulary,
    escape_text,
)
from analysis.maps.encoding import _CompactLines
from analysis.maps.legends import _keep_controls_last, _line_swatch, legend

#: Road lines are simplified with this tolerance (metres) before they are drawn.
ROAD_SIMPLIFY_M: Final = 25.0
#: Lakes and rivers are simplified with this tolerance (metres), keeping their topology.
WATER_SIMPLIFY_M: Final = 10.0

#: Drawing style per road class: (colour, weight in pixels, dash pattern or "").
ROAD_STYLES: Final[dict[str, tuple[str, float, str]]] = {
    "motorway": ("#b2182b", 4.5, ""),
    "national": ("#d6604d", 3.5, ""),
    "county": ("#e08214", 3.0, ""),
    "local": ("#6e6e6e", 2.0, ""),
    "street": ("#8a8a8a", 1.5, ""),
    "gravel": ("#a88d6c", 1.2, "4 3"),
    "path": ("#4d9221", 1.2, "2 4"),
}


def base_map(
    region: Region,
    lang: str = "sv",
    online_tiles: bool = False,
    roads: bool = True,
    labels: bool = True,
) -> folium.Map:
    """Return a map of ``region`` with an offline vector basemap drawn from its own layers.

    The basemap is the boundary (outline, with the world outside it dimmed), lakes and rivers,
    roads styled by class and locality names.  No tile server is used unless ``online_tiles``:
    then an OpenStreetMap layer is offered in the layer menu, switched off until the user
    switches it on.  The view fits the boundary.

    Parameters
    ----------
    region
        The region; its layers must be in EPSG:3006.
    lang
        ``"sv"`` or ``"en"``.
    online_tiles
        Offer the OpenStreetMap tile layer (the only request to another host, and only when
        the user switches it on).
    roads, labels
        Draw the roads and the locality names.
    """
    use_local_assets()
    boundary = _display(_require_metric(region.boundary, "boundary"))
    min_x, min_y, max_x, max_y = (float(v) for v in boundary.total_bounds)
    m = folium.Map(
        location=[(min_y + max_y) / 2, (min_x + max_x) / 2],
        zoom_start=10,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    _ensure_css(m)
    if online_tiles:
        folium.TileLayer(
            "OpenStreetMap",
            name=escape_text(t("maps.layer.online_tiles", lang)),
            overlay=True,
            control=True,
            show=False,
        ).add_to(m)

    # Dim everything outside the region.
    outline = shapely.union_all(np.asarray(boundary.geometry.values))
    frame = shapely.box(min_x - 4, min_y - 2, max_x + 4, max_y + 2)
    mask = gpd.GeoSeries([shapely.difference(frame, outline)], crs=settings.CRS_DISPLAY)
    folium.GeoJson(
        _feature_collection(mask),
        name="mask",
        control=False,
        style_function=lambda _f: {"stroke": False, "fillColor": "#c9d0d6", "fillOpacity": 0.55},
        interactive=False,
        pane=_pane(m, "sk_mask"),
    ).add_to(m)

    if region.water is not None and len(region.water):
        metric_water = _require_metric(region.water, "water")
        water = _display(
            metric_water.set_geometry(metric_water.geometry.simplify(WATER_SIMPLIFY_M))
        )
        folium.GeoJson(
            _feature_collection(water.geometry),
            name=t("maps.layer.water", lang),
            control=False,
            style_function=_water_style,
            interactive=False,
            pane=_pane(m, "sk_water"),
        ).add_to(m)
    if roads:
        roads_layer(m, region.roads, lang)
    folium.GeoJson(
        _feature_collection(boundary.geometry),
        name=t("maps.layer.boundary", lang),
        control=False,
        style_function=lambda _f: {
            "color": "#2b2b2b",
            "weight": 2.5,
            "dashArray": "8 5",
            "fill": False,
        },
        interactive=False,
        pane=_pane(m, "sk_outline"),
    ).add_to(m)
    if labels:
        locality_labels(m, region.localities, lang)
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds([[min_y, min_x], [max_y, max_x]])
    _keep_controls_last(m)
    return m


def _water_style(feature: dict[str, Any]) -> dict[str, Any]:
    if "LineString" in feature["geometry"]["type"]:
        return {"color": "#4f8fc0", "weight": 2.5, "fill": False}
    return {"color": "#4f8fc0", "weight": 1, "fillColor": "#a9cfe8", "fillOpacity": 1.0}


def roads_layer(m: folium.Map, roads: gpd.GeoDataFrame, lang: str = "sv") -> folium.FeatureGroup:
    """Add the roads, simplified for display and styled by ``road_class``; return the group.

    Roads of one class are drawn as one multi-line, lowest class first, so that the page
    stays small and main roads lie on top.
    """
    use_local_assets()
    _require_metric(roads, "roads")
    group = folium.FeatureGroup(name=escape_text(t("maps.layer.roads", lang)), show=True)
    pane = _pane(m, "sk_roads")
    present: list[str] = []
    for road_class in reversed(tuple(ROAD_STYLES)):
        rows = roads[roads["road_class"] == road_class]
        if rows.empty:
            continue
        present.append(road_class)
        simplified = rows.geometry.simplify(ROAD_SIMPLIFY_M).to_crs(settings.CRS_DISPLAY)
        parts = [
            np.asarray(part.coords)
            for part in shapely.get_parts(np.asarray(simplified.values))
            if not part.is_empty
        ]
        colour, weight, dash = ROAD_STYLES[road_class]
        style: dict[str, Any] = {"color": colour, "weight": weight, "opacity": 0.9}
        if dash:
            style["dashArray"] = dash
        _CompactLines(parts, style, pane).add_to(group)
    group.add_to(m)
    legend(m, lang).set_section(
        "roads",
        t("maps.legend.roads", lang),
        [
            (_line_swatch(*ROAD_STYLES[c]), _vocabulary("road_class", c, lang))
            for c in ROAD_STYLES
            if c in present
        ],
        columns=2,
    )
    _keep_controls_last(m)
    return group


def locality_labels(
    m: folium.Map, localities: gpd.GeoDataFrame, lang: str = "sv"
) -> folium.FeatureGroup:
    """Add locality names as map labels (not clickable, below the markers); return the group."""
    use_local_assets()
    _require_metric(localities, "localities")
    group = folium.FeatureGroup(name=escape_text(t("maps.layer.labels", lang)), show=True)
    pane = _pane(m, "sk_labels")
    if len(localities):
        points = gpd.GeoDataFrame(
            localities[["name", "kind"]],
            geometry=localities.geometry.representative_point(),
            crs=localities.crs,
        )
        shown = _display(points)
        for name, kind, point in zip(shown["name"], shown["kind"], shown.geometry, strict=True):
            css_kind = kind if kind in ("town", "village", "small_village") else "small_village"
            folium.Marker(
                [point.y, point.x],
                icon=folium.DivIcon(
                    html=f'<div class="sk-label sk-label-{css_kind}">{escape_text(name)}</div>',
                    icon_size=(0, 0),
                    icon_anchor=(0, 0),
                    class_name="sk-icon",
                ),
                interactive=False,
                keyboard=False,
                pane=pane,
            ).add_to(group)
    group.add_to(m)
    _keep_controls_last(m)
    return group
