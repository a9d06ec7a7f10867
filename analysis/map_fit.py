"""Open a map where the change is, with no legend or control over it.

A folium map fitted in Python keeps its first view inside streamlit-folium (the iframe has no
size yet when the map is made).  :class:`FitToChange` runs in the layer's own script instead:
it waits until the map has a size, measures the controls in the map's four corners (legends,
zoom buttons, layer menu, scale bar) and fits the bounds into the part of the map they leave
free, either between the top and bottom controls or between the left and right ones,
whichever shows the change larger.  Every changed cell is then on screen and under no control.
"""

from __future__ import annotations

import json
from typing import Final

import folium
from branca.element import MacroElement
from folium.template import Template

#: Highest zoom a fit goes to (a change in one cell still shows its village).
FIT_MAX_ZOOM: Final = 13
#: Space left between the change and a control or the map's edge, pixels.
FIT_GAP_PX: Final = 10


class FitToChange(MacroElement):  # type: ignore[misc]
    """Fit the map to ``bounds`` (``(south, west, north, east)``, WGS 84) when its layer shows.

    The fitted bounds are written to the map container's ``data-sk-fit`` attribute (JSON
    ``[[south, west], [north, east]]``), so a browser test can check the view against them.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var map = {{ this._parent._parent.get_name() }};
            var bounds = L.latLngBounds({{ this.bounds_json }});
            var gap = {{ this.gap }};
            function size(name) {
                var corner = map._controlCorners && map._controlCorners[name];
                return corner ? {w: corner.offsetWidth, h: corner.offsetHeight} : {w: 0, h: 0};
            }
            function fit(tries) {
                var mapSize = map.getSize();
                // Not before the map has a size and a view (its zoom is unset until then).
                if ((!mapSize.x || !mapSize.y || !map._loaded) && tries < 200) {
                    setTimeout(function () { fit(tries + 1); }, 50);
                    return;
                }
                var tl = size("topleft"), tr = size("topright");
                var bl = size("bottomleft"), br = size("bottomright");
                var choices = [
                    {paddingTopLeft: [gap, Math.max(tl.h, tr.h) + gap],
                     paddingBottomRight: [gap, Math.max(bl.h, br.h) + gap]},
                    {paddingTopLeft: [Math.max(tl.w, bl.w) + gap, gap],
                     paddingBottomRight: [Math.max(tr.w, br.w) + gap, gap]}
                ];
                var best = null, bestZoom = -Infinity;
                choices.forEach(function (choice) {
                    var padding = L.point(choice.paddingTopLeft).add(choice.paddingBottomRight);
                    if (padding.x >= mapSize.x || padding.y >= mapSize.y) { return; }
                    var zoom = map.getBoundsZoom(bounds, false, padding);
                    if (isFinite(zoom) && zoom > bestZoom) { bestZoom = zoom; best = choice; }
                });
                if (best === null) {  // controls fill the map (a tiny map): fit the bounds only
                    best = {paddingTopLeft: [gap, gap], paddingBottomRight: [gap, gap]};
                }
                best.maxZoom = {{ this.max_zoom }};
                best.animate = false;
                map.fitBounds(bounds, best);
                fitted = map.getZoom();
                map.getContainer().setAttribute("data-sk-fitted-zoom", String(fitted));
                map.getContainer().setAttribute("data-sk-fit", {{ this.bounds_text }});
            }
            // Something else may set the view after the fit (the component's own first view):
            // fit again, a bounded number of times, until the person moves the map.
            var fitted = null, refits = 0;
            map.on("moveend", function () {
                if (touched || fitted === null || refits > 20 || !map.hasLayer(group)) { return; }
                if (Math.abs(map.getZoom() - fitted) > 1e-6 || !map.getBounds().contains(bounds)) {
                    refits += 1;
                    later();
                }
            });
            // The map's frame can still grow after the first fit (the iframe is laid out late):
            // fit again on a resize, until the person moves the map themselves.
            var touched = false;
            ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
                map.getContainer().addEventListener(name, function () {
                    touched = true;
                    map.getContainer().setAttribute("data-sk-touched", name);
                });
            });
            function again() {
                if (!touched && map.hasLayer(group)) { later(); }
            }
            // After the legends have folded or opened for the new size; a legend folding by
            // itself frees room too ("toggle" does not bubble: listen while it is captured).
            map.on("resize", again);
            map.getContainer().addEventListener("toggle", again, true);
            function later() { setTimeout(function () { fit(0); }, 60); }
            // Fit, and fit again a few times while the frame and its legends settle (each fit
            // measures the controls anew), unless the person has moved the map.
            function settle() {
                [60, 400, 1300, 3000].forEach(function (ms) {
                    setTimeout(function () { if (!touched) { fit(0); } }, ms);
                });
            }
            group.on("add", settle);
            if (map.hasLayer(group)) { settle(); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        super().__init__()
        self._name = "FitToChange"
        south, west, north, east = (float(v) for v in bounds)
        corners = [[south, west], [north, east]]
        self.bounds_json = json.dumps(corners)
        self.bounds_text = json.dumps(json.dumps(corners))
        self.gap = FIT_GAP_PX
        self.max_zoom = FIT_MAX_ZOOM


def fit_to(
    group: folium.FeatureGroup, bounds: tuple[float, float, float, float] | None
) -> folium.FeatureGroup:
    """Make ``group`` open the map on ``bounds`` (nothing when ``None``); return the group."""
    if bounds is not None:
        group.add_child(FitToChange(bounds))
    return group
