"""About Servicekartan: what it measures, the current region package and its sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.i18n import fmt_number, t
from analysis.model import LAYERS, NEEDS
from ui import page

lang, region = page.header("nav.about")
st.write(t("about.body", lang))
st.subheader(t("about.needs", lang))
st.write(t("about.needs_body", lang))
st.dataframe(
    pd.DataFrame(
        {
            t("about.need", lang): [t(f"need.{need}", lang) for need in NEEDS],
            t("about.met_by", lang): [
                ", ".join(t(f"category.{c}", lang) for c in categories)
                for categories in NEEDS.values()
            ],
        }
    ),
    hide_index=True,
)
st.subheader(t("about.region", lang))
st.markdown(f"**{region.info.name}**")
st.text(region.info.description)
st.metric(
    t("about.population_total", lang),
    fmt_number(int(region.population["pop_total"].sum()), lang=lang),
)
rows = []
for name in LAYERS:
    frame = region.layer(name)
    rows.append(
        {t("about.layer", lang): name, t("about.rows", lang): 0 if frame is None else len(frame)}
    )
st.subheader(t("about.layers", lang))
st.dataframe(pd.DataFrame(rows), hide_index=True)
if region.info.sources:
    st.subheader(t("about.sources", lang))
    for source in region.info.sources:
        st.text(f"• {source}")
