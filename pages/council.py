"""Fullmäktigeläge: a scenario against today in a few large numbers, for a projector.

The key figures refresh by themselves (``st.fragment(run_every=...)``): needs registered and
scenario edits saved elsewhere appear without a reload.  One click downloads the decision brief
as PDF or PNG (``analysis.brief``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis import brief, evaluate, maps, needs, store
from analysis.i18n import fmt_date, fmt_number, fmt_percent, fmt_sek, t
from analysis.scenarios import Scenario
from ui import auth, data, page, tables

REFRESH_SECONDS = 15
MODE = "car"
THRESHOLD_MIN = 20
FIGURES_PER_ROW = 3

auth.require_planner()
lang, region = page.header("nav.council")
region_id = region.info.region_id
database = data.database()
data.ensure_demo_needs(region)

page.wrap_key_figures()
if st.toggle(t("council.presentation", lang), value=False, key="council_presentation"):
    # Large type and no sidebar: what a projector at a council meeting needs.
    st.html(
        "<style>section[data-testid='stSidebar']{display:none}"
        "[data-testid='stMetricValue']{font-size:3.2rem}"
        "[data-testid='stMetricLabel'] p{font-size:1.25rem}</style>"
    )

records = store.list_scenarios(database, region_id)
if not records:
    st.info(t("council.no_scenarios", lang))
    st.stop()
by_id = {record.scenario_id: record for record in records}
scenario_id = st.selectbox(
    t("council.scenario", lang),
    list(by_id),
    format_func=lambda v: by_id[v].name,
    key="council_scenario",
)


def _result(record: store.ScenarioRecord) -> tuple[Scenario, evaluate.ScenarioResult]:
    scenario = Scenario.from_changes(
        region_id, record.name, record.changes, record.author, record.description
    )
    baseline = data.baseline(region_id)
    after = data.scenario_analysis(region_id, scenario.fingerprint(), scenario.changes_json())
    stored_needs = needs.list_needs(database, region_id)
    return scenario, evaluate.evaluate(baseline, after, scenario, MODE, THRESHOLD_MIN, stored_needs)


def key_figures(result: evaluate.ScenarioResult) -> list[brief.KeyFigure]:
    """The council's few numbers, formatted, with a plain-Swedish caption each."""
    h = result.headline()
    municipality = result.budget.set_index("sector")
    municipal_change = (
        float(municipality.at["municipality", "change_sek"])
        if "municipality" in municipality.index
        else 0.0
    )
    share = h["one_place_after"] / h["residents"] if h["residents"] else 0.0
    return [
        brief.KeyFigure(
            t("council.fig_one_place", lang, minutes=THRESHOLD_MIN),
            fmt_number(h["one_place_before"], 0, lang),
            fmt_number(h["one_place_after"], 0, lang),
            t("council.cap_one_place", lang, share=fmt_percent(share, 0, lang)),
        ),
        brief.KeyFigure(
            t("council.fig_old_pharmacy", lang),
            fmt_number(h["old_far_from_pharmacy_before"], 0, lang),
            fmt_number(h["old_far_from_pharmacy_after"], 0, lang),
            t("council.cap_old_pharmacy", lang),
        ),
        brief.KeyFigure(
            t("council.fig_needs", lang, minutes=THRESHOLD_MIN),
            "0",
            fmt_number(h["needs_met"], 0, lang),
            t("council.cap_needs", lang),
        ),
        brief.KeyFigure(
            t("council.fig_cost", lang),
            fmt_sek(0, lang),
            fmt_sek(municipal_change, lang, signed=True),
            t(
                "council.cap_cost",
                lang,
                total=fmt_sek(h["cost_after_sek"] - h["cost_before_sek"], lang, signed=True),
            ),
        ),
        brief.KeyFigure(
            t("council.fig_slower", lang),
            "0",
            fmt_number(h["residents_slower"], 0, lang),
            t("council.cap_slower", lang),
        ),
    ]


