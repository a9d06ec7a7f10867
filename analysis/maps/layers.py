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

import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from analysis import settings
from analysis.errors import DataModelError
from analysis.i18n import fmt_date, fmt_number, fmt_sek, t
from analysis.io import Region
from analysis.model import CATEGORIES, CATEGORY_BY_ID, Category

# --- Self-hosted assets ---------------------------------------------------------------------
#: URL prefix under which Streamlit serves the repository's ``static/`` folder.
STATIC_BASE: Final = "/app/static"
#: The repository's ``static/`` folder (re-created by ``scripts/fetch_static.sh``).
STATIC_DIR: Final = settings.REPO_ROOT / "static"
#: folium's default scripts, by folium's own names, as paths under ``static/``.
LOCAL_JS: Final[tuple[tuple[str, str], ...]] = (
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),
    ("bootstrap", "bootstrap/js/bootstrap.bundle.min.js"),
    ("awesome_markers", "leaflet.awesome-markers/leaflet.awesome-markers.min.js"),
)
#: folium's default stylesheets, as paths under ``static/``.  folium's ``glyphicons_css`` and
#: ``awesome_rotate_css`` are left out: only ``folium.Icon(prefix="glyphicon")`` and
#: ``folium.Icon(angle=...)`` need them, and these maps use neither.
LOCAL_CSS: Final[tuple[tuple[str, str], ...]] = (
    ("leaflet_css", "leaflet/leaflet.css"),
    ("bootstrap_css", "bootstrap/css/bootstrap.min.css"),
    ("awesome_markers_font_css", "fontawesome-free/css/all.min.css"),
    ("awesome_markers_css", "leaflet.awesome-markers/leaflet.awesome-markers.css"),
)
_asset_base: dict[str, str] = {"base": STATIC_BASE}

# --- Display ----------------------------------------------------------------------------------
#: Decimals kept in longitude/latitude: 5 decimals is about 1 m, finer than any map zoom needs.
DISPLAY_DECIMALS: Final = 5
#: Road lines are simplified with this tolerance (metres) before they are drawn.
ROAD_SIMPLIFY_M: Final = 25.0
#: Lakes and rivers are simplified with this tolerance (metres), keeping their topology.
WATER_SIMPLIFY_M: Final = 10.0
#: Clicking a marker returns its position; a feature this close (metres) is the one clicked.
CLICK_TOLERANCE_M: Final = 25.0

#: Lower bounds of the population classes (residents per grid cell); empty cells are not drawn.
POPULATION_BREAKS: Final = (1, 5, 10, 25, 50, 100)
#: One colour per population class (ColorBrewer YlOrBr without its palest step, which would
#: vanish on the light basemap).
POPULATION_COLOURS: Final = ("#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04")
#: Lower bounds of the classes of counted things per cell (registered needs per 1 km cell).
COUNT_BREAKS: Final = (1, 5, 10, 20, 50)
#: One colour per count class (ColorBrewer Purples without its palest steps).
COUNT_COLOURS: Final = ("#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486")
#: Marker of the place a resident chose ("your place").
HOME_COLOUR: Final = "#08306b"
#: One colour per travel-time band, shortest first (viridis: readable with colour blindness),
#: the band boundaries being :data:`analysis.settings.THRESHOLDS_MIN`.
TRAVEL_TIME_COLOURS: Final = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
#: Fill of cells from which the service cannot be reached at all.
UNREACHABLE_COLOUR: Final = "#9e9e9e"

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
#: Marker outline shape per category, so that categories differ by shape as well as colour
#: and letter (groceries, medicine and care: circles; education and culture: squares; other
#: everyday services: diamonds).
CATEGORY_SHAPES: Final[dict[str, str]] = {
    "grocery_full": "circle",
    "grocery_convenience": "circle",
    "pharmacy": "circle",
    "pharmacy_agent": "circle",
    "health_centre": "circle",
    "school_primary": "square",
    "preschool": "square",
    "library": "square",
    "parcel_agent": "diamond",
    "cash": "diamond",
    "fuel": "diamond",
    "contact_office": "diamond",
}

# Map panes, bottom to top (Leaflet's own: tiles 200, overlays 400, markers 600, popups 700).
_PANES: Final[dict[str, tuple[int, bool]]] = {
    "sk_mask": (340, False),
    "sk_fill": (360, True),
    "sk_water": (380, False),
    "sk_localities": (390, True),
    "sk_roads": (410, False),
    "sk_outline": (420, False),
    "sk_needs": (590, True),
    "sk_labels": (560, False),
}

_CSS: Final = """
<style>
.leaflet-container { background: #f4f2ec; font-family: system-ui, -apple-system, "Segoe UI",
  Roboto, "DejaVu Sans", sans-serif; }
.sk-icon { background: none; border: none; }
.sk-svc { width: 22px; height: 22px; display: flex; align-items: center; justify-content: center;
  color: #fff; font: 700 12px/1 system-ui, "DejaVu Sans", sans-serif; border: 2px solid #fff;
  box-shadow: 0 0 0 1px rgba(0,0,0,.55), 0 1px 3px rgba(0,0,0,.4); box-sizing: border-box; }
.sk-shape-circle { border-radius: 50%; }
.sk-shape-square { border-radius: 3px; }
.sk-shape-diamond { transform: rotate(45deg) scale(.9); border-radius: 2px; }
.sk-shape-diamond > span { transform: rotate(-45deg); }
.sk-need { width: 13px; height: 13px; display: flex; align-items: center; justify-content: center;
  background: #fff; color: #7f0000; border: 2px solid #7f0000; border-radius: 50%;
  font: 800 9px/1 system-ui, "DejaVu Sans", sans-serif; box-sizing: border-box;
  box-shadow: 0 1px 3px rgba(0,0,0,.4); }
.sk-home { width: 22px; height: 22px; border-radius: 50% 50% 50% 0; transform: rotate(-45deg);
  background: #08306b; border: 3px solid #fff; box-sizing: border-box;
  box-shadow: 0 0 0 1px #08306b, 0 2px 4px rgba(0,0,0,.45); }
.sk-label { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  color: #1f1f1f; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none; }
.sk-label-town { font: 700 15px/1.1 system-ui, "DejaVu Sans", sans-serif; }
.sk-label-village { font: 600 13px/1.1 system-ui, "DejaVu Sans", sans-serif; }
.sk-label-small_village { font: 500 11.5px/1.1 system-ui, "DejaVu Sans", sans-serif; }
.sk-popup, .sk-popup table { font-size: 13px; line-height: 1.35; }
.sk-popup table { border-collapse: collapse; margin-top: 4px; }
.sk-popup th { font-weight: 600; padding: 1px 8px 1px 0; vertical-align: top; color: #333; }
.sk-popup td { padding: 1px 0; }
.sk-site { width: 10px; height: 10px; background: #fff; border: 2px solid #333;
  box-sizing: border-box; }
.sk-changed { padding: 1px; border-radius: 50%; background: #111;
  box-shadow: 0 0 0 3px #ffd400; }
.sk-closed { width: 22px; height: 22px; display: flex; align-items: center; justify-content: center;
  background: #6b6b6b; color: #fff; font: 700 14px/1 system-ui, "DejaVu Sans", sans-serif;
  border: 2px solid #fff; border-radius: 50%; box-shadow: 0 0 0 1px rgba(0,0,0,.6); }
.sk-legend { background: rgba(255,255,255,.96); color: #1a1a1a; padding: 6px 10px;
  border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,.35); font-size: 12.5px; line-height: 1.3;
  max-height: 45vh; overflow-y: auto; max-width: 280px; }
.sk-legend ul.sk-cols { display: grid; grid-template-columns: 1fr 1fr; column-gap: 10px; }
.sk-legend summary { font-weight: 700; cursor: pointer; }
.sk-legend-title { font-weight: 600; margin: 6px 0 2px; }
.sk-legend ul { list-style: none; margin: 0; padding: 0; }
.sk-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.sk-legend .sk-svc, .sk-legend .sk-need { flex: none; }
.sk-swatch { display: inline-block; width: 18px; height: 14px; border: 1px solid #555; flex: none; }
.sk-line { display: inline-block; width: 22px; height: 0; flex: none; }
</style>
"""


