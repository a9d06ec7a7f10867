"""The user's choices in ``st.session_state``, initialised in one place.

Only choices live here (language, region, scenario, map view); datasets never do.
"""

from __future__ import annotations

import streamlit as st

from analysis import settings
from analysis.i18n import LANGUAGES

DEFAULTS: dict[str, object] = {
    "lang": "sv",
    "region_id": settings.DEFAULT_REGION,
    "scenario_id": None,
}


def init() -> None:
    """Set every choice to its default unless already chosen.

    ``?lang=en`` and ``?region=<id>`` in the URL win once, when a session starts, so a link can
    open a page in English or on another region (an unknown region id falls back to the first
    one in the sidebar's region picker).
    """
    requested = st.query_params.get("lang")
    if requested in LANGUAGES and "lang" not in st.session_state:
        st.session_state["lang"] = requested
    region = st.query_params.get("region")
    if region and "region_id" not in st.session_state:
        st.session_state["region_id"] = str(region)[:100]
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def lang() -> str:
    """Return the chosen UI language code (``"sv"`` or ``"en"``)."""
    return str(st.session_state.get("lang", "sv"))


def region_id() -> str:
    """Return the chosen region id."""
    return str(st.session_state.get("region_id", settings.DEFAULT_REGION))