def locality_table(result: evaluate.ScenarioResult) -> pd.DataFrame:
    """Share reaching all everyday services at one place, per locality, before and after."""
    names = tables.locality_names(region, lang)
    merged = result.bundle_before.merge(
        result.bundle_after, on=["group", "weight"], suffixes=("_before", "_after")
    )
    return pd.DataFrame(
        {
            t("common.locality", lang): [names.get(g, g) for g in merged["group"]],
            t("indicators.residents", lang): [
                fmt_number(v, 0, lang) for v in merged["residents_before"]
            ],
            t("scen.one_place_before", lang): [
                fmt_percent(v, 0, lang) for v in merged["share_all_one_place_before"]
            ],
            t("scen.one_place_after", lang): [
                fmt_percent(v, 0, lang) for v in merged["share_all_one_place_after"]
            ],
        }
    )


@st.fragment(run_every=REFRESH_SECONDS)
def live_figures() -> None:
    """Key figures, re-read from the store every few seconds (saved edits, new needs)."""
    record = store.get_scenario(database, scenario_id)
    if record is None:
        st.warning(t("council.gone", lang))
        return
    _, result = _result(record)
    figures = key_figures(result)
    # At most three per row: five in a row leave too little width for "+1 680 000 kr".
    columns = [
        column
        for _ in range(0, len(figures), FIGURES_PER_ROW)
        for column in st.columns(FIGURES_PER_ROW)
    ]
    for column, figure in zip(columns, figures, strict=False):
        column.metric(figure.label, figure.after, help=figure.caption)
        column.caption(f"{t('brief.before', lang)}: {figure.before}. {figure.caption}")
    count = len(needs.list_needs(database, region_id))
    st.caption(
        t(
            "council.updated",
            lang,
            time=fmt_date(dt.datetime.now(dt.UTC)),
            needs=fmt_number(count, 0, lang),
            seconds=REFRESH_SECONDS,
        )
    )


record = by_id[scenario_id]
st.subheader(record.name)
if record.description:
    st.text(record.description)
live_figures()

scenario, result = _result(record)
cells = region.population
col_before, col_after = st.columns(2)
for column, minutes, key in (
    (col_before, result.one_place_before, "before"),
    (col_after, result.one_place_after, "after"),
):
    with column:
        st.markdown(f"**{t(f'council.map_{key}', lang, minutes=THRESHOLD_MIN)}**")
        m = maps.base_map(region, lang, roads=False)
        maps.travel_time_layer(
            m,
            cells,
            pd.Series(minutes.to_numpy(), index=cells.index),
            t("council.map_subject", lang),
            lang,
        )
        st_folium(
            m, returned_objects=[], height=430, use_container_width=True, key=f"council_{key}"
        )
st.caption(t("council.map_caption", lang))

table = locality_table(result)
st.dataframe(table, hide_index=True, width="stretch")

content = brief.BriefContent(
    title=t("council.brief_title", lang),
    region_name=region.info.name,
    scenario_name=record.name,
    scenario_description=record.description or "",
    key_figures=key_figures(result),
    cells=cells,
    minutes_before=result.one_place_before,
    minutes_after=result.one_place_after,
    map_subject=t("council.map_subject", lang),
    locality_table=table,
    sources=[*region.info.sources, t("council.source_needs", lang)],
    fictional=region.info.fictional,
    boundary=region.boundary,
    lang=lang,
)
col_pdf, col_png = st.columns(2)
stem = f"beslutsunderlag-{region_id}-{dt.date.today().isoformat()}"
col_pdf.download_button(
    t("council.download_pdf", lang),
    brief.render_brief(content, "pdf"),
    file_name=f"{stem}.pdf",
    mime="application/pdf",
    type="primary",
)
col_png.download_button(
    t("council.download_png", lang),
    brief.render_brief(content, "png"),
    file_name=f"{stem}.png",
    mime="image/png",
)
