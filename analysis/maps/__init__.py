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

The package's modules, each importing only modules listed before it:

* ``assets`` — the self-hosted scripts and stylesheets (:func:`use_local_assets`);
* ``display`` — what every layer shares: reprojection for display, :func:`escape_text`,
  translated vocabulary, map panes, the style sheet, popups;
* ``encoding`` — delta-encoded integer coordinates for roads and grid cells, and strings safe
  inside ``<script>``;
* ``legends`` — the map's :class:`Legend`, a stand-alone layer's :class:`LayerLegend`, swatches,
  :func:`text_colour_on`, keeping the layer control and the legend last;
* ``base`` — the offline base map (:func:`base_map`, :func:`roads_layer`,
  :func:`locality_labels`);
* ``layers`` — services, needs, localities, candidate sites, changed services, the home
  marker, isochrones;
* ``grids`` — choropleths of grid cells (population, counts, travel time, difference) and
  their classes;
* ``lookup`` — what a click hit (:func:`nearest_feature`, :func:`cell_at`, :func:`nearest_site`).
"""

from __future__ import annotations

from analysis import literal_html
from analysis.i18n import t as t
from analysis.maps.assets import (
    LOCAL_CSS,
    LOCAL_JS,
    STATIC_BASE,
    STATIC_DIR,
    local_asset_files,
    use_local_assets,
)
from analysis.maps.base import (
    ROAD_SIMPLIFY_M,
    ROAD_STYLES,
    WATER_SIMPLIFY_M,
    base_map,
    locality_labels,
    roads_layer,
)
from analysis.maps.display import DISPLAY_DECIMALS, escape_text
from analysis.maps.display import _pane as _pane
from analysis.maps.grids import (
    COUNT_BREAKS,
    COUNT_COLOURS,
    DIFFERENCE_BREAKS,
    DIFFERENCE_COLOURS,
    LOST_ACCESS_COLOUR,
    POPULATION_BREAKS,
    POPULATION_COLOURS,
    TRAVEL_TIME_COLOURS,
    UNREACHABLE_COLOUR,
    count_classes,
    count_layer,
    difference_classes,
    difference_layer,
    population_classes,
    population_layer,
    travel_time_band,
    travel_time_classes,
    travel_time_layer,
)
from analysis.maps.grids import _class_index as _class_index
from analysis.maps.layers import (
    CATEGORY_SHAPES,
    HOME_COLOUR,
    ISOCHRONE_COLOURS,
    candidate_sites_layer,
    changed_services_layer,
    feature_details,
    home_layer,
    home_marker,
    isochrone_layer,
    localities_layer,
    needs_layer,
    services_layer,
)
from analysis.maps.legends import LayerLegend, Legend, legend, text_colour_on
from analysis.maps.lookup import _TO_METRIC as _TO_METRIC
from analysis.maps.lookup import CLICK_TOLERANCE_M, cell_at, nearest_feature, nearest_site

# The tests also reach ``_TO_METRIC``, ``_class_index``, ``_pane`` and ``t`` through the package
# (imported ``as`` themselves above); they are not part of its interface.
# branca would re-read every rendered piece as a Jinja template: slow, and it evaluates ``{{ }}``
# in data (see analysis.literal_html).  Installed when the package is imported, so no render
# path can miss it.
literal_html.install()

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
    "home_layer",
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
