"""Registered needs for planners: review, workflow, analysis, import and export.

Tabs: the list (filters, status workflow with audit trail, editing, merging, erasure), the map
(points, or counts per 1 km cell), the analysis (per locality and category; needs beyond a
travel-time threshold from the nearest service of their category) and import/export.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis import accessibility, maps, needs
from analysis.errors import ServicekartanError
from analysis.i18n import fmt_date, fmt_number, t
from analysis.model import NEED_CATEGORIES, NEED_STATUSES, REGISTRANT_TYPES
from analysis.settings import MODES, THRESHOLDS_MIN
from ui import auth, data, page
from ui.needs_form import need_form

auth.require_planner()
lang, region = page.header("nav.needs")
region_id = region.info.region_id
store = data.database()
data.ensure_demo_needs(region)
planner_name = auth.planner_name()

locality_names = dict(zip(region.localities["locality_id"], region.localities["name"], strict=True))
locality_names["glesbygd"] = t("locality.glesbygd", lang)


def _name(prefix: str, value: object) -> str:
    return t(f"{prefix}.{value}", lang)


# --- Filters --------------------------------------------------------------------------------
with st.expander(t("needs_ui.filters", lang), expanded=False):
    col1, col2, col3 = st.columns(3)
    f_categories = col1.multiselect(
        t("needs_ui.category_filter", lang),
        NEED_CATEGORIES,
        format_func=lambda v: _name("category", v),
        placeholder=t("needs_ui.filter_all", lang),
    )
    f_statuses = col2.multiselect(
        t("needs_ui.status_filter", lang),
        NEED_STATUSES,
        format_func=lambda v: _name("status", v),
        placeholder=t("needs_ui.filter_all", lang),
    )
    f_registrants = col3.multiselect(
        t("needs_ui.registrant_filter", lang),
        REGISTRANT_TYPES,
        format_func=lambda v: _name("registrant", v),
        placeholder=t("needs_ui.filter_all", lang),
    )
    col4, col5 = st.columns(2)
    f_localities = col4.multiselect(
        t("needs_ui.locality_filter", lang),
        sorted(locality_names, key=lambda k: locality_names[k]),
        format_func=lambda v: locality_names.get(v, v),
        placeholder=t("needs_ui.filter_all", lang),
    )
    f_dates = col5.date_input(t("needs_ui.date_filter", lang), value=(), format="YYYY-MM-DD")

date_from = f_dates[0] if len(f_dates) >= 1 else None
date_to = f_dates[1] if len(f_dates) == 2 else None
with page.user_errors():
    listed = needs.list_needs(
        store,
        region_id,
        categories=f_categories or None,
        statuses=f_statuses or None,
        locality_ids=f_localities or None,
        registrant_types=f_registrants or None,
        date_from=date_from,
        date_to=date_to,
        include_contact=True,
    )

tab_list, tab_map, tab_analysis, tab_io, tab_new = st.tabs(
    [
        t("needs_ui.tab_list", lang),
        t("needs_ui.tab_map", lang),
        t("needs_ui.tab_analysis", lang),
        t("needs_ui.tab_io", lang),
        t("needs_ui.tab_new", lang),
    ]
)

# --- List and workflow ---------------------------------------------------------------------------
with tab_list:
    st.caption(t("needs_ui.count", lang, count=fmt_number(len(listed), lang=lang)))
    if listed.empty:
        st.info(t("needs_ui.empty", lang))
    else:
        table = pd.DataFrame(
            {
                t("needs_ui.col_code", lang): listed["short_code"],
                t("needs_ui.col_date", lang): [fmt_date(v) for v in listed["created_at"]],
                t("needs_ui.col_category", lang): [
                    _name("category", v) for v in listed["category"]
                ],
                t("needs_ui.col_locality", lang): [
                    locality_names.get(v, v) for v in listed["locality_id"]
                ],
                t("needs_ui.col_status", lang): [_name("status", v) for v in listed["status"]],
                t("needs_ui.col_registrant", lang): [
                    _name("registrant", v) for v in listed["registrant_type"]
                ],
                t("needs_ui.col_people", lang): listed["people_count"],
                t("needs_ui.col_text", lang): listed["text"],
            }
        )
        selection = st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            key="needs_table",
        )
        rows = selection.selection.rows if selection else []
        if not rows:
            st.caption(t("needs_ui.select_hint", lang))
        else:
            need = listed.iloc[rows[0]]
            need_id = str(need["need_id"])
            st.subheader(t("needs_ui.detail", lang, code=need["short_code"]))
            st.text(str(need["text"]))
            contact = need.get("contact")
            if isinstance(contact, str) and contact:  # a need without contact holds NaN here
                st.caption(t("needs_ui.contact_shown", lang))
                st.text(contact)
            with st.form(f"status-{need_id}"):
                new_status = st.selectbox(
                    t("needs_ui.col_status", lang),
                    NEED_STATUSES,
                    index=NEED_STATUSES.index(str(need["status"])),
                    format_func=lambda v: _name("status", v),
                )
                reason = st.text_input(t("needs_ui.reason", lang))
                if st.form_submit_button(t("needs_ui.save_status", lang)):
                    with page.user_errors():
                        needs.set_status(
                            store, need_id, new_status, reason or None, by=planner_name
                        )
                        st.success(t("needs_ui.saved", lang))
                        st.rerun()
            with st.form(f"edit-{need_id}"):
                new_text = st.text_area(t("needs_ui.text_edit", lang), value=str(need["text"]))
                new_category = st.selectbox(
                    t("needs_ui.col_category", lang),
                    NEED_CATEGORIES,
                    index=NEED_CATEGORIES.index(str(need["category"])),
                    format_func=lambda v: _name("category", v),
                )
                if st.form_submit_button(t("needs_ui.save_edit", lang)):
                    with page.user_errors():
                        needs.edit_need(
                            store,
                            need_id,
                            {"text": new_text, "category": new_category},
                            by=planner_name,
                            region=region,
                        )
                        st.rerun()
            others = listed.loc[listed["need_id"] != need_id]
            with st.form(f"merge-{need_id}"):
                duplicates = st.multiselect(
                    t("needs_ui.merge_pick", lang),
                    list(others["need_id"]),
                    format_func=lambda v: str(
                        others.loc[others["need_id"] == v, "short_code"].iloc[0]
                    ),
                    placeholder=t("needs_ui.merge_placeholder", lang),
                )
                if st.form_submit_button(t("needs_ui.merge", lang)) and duplicates:
                    with page.user_errors():
                        merged = needs.merge_needs(store, need_id, duplicates, by=planner_name)
                        st.success(t("needs_ui.merged", lang, count=merged))
                        st.rerun()
            st.markdown(f"**{t('needs_ui.audit', lang)}**")
            trail = needs.audit_trail(store, need_id)
            if trail.empty:
                st.caption(t("common.empty", lang))
            else:
                st.dataframe(trail, hide_index=True, width="stretch")
            with st.expander(t("needs_ui.erase", lang)):
                st.warning(t("needs_ui.erase_warning", lang))
                confirm = st.checkbox(t("needs_ui.erase_confirm", lang), key=f"erase-ok-{need_id}")
                if st.button(
                    t("needs_ui.erase", lang), disabled=not confirm, key=f"erase-{need_id}"
                ):
                    needs.erase_need(store, need_id, by=planner_name)
                    st.success(t("needs_ui.erased", lang))
                    st.rerun()

# --- Map -------------------------------------------------------------------------------------
with tab_map:
    view = st.radio(
        t("needs_ui.map_view", lang),
        ["points", "cells"],
        format_func=lambda v: t(f"needs_ui.map_view_{v}", lang),
        horizontal=True,
    )
    with page.user_errors():
        m = maps.base_map(region, lang)
        if listed.empty:
            st.info(t("needs_ui.empty", lang))
        elif view == "points":
            maps.needs_layer(m, listed.drop(columns=["contact"], errors="ignore"), lang)
        else:
            counts = needs.public_aggregate(listed, cell_size_m=1000, k=1)
            totals = counts.loc[counts["category"] == "total"]
            maps.count_layer(m, totals, t("needs_ui.cells_title", lang), lang)
    st_folium(m, returned_objects=[], height=560, use_container_width=True, key="needs_map")

# --- Analysis ---------------------------------------------------------------------------------
with tab_analysis:
    st.markdown(f"**{t('needs_ui.per_locality', lang)}**")
    per = needs.needs_per_locality_category(listed)
    if per.empty:
        st.info(t("needs_ui.empty", lang))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("needs_ui.col_locality", lang): [
                        locality_names.get(v, v) for v in per["locality_id"]
                    ],
                    t("needs_ui.col_category", lang): [
                        _name("category", v) for v in per["category"]
                    ],
                    t("needs_ui.col_needs", lang): per["needs"],
                    t("needs_ui.col_people", lang): per["people"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    st.markdown(f"**{t('needs_ui.unmet', lang)}**")
    col_mode, col_threshold = st.columns(2)
    mode = col_mode.selectbox(
        t("needs_ui.mode", lang), MODES, format_func=lambda v: t(f"mode.{v}", lang)
    )
    threshold = col_threshold.select_slider(
        t("needs_ui.threshold", lang), options=list(THRESHOLDS_MIN), value=20
    )
    if not listed.empty:
        with st.spinner(t("needs_ui.computing", lang)):
            base = data.baseline(region_id)
            minutes = accessibility.minutes_at_points(
                base, listed.geometry, listed["category"], mode
            )
        unmet = needs.unmet_needs(listed, minutes, threshold)
        st.caption(t("needs_ui.unmet_caption", lang, count=len(unmet), minutes=threshold))
        if not unmet.empty:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("needs_ui.col_code", lang): unmet["short_code"],
                        t("needs_ui.col_category", lang): [
                            _name("category", v) for v in unmet["category"]
                        ],
                        t("needs_ui.col_locality", lang): [
                            locality_names.get(v, v) for v in unmet["locality_id"]
                        ],
                        t("needs_ui.col_minutes", lang): unmet["minutes"].round(0),
                        t("needs_ui.col_people", lang): unmet["people_count"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

# --- Import and export ---------------------------------------------------------------------------
with tab_io:
    st.markdown(f"**{t('needs_ui.export', lang)}**")
    with_contact = st.checkbox(t("needs_ui.export_contact", lang), value=False)
    today = dt.date.today().isoformat()
    exported = listed if with_contact else listed.drop(columns=["contact"], errors="ignore")
    col_csv, col_geojson = st.columns(2)
    col_csv.download_button(
        t("needs_ui.export_csv", lang),
        needs.export_needs_csv(exported, include_contact=with_contact, lang=lang),
        file_name=f"behov-{region_id}-{today}.csv",
        mime="text/csv",
    )
    col_geojson.download_button(
        t("needs_ui.export_geojson", lang),
        needs.export_needs_geojson(exported, include_contact=with_contact),
        file_name=f"behov-{region_id}-{today}.geojson",
        mime="application/geo+json",
    )
    st.markdown(f"**{t('needs_ui.import', lang)}**")
    upload = st.file_uploader(t("needs_ui.import_file", lang), type=["csv", "geojson", "json"])
    if upload is not None:
        try:
            preview = needs.read_needs_file(upload.getvalue(), upload.name, None, region)
            extra: dict[str, str] = {}
            if preview.unmapped_columns:
                st.caption(t("needs_ui.import_mapping", lang))
                for column in preview.unmapped_columns:
                    target = st.selectbox(
                        column,
                        ["", *needs.IMPORT_FIELDS],
                        format_func=lambda v: v if v else t("needs_ui.import_ignore", lang),
                        key=f"map-{column}",
                    )
                    if target:
                        extra[column] = target
            if extra:
                preview = needs.read_needs_file(upload.getvalue(), upload.name, extra, region)
        except ServicekartanError as error:
            st.error(error.message_sv if lang == "sv" else str(error))
        else:
            st.caption(
                t(
                    "needs_ui.import_preview",
                    lang,
                    crs=preview.crs or "–",
                    valid=len(preview.valid),
                    errors=preview.n_errors,
                )
            )
            st.dataframe(preview.frame.head(50), hide_index=True, width="stretch")
            if st.button(
                t("needs_ui.import_go", lang), type="primary", disabled=preview.valid.empty
            ):
                with page.user_errors():
                    receipts = needs.import_needs(store, region_id, preview)
                    st.success(t("needs_ui.imported", lang, count=len(receipts)))
    st.markdown(f"**{t('needs_ui.retention', lang)}**")
    days = st.number_input(t("needs_ui.retention_days", lang), min_value=1, value=365, step=30)
    if st.button(t("needs_ui.retention_go", lang)):
        with page.user_errors():
            erased = needs.apply_retention(store, int(days), by=planner_name)
            st.success(t("needs_ui.retention_done", lang, count=erased))

with tab_new:
    need_form(region, None, key="planner_need_form")
