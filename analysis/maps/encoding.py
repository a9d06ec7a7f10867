"""Compact encodings of geometry for the browser, and strings safe inside ``<script>``.

GeoJSON costs about twenty characters per vertex; these elements send integers of 1e-5 degrees,
each relative to the one before (:func:`_delta_encode`), and draw Leaflet paths from them in the
browser: :class:`_CompactLines` for the roads, :class:`_CellGrid` for grid cells.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from analysis import settings
from analysis.errors import DataModelError
from analysis.maps.display import DISPLAY_DECIMALS


def _js_string_raw(json_text: str) -> str:
    """JSON text made safe inside a ``<script>`` element."""
    return json_text.replace("</", "<\\/")


def _js_string(text: str) -> str:
    """A JavaScript string literal of ``text``, safe inside a ``<script>`` element."""
    return json.dumps(text).replace("</", "<\\/")


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


#: Encoded cell rings by a digest of the cells' geometry (a region's grid, at most a few).
_ENCODED_CELLS: dict[str, tuple[int, int, list[list[int]]]] = {}
_ENCODED_CELLS_MAX: Final = 8


def _encoded_cells(geometries: gpd.GeoSeries) -> tuple[int, int, list[list[int]]]:
    """The cells' exterior rings, reprojected and delta-encoded, computed once per grid.

    Every travel-time, difference or population layer of a region draws the same cells: the
    reprojection and encoding took a sixth of a planner-map click on the county region.  The
    result is shared (read-only).
    """
    digest = hashlib.sha1(b"".join(shapely.to_wkb(np.asarray(geometries.values))))
    key = f"{geometries.crs}:{len(geometries)}:{digest.hexdigest()}"
    found = _ENCODED_CELLS.get(key)
    if found is None:
        shown = np.asarray(geometries.to_crs(settings.CRS_DISPLAY).values)
        found = _delta_encode_flat(*_largest_exterior_rings(shown))
        if len(_ENCODED_CELLS) >= _ENCODED_CELLS_MAX:
            _ENCODED_CELLS.pop(next(iter(_ENCODED_CELLS), key), None)
        _ENCODED_CELLS[key] = found
    return found


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
        x0, y0, encoded = _encoded_cells(geometries)
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