# --- Small helpers ----------------------------------------------------------------------------
def use_local_assets(base: str | None = None) -> str:
    """Point folium's default JavaScript and CSS at the self-hosted copies in ``static/``.

    Idempotent; every builder in this module calls it.  Pass ``base`` once if Streamlit runs
    under a base path (``server.baseUrlPath``); later calls without ``base`` keep it.

    Parameters
    ----------
    base
        URL prefix under which ``static/`` is served; default ``/app/static``.

    Returns
    -------
    str
        The prefix now in use.

    Examples
    --------
    >>> use_local_assets()
    '/app/static'
    >>> folium.Map.default_js[0]
    ('leaflet', '/app/static/leaflet/leaflet.js')
    """
    if base is not None:
        _asset_base["base"] = base.rstrip("/")
    prefix = _asset_base["base"]
    folium.Map.default_js = [(name, f"{prefix}/{path}") for name, path in LOCAL_JS]
    folium.Map.default_css = [(name, f"{prefix}/{path}") for name, path in LOCAL_CSS]
    return prefix


def local_asset_files() -> list[Path]:
    """Return the files under ``static/`` that the maps load (for checks and tests)."""
    return [STATIC_DIR / path for _, path in (*LOCAL_JS, *LOCAL_CSS)]


def escape_text(value: object) -> str:
    """Escape a data- or user-provided value for HTML inside a JavaScript template literal.

    Besides ``& < > " '`` (:func:`html.escape`) this encodes the backtick, ``$`` and the
    backslash, which would otherwise end or inject into the template literals folium puts
    popups and tooltips in.  ``None`` and NaN become an empty string.

    Examples
    --------
    >>> escape_text("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_text("`${x}`")
    '&#96;&#36;{x}&#96;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _vocabulary(prefix: str, value: object, lang: str) -> str:
    """Translate a vocabulary value (``category.pharmacy``); unknown values stay as they are."""
    key = f"{prefix}.{value}"
    text = t(key, lang)
    return str(value) if text == key else text


def _require_metric(frame: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise DataModelError(
            f"Layer {layer!r} has no CRS; set it to {settings.CRS_METRIC} before drawing it.",
            f"Lagret {layer!r} saknar koordinatsystem; ange {settings.CRS_METRIC}.",
        )
    if frame.crs != settings.CRS_METRIC:
        raise DataModelError(
            f"Layer {layer!r} is in {frame.crs}; maps take {settings.CRS_METRIC} and reproject "
            "for display themselves.",
            f"Lagret {layer!r} har koordinatsystemet {frame.crs}; "
            f"projicera om det till {settings.CRS_METRIC} först.",
        )
    return frame


def _display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 and round coordinates to :data:`DISPLAY_DECIMALS`."""
    shown = frame.to_crs(settings.CRS_DISPLAY)
    rounded = shapely.transform(
        np.asarray(shown.geometry.values), lambda xy: np.round(xy, DISPLAY_DECIMALS)
    )
    return shown.set_geometry(gpd.GeoSeries(rounded, index=shown.index, crs=shown.crs))


def _feature_collection(
    geometries: gpd.GeoSeries, properties: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Build a GeoJSON FeatureCollection holding only the given properties."""
    features = []
    records = properties.to_dict("records") if properties is not None else None
    for i, geometry in enumerate(geometries):
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geometry)),
                "properties": records[i] if records is not None else {},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _pane(m: folium.Map, name: str) -> str:
    """Create the custom pane ``name`` on ``m`` once, and return its name."""
    created: set[str] = m.__dict__.setdefault("_sk_panes", set())
    if name not in created:
        z_index, pointer_events = _PANES[name]
        folium.map.CustomPane(name, z_index=z_index, pointer_events=pointer_events).add_to(m)
        created.add(name)
    return name


def _ensure_css(m: folium.Map) -> None:
    root: Any = m.get_root()
    root.header.add_child(Element(_CSS), name="servicekartan_css")


def _keep_controls_last(m: folium.Map) -> None:
    """Move the layer control and the legend after every layer (they refer to the layers)."""
    for key, child in list(m._children.items()):
        if isinstance(child, (folium.LayerControl, Legend)):
            m._children.move_to_end(key)


def _popup(title: str, rows: Sequence[tuple[str, str]]) -> folium.Popup:
    body = "".join(f"<tr><th>{escape_text(k)}</th><td>{escape_text(v)}</td></tr>" for k, v in rows)
    content = (
        f'<div class="sk-popup"><strong>{escape_text(title)}</strong><table>{body}</table></div>'
    )
    return folium.Popup(content, max_width=320)


# --- Legend -----------------------------------------------------------------------------------
#: Order of the legend's sections, whatever order the layers were added in.
_SECTION_ORDER: Final = (
    "services",
    "needs",
    "counts",
    "travel_time",
    "population",
    "localities",
    "roads",
)


@dataclass
class _Section:
    title: str
    items: list[tuple[str, str]]  # (swatch HTML, label text, unescaped)
    columns: int = 1


#: Folds a legend (``div``) on a small map (a phone) and opens it on a large one, once the map
#: has its real size and on every resize until the person toggles it; ``MAP`` is the map.
_FOLD_LEGEND_JS: Final = """
(function (div, map) {
    var details = div.querySelector("details");
    if (!details) { return; }
    var chosen = false;
    details.querySelector("summary").addEventListener("click", function () { chosen = true; });
    function decide() {
        var size = map.getSize();
        if (chosen || !size.x || !size.y) { return; }
        details.open = !(size.x < 700 || size.y < 500);
    }
    decide();
    // The frame is often laid out late, and not every layout change is a map "resize": look
    // again a few times during the first seconds.
    [0, 250, 1000, 2500].forEach(function (ms) { setTimeout(decide, ms); });
    map.on("resize", decide);
})(div, MAP);
"""


class Legend(MacroElement):  # type: ignore[misc]
    """The map's legend: a Leaflet control listing what the visible layers mean.

    Layer functions add or replace a section each (by key), so one legend lists the service
    categories shown, the population classes and the travel-time bands as they apply.  It is a
    ``<details>`` element (keyboard-operable, open by default) in a region labelled for screen
    readers.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "sk-legend");
                div.setAttribute("role", "region");
                div.setAttribute("aria-label", {{ this.aria_label_json() }});
                div.innerHTML = {{ this.html_json() }};
                // Open on a large map; a small one (a phone) starts with the legend folded up.
                {{ this.fold_script(this._parent.get_name()) }}
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str = "sv") -> None:
        super().__init__()
        self._name = "Legend"
        self.lang = lang
        self.sections: dict[str, _Section] = {}

    def set_section(
        self, key: str, title: str, items: list[tuple[str, str]], columns: int = 1
    ) -> None:
        """Add or replace the section ``key`` (1 or 2 columns); an empty ``items`` removes it."""
        if items:
            self.sections[key] = _Section(title, items, columns)
        else:
            self.sections.pop(key, None)

    def to_html(self) -> str:
        """Return the legend's inner HTML (every label escaped)."""
        parts = [
            f"<details open><summary>{escape_text(t('maps.legend.title', self.lang))}</summary>"
        ]
        order = {key: i for i, key in enumerate(_SECTION_ORDER)}
        keys = sorted(self.sections, key=lambda key: order.get(key, len(order)))
        for section in (self.sections[key] for key in keys):
            columns = ' class="sk-cols"' if section.columns == 2 else ""
            parts.append(
                f'<div class="sk-legend-title">{escape_text(section.title)}</div><ul{columns}>'
            )
            parts.extend(
                f"<li>{swatch}<span>{escape_text(label)}</span></li>"
                for swatch, label in section.items
            )
            parts.append("</ul>")
        parts.append("</details>")
        return "".join(parts)

    def html_json(self) -> str:
        """The inner HTML as a JavaScript string literal safe inside a ``<script>``."""
        return _js_string(self.to_html())

    @staticmethod
    def fold_script(map_name: str) -> str:
        """JavaScript folding the legend (``div``) on a small map, opening it on a large one.

        Decided when the map has its real size, and again when it is resized (an iframe is
        often laid out after the map is made), until the person opens or closes it.
        """
        return _FOLD_LEGEND_JS.replace("MAP", map_name)

    def aria_label_json(self) -> str:
        """The region's accessible name as a JavaScript string literal."""
        return _js_string(t("maps.aria.legend", self.lang))


