"""Shared page set-up: the sidebar (language, region), the page header and error display.

Also a faster way to show a folium map whose base never changes (:func:`prerender_map`,
:func:`show_map`): the base is rendered to the component's arguments once, and each rerun only
renders the layers that change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import folium
import folium.elements
import streamlit as st
import streamlit_folium
from streamlit.delta_generator import DeltaGenerator
from streamlit.navigation.page import StreamlitPage

from analysis.errors import ServicekartanError
from analysis.i18n import LANGUAGES, t
from analysis.io import Region
from ui import data, state


def sidebar() -> DeltaGenerator:
    """Draw the language switch and the region picker (called once, from ``app.py``).

    Returns the empty slot at the top of the sidebar where :func:`menu` draws the menu.
    """
    state.init()
    lang = state.lang()
    slot = st.sidebar.container()
    with st.sidebar:
        # Screen readers pronounce the page by <html lang>; Streamlit always writes "en".
        # The value comes from a fixed list, never from user text.
        code = lang if lang in LANGUAGES else "sv"
        st.html(
            f"<script>document.documentElement.lang = '{code}';</script>",
            unsafe_allow_javascript=True,
        )
        # The widgets have keys of their own and copy a choice to the session's "lang" and
        # "region_id": Streamlit drops a widget's value when the page changes by st.switch_page,
        # and a choice must survive every page change.
        st.session_state["lang_choice"] = code
        st.radio(
            t("common.language", lang) + " / Language",
            options=["sv", "en"],
            format_func=lambda code: {"sv": "Svenska", "en": "English"}[code],
            key="lang_choice",
            on_change=_keep_choice,
            args=("lang_choice", "lang"),
            horizontal=True,
        )
        infos = data.regions()
        if state.region_id() not in [info.region_id for info in infos]:
            data.regions.clear()  # a region imported (or built) within the last minute?
            infos = data.regions()
        ids = [info.region_id for info in infos]
        if ids:
            if state.region_id() not in ids:
                st.session_state["region_id"] = ids[0]
            names = {info.region_id: info.name for info in infos}
            st.session_state["region_choice"] = state.region_id()
            st.selectbox(
                t("common.region", state.lang()),
                options=ids,
                format_func=lambda region_id: names[region_id],
                key="region_choice",
                on_change=_keep_choice,
                args=("region_choice", "region_id"),
            )
    return slot


def _keep_choice(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]


def menu(slot: DeltaGenerator, sections: dict[str, list[StreamlitPage]]) -> None:
    """Draw the menu in ``slot``: a heading per section, a link per page (the current one marked).

    Streamlit's own menu is hidden (``st.navigation(position="hidden")``) because it can only
    list the pages that are registered, and every page is registered for everyone so that every
    address opens its page; this menu lists only the pages the visitor may use.
    """
    with slot:
        for heading, pages in sections.items():
            st.markdown(f"**{heading}**")
            for entry in pages:
                st.page_link(entry, label=entry.title)


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


# --- Maps whose base is rendered once -----------------------------------------------------------
# ``st_folium`` renders the whole folium map to HTML two or three times on every call (about a
# third of a second for the scenario map), although the browser runs the base map's script only
# when the component is first mounted and later only swaps the ``feature_group_to_add`` layers.
# :func:`prerender_map` does that rendering once (cache its result per region and language) and
# :func:`show_map` sends the same arguments ``st_folium`` would, rendering only the new layers.
# Both mirror ``st_folium`` of streamlit-folium 0.27 step by step, with its own helpers.


@dataclass(frozen=True)
class PrerenderedMap:
    """A folium map rendered to the streamlit-folium component's arguments (read-only)."""

    script: str
    header: str
    html: str
    map_id: str
    bounds: list[list[float | None]]
    zoom: Any
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _asset_links(elements: Sequence[folium.Element]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSS and JavaScript files of ``elements`` and their children (as ``st_folium``)."""
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> None:
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    for element in elements:
        walk(element)
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def prerender_map(m: folium.Map) -> PrerenderedMap:
    """Render ``m`` once to what the map component needs; ``m`` must not be used afterwards."""
    m.get_root().render()
    m.render()
    html = streamlit_folium._get_html(m)
    header = streamlit_folium._get_header(m)
    script = streamlit_folium._get_map_string(m)
    try:
        bounds = m.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    css_links, js_links = _asset_links([m])
    return PrerenderedMap(
        script=script,
        header=header,
        html=html,
        map_id=streamlit_folium.get_full_id(m),
        bounds=bounds,
        zoom=m.options.get("zoom"),
        css_links=css_links,
        js_links=js_links,
    )


def layer_holder() -> folium.Map:
    """Return an empty map to build stand-alone layers on (``attach=False``) for :func:`show_map`.

    Layer functions need a map to register their pane on; the base map already has the panes.
    """
    return folium.Map(tiles=None)


def show_map(
    base: PrerenderedMap,
    layers: Sequence[folium.FeatureGroup],
    *,
    key: str,
    height: int,
    returned_objects: Sequence[str],
    on_change: Callable[[], None] | None = None,
) -> Any:
    """Show ``base`` with ``layers`` on top, as ``st_folium(m, feature_group_to_add=layers)``.

    The map fills the container's width.  When only ``layers`` change between reruns the
    browser keeps the map (its view, its open popups) and swaps the layers.  Returns what
    ``st_folium`` returns (the chosen ``returned_objects``).
    """
    # The layers are rendered against a throw-away map (st_folium adds them to the user's map);
    # its id is replaced by the browser's map variable just as the base map's is.
    holder = layer_holder()
    layer_script = "".join(
        streamlit_folium._get_feature_group_string(layer, map=holder, idx=idx)
        for idx, layer in enumerate(layers)
    )
    layer_css, layer_js = _asset_links(layers)
    southwest, northeast = base.bounds
    everything: dict[str, Any] = {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {
            "_southWest": {"lat": southwest[0], "lng": southwest[1]},
            "_northEast": {"lat": northeast[0], "lng": northeast[1]},
        },
        "zoom": base.zoom,
        "last_circle_radius": None,
        "last_circle_polygon": None,
        "selected_layers": None,
        "selected_tags": None,
        "last_geocoder_result": None,
    }
    hash_key = streamlit_folium.generate_js_hash(base.script, key, False)

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return streamlit_folium._component_func(
        script=base.script,
        header=base.header,
        html=base.html,
        id=base.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default={k: v for k, v in everything.items() if k in returned_objects},
        zoom=None,
        center=None,
        feature_group=layer_script,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(dict.fromkeys((*base.css_links, *layer_css))),
        js_links=list(dict.fromkeys((*base.js_links, *layer_js))),
        on_change=changed,
        wrap_longitude=False,
    )
