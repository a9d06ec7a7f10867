"""Servicekartan: entry point.  Builds the menu; every page lives in ``pages/``.

Planner pages are in the menu only for a logged-in planner; anyone else sees the public pages
and the login page.  Run with ``bash scripts/run.sh`` and open http://localhost:8501.
"""

from __future__ import annotations

import streamlit as st

from analysis.i18n import t
from ui import auth, page, state

st.set_page_config(page_title="Servicekartan", page_icon="🗺️", layout="wide")
state.init()
page.sidebar()
lang = state.lang()
planner = auth.is_planner()

public_pages = [
    st.Page(
        "pages/public_map.py",
        title=t("nav.public_map", lang),
        url_path="invanarkarta",
        default=not planner,
    ),
    st.Page("pages/about.py", title=t("nav.about", lang), url_path="om"),
]
if planner:
    auth.logout_button()
    planner_pages = [
        st.Page(
            "pages/planner_map.py",
            title=t("nav.planner_map", lang),
            url_path="planeringskarta",
            default=True,
        ),
        st.Page("pages/needs_review.py", title=t("nav.needs", lang), url_path="behov"),
        st.Page("pages/scenarios.py", title=t("nav.scenarios", lang), url_path="scenarier"),
        st.Page("pages/council.py", title=t("nav.council", lang), url_path="fullmaktige"),
        st.Page("pages/import_data.py", title=t("nav.import", lang), url_path="importera"),
    ]
else:
    planner_pages = [st.Page("pages/login.py", title=t("auth.title", lang), url_path="logga-in")]
st.navigation(
    {t("nav.section_public", lang): public_pages, t("nav.section_planner", lang): planner_pages}
).run()
