"""Invånarkarta: how far is my nearest pharmacy?  The public page, made for a phone first.

A resident chooses a locality or taps their home on the map and sees the nearest service of
every category with travel times by car, bicycle and on foot, and what is within 10, 20 and
30 minutes.  Registered needs are shown only aggregated to 1 km cells with at least
``settings.PUBLIC_MIN_NEEDS_PER_CELL`` needs: no text, exact position or contact ever reaches
this page.  The form to register a need sits below.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from analysis import accessibility, maps, needs
from analysis.i18n import fmt_minutes, t
from analysis.model import CATEGORY_IDS
from analysis.settings import PUBLIC_MIN_NEEDS_PER_CELL
from ui import basemaps, data, page
from ui.needs_form import need_form

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def _escape_markdown(text: str) -> str:
    """Return ``text`` with Markdown's special characters backslash-escaped (shown literally)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


lang, region = page.header("nav.public_map")
region_id = region.info.region_id
st.write(t("public.intro", lang))

localities = region.localities.sort_values("name")
names = dict(zip(localities["locality_id"], localities["name"], strict=True))
chosen_locality = st.selectbox(
    t("public.choose_locality", lang),
    [None, *localities["locality_id"]],
    format_func=lambda value: t("public.no_locality", lang) if value is None else names[value],
    key="public_locality",
)

point_key = "public_point"
if chosen_locality and st.session_state.get("public_locality_used") != chosen_locality:
    centre = localities.loc[localities["locality_id"] == chosen_locality].geometry.iloc[0]
    lon, lat = accessibility.metric_to_lonlat(centre.representative_point())
    st.session_state[point_key] = (lat, lon)
    st.session_state["public_locality_used"] = chosen_locality

data.ensure_demo_needs(region)
with page.user_errors():
    public_needs = needs.public_aggregate(
        needs.list_needs(data.database(), region_id), cell_size_m=1000
    )
    totals = public_needs.loc[public_needs["category"] == "total"]
    # Basemap, need counts and services are rendered once and shared; the resident's pin goes
    # on top, so a tap replaces only the pin.
    base = basemaps.public_base_map(region_id, lang, basemaps.frame_key(totals), totals)


def _chosen_on_map() -> None:
    """A tap on the map, or on a service's symbol (its place), chooses that place.

    On a phone a tap near a village centre often lands on a service symbol; it opens the
    service's popup and chooses the place too.
    """
    value = st.session_state.get("public_map") or {}
    handled = st.session_state.get("public_map_handled", {})
    for kind in ("last_clicked", "last_object_clicked"):
        spot = value.get(kind)
        if spot and spot != handled.get(kind):
            st.session_state[point_key] = (float(spot["lat"]), float(spot["lng"]))
            break
    st.session_state["public_map_handled"] = {k: value.get(k) for k in value}


st.caption(t("public.tap_hint", lang))
st.caption(t("public.needs_cells", lang, count=len(totals)))
pin = (
    [maps.home_layer(*st.session_state[point_key], label=t("public.your_place", lang))]
    if point_key in st.session_state
    else []
)
page.show_map(
    base,
    pin,
    key="public_map",
    height=420,
    returned_objects=["last_clicked", "last_object_clicked"],
    on_change=_chosen_on_map,
)

if point_key not in st.session_state:
    st.info(t("public.choose_first", lang))
else:
    lat, lon = st.session_state[point_key]
    with st.spinner(t("public.computing", lang)):
        times = accessibility.point_times(
            data.baseline(region_id), accessibility.lonlat_to_metric(lon, lat)
        )
    if not times["minutes"].lt(float("inf")).any():
        st.warning(t("public.off_network", lang))
    st.subheader(t("public.nearest", lang))
    wide = times.pivot(index="category", columns="mode", values="minutes").reindex(CATEGORY_IDS)
    nearest = times.loc[times["mode"] == "car"].set_index("category")["service_name"]
    # A static table (real HTML, wraps on a phone, read by screen readers) with the times right
    # after the service.  Its cells are Markdown: escape the names, which come from data files.
    table = pd.DataFrame(
        {
            t("public.col_service", lang): [t(f"category.{c}", lang) for c in wide.index],
            **{
                t(f"mode.{mode}", lang): [fmt_minutes(v, lang) for v in wide[mode]]
                for mode in ("car", "bike", "walk")
            },
            t("public.col_nearest", lang): [
                _escape_markdown(str(nearest.get(c) or "–")) for c in wide.index
            ],
        }
    )
    st.table(table, hide_index=True)
    st.caption(t("public.method", lang))
    mode = st.radio(
        t("public.list_mode", lang),
        ["car", "bike", "walk"],
        format_func=lambda value: t(f"mode.{value}", lang),
        horizontal=True,
    )
    for limit in (10, 20, 30):
        within = [t(f"category.{c}", lang) for c, minutes in wide[mode].items() if minutes <= limit]
        st.markdown(f"**{t('public.within', lang, minutes=limit)}**")
        st.write(", ".join(within) if within else t("public.nothing", lang))

st.subheader(t("public.needs_title", lang))
st.write(t("public.needs_explained", lang, k=PUBLIC_MIN_NEEDS_PER_CELL))
spot = st.session_state.get(point_key)
need_form(region, (spot[1], spot[0]) if spot else None, key="public_need_form")
