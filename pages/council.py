"""Fullmäktigeläge: a scenario against today in a few large numbers, for a projector.

The key figures refresh by themselves (``st.fragment(run_every=...)``): needs registered and
scenario edits saved elsewhere appear without a reload.  One click downloads the decision brief
as PDF or PNG (``analysis.brief``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analysis import brief, evaluate, headlines, map_fit, maps, needs, store
from analysis import effect as effect_engine
from analysis.i18n import fmt_date, fmt_number, t
from analysis.model import CATEGORY_IDS, NEED_IDS
from analysis.scenarios import Scenario
from ui import auth, basemaps, data, page, tables
from ui import figures as figures_ui

REFRESH_SECONDS = 15
MODE = "car"
THRESHOLD_MIN = 20
FIGURES_PER_ROW = 3

auth.require_planner()
lang, region = page.header("nav.council")
region_id = region.info.region_id
database = data.database()
locality_names = tables.locality_names(region, lang)
category_names = {c: t(f"category.{c}", lang) for c in CATEGORY_IDS}
need_names = {n: t(f"need.{n}", lang) for n in NEED_IDS}
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
    stored_needs = needs.list_needs(database, region_id)
    result = data.scenario_result(
        region_id,
        scenario.fingerprint(),
        scenario.changes_json(),
        MODE,
        THRESHOLD_MIN,
        basemaps.frame_key(stored_needs),
        stored_needs,
    )
    return scenario, result


def key_figures(result: evaluate.ScenarioResult) -> list[headlines.KeyFigure]:
    """The figures that matter for this scenario, formatted, with a plain caption each."""
    return headlines.key_figures(result.headlines(), lang, locality_names, category_names)


def shown_need(result: evaluate.ScenarioResult) -> str | None:
    """The need the before/after maps show: the headline's, else the one changing most."""
    story = next((h.need for h in result.headlines() if h.need), None)
    ranked = effect_engine.changed_needs(result.effect)
    return story or (ranked[0] if ranked else None)


def locality_table(result: evaluate.ScenarioResult) -> pd.DataFrame:
    """Per locality that gains or loses: residents gaining in some need, slower to some service."""
    rows = result.effect.localities
    need = shown_need(result)
    story = (
        result.effect.subject_rows("need").set_index("group")
        if need is not None
        else pd.DataFrame()
    )
    if need is not None:
        story = story[story["subject"] == need]
    columns: dict[str, list[str]] = {
        t("common.locality", lang): [locality_names.get(g, g) for g in rows["locality_id"]],
        t("indicators.residents", lang): [fmt_number(v, 0, lang) for v in rows["residents"]],
        t("council.col_gaining", lang): [
            fmt_number(v, 0, lang) for v in rows["residents_gaining_any_need"]
        ],
        t("council.col_slower", lang): [
            fmt_number(v, 0, lang) for v in rows["residents_slower_any_service"]
        ],
    }
    if need is not None:
        header = t("council.col_within", lang, need=need_names[need].lower(), minutes=THRESHOLD_MIN)
        columns[header] = [
            (
                f"{fmt_number(story.at[g, f'within_{THRESHOLD_MIN}_before'], 0, lang)} → "
                f"{fmt_number(story.at[g, f'within_{THRESHOLD_MIN}_after'], 0, lang)}"
            )
            if g in story.index
            else "–"
            for g in rows["locality_id"]
        ]
    return pd.DataFrame(columns)


@st.fragment(run_every=REFRESH_SECONDS)
def live_figures() -> None:
    """Key figures, re-read from the store every few seconds (saved edits, new needs)."""
    record = store.get_scenario(database, scenario_id)
    if record is None:
        st.warning(t("council.gone", lang))
        return
    _, result = _result(record)
    story = result.headlines()
    st.markdown(f"**{figures_ui.plain(headlines.summary_sentence(story, lang, locality_names))}**")
    # At most three per row: five in a row leave too little width for "+1 680 000 kr".
    figures_ui.show_key_figures(key_figures(result), lang, FIGURES_PER_ROW)
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
need = shown_need(result)
# The maps open where the need they show changes (all changed cells when no need changes).
bounds = effect_engine.changed_bounds(
    cells,
    result.effect.changed_cells_of(f"need:{need}")
    if need is not None
    else result.effect.changed_cells,
)
if need is not None:
    map_before = result.effect.minutes_before[f"need:{need}"]
    map_after = result.effect.minutes_after[f"need:{need}"]
    subject = t("council.map_subject_need", lang, need=need_names[need].lower())
else:
    map_before = map_after = result.one_place_before
    subject = t("council.map_subject", lang)
col_before, col_after = st.columns(2)
for column, minutes, key in ((col_before, map_before, "before"), (col_after, map_after, "after")):
    with column:
        st.markdown(f"**{figures_ui.plain(t(f'council.map_{key}', lang, subject=subject))}**")
        # Both maps share one prerendered base (same extent and colours); only the layer differs.
        layer = maps.travel_time_layer(
            page.layer_holder(),
            cells,
            pd.Series(minutes.to_numpy(), index=cells.index),
            subject,
            lang,
            attach=False,
        )
        map_fit.fit_to(layer, bounds)
        page.show_map(
            basemaps.council_base_map(region_id, lang),
            [layer],
            key=f"council_{key}",
            height=480,
            returned_objects=[],
        )
st.caption(t("council.map_caption", lang))

table = locality_table(result)
if len(table):
    st.markdown(f"**{t('council.table_title', lang)}**")
    st.dataframe(table, hide_index=True, width="stretch")

story = result.headlines()
content = brief.BriefContent(
    title=t("council.brief_title", lang),
    region_name=region.info.name,
    scenario_name=record.name,
    scenario_description=record.description or "",
    key_figures=key_figures(result),
    cells=cells,
    minutes_before=map_before,
    minutes_after=map_after,
    map_subject=subject,
    locality_table=table,
    sources=[*region.info.sources, t("council.source_needs", lang)],
    fictional=region.info.fictional,
    boundary=region.boundary,
    lang=lang,
    summary=headlines.summary_sentence(story, lang, locality_names),
    extent=bounds,
)
col_pdf, col_png = st.columns(2)
stem = f"beslutsunderlag-{region_id}-{dt.date.today().isoformat()}"
# The brief is drawn when a button is pressed, not on every run of the page (0.5–3 s each).
col_pdf.download_button(
    t("council.download_pdf", lang),
    lambda: brief.render_brief(content, "pdf"),
    file_name=f"{stem}.pdf",
    mime="application/pdf",
    type="primary",
)
col_png.download_button(
    t("council.download_png", lang),
    lambda: brief.render_brief(content, "png"),
    file_name=f"{stem}.png",
    mime="image/png",
)
