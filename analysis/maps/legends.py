"""The map's legend, the legend box of a stand-alone layer, swatches and text colours.

Layer functions add a section each to the map's one :class:`Legend` (:func:`legend`); a layer
sent to the browser on its own carries a :class:`LayerLegend`.  :func:`_keep_controls_last`
keeps the layer control and the legend after every layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import folium
from branca.element import MacroElement
from folium.template import Template

from analysis.i18n import t
from analysis.maps.display import escape_text
from analysis.maps.encoding import _js_string

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


def _keep_controls_last(m: folium.Map) -> None:
    """Move the layer control and the legend after every layer (they refer to the layers)."""
    for key, child in list(m._children.items()):
        if isinstance(child, (folium.LayerControl, Legend)):
            m._children.move_to_end(key)


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
