"""Planner login (local password or the municipality's OIDC provider)."""

from __future__ import annotations

import streamlit as st

from analysis.i18n import t
from ui import auth, state

lang = state.lang()
st.title(t("auth.title", lang))
st.write(t("auth.intro", lang))
auth.login_form()
