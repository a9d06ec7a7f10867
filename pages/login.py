"""Planner login (local password or the municipality's OIDC provider).

A planner who is already logged in (or has just logged in) goes on to the planner map.
"""

from __future__ import annotations

import streamlit as st

from analysis.i18n import t
from ui import auth, state

if auth.is_planner():
    st.switch_page("pages/planner_map.py")
lang = state.lang()
st.title(t("auth.title", lang))
st.write(t("auth.intro", lang))
auth.login_form()
