"""Planner map: services by category, population, roads, localities and registered needs.

The page only composes: layer choices in the sidebar, the map from ``analysis.maps`` (offline
basemap, self-hosted Leaflet), and a detail panel for the clicked service or need.
``st_folium`` returns only the last clicked object, so panning and zooming do not rerun it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis import maps
from analysis.i18n import fmt_number, t
from analysis.model import CATEGORIES
from ui import auth, page

auth.require_planner()
lang, region = page.header("nav.planner_map")

category_names = {c.id: t(f"category.{c.id}", lang) for c in CATEGORIES}
present = [c.id for c in CATEGORIES if (region.services["category"] == c.id).any()]
has_needs = region.needs is not None and len(region.needs) > 0

with st.sidebar.expander(t("planner_map.layers", lang), expanded=True):
    chosen = st.multiselect(
        t("planner_map.categories", lang),
        options=present,
        default=present,
        format_func=lambda category_id: category_names[category_id],
        key=f"planner_map_categories_{region.info.region_id}",
    )
    show_population = st.checkbox(t("planner_map.show_population", lang), value=True)
    show_roads = st.checkbox(t("planner_map.show_roads", lang), value=True)
    show_localities = st.checkbox(t("planner_map.show_localities", lang), value=False)
    show_needs = st.checkbox(
        t("planner_map.show_needs", lang), value=has_needs, disabled=not has_needs
    )
    online_tiles = st.checkbox(t("planner_map.online_tiles", lang), value=False)

with page.user_errors():
    m = maps.base_map(region, lang, online_tiles=online_tiles, roads=show_roads)
    if show_population:
        maps.population_layer(m, region.population, lang)
    if show_localities:
        maps.localities_layer(m, region.localities, lang)

    # --- Travel-time layer (added by the routing work) -------------------------------------
    # Choose a category and a mode here, compute minutes per population cell with the routing
    # engine (through a cached loader in ui/), then:
    #     maps.travel_time_layer(m, region.population, minutes, title, lang)
    # where ``minutes`` is a Series indexed like region.population (NaN = unreachable) and
    # ``title`` names category and mode (e.g. "Apotek, bil").  Draw it before the services so
    # the markers stay clickable; the legend gets the minute bands by itself.

    maps.services_layer(m, region.services, lang, categories=chosen)
    if show_needs:
        # Registered needs of the region package; the needs store can be swapped in here.
        maps.needs_layer(m, region.needs, lang)

st.caption(
    t(
        "planner_map.summary",
        lang,
        services=fmt_number(int(region.services["category"].isin(chosen).sum()), 0, lang),
        categories=fmt_number(len(chosen), 0, lang),
        residents=fmt_number(int(region.population["pop_total"].sum()), 0, lang),
    )
)

result = st_folium(
    m,
    key="planner_map",
    height=680,
    use_container_width=True,
    returned_objects=["last_object_clicked"],
)
if region.info.fictional:
    st.caption(t("planner_map.fictional_caption", lang))

st.subheader(t("planner_map.details", lang))
clicked = (result or {}).get("last_object_clicked")
found = (
    maps.nearest_feature(region, float(clicked["lat"]), float(clicked["lng"])) if clicked else None
)
if found is None:
    st.caption(t("planner_map.details_hint", lang))
else:
    kind, row = found
    rows = maps.feature_details(kind, row, lang)
    if kind == "services":
        heading = t("planner_map.details_service", lang)
        rows.insert(0, (t("maps.field.name", lang), str(row["name"])))
    else:
        heading = t("planner_map.details_need", lang)
    st.caption(heading)
    # A dataframe shows every value as plain text: no Markdown or HTML from the data runs.
    st.dataframe(
        pd.DataFrame(rows, columns=[t("planner_map.field", lang), t("planner_map.value", lang)]),
        hide_index=True,
    )
