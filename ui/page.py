"""Shared page set-up: the sidebar (language, region), the page header and error display."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from analysis.errors import ServicekartanError
from analysis.i18n import LANGUAGES, t
from analysis.io import Region
from ui import data, state


def sidebar() -> None:
    """Draw the language switch and the region picker (called once, from ``app.py``)."""
    state.init()
    lang = state.lang()
    with st.sidebar:
        # Screen readers pronounce the page by <html lang>; Streamlit always writes "en".
        # The value comes from a fixed list, never from user text.
        code = lang if lang in LANGUAGES else "sv"
        st.html(
            f"<script>document.documentElement.lang = '{code}';</script>",
            unsafe_allow_javascript=True,
        )
        st.radio(
            t("common.language", lang) + " / Language",
            options=["sv", "en"],
            format_func=lambda code: {"sv": "Svenska", "en": "English"}[code],
            key="lang",
            horizontal=True,
        )
        infos = data.regions()
        ids = [info.region_id for info in infos]
        if ids:
            if state.region_id() not in ids:
                st.session_state["region_id"] = ids[0]
            names = {info.region_id: info.name for info in infos}
            st.selectbox(
                t("common.region", state.lang()),
                options=ids,
                format_func=lambda region_id: names[region_id],
                key="region_id",
            )


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a domain error in Swedish (or English) and stop the page, instead of a traceback."""
    try:
        yield
    except ServicekartanError as error:
        message = error.message_sv if state.lang() == "sv" else str(error)
        st.error(f"{t('common.error_prefix', state.lang())}: {message}")
        st.stop()


def header(title_key: str) -> tuple[str, Region]:
    """Render the page title and the fictional-data banner; return the language and region.

    Returns
    -------
    tuple
        ``(lang, region)`` for the page to use.
    """
    state.init()
    lang = state.lang()
    st.title(t(title_key, lang))
    with user_errors():
        region = data.region(state.region_id())
    if region.info.fictional:
        st.info(t("common.fictional_banner", lang, name=region.info.name), icon="ℹ️")
    return lang, region


def wrap_key_figures() -> None:
    """Let ``st.metric`` labels and values wrap instead of ending in "…".

    Key figures have long labels, and a council must read every label and every digit.
    """
    st.html(
        "<style>[data-testid='stMetricLabel'] *, [data-testid='stMetricValue'] *"
        "{white-space:normal !important;overflow:visible !important;"
        "text-overflow:clip !important}</style>"
    )
