"""Page frame: nav.needs. Says in Swedish what will come here until it is built."""

from __future__ import annotations

import streamlit as st

from analysis.i18n import t
from ui import auth, page

auth.require_planner()
lang, region = page.header("nav.needs")
st.write(t("placeholder.coming", lang, what=t("placeholder.needs_review", lang)))