class LayerLegend(MacroElement):  # type: ignore[misc]
    """A legend box that belongs to one layer: shown while its layer is on the map.

    Used for layers sent to the browser on their own (``st_folium(feature_group_to_add=...)``),
    which replace each other without rebuilding the map: the base map and its main legend stay,
    only this layer and its legend box change.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var map = {{ this._parent._parent.get_name() }};
            var box = L.control({position: "bottomleft"});
            box.onAdd = function () {
                var div = L.DomUtil.create("div", "sk-legend sk-legend-layer");
                div.setAttribute("role", "region");
                div.setAttribute("aria-label", {{ this.aria_label_json() }});
                div.innerHTML = {{ this.html_json() }};
                {{ this.fold_script("map") }}
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            group.on("add", function () { box.addTo(map); });
            group.on("remove", function () { box.remove(); });
            if (map.hasLayer(group)) { box.addTo(map); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_box: Legend) -> None:
        super().__init__()
        self._name = "LayerLegend"
        self.legend_box = legend_box

    def html_json(self) -> str:
        """The box's inner HTML as a JavaScript string literal (labels escaped)."""
        return self.legend_box.html_json()

    def aria_label_json(self) -> str:
        """The box's accessible name as a JavaScript string literal."""
        return self.legend_box.aria_label_json()

    @staticmethod
    def fold_script(map_name: str) -> str:
        """As :meth:`Legend.fold_script`."""
        return Legend.fold_script(map_name)


def legend(m: folium.Map, lang: str = "sv") -> Legend:
    """Return the map's legend, adding an empty one first if it has none."""
    for child in m._children.values():
        if isinstance(child, Legend):
            return child
    created = Legend(lang)
    m.add_child(created, name="servicekartan_legend")
    return created


def _fill_swatch(colour: str) -> str:
    return f'<span class="sk-swatch" style="background:{colour}" aria-hidden="true"></span>'


def _line_swatch(colour: str, weight: float, dash: str) -> str:
    style = "dashed" if dash else "solid"
    return (
        f'<span class="sk-line" style="border-top:{max(weight, 2):.0f}px {style} {colour}" '
        'aria-hidden="true"></span>'
    )


def _relative_luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_on(background: str) -> str:
    """Return black or white, whichever contrasts more with ``background`` (WCAG formula).

    Examples
    --------
    >>> text_colour_on("#1b7837"), text_colour_on("#de77ae")
    ('#ffffff', '#000000')
    """
    luminance = _relative_luminance(background)
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return "#ffffff" if on_white >= on_black else "#000000"


def _marker_html(category: Category, label: str, hidden: bool = False) -> str:
    """The DivIcon of a service: category colour, letter and shape; accessible name."""
    shape = CATEGORY_SHAPES.get(category.id, "circle")
    name = escape_text(label)
    access = 'aria-hidden="true"' if hidden else f'role="img" aria-label="{name}" title="{name}"'
    return (
        f'<div class="sk-svc sk-shape-{shape}" style="background:{category.colour};'
        f'color:{text_colour_on(category.colour)}" {access}>'
        f'<span aria-hidden="true">{escape_text(category.symbol)}</span></div>'
    )


def _need_html(label: str, hidden: bool = False) -> str:
    name = escape_text(label)
    access = 'aria-hidden="true"' if hidden else f'role="img" aria-label="{name}" title="{name}"'
    return f'<div class="sk-need" {access}><span aria-hidden="true">!</span></div>'


# --- Base map ---------------------------------------------------------------------------------
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


# --- Thematic layers --------------------------------------------------------------------------
def feature_details(kind: str, row: pd.Series, lang: str = "sv") -> list[tuple[str, str]]:
    """Return ``(field, value)`` pairs describing one service or need, as plain text.

    The values are *not* escaped: show them as text (a table), or escape them for HTML.

    Parameters
    ----------
    kind
        ``"services"`` or ``"needs"``.
    row
        One row of that layer.
    lang
        ``"sv"`` or ``"en"``.

    Examples
    --------
    >>> row = pd.Series({"category": "pharmacy", "name": "Apoteket", "operator": "A AB",
    ...                  "sector": "private", "opening_hours": "Mo-Fr 10-18",
    ...                  "hours_per_week": 40.0, "annual_cost_sek": 1250000.0, "capacity": 0.0})
    >>> feature_details("services", row)[0]
    ('Kategori', 'Apotek')
    >>> feature_details("services", row)[5]
    ('Årskostnad', '1\\xa0250\\xa0000 kr')
    """

    def get(column: str) -> Any:
        value = row.get(column)
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

    rows: list[tuple[str, str]] = []
    if kind == "services":
        rows.append(
            (t("maps.field.category", lang), _vocabulary("category", get("category"), lang))
        )
        rows.append((t("maps.field.operator", lang), str(get("operator") or "")))
        rows.append((t("maps.field.sector", lang), _vocabulary("sector", get("sector"), lang)))
        rows.append((t("maps.field.opening_hours", lang), str(get("opening_hours") or "")))
        rows.append(
            (t("maps.field.hours_per_week", lang), fmt_number(get("hours_per_week"), 0, lang))
        )
        cost = get("annual_cost_sek")
        rows.append(
            (
                t("maps.field.annual_cost", lang),
                fmt_sek(cost, lang) if cost else "–",
            )
        )
        capacity = get("capacity")
        if capacity:
            rows.append((t("maps.field.capacity", lang), fmt_number(capacity, 0, lang)))
    elif kind == "needs":
        rows.append(
            (t("maps.field.category", lang), _vocabulary("category", get("category"), lang))
        )
        rows.append((t("maps.field.need_text", lang), str(get("text") or "")))
        rows.append((t("maps.field.people_count", lang), fmt_number(get("people_count"), 0, lang)))
        rows.append(
            (
                t("maps.field.registrant_type", lang),
                _vocabulary("registrant", get("registrant_type"), lang),
            )
        )
        rows.append((t("maps.field.status", lang), _vocabulary("status", get("status"), lang)))
        created = get("created_at")
        if created is not None:
            rows.append((t("maps.field.created_at", lang), fmt_date(pd.Timestamp(created))))
    else:
        raise DataModelError(
            f"Unknown feature kind {kind!r}; use 'services' or 'needs'.",
            f"Okänd objekttyp {kind!r}.",
        )
    return rows


