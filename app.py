"""Servicekartan: entry point.  Registers every page and draws the menu; pages live in ``pages/``.

Every page is registered for everyone, so each address (``/invanarkarta``, ``/scenarier`` …)
always opens its own page instead of Streamlit's English "Page not found" dialog; a planner page
opened without a login shows the login form in its place (``ui.auth.require_planner``).  The
menu (``ui.page.menu``) lists the public pages and, only for a logged-in planner, the planner
pages.  The root address opens the start page of the visitor's role.  Run with
``bash scripts/run.sh`` and open http://localhost:8501.
"""

from __future__ import annotations

import streamlit as st

from analysis.i18n import t
from ui import auth, page, state

st.set_page_config(page_title="Servicekartan", page_icon="🗺️", layout="wide")
state.init()
menu_slot = page.sidebar()
lang = state.lang()
planner = auth.is_planner()

public_map = st.Page(
    "pages/public_map.py", title=t("nav.public_map", lang), url_path="invanarkarta"
)
about = st.Page("pages/about.py", title=t("nav.about", lang), url_path="om")
login = st.Page("pages/login.py", title=t("auth.title", lang), url_path="logga-in")
planner_map = st.Page(
    "pages/planner_map.py", title=t("nav.planner_map", lang), url_path="planeringskarta"
)
planner_pages = [
    planner_map,
    st.Page("pages/needs_review.py", title=t("nav.needs", lang), url_path="behov"),
    st.Page("pages/scenarios.py", title=t("nav.scenarios", lang), url_path="scenarier"),
    st.Page("pages/council.py", title=t("nav.council", lang), url_path="fullmaktige"),
    st.Page("pages/import_data.py", title=t("nav.import", lang), url_path="importera"),
]


def start() -> None:
    """The root address: the planner map for a planner, the public map for everyone else."""
    st.switch_page(planner_map if auth.is_planner() else public_map)


chosen = st.navigation(
    [
        st.Page(start, title="Servicekartan", url_path="start", default=True),
        public_map,
        about,
        login,
        *planner_pages,
    ],
    position="hidden",
)
page.menu(
    menu_slot,
    {
        t("nav.section_public", lang): [public_map, about],
        t("nav.section_planner", lang): planner_pages if planner else [login],
    },
)
if planner:
    auth.logout_button()
chosen.run()
