"""The "register a need" form, shared by the public map and the planner's needs page."""

from __future__ import annotations

import streamlit as st

from analysis import needs, settings
from analysis.i18n import fmt_date, t
from analysis.io import Region
from analysis.model import NEED_CATEGORIES, REGISTRANT_TYPES
from ui import data, state

_CLICKED = "__clicked__"


def need_form(region: Region, clicked_lonlat: tuple[float, float] | None, key: str) -> None:
    """Render the form; on submit validate, store durably and show a receipt.

    ``clicked_lonlat`` is the point the user clicked or tapped on the map (WGS 84), offered as
    the location; otherwise the user picks a locality.
    """
    lang = state.lang()
    localities = region.localities.sort_values("name")
    location_options = ([_CLICKED] if clicked_lonlat else []) + list(localities["locality_id"])
    names = dict(zip(localities["locality_id"], localities["name"], strict=True))
    with st.form(key, clear_on_submit=False, border=True):
        st.markdown(f"**{t('needs_ui.form_title', lang)}**")
        category = st.selectbox(
            t("needs_ui.category", lang),
            NEED_CATEGORIES,
            format_func=lambda value: t(f"category.{value}", lang),
        )
        location = st.selectbox(
            t("needs_ui.location", lang),
            location_options,
            format_func=lambda value: (
                t("needs_ui.clicked_point", lang) if value == _CLICKED else str(names[value])
            ),
            help=t("needs_ui.location_help", lang),
        )
        # No ``max_chars``: Streamlit would silently drop a pasted text that is too long and
        # then say "describe the need"; validation instead says how long it is and the limit.
        text = st.text_area(
            t("needs_ui.text", lang),
            help=t("needs_ui.text_help", lang),
            placeholder=t("needs_ui.text_limit", lang, limit=settings.NEED_TEXT_MAX_CHARS),
        )
        registrant = st.selectbox(
            t("needs_ui.registrant", lang),
            REGISTRANT_TYPES,
            format_func=lambda value: t(f"registrant.{value}", lang),
        )
        people = st.number_input(
            t("needs_ui.people", lang), min_value=1, max_value=10_000, value=1, step=1
        )
        contact = st.text_input(t("needs_ui.contact", lang), help=t("needs_ui.contact_help", lang))
        submitted = st.form_submit_button(t("needs_ui.submit", lang), type="primary")
    if not submitted:
        return
    fields: dict[str, object] = {
        "category": category,
        "text": text,
        "registrant_type": registrant,
        "people_count": people,
        "contact": contact or None,
    }
    if location == _CLICKED and clicked_lonlat:
        fields["lon"], fields["lat"] = clicked_lonlat
    else:
        fields["locality_id"] = location
    try:
        need = needs.validate_need(fields, region)
    except needs.NeedValidationError as error:
        st.error(t("needs_ui.fix_these", lang))
        for message in error.problems.values():
            st.error(message)
        return
    with st.spinner(t("needs_ui.saving", lang)):
        receipt = needs.register_need(data.database(), region.info.region_id, need)
    st.success(
        t(
            "needs_ui.receipt",
            lang,
            code=receipt.short_code,
            when=fmt_date(receipt.created_at),
        )
    )