def services_layer(
    m: folium.Map,
    services: gpd.GeoDataFrame,
    lang: str = "sv",
    categories: Iterable[str] | None = None,
) -> dict[str, folium.FeatureGroup]:
    """Add service points, one feature group per category; return the groups by category.

    Each point is a small marker in the category's colour, letter and shape, with an
    accessible name ("Apotek: <name>") and a popup of details; every text is escaped.  The
    legend lists the categories drawn.

    Parameters
    ----------
    m
        The map.
    services
        The ``services`` layer, EPSG:3006.
    lang
        ``"sv"`` or ``"en"``.
    categories
        Category ids to draw (default all); unknown ids are ignored.
    """
    use_local_assets()
    _require_metric(services, "services")
    wanted = set(categories) if categories is not None else set(CATEGORY_BY_ID)
    shown = _display(services) if len(services) else services
    groups: dict[str, folium.FeatureGroup] = {}
    items: list[tuple[str, str]] = []
    for category in CATEGORIES:
        if category.id not in wanted:
            continue
        rows = shown[shown["category"] == category.id]
        if rows.empty:
            continue
        category_name = _vocabulary("category", category.id, lang)
        group = folium.FeatureGroup(
            name=escape_text(t("maps.layer.services", lang, category=category_name)), show=True
        )
        for _, row in rows.iterrows():
            label = f"{category_name}: {row['name']}"
            folium.Marker(
                [row.geometry.y, row.geometry.x],
                icon=folium.DivIcon(
                    html=_marker_html(category, label),
                    icon_size=(22, 22),
                    icon_anchor=(11, 11),
                    class_name="sk-icon",
                ),
                popup=_popup(str(row["name"]), feature_details("services", row, lang)),
            ).add_to(group)
        group.add_to(m)
        groups[category.id] = group
        items.append((_marker_html(category, category_name, hidden=True), category_name))
    legend(m, lang).set_section("services", t("maps.legend.services", lang), items)
    _keep_controls_last(m)
    return groups


def needs_layer(
    m: folium.Map, needs: gpd.GeoDataFrame | None, lang: str = "sv"
) -> folium.FeatureGroup | None:
    """Add registered needs as points with details (planner view only); return the group.

    Returns ``None`` when the region has no needs layer or it is empty.
    """
    use_local_assets()
    if needs is None or not len(needs):
        return None
    _require_metric(needs, "needs")
    shown = _display(needs)
    group = folium.FeatureGroup(name=escape_text(t("maps.layer.needs", lang)), show=True)
    need_label = t("maps.legend.needs", lang)
    # One GeoJSON layer for all needs (there may be hundreds): the icon differs only by
    # category, and the popup table is built in the browser from escaped properties.
    details = [feature_details("needs", row, lang) for _, row in shown.iterrows()]
    fields = [f"f{i}" for i in range(max(len(rows) for rows in details))]
    aliases = [escape_text(label) for label, _ in max(details, key=len)]
    properties = pd.DataFrame(
        [
            {field: escape_text(value) for field, (_, value) in zip(fields, rows, strict=False)}
            for rows in details
        ]
    ).reindex(columns=fields)
    properties = properties.astype(object).where(properties.notna(), None)
    icons = {
        category: {"html": _need_html(f"{need_label}: {_vocabulary('category', category, lang)}")}
        for category in set(shown["category"])
    }
    properties["k"] = shown["category"].to_numpy()
    folium.GeoJson(
        _feature_collection(shown.geometry, properties),
        marker=folium.Marker(
            icon=folium.DivIcon(
                html=_need_html(need_label),
                icon_size=(13, 13),
                icon_anchor=(6, 6),
                class_name="sk-icon",
            ),
            pane=_pane(m, "sk_needs"),
        ),
        style_function=lambda f: icons.get(f["properties"]["k"], {}),
        popup=folium.GeoJsonPopup(
            fields=fields, aliases=aliases, localize=False, class_name="sk-popup", max_width=320
        ),
        control=False,
    ).add_to(group)
    group.add_to(m)
    legend(m, lang).set_section(
        "needs", t("maps.layer.needs", lang), [(_need_html("", hidden=True), need_label)]
    )
    _keep_controls_last(m)
    return group


def localities_layer(
    m: folium.Map, localities: gpd.GeoDataFrame, lang: str = "sv"
) -> folium.FeatureGroup:
    """Add locality areas (outlined) with their name, kind and population; return the group."""
    use_local_assets()
    _require_metric(localities, "localities")
    group = folium.FeatureGroup(name=escape_text(t("maps.layer.localities", lang)), show=True)
    if len(localities):
        shown = _display(localities)
        tips = [
            f"<strong>{escape_text(name)}</strong><br>"
            f"{escape_text(_vocabulary('locality_kind', kind, lang))}, "
            f"{escape_text(t('maps.cell_tooltip', lang, count=fmt_number(pop, 0, lang)))}"
            for name, kind, pop in zip(
                shown["name"], shown["kind"], shown["population"], strict=True
            )
        ]
        folium.GeoJson(
            _feature_collection(shown.geometry, pd.DataFrame({"tip": tips})),
            style_function=lambda _f: {
                "color": "#5e3c99",
                "weight": 1.5,
                "dashArray": "3 3",
                "fillColor": "#5e3c99",
                "fillOpacity": 0.06,
            },
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
            pane=_pane(m, "sk_localities"),
            control=False,
        ).add_to(group)
    group.add_to(m)
    legend(m, lang).set_section(
        "localities",
        t("maps.layer.localities", lang),
        [
            (
                '<span class="sk-swatch" style="background:rgba(94,60,153,.08);'
                'border:1.5px dashed #5e3c99" aria-hidden="true"></span>',
                t("maps.legend.localities", lang),
            )
        ],
    )
    _keep_controls_last(m)
    return group


