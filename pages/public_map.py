"""Page frame: nav.public_map. Says in Swedish what will come here until it is built."""

from __future__ import annotations

import streamlit as st

from analysis.i18n import t
from ui import page

lang, region = page.header("nav.public_map")
st.write(t("placeholder.coming", lang, what=t("placeholder.public_map", lang)))
