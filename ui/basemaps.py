"""Base maps rendered once per region and language (and layer choice), shared by every session.

A page shows a base map that rarely changes (the basemap, services, candidate sites) with the
layers that do change on top (travel times, a scenario's difference, the resident's pin):
:func:`ui.page.show_map` sends the prerendered base and renders only those layers on each rerun,
and the browser swaps the layers without rebuilding the map.  Each function here is a
``st.cache_resource``: its result is read-only and shared, keyed by plain values; a table a
base shows (registered needs) is passed unhashed (``_needs``) next to its :func:`frame_key`.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from analysis import maps
from analysis.i18n import t
from ui import data
from ui.page import PrerenderedMap, prerender_map


def frame_key(frame: pd.DataFrame | None) -> str:
    """A fingerprint of a table's values (not its geometry): the cache key of a base showing it."""
    if frame is None:
        return ""
    values = frame.drop(columns=["geometry"], errors="ignore")
    digest = hashlib.sha1(pd.util.hash_pandas_object(values, index=True).to_numpy().tobytes())
    return f"{len(frame)}:{digest.hexdigest()}"


@st.cache_resource(max_entries=8, show_spinner=False)
def scenario_base_map(region_id: str, lang: str) -> PrerenderedMap:
    """Return the scenario page's base map, rendered once per region and language.

    Today's map (the basemap, the candidate sites, today's services and their legend) stays the
    same while a scenario is edited; the scenario's layers go on top with :func:`show_map`.
    """
    region_value = data.region(region_id)
    m = maps.base_map(region_value, lang)
    maps.candidate_sites_layer(m, region_value.sites, lang)
    maps.services_layer(m, data.baseline(region_id).services, lang)
    # The scenario's cell layer is drawn in the map's fill pane: create it here (the layer
    # itself is thrown away; it comes with every rerun).
    cells = region_value.population
    maps.difference_layer(m, cells, pd.Series(0.0, index=cells.index), "", lang, attach=False)
    return prerender_map(m)


@st.cache_resource(max_entries=8, show_spinner=False)
def public_base_map(
    region_id: str, lang: str, counts_key: str, _need_counts: pd.DataFrame
) -> PrerenderedMap:
    """Return the public map: basemap, registered needs per km² (``_need_counts``), services.

    ``_need_counts`` is the public aggregate (cells with at least the public minimum) and
    ``counts_key`` its :func:`frame_key`: a new count makes a new base, so the map always shows
    what is stored.
    """
    del counts_key  # part of the cache key only
    need_counts = _need_counts
    region_value = data.region(region_id)
    m = maps.base_map(region_value, lang)
    if len(need_counts):
        maps.count_layer(m, need_counts, t("public.needs_layer", lang), lang)
    maps.services_layer(m, region_value.services, lang)
    return prerender_map(m)


@st.cache_resource(max_entries=16, show_spinner=False)
def planner_base_map(
    region_id: str,
    lang: str,
    *,
    online_tiles: bool,
    roads: bool,
    population: bool,
    localities: bool,
    categories: tuple[str, ...],
    needs_key: str,
    _needs: pd.DataFrame | None,
) -> PrerenderedMap:
    """Return the planner map's base for the layers chosen in the sidebar.

    The travel-time layer and the isochrones go on top with :func:`ui.page.show_map`: switching
    need, category or mode replaces only that layer.  The travel-time layer's cells are drawn
    in the fill pane, which the base creates.  ``_needs`` (the stored needs, or ``None`` when
    the layer is off) is keyed by ``needs_key``, its :func:`frame_key`.
    """
    del needs_key  # part of the cache key only
    needs = _needs
    region_value = data.region(region_id)
    m = maps.base_map(region_value, lang, online_tiles=online_tiles, roads=roads)
    cells = region_value.population
    if population:
        maps.population_layer(m, cells, lang)
    if localities:
        maps.localities_layer(m, region_value.localities, lang)
    maps.travel_time_layer(m, cells, pd.Series(0.0, index=cells.index), "", lang, attach=False)
    maps.services_layer(m, region_value.services, lang, categories=list(categories))
    if needs is not None:
        maps.needs_layer(m, needs, lang)
    return prerender_map(m)


@st.cache_resource(max_entries=8, show_spinner=False)
def council_base_map(region_id: str, lang: str) -> PrerenderedMap:
    """Return the council view's base map (no roads: the travel times are the story)."""
    region_value = data.region(region_id)
    m = maps.base_map(region_value, lang, roads=False)
    cells = region_value.population
    maps.travel_time_layer(m, cells, pd.Series(0.0, index=cells.index), "", lang, attach=False)
    return prerender_map(m)
