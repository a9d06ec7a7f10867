"""Planner map: services, population, roads, localities, registered needs and travel times.

The page only composes: layer choices in the sidebar, the map from ``analysis.maps`` (offline
basemap, self-hosted Leaflet), a travel-time layer per category and mode from the routing
engine (cached per region in ``ui.data``), a detail panel for the clicked service, need or
cell, and the indicator table per locality.  ``st_folium`` returns only the last clicked
object, so panning and zooming do not rerun the page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import accessibility, effect, indicators, maps, needs, priorities
from analysis.i18n import fmt_minutes, fmt_number, t
from analysis.isochrones import isochrones
from analysis.model import CATEGORIES, NEED_IDS, NEEDS
from analysis.settings import AGE_GROUPS, MODES, THRESHOLDS_MIN
from ui import auth, basemaps, data, page, tables

auth.require_planner()
lang, region = page.header("nav.planner_map")

category_names = {c.id: t(f"category.{c.id}", lang) for c in CATEGORIES}
present = [c.id for c in CATEGORIES if (region.services["category"] == c.id).any()]
data.ensure_demo_needs(region)
stored_needs = needs.list_needs(data.database(), region.info.region_id)
has_needs = len(stored_needs) > 0

need_names = {n: t(f"need.{n}", lang) for n in NEED_IDS}
needs_present = [n for n in NEED_IDS if set(NEEDS[n]) & set(present)]

with st.sidebar.expander(t("planner_map.travel_times", lang), expanded=True):
    # Needs first (a pharmacy agent meets the need for medicines too); categories one switch away.
    by_category = st.toggle(
        t("planner_map.by_category", lang), value=False, key="planner_map_by_category"
    )
    subject_names = category_names if by_category else need_names
    time_subject = st.selectbox(
        t("planner_map.time_category", lang),
        [None, *(present if by_category else needs_present)],
        format_func=lambda value: t("common.none", lang) if value is None else subject_names[value],
        key="planner_map_time_category" if by_category else "planner_map_time_need",
    )
    time_category = time_subject
    time_mode = st.radio(
        t("planner_map.time_mode", lang),
        MODES,
        format_func=lambda value: t(f"mode.{value}", lang),
        horizontal=True,
        key="planner_map_time_mode",
    )
    show_isochrones = st.checkbox(
        t("planner_map.isochrones", lang), value=False, key="planner_map_isochrones"
    )

with st.sidebar.expander(t("planner_map.layers", lang), expanded=True):
    chosen = st.multiselect(
        t("planner_map.categories", lang),
        options=present,
        default=present,
        format_func=lambda category_id: category_names[category_id],
        key=f"planner_map_categories_{region.info.region_id}",
    )
    # A travel-time layer colours the same cells: the population grid and the needs then start
    # switched off so the minutes stay readable (both can be switched on again).
    show_population = st.checkbox(
        t("planner_map.show_population", lang), value=time_category is None
    )
    show_roads = st.checkbox(t("planner_map.show_roads", lang), value=True)
    show_localities = st.checkbox(t("planner_map.show_localities", lang), value=False)
    show_needs = st.checkbox(
        t("planner_map.show_needs", lang),
        value=has_needs and time_category is None,
        disabled=not has_needs,
    )
    online_tiles = st.checkbox(t("planner_map.online_tiles", lang), value=False)

time_layer = None
with page.user_errors(), st.spinner(t("planner_map.computing", lang)):
    baseline = data.baseline(region.info.region_id)
    minutes_by_mode = {mode: baseline.minutes(mode) for mode in MODES}
    # What the layer and the table show: minutes to each need (the nearest service meeting
    # it), or to each category.  Kept apart: some needs share their id with a category.
    subject_minutes = (
        minutes_by_mode
        if by_category
        else {time_mode: effect.need_minutes(minutes_by_mode[time_mode])}
    )

with page.user_errors():
    # The base (basemap, chosen layers and services) is rendered once per choice and shared;
    # the travel-time layer and the isochrones go on top, so a switch replaces only them.
    base = basemaps.planner_base_map(
        region.info.region_id,
        lang,
        online_tiles=online_tiles,
        roads=show_roads,
        population=show_population,
        localities=show_localities,
        categories=tuple(chosen),
        needs_key=basemaps.frame_key(stored_needs if show_needs else None),
        _needs=stored_needs if show_needs else None,
    )
    if time_category is not None:
        cell_minutes = subject_minutes[time_mode][time_category]
        time_layer = maps.travel_time_layer(
            page.layer_holder(),
            region.population,
            pd.Series(cell_minutes.to_numpy(), index=region.population.index),
            f"{subject_names[time_category]}, {t(f'mode.{time_mode}', lang).lower()}",
            lang,
            attach=False,
        )

st.caption(
    t(
        "planner_map.summary",
        lang,
        services=fmt_number(int(region.services["category"].isin(chosen).sum()), 0, lang),
        categories=fmt_number(len(chosen), 0, lang),
        residents=fmt_number(int(region.population["pop_total"].sum()), 0, lang),
    )
)

extra_layers = [layer for layer in (time_layer,) if layer is not None]
iso_point = st.session_state.get("planner_map_iso_point") if show_isochrones else None
if iso_point is not None:
    with page.user_errors():
        bands = isochrones(
            baseline.network, accessibility.lonlat_to_metric(iso_point[1], iso_point[0]), time_mode
        )
        extra_layers.append(
            maps.isochrone_layer(
                bands,
                iso_point,
                t("planner_map.isochrone_title", lang, mode=t(f"mode.{time_mode}", lang).lower()),
                lang,
            )
        )
if show_isochrones:
    st.caption(t("planner_map.isochrone_hint", lang))
result = page.show_map(
    base,
    extra_layers,
    key="planner_map",
    height=680,
    returned_objects=["last_object_clicked", "last_clicked"],
)
map_click = (result or {}).get("last_clicked")
if show_isochrones and map_click:
    spot = (float(map_click["lat"]), float(map_click["lng"]))
    if spot != st.session_state.get("planner_map_iso_point"):
        st.session_state["planner_map_iso_point"] = spot
        st.rerun()
if region.info.fictional:
    st.caption(t("planner_map.fictional_caption", lang))

st.subheader(t("planner_map.details", lang))
clicked = (result or {}).get("last_object_clicked")
found = (
    maps.nearest_feature(region, float(clicked["lat"]), float(clicked["lng"])) if clicked else None
)
cell = maps.cell_at(region, float(clicked["lat"]), float(clicked["lng"])) if clicked else None
if found is None and cell is None:
    st.caption(t("planner_map.details_hint", lang))
elif found is not None:
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
else:
    st.caption(
        t(
            "planner_map.details_cell",
            lang,
            cell_id=cell["cell_id"],
            residents=fmt_number(int(cell["pop_total"]), 0, lang),
        )
    )
    st.dataframe(
        pd.DataFrame(
            {
                t("public.col_service", lang): [category_names[c] for c in present],
                **{
                    t(f"mode.{mode}", lang): [
                        fmt_minutes(minutes_by_mode[mode].at[cell["cell_id"], c], lang)
                        for c in present
                    ]
                    for mode in MODES
                },
            }
        ),
        hide_index=True,
    )

if time_category is not None:
    st.subheader(
        t(
            "planner_map.indicator_title",
            lang,
            category=subject_names[time_category],
            mode=t(f"mode.{time_mode}", lang).lower(),
        )
    )
    weight = st.radio(
        t("planner_map.age_group", lang),
        ["pop_total", *AGE_GROUPS],
        format_func=lambda value: t(f"age.{value}", lang),
        horizontal=True,
        key="planner_map_weight",
    )
    table = indicators.indicator_table(
        region.population, subject_minutes[time_mode][[time_category]], weight=weight
    )
    st.dataframe(tables.indicator_display(table, region, lang), hide_index=True)
    st.caption(t("planner_map.indicator_caption", lang))
    with st.expander(t("planner_map.e2sfca_title", lang)), page.user_errors():
        if by_category:
            ratio = accessibility.e2sfca_per_cell(baseline, time_category, time_mode)
            st.dataframe(tables.e2sfca_display(ratio, region, lang), hide_index=True)
            st.caption(t("planner_map.e2sfca_caption", lang))
        else:
            st.caption(t("planner_map.e2sfca_category_only", lang))

# --- Where to start: the localities a hub would help most ------------------------------------
st.subheader(t("priorities.title", lang))
col_needs, col_age, col_limit = st.columns([3, 2, 1])
priority_needs = col_needs.multiselect(
    t("priorities.needs", lang),
    needs_present,
    default=[n for n in priorities.DEFAULT_PRIORITY_NEEDS if n in needs_present],
    format_func=need_names.__getitem__,
    placeholder=t("priorities.choose_needs", lang),
    key="priorities_needs",
)
priority_weight = col_age.selectbox(
    t("planner_map.age_group", lang),
    ["pop_total", *AGE_GROUPS],
    index=["pop_total", *AGE_GROUPS].index(priorities.DEFAULT_PRIORITY_WEIGHT),
    format_func=lambda value: t(f"age.{value}", lang),
    key="priorities_weight",
)
priority_limit = col_limit.select_slider(
    t("needs_ui.threshold", lang),
    list(THRESHOLDS_MIN),
    value=int(priorities.DEFAULT_PRIORITY_THRESHOLD_MIN),
    key="priorities_threshold",
)
if not priority_needs:
    st.info(t("priorities.choose_needs", lang))
else:
    with page.user_errors():
        ranking = priorities.locality_priorities(
            region.population,
            baseline.minutes(time_mode),
            priority_needs,
            priority_weight,
            priority_limit,
        )
    names = tables.locality_names(region, lang)
    st.dataframe(
        tables.priorities_display(
            ranking, names, need_names, lang, priority_limit, priority_weight
        ),
        hide_index=True,
    )
    st.caption(
        t(
            "priorities.caption",
            lang,
            mode=t(f"mode.{time_mode}", lang).lower(),
            age=t(f"age.{priority_weight}", lang).lower(),
            minutes=priority_limit,
        )
    )