def _class_index(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Index of the class each value falls in: class i holds ``breaks[i] <= v < breaks[i+1]``."""
    return np.searchsorted(np.asarray(breaks, dtype=float), values, side="right") - 1


def _band_labels(breaks: Sequence[int], lang: str, open_key: str) -> list[str]:
    labels = [
        t("maps.band.range", lang, low=fmt_number(low, 0, lang), high=fmt_number(high, 0, lang))
        for low, high in zip(breaks[:-1], breaks[1:], strict=True)
    ]
    labels.append(t(open_key, lang, low=fmt_number(breaks[-1], 0, lang)))
    return labels


def _cell_style(colour: str) -> dict[str, Any]:
    """Fill and a thin outline of the same colour, so that a 250 m cell stays visible when the
    whole municipality is in view."""
    return {"color": colour, "weight": 1.5, "opacity": 0.8, "fillColor": colour, "fillOpacity": 0.8}


def _js_string_raw(json_text: str) -> str:
    """JSON text made safe inside a ``<script>`` element."""
    return json_text.replace("</", "<\\/")


def _js_string(text: str) -> str:
    """A JavaScript string literal of ``text``, safe inside a ``<script>`` element."""
    return json.dumps(text).replace("</", "<\\/")


def _cell_tooltip_js(
    lang: str, count_text: str | None = None, travel_label: str | None = None
) -> JsCode:
    """Tooltip of a grid cell, written in the browser from its numeric properties.

    ``p`` is the residents (a number) or ``[total, 0-15, 16-64, 65-79, 80+]``; ``m`` the travel
    time in minutes (``null``: unreachable).  Building the text in the browser keeps the page a
    fraction of the size of one pre-formatted string per cell.  Numbers use the Swedish (or
    English) format of :func:`analysis.i18n.fmt_number`.  ``count_text`` replaces "{count}
    invånare" for counts of something else; it must contain ``{count}``.
    """
    locale = "sv-SE" if lang == "sv" else "en-GB"
    count = escape_text(count_text or t("maps.cell_tooltip", lang, count="{count}"))
    ages = [escape_text(t(f"maps.field.{name}", lang)) for name in settings.AGE_GROUPS]
    travel = escape_text(travel_label or t("maps.field.travel_time", lang))
    unreachable = escape_text(t("common.unreachable", lang))
    # One number format for every cell (``toLocaleString`` builds a new one per call: a tenth of
    # a second for a municipality's cells); it formats exactly as ``toLocaleString`` does.
    return JsCode(
        f"""(function () {{
var numbers = new Intl.NumberFormat({_js_string(locale)});
var fmt = function (n) {{ return numbers.format(Math.round(n)); }};
return function (feature, layer) {{
    var props = feature.properties, lines = [];
    if ("m" in props) {{
        lines.push({_js_string(travel)} + ": " + (props.m === null
            ? {_js_string(unreachable)} : fmt(props.m) + "\\u00a0min"));
    }}
    if ("p" in props) {{
        var p = [].concat(props.p), ages = {json.dumps(ages)};
        lines.push({_js_string(count)}.replace("{{count}}", fmt(p[0])));
        for (var i = 1; i < p.length; i++) {{ lines.push(ages[i - 1] + ": " + fmt(p[i])); }}
    }}
    layer.bindTooltip(lines.join("<br>"), {{sticky: true}});
}};
}})()"""
    )


def _delta_encode(
    rings: Sequence[np.ndarray],
) -> tuple[int, int, list[list[int]]]:
    """Encode lon/lat vertex arrays as integers of 1e-5 degrees, each relative to the one before.

    Returns the origin ``(x0, y0)`` and one flat ``[dx, dy, dx, dy, ...]`` list per array; the
    first vertex of every array is relative to the origin.  A few characters per vertex instead
    of about twenty in GeoJSON.

    Examples
    --------
    >>> _delta_encode([np.array([[10.0, 60.0], [10.00002, 60.00001]]), np.array([[10.0, 60.0]])])
    (1000000, 6000000, [[0, 0, 2, 1], [0, 0]])
    """
    if not len(rings):
        return 0, 0, []
    sizes = np.array([len(ring) for ring in rings])
    vertices = np.concatenate([np.asarray(ring, dtype=float)[:, :2] for ring in rings])
    return _delta_encode_flat(vertices, sizes)


def _delta_encode_flat(vertices: np.ndarray, sizes: np.ndarray) -> tuple[int, int, list[list[int]]]:
    """:func:`_delta_encode` of the rings ``vertices[:sizes[0]]``, the next ``sizes[1]``, …"""
    if not len(vertices):
        return 0, 0, [[] for _ in sizes]
    integers = np.round(vertices * 10**DISPLAY_DECIMALS).astype(np.int64)
    origin = integers.min(axis=0)
    deltas = np.diff(integers, axis=0, prepend=origin[np.newaxis, :])
    starts = np.cumsum(sizes) - sizes
    first = starts[sizes > 0]
    deltas[first] = integers[first] - origin  # each ring starts from the origin
    flat: list[int] = deltas.ravel().tolist()
    bounds = np.concatenate([[0], np.cumsum(sizes) * 2]).tolist()
    encoded = [flat[bounds[i] : bounds[i + 1]] for i in range(len(sizes))]
    return int(origin[0]), int(origin[1]), encoded


#: JavaScript that decodes one list of :func:`_delta_encode` into Leaflet lat/lng pairs.
_DECODE_JS: Final = """
            function decode(data, deltas) {
                var latlngs = [], x = data.x0, y = data.y0;
                for (var j = 0; j < deltas.length; j += 2) {
                    x += deltas[j];
                    y += deltas[j + 1];
                    latlngs.push([y / data.k, x / data.k]);
                }
                return latlngs;
            }
"""


class _CompactLines(MacroElement):  # type: ignore[misc]
    """Lines of one style (one road class), drawn in the browser from delta-encoded integers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            """
        + _DECODE_JS
        + """
            var data = {{ this.data_json() }};
            var options = Object.assign(
                {pane: {{ this.pane_json() }}, interactive: false, smoothFactor: 1},
                {{ this.style_json() }});
            L.polyline(data.r.map(function (deltas) { return decode(data, deltas); }), options)
                .addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, parts: Sequence[np.ndarray], style: dict[str, Any], pane: str) -> None:
        super().__init__()
        self._name = "CompactLines"
        x0, y0, encoded = _delta_encode(parts)
        self.data = {"k": 10**DISPLAY_DECIMALS, "x0": x0, "y0": y0, "r": encoded}
        self.style = style
        self.pane = pane

    def data_json(self) -> str:
        """The lines as a JavaScript object literal."""
        return _js_string_raw(json.dumps(self.data, separators=(",", ":")))

    def style_json(self) -> str:
        """The Leaflet path style."""
        return _js_string_raw(json.dumps(self.style, separators=(",", ":")))

    def pane_json(self) -> str:
        """The pane name as a JavaScript string."""
        return _js_string(self.pane)


