"""Choropleths of grid cells: population, counts, travel times, before/after differences.

Cells are drawn in the browser from compact coordinates (:class:`~analysis.maps.encoding._CellGrid`)
with a tooltip written there from their numbers.  The classes (``*_classes``,
:func:`travel_time_band`) are the ones the PDF brief uses too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.utilities import JsCode

from analysis import settings
from analysis.errors import DataModelError
from analysis.i18n import fmt_number, t
from analysis.maps.assets import use_local_assets
from analysis.maps.display import _pane, _require_metric, escape_text
from analysis.maps.encoding import _CellGrid, _js_string
from analysis.maps.legends import LayerLegend, Legend, _fill_swatch, _keep_controls_last, legend

#: Lower bounds of the population classes (residents per grid cell); empty cells are not drawn.
POPULATION_BREAKS: Final = (1, 5, 10, 25, 50, 100)
#: One colour per population class (ColorBrewer YlOrBr without its palest step, which would
#: vanish on the light basemap).
POPULATION_COLOURS: Final = ("#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04")
#: Lower bounds of the classes of counted things per cell (registered needs per 1 km cell).
COUNT_BREAKS: Final = (1, 5, 10, 20, 50)
#: One colour per count class (ColorBrewer Purples without its palest steps).
COUNT_COLOURS: Final = ("#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486")
#: One colour per travel-time band, shortest first (viridis: readable with colour blindness),
#: the band boundaries being :data:`analysis.settings.THRESHOLDS_MIN`.
TRAVEL_TIME_COLOURS: Final = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
#: Fill of cells from which the service cannot be reached at all.
UNREACHABLE_COLOUR: Final = "#9e9e9e"


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
