"""Folium maps of a region that render with no tile server and no CDN.

Every builder here is pure: it takes layers in EPSG:3006 and returns (or adds to) a
:class:`folium.Map`; nothing imports Streamlit.  Geometries are reprojected to EPSG:4326 only
here, at the display boundary, and rounded to :data:`DISPLAY_DECIMALS` decimals to keep the
page small.

* The basemap is drawn from the region's own layers (boundary, water, roads, place names), so a
  map works offline.  An OpenStreetMap tile layer is offered only on request, switched off.
* JavaScript and CSS come from ``static/`` (served by Streamlit at ``/app/static``), never from
  a CDN: see :func:`use_local_assets`.
* Every text that comes from data or from a user is escaped with :func:`escape_text` before it
  reaches HTML or a JavaScript template: folium does not escape anything.
* Texts come from the translation table (``analysis/i18n/maps.py``); numbers are formatted the
  Swedish way.
"""

from __future__ import annotations

from analysis.i18n import t as t
from analysis.maps.layers import (
    _TO_METRIC as _TO_METRIC,
)
from analysis.maps.layers import (
    CATEGORY_SHAPES,
    CLICK_TOLERANCE_M,
    COUNT_BREAKS,
    COUNT_COLOURS,
    DIFFERENCE_BREAKS,
    DIFFERENCE_COLOURS,
    DISPLAY_DECIMALS,
    HOME_COLOUR,
    ISOCHRONE_COLOURS,
    LOCAL_CSS,
    LOCAL_JS,
    LOST_ACCESS_COLOUR,
    POPULATION_BREAKS,
    POPULATION_COLOURS,
    ROAD_SIMPLIFY_M,
    ROAD_STYLES,
    STATIC_BASE,
    STATIC_DIR,
    TRAVEL_TIME_COLOURS,
    UNREACHABLE_COLOUR,
    WATER_SIMPLIFY_M,
    LayerLegend,
    Legend,
    base_map,
    candidate_sites_layer,
    cell_at,
    changed_services_layer,
    count_classes,
    count_layer,
    difference_classes,
    difference_layer,
    escape_text,
    feature_details,
    home_marker,
    isochrone_layer,
    legend,
    local_asset_files,
    localities_layer,
    locality_labels,
    nearest_feature,
    nearest_site,
    needs_layer,
    population_classes,
    population_layer,
    roads_layer,
    services_layer,
    text_colour_on,
    travel_time_band,
    travel_time_classes,
    travel_time_layer,
    use_local_assets,
)
from analysis.maps.layers import (
    _class_index as _class_index,
)
from analysis.maps.layers import (
    _pane as _pane,
)

# The tests also reach ``_TO_METRIC``, ``_class_index``, ``_pane`` and ``t`` through the package
# (imported ``as`` themselves above); they are not part of its interface.
__all__ = [
    "CATEGORY_SHAPES",
    "CLICK_TOLERANCE_M",
    "COUNT_BREAKS",
    "COUNT_COLOURS",
    "DIFFERENCE_BREAKS",
    "DIFFERENCE_COLOURS",
    "DISPLAY_DECIMALS",
    "HOME_COLOUR",
    "ISOCHRONE_COLOURS",
    "LOCAL_CSS",
    "LOCAL_JS",
    "LOST_ACCESS_COLOUR",
    "POPULATION_BREAKS",
    "POPULATION_COLOURS",
    "ROAD_SIMPLIFY_M",
    "ROAD_STYLES",
    "STATIC_BASE",
    "STATIC_DIR",
    "TRAVEL_TIME_COLOURS",
    "UNREACHABLE_COLOUR",
    "WATER_SIMPLIFY_M",
    "LayerLegend",
    "Legend",
    "base_map",
    "candidate_sites_layer",
    "cell_at",
    "changed_services_layer",
    "count_classes",
    "count_layer",
    "difference_classes",
    "difference_layer",
    "escape_text",
    "feature_details",
    "home_marker",
    "isochrone_layer",
    "legend",
    "local_asset_files",
    "localities_layer",
    "locality_labels",
    "nearest_feature",
    "nearest_site",
    "needs_layer",
    "population_classes",
    "population_layer",
    "roads_layer",
    "services_layer",
    "text_colour_on",
    "travel_time_band",
    "travel_time_classes",
    "travel_time_layer",
    "use_local_assets",
]
