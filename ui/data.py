"""Cached loaders: the UI boundary between pages and the engine.

Cache keys are plain values (region id, scenario hash).  ``cache_resource`` objects are shared
by every session and must never be mutated by a caller.
"""

from __future__ import annotations

import streamlit as st

from analysis import io
from analysis.io import Region, RegionInfo


@st.cache_data(ttl=60, show_spinner=False)
def regions() -> list[RegionInfo]:
    """Return the region packages available (refreshed every minute, so imports show up)."""
    return io.list_regions()


@st.cache_resource(max_entries=4, show_spinner=False)
def region(region_id: str) -> Region:
    """Return the loaded, validated region package ``region_id`` (shared, read-only)."""
    return io.load_region(region_id)