def _largest_exterior_rings(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The exterior ring of each geometry's largest part, without its closing vertex.

    Returns the vertices of all rings one after the other and the number of vertices per
    geometry (a cell is drawn by its largest part; cells are plain squares).  Of parts of equal
    area the first is taken.
    """
    parts, owner = shapely.get_parts(geometries, return_index=True)
    if len(np.unique(owner)) != len(geometries):
        raise DataModelError(
            "A grid cell has an empty geometry; drop empty cells before drawing them.",
            "En ruta saknar geometri; ta bort tomma rutor innan de ritas.",
        )
    # Largest part first within each geometry, the earlier part first among equal areas.
    order = np.lexsort((np.arange(len(parts)), -shapely.area(parts), owner))
    is_first = np.ones(len(order), dtype=bool)
    is_first[1:] = owner[order][1:] != owner[order][:-1]
    rings = shapely.get_exterior_ring(parts[order[is_first]])
    coordinates, ring_index = shapely.get_coordinates(rings, return_index=True)
    counts = np.bincount(ring_index, minlength=len(rings))
    keep = np.ones(len(coordinates), dtype=bool)
    keep[np.cumsum(counts) - 1] = False  # the closing vertex repeats the first
    return coordinates[keep], counts - 1


class _CellGrid(MacroElement):  # type: ignore[misc]
    """Grid cells drawn in the browser from compact integer coordinates.

    A GeoJSON feature per 250 m cell costs about 250 bytes; here a cell is its exterior ring as
    delta-encoded integers of 1e-5 degrees (about 40 bytes), its class and its numbers.  The
    polygons are Leaflet paths like any other (tooltips, layer control), in ``pane``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            """
        + _DECODE_JS
        + """
            var data = {{ this.data_json() }};
            var styles = {{ this.styles_json() }};
            var tooltip = {{ this.tooltip_js }};
            var group = {{ this._parent.get_name() }};
            for (var i = 0; i < data.c.length; i++) {
                var latlngs = decode(data, data.r[i]);
                var props = {c: data.c[i]};
                if (data.p) { props.p = data.p[i]; }
                if (data.m) { props.m = data.m[i]; }
                var options = Object.assign(
                    {pane: {{ this.pane_json() }}, smoothFactor: 0}, styles[data.c[i]]);
                var layer = L.polygon(latlngs, options);
                layer.feature = {type: "Feature", properties: props};
                tooltip(layer.feature, layer);
                group.addLayer(layer);
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        geometries: gpd.GeoSeries,
        classes: list[int],
        styles: list[dict[str, Any]],
        tooltip_js: JsCode,
        pane: str,
        population: list[Any] | None = None,
        minutes: list[float | None] | None = None,
    ) -> None:
        super().__init__()
        self._name = "CellGrid"
        self.styles = styles
        self.tooltip_js = tooltip_js.js_code
        self.pane = pane
        shown = np.asarray(geometries.to_crs(settings.CRS_DISPLAY).values)
        x0, y0, encoded = _delta_encode_flat(*_largest_exterior_rings(shown))
        self.data: dict[str, Any] = {
            "k": 10**DISPLAY_DECIMALS,
            "x0": x0,
            "y0": y0,
            "c": [int(c) for c in classes],
            "r": encoded,
        }
        if population is not None:
            self.data["p"] = population
        if minutes is not None:
            self.data["m"] = minutes

    def data_json(self) -> str:
        """The cells as a JavaScript object literal."""
        return _js_string_raw(json.dumps(self.data, separators=(",", ":")))

    def styles_json(self) -> str:
        """One Leaflet path style per class."""
        return _js_string_raw(json.dumps(self.styles, separators=(",", ":")))

    def pane_json(self) -> str:
        """The pane name as a JavaScript string."""
        return _js_string(self.pane)


def _integer_classes(
    breaks: Sequence[int], colours: Sequence[str], lang: str
) -> list[tuple[str, str]]:
    """Return ``(colour, "low–high")`` classes of whole numbers, the last open ("50 or more")."""
    upper = [b - 1 for b in breaks[1:]]
    labels = [
        t("maps.band.range", lang, low=fmt_number(low, 0, lang), high=fmt_number(high, 0, lang))
        for low, high in zip(breaks[:-1], upper, strict=True)
    ]
    labels.append(t("maps.band.at_least", lang, low=fmt_number(breaks[-1], 0, lang)))
    return list(zip(colours, labels, strict=True))


def count_classes(lang: str = "sv") -> list[tuple[str, str]]:
    """Return the classes of counts per cell as ``(colour, label)`` pairs.

    Examples
    --------
    >>> count_classes()[0]
    ('#bcbddc', '1–4')
    >>> count_classes()[-1]
    ('#4a1486', '50 eller fler')
    """
    return _integer_classes(COUNT_BREAKS, COUNT_COLOURS, lang)


def count_layer(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    title: str,
    lang: str = "sv",
    column: str = "needs",
    show: bool = True,
) -> folium.FeatureGroup:
    """Add a choropleth of a count per grid cell (e.g. registered needs per 1 km); return it.

    Parameters
    ----------
    m
        The map.
    cells
        Cell polygons in EPSG:3006 with an integer ``column`` (for the public map, already
        aggregated and suppressed below the publication threshold by the caller).
    title
        Name of the layer and its legend section; escaped.
    lang
        ``"sv"`` or ``"en"``.
    column
        The column holding the counts.
    show
        Whether the layer is switched on initially.
    """
    use_local_assets()
    _require_metric(cells, "cells")
    group = folium.FeatureGroup(name=escape_text(title), show=show)
    drawn = cells[cells[column] > 0]
    if len(drawn):
        counts = drawn[column].astype(int)
        classes = _class_index(counts.to_numpy(dtype=float), COUNT_BREAKS)
        _CellGrid(
            drawn.geometry,
            classes.astype(int).tolist(),
            [_cell_style(colour) for colour in COUNT_COLOURS],
            _cell_tooltip_js(lang, t("maps.count_tooltip", lang, title=title, count="{count}")),
            _pane(m, "sk_fill"),
            population=counts.tolist(),
        ).add_to(group)
    group.add_to(m)
    legend(m, lang).set_section(
        "counts",
        title,
        [(_fill_swatch(colour), label) for colour, label in count_classes(lang)],
        columns=2,
    )
    _keep_controls_last(m)
    return group


def home_marker(m: folium.Map, lat: float, lon: float, label: str = "") -> folium.Marker:
    """Add a marker for the place a resident chose (a pin, distinct from every service).

    ``label`` (e.g. "Din plats") becomes its accessible name and tooltip; it is escaped.
    """
    use_local_assets()
    name = escape_text(label)
    access = f'role="img" aria-label="{name}" title="{name}"' if label else 'aria-hidden="true"'
    marker = folium.Marker(
        [float(lat), float(lon)],
        icon=folium.DivIcon(
            html=f'<div class="sk-home" {access}></div>',
            icon_size=(22, 22),
            icon_anchor=(11, 24),
            class_name="sk-icon",
        ),
        tooltip=folium.Tooltip(name) if label else None,
        z_index_offset=1000,
    )
    marker.add_to(m)
    _keep_controls_last(m)
    return marker


def population_classes(lang: str = "sv") -> list[tuple[str, str]]:
    """Return the population classes as ``(colour, label)`` pairs, e.g. ``"5–9"``.

    Examples
    --------
    >>> population_classes()[1]
    ('#fec44f', '5–9')
    >>> population_classes()[-1]
    ('#8c2d04', '100 eller fler')
    """
    return _integer_classes(POPULATION_BREAKS, POPULATION_COLOURS, lang)


def population_layer(
    m: folium.Map, population: gpd.GeoDataFrame, lang: str = "sv", show: bool = True
) -> folium.FeatureGroup:
    """Add the population grid as a choropleth of residents per cell; return the group.

    Cells without residents are not drawn.  Each cell's tooltip gives its residents in total
    and by age group; the legend gives the classes in "invånare per ruta (250 m)".
    """
    use_local_assets()
    _require_metric(population, "population")
    group = folium.FeatureGroup(name=escape_text(t("maps.layer.population", lang)), show=show)
    cells = population[population["pop_total"] > 0]
    if len(cells):
        columns = ["pop_total", *settings.AGE_GROUPS]
        classes = _class_index(cells["pop_total"].to_numpy(dtype=float), POPULATION_BREAKS)
        _CellGrid(
            cells.geometry,
            classes.astype(int).tolist(),
            [_cell_style(colour) for colour in POPULATION_COLOURS],
            _cell_tooltip_js(lang),
            _pane(m, "sk_fill"),
            population=cells[columns].to_numpy(dtype=int).tolist(),
        ).add_to(group)
    group.add_to(m)
    sizes = population["size_m"] if len(population) else pd.Series([250])
    size = int(sizes.mode().iloc[0])
    legend(m, lang).set_section(
        "population",
        t("maps.legend.population", lang, size=fmt_number(size, 0, lang)),
        [(_fill_swatch(colour), label) for colour, label in population_classes(lang)],
        columns=2,
    )
    _keep_controls_last(m)
    return group


def travel_time_classes(lang: str = "sv") -> list[tuple[str, str]]:
    """Return the travel-time bands as ``(colour, label)`` pairs, unreachable last.

    Examples
    --------
    >>> [label for _, label in travel_time_classes()]
    ['0–5', '5–10', '10–20', '20–30', '30–45', 'över 45', 'ej nåbar']
    """
    labels = _band_labels((0, *settings.THRESHOLDS_MIN), lang, "maps.band.over")
    return [
        *zip(TRAVEL_TIME_COLOURS, labels, strict=True),
        (UNREACHABLE_COLOUR, t("common.unreachable", lang)),
    ]


def travel_time_band(minutes: pd.Series) -> pd.Series:
    """Return the band index of each travel time: 0 for 0–5 min ... 5 for over 45, 6 unreachable.

    A band holds its lower bound (5 min is in 5–10).  NaN, infinite or negative times are
    unreachable.

    Examples
    --------
    >>> travel_time_band(pd.Series([0.0, 4.9, 5.0, 44.0, 45.0, float("inf"), None])).tolist()
    [0, 0, 1, 4, 5, 6, 6]
    """
    values = pd.to_numeric(minutes, errors="coerce").to_numpy(dtype=float)
    bands = _class_index(values, (0, *settings.THRESHOLDS_MIN))
    unreachable = ~np.isfinite(values) | (values < 0)
    bands = np.where(unreachable, len(TRAVEL_TIME_COLOURS), bands)
    return pd.Series(bands.astype(int), index=minutes.index, name="travel_time_band")


def travel_time_layer(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    minutes: pd.Series,
    title: str,
    lang: str = "sv",
    show: bool = True,
    attach: bool = True,
) -> folium.FeatureGroup:
    """Add a choropleth of travel times (minutes) per grid cell; return the group.

    Parameters
    ----------
    m
        The map.
    cells
        Grid cells (the ``population`` layer or a subset), EPSG:3006.
    minutes
        Travel time per cell in minutes, indexed like ``cells``; NaN or infinite means
        unreachable.
    title
        Name of the layer and of its legend section (e.g. "Apotek, bil"); escaped.
    lang
        ``"sv"`` or ``"en"``.
    show
        Whether the layer is switched on initially.
    attach
        True: add the layer to ``m`` and its classes to the map's legend.  False: return a
        stand-alone layer carrying its own legend box (:class:`LayerLegend`), for
        ``st_folium(m, feature_group_to_add=layer)``, so that switching category or mode
        replaces only this layer in the browser instead of rebuilding the whole map.

    Raises
    ------
    DataModelError
        If a cell has no travel time in ``minutes``.
    """
    use_local_assets()
    _require_metric(cells, "cells")
    missing = cells.index.difference(minutes.index)
    if len(missing):
        raise DataModelError(
            f"{len(missing)} cells have no travel time (e.g. index {missing[0]!r}); "
            "pass minutes indexed like the cells (NaN for unreachable).",
            f"{len(missing)} rutor saknar restid; restiderna ska ha samma index som rutorna.",
        )
    group = folium.FeatureGroup(name=escape_text(title), show=show)
    if len(cells):
        times = minutes.reindex(cells.index)
        values = times.to_numpy(dtype=float)
        rounded = [round(float(v), 1) if math.isfinite(v) and v >= 0 else None for v in values]
        colours = (*TRAVEL_TIME_COLOURS, UNREACHABLE_COLOUR)
        _CellGrid(
            cells.geometry,
            travel_time_band(times).tolist(),
            [_cell_style(colour) for colour in colours],
            _cell_tooltip_js(lang),
            _pane(m, "sk_fill"),
            population=(
                cells["pop_total"].astype(int).tolist() if "pop_total" in cells.columns else None
            ),
            minutes=rounded,
        ).add_to(group)
    items = [(_fill_swatch(colour), label) for colour, label in travel_time_classes(lang)]
    section_title = t("maps.legend.travel_time", lang, title=title)
    if not attach:
        box = Legend(lang)
        box.set_section("travel_time", section_title, items, columns=2)
        group.add_child(LayerLegend(box))
        return group
    group.add_to(m)
    legend(m, lang).set_section("travel_time", section_title, items, columns=2)
    _keep_controls_last(m)
    return group


#: Minutes gained (negative) or lost (positive) per cell, class upper bounds; diverging colours
#: from dark green (much faster) through light grey (unchanged) to dark red (slower).
DIFFERENCE_BREAKS: Final = (-15.0, -5.0, -0.5, 0.5, 5.0, 15.0)
DIFFERENCE_COLOURS: Final = (
    "#006837",
    "#31a354",
    "#a1d99b",
    "#f0f0f0",
    "#fcae91",
    "#fb6a4a",
    "#a50f15",
)
LOST_ACCESS_COLOUR: Final = "#000000"


def difference_classes(lang: str = "sv") -> list[tuple[str, str]]:
    """Return the classes of a before/after difference map as ``(colour, label)`` pairs.

    Examples
    --------
    >>> difference_classes()[3]
    ('#f0f0f0', 'oförändrad (±0,5 min)')
    """
    labels = [
        t("maps.diff.faster_more", lang, minutes=15),
        t("maps.diff.faster", lang, low=5, high=15),
        t("maps.diff.faster", lang, low="0,5" if lang == "sv" else "0.5", high=5),
        t("maps.diff.same", lang),
        t("maps.diff.slower", lang, low="0,5" if lang == "sv" else "0.5", high=5),
        t("maps.diff.slower", lang, low=5, high=15),
        t("maps.diff.slower_more", lang, minutes=15),
    ]
    return [
        *zip(DIFFERENCE_COLOURS, labels, strict=True),
        (LOST_ACCESS_COLOUR, t("maps.diff.lost", lang)),
    ]


def difference_layer(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    change_min: pd.Series,
    title: str,
    lang: str = "sv",
    show: bool = True,
    attach: bool = True,
) -> folium.FeatureGroup:
    """Add a diverging choropleth of minutes gained or lost per cell (after − before).

    ``change_min`` is indexed like ``cells``: negative is faster, ``+inf`` lost all access,
    ``-inf`` gained access from none (drawn as the fastest class).  Cells whose change rounds
    to zero are drawn light grey, so anyone made slower stands out in red.  ``attach=False``
    returns a stand-alone layer with its own legend box, as :func:`travel_time_layer` does.
    """
    use_local_assets()
    _require_metric(cells, "cells")
    group = folium.FeatureGroup(name=escape_text(title), show=show)
    if len(cells):
        values = change_min.reindex(cells.index).to_numpy(dtype=float)
        finite = np.where(np.isfinite(values), values, 0.0)
        classes = np.searchsorted(np.asarray(DIFFERENCE_BREAKS), finite, side="left")
        classes = np.where(values == -np.inf, 0, classes)
        classes = np.where(values == np.inf, len(DIFFERENCE_COLOURS), classes)
        shown = [round(float(v), 1) if math.isfinite(v) else None for v in values]
        _CellGrid(
            cells.geometry,
            classes.astype(int).tolist(),
            [_cell_style(colour) for colour in (*DIFFERENCE_COLOURS, LOST_ACCESS_COLOUR)],
            _cell_tooltip_js(lang, travel_label=t("maps.field.travel_time_change", lang)),
            _pane(m, "sk_fill"),
            population=(
                cells["pop_total"].astype(int).tolist() if "pop_total" in cells.columns else None
            ),
            minutes=shown,
        ).add_to(group)
    items = [(_fill_swatch(colour), label) for colour, label in difference_classes(lang)]
    if not attach:
        box = Legend(lang)
        box.set_section("difference", title, items, columns=2)
        group.add_child(LayerLegend(box))
        return group
    group.add_to(m)
    legend(m, lang).set_section("difference", title, items, columns=2)
    _keep_controls_last(m)
    return group


def changed_services_layer(
    before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, title: str, lang: str = "sv"
) -> folium.FeatureGroup:
    """Return a stand-alone layer marking what a scenario changes among the services.

    New and moved services get their category marker with a thick outline; closed ones a
    grey ✕ at their old place.  Meant for ``st_folium(feature_group_to_add=...)`` over a base
    map showing today's services, so that editing a scenario does not rebuild the map.
    """
    use_local_assets()
    group = folium.FeatureGroup(name=escape_text(title), show=True)
    # A service is new or moved unless today's service of that id is at the same place.
    old = before.drop_duplicates("service_id").set_index("service_id").geometry
    first = after.drop_duplicates("service_id").set_index("service_id").geometry
    today = old.index.get_indexer(after["service_id"])  # -1: not a service of today
    known = today >= 0
    unchanged = np.zeros(len(after), dtype=bool)
    unchanged[known] = shapely.equals(
        np.asarray(old.values)[today[known]],
        np.asarray(first.values)[first.index.get_indexer(after["service_id"])[known]],
    )
    moved = after[~unchanged]
    for _, row in (_display(moved) if len(moved) else moved).iterrows():
        category = CATEGORY_BY_ID[str(row["category"])]
        label = t("maps.changed.new", lang, name=_vocabulary("category", category.id, lang))
        folium.Marker(
            [row.geometry.y, row.geometry.x],
            icon=folium.DivIcon(
                html=f'<div class="sk-changed">{_marker_html(category, label)}</div>',
                icon_size=(28, 28),
                icon_anchor=(14, 14),
                class_name="sk-icon",
            ),
            tooltip=escape_text(f"{label}: {row['name']}"),
        ).add_to(group)
    closed = before[~before["service_id"].isin(set(after["service_id"]))]
    for _, row in (_display(closed) if len(closed) else closed).iterrows():
        label = t("maps.changed.closed", lang, name=str(row["name"]))
        name = escape_text(label)
        folium.Marker(
            [row.geometry.y, row.geometry.x],
            icon=folium.DivIcon(
                html=(
                    f'<div class="sk-closed" role="img" aria-label="{name}" title="{name}">✕</div>'
                ),
                icon_size=(22, 22),
                icon_anchor=(11, 11),
                class_name="sk-icon",
            ),
            tooltip=name,
        ).add_to(group)
    return group


def candidate_sites_layer(
    m: folium.Map, sites: gpd.GeoDataFrame, lang: str = "sv"
) -> folium.FeatureGroup:
    """Add the candidate host sites (where a hub could go) as small clickable squares."""
    use_local_assets()
    _require_metric(sites, "sites")
    group = folium.FeatureGroup(name=escape_text(t("maps.layer.candidates", lang)), show=True)
    candidates = sites[sites["is_candidate"]] if "is_candidate" in sites.columns else sites
    for _, row in (_display(candidates) if len(candidates) else candidates).iterrows():
        name = escape_text(f"{t('maps.layer.candidate', lang)}: {row['name']}")
        folium.Marker(
            [row.geometry.y, row.geometry.x],
            icon=folium.DivIcon(
                html=f'<div class="sk-site" role="img" aria-label="{name}" title="{name}"></div>',
                icon_size=(12, 12),
                icon_anchor=(6, 6),
                class_name="sk-icon",
            ),
            tooltip=name,
        ).add_to(group)
    group.add_to(m)
    legend(m, lang).set_section(
        "candidates",
        t("maps.layer.candidates", lang),
        [('<div class="sk-site" aria-hidden="true"></div>', t("maps.layer.candidate", lang))],
    )
    _keep_controls_last(m)
    return group


#: Fill colours of isochrone bands, nearest first (the travel-time palette's first four).
ISOCHRONE_COLOURS: Final = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")


def isochrone_layer(
    bands: gpd.GeoDataFrame, start: tuple[float, float], title: str, lang: str = "sv"
) -> folium.FeatureGroup:
    """Return a stand-alone layer of nested travel-time bands from a clicked point.

    ``bands`` is :func:`analysis.isochrones.isochrones` output (``band_min``, EPSG:3006,
    nested); the largest band is drawn first so the nearest stays on top.  ``start`` is the
    clicked ``(lat, lon)``.  Carries its own legend box, for ``feature_group_to_add``.
    """
    use_local_assets()
    _require_metric(bands, "isochrones")
    group = folium.FeatureGroup(name=escape_text(title), show=True)
    shown = _display(bands[~bands.geometry.is_empty]).sort_values("band_min", ascending=False)
    colours = dict(zip(sorted(bands["band_min"]), ISOCHRONE_COLOURS, strict=False))
    for _, row in shown.iterrows():
        colour = colours[row["band_min"]]
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _feature, colour=colour: {
                "color": colour,
                "weight": 1,
                "fillColor": colour,
                "fillOpacity": 0.35,
            },
            tooltip=escape_text(t("maps.isochrone.band", lang, minutes=f"{row['band_min']:g}")),
        ).add_to(group)
    folium.CircleMarker(start, radius=6, color="#08306b", fill=True, fill_opacity=1).add_to(group)
    box = Legend(lang)
    box.set_section(
        "isochrones",
        title,
        [
            (_fill_swatch(colours[band]), t("maps.isochrone.band", lang, minutes=f"{band:g}"))
            for band in sorted(colours)
        ],
    )
    group.add_child(LayerLegend(box))
    return group


