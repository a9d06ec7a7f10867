"""Cached loaders: the UI boundary between pages and the engine.

Cache keys are plain values (region id, scenario fingerprint).  ``cache_resource`` objects are
shared by every session and must never be mutated by a caller: every engine function used on
them returns new objects.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from analysis import accessibility, evaluate, io, needs, store
from analysis.io import Region, RegionInfo
from analysis.scenarios import Scenario


@st.cache_data(ttl=60, show_spinner=False)
def regions() -> list[RegionInfo]:
    """Return the region packages available (refreshed every minute, so imports show up)."""
    return io.list_regions()


@st.cache_resource(max_entries=4, show_spinner=False)
def region(region_id: str) -> Region:
    """Return the loaded, validated region package ``region_id`` (shared, read-only)."""
    return io.load_region(region_id)


@st.cache_resource(show_spinner=False)
def database() -> store.Store:
    """Return the process-wide DuckDB store (one lease per process, a cursor per call)."""
    return store.open_store()


@st.cache_resource(max_entries=4, show_spinner=False)
def baseline(region_id: str) -> accessibility.Analysis:
    """Return the network and baseline travel times of a region.

    Computed once per process, and persisted in the DuckDB store so that a restart reads the
    routing results back instead of recomputing them.
    """
    return accessibility.stored_baseline(region(region_id), database())


@st.cache_resource(max_entries=32, show_spinner=False)
def scenario_analysis(
    region_id: str, fingerprint: str, changes_json: str
) -> accessibility.Analysis:
    """Return a scenario's analysis, updated incrementally from the baseline.

    ``fingerprint`` is the cache key (:meth:`Scenario.fingerprint`); ``changes_json`` carries the
    changes themselves (they determine the fingerprint, so the two always agree).
    """
    del fingerprint  # part of the cache key only
    scenario = Scenario.from_changes_json(region_id, "", changes_json)
    return accessibility.scenario_analysis(baseline(region_id), scenario)


@st.cache_resource(max_entries=16, show_spinner=False)
def scenario_result(
    region_id: str,
    fingerprint: str,
    changes_json: str,
    mode: str,
    threshold_min: float,
    needs_key: str,
    _needs: gpd.GeoDataFrame | None,
) -> evaluate.ScenarioResult:
    """Return a scenario compared with today (default budget, every age group), shared.

    The council view shows the same comparison in its live figures, its maps, its table and
    its brief: it is computed once per scenario, mode, threshold and set of registered needs
    (``_needs``, keyed by ``needs_key``, e.g. :func:`ui.basemaps.frame_key`).
    """
    del needs_key  # part of the cache key only
    scenario = Scenario.from_changes_json(region_id, "", changes_json)
    return evaluate.evaluate(
        baseline(region_id),
        scenario_analysis(region_id, fingerprint, changes_json),
        scenario,
        mode,
        threshold_min,
        _needs,
    )


def ensure_demo_needs(region_value: Region) -> None:
    """Copy a fictional region's demo needs into the store once (idempotent)."""
    if region_value.info.fictional and region_value.needs is not None:
        _seed_once(region_value.info.region_id)


@st.cache_resource(show_spinner=False)
def _seed_once(region_id: str) -> int:
    return needs.seed_demo_needs(database(), region(region_id))
