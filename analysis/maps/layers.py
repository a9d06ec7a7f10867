"""Feature layers: services, needs, localities, candidate sites, changes, isochrones, home.

Most functions add a feature group to the map and a section to its legend; the scenario's
changed services and the isochrones from a clicked point are returned as stand-alone groups
instead, for ``st_folium(feature_group_to_add=...)`` (the isochrones with their own legend box).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.errors import DataModelError
from analysis.i18n import fmt_date, fmt_number, fmt_sek, t
from analysis.maps.assets import use_local_assets
from analysis.maps.display import (
    _display,
    _feature_collection,
    _pane,
    _popup,
    _require_metric,
    _vocabulary,
    escape_text,
)
from analysis.maps.legends import (
    LayerLegend,
    Legend,
    _fill_swatch,
    _keep_controls_last,
    legend,
    text_colour_on,
)
from analysis.model import CATEGORIES, CATEGORY_BY_ID, Category

#: Marker of the place a resident chose ("your place").
HOME_COLOUR: Final = "#08306b"

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


def _home_pin(lat: float, lon: float, label: str) -> folium.Marker:
    use_local_assets()
    name = escape_text(label)
    access = f'role="img" aria-label="{name}" title="{name}"' if label else 'aria-hidden="true"'
    return folium.Marker(
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


def home_marker(m: folium.Map, lat: float, lon: float, label: str = "") -> folium.Marker:
    """Add a marker for the place a resident chose (a pin, distinct from every service).

    ``label`` (e.g. "Din plats") becomes its accessible name and tooltip; it is escaped.
    """
    marker = _home_pin(lat, lon, label)
    marker.add_to(m)
    _keep_controls_last(m)
    return marker


def home_layer(lat: float, lon: float, label: str = "") -> folium.FeatureGroup:
    """The pin of :func:`home_marker` in a group of its own, for a map whose base is rendered once.

    Sent as a ``feature_group_to_add`` layer, a new place replaces only the pin in the browser
    (the base map with its services stays).
    """
    group = folium.FeatureGroup(name=escape_text(label) or "home", control=False)
    _home_pin(lat, lon, label).add_to(group)
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