# --- Clicks -----------------------------------------------------------------------------------
_TO_METRIC = pyproj.Transformer.from_crs(settings.CRS_DISPLAY, settings.CRS_METRIC, always_xy=True)


def nearest_feature(
    region: Region,
    lat: float,
    lng: float,
    kinds: Sequence[str] = ("services", "needs"),
    max_distance_m: float = CLICK_TOLERANCE_M,
) -> tuple[str, pd.Series] | None:
    """Return ``(kind, row)`` of the service or need nearest a clicked position, if close.

    ``st_folium`` reports the position of a clicked marker, not its data; this finds the
    feature drawn there.
    """
    x, y = _TO_METRIC.transform(lng, lat)
    best: tuple[float, str, pd.Series] | None = None
    for kind in kinds:
        frame = region.layer(kind)
        if frame is None or not len(frame):
            continue
        distances = frame.geometry.distance(shapely.Point(x, y))
        position = int(np.argmin(distances.to_numpy()))
        distance = float(distances.iloc[position])
        if distance <= max_distance_m and (best is None or distance < best[0]):
            best = (distance, kind, frame.iloc[position])
    return None if best is None else (best[1], best[2])


def cell_at(region: Region, lat: float, lng: float) -> pd.Series | None:
    """Return the populated grid cell containing a clicked position, or None.

    Examples
    --------
    >>> from shapely import box
    >>> from types import SimpleNamespace
    >>> cells = gpd.GeoDataFrame({"cell_id": ["a"]}, geometry=[box(0, 6_900_000, 250, 6_900_250)],
    ...                          crs="EPSG:3006")
    >>> lng, lat = pyproj.Transformer.from_crs(3006, 4326, always_xy=True).transform(100, 6_900_100)
    >>> cell_at(SimpleNamespace(population=cells), lat, lng)["cell_id"]
    'a'
    """
    x, y = _TO_METRIC.transform(lng, lat)
    population = region.population
    hits = population.sindex.query(shapely.Point(x, y), predicate="intersects")
    return None if len(hits) == 0 else population.iloc[int(hits[0])]


def nearest_site(
    region: Region, lat: float, lng: float, max_distance_m: float = 300.0
) -> str | None:
    """Return the id of the candidate site nearest a clicked position, if within reach."""
    x, y = _TO_METRIC.transform(lng, lat)
    sites = region.sites
    candidates = sites[sites["is_candidate"]] if "is_candidate" in sites.columns else sites
    if candidates.empty:
        return None
    distances = candidates.geometry.distance(shapely.Point(x, y)).to_numpy()
    best = int(np.argmin(distances))
    return str(candidates["site_id"].iloc[best]) if distances[best] <= max_distance_m else None
