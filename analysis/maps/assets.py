"""Self-hosted JavaScript and CSS: folium's default scripts and stylesheets, from ``static/``.

Streamlit serves the repository's ``static/`` folder at ``/app/static``; :func:`use_local_assets`
points folium at the copies there, so a map never loads anything from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import folium

from analysis import settings

#: URL prefix under which Streamlit serves the repository's ``static/`` folder.
STATIC_BASE: Final = "/app/static"
#: The repository's ``static/`` folder (re-created by ``scripts/fetch_static.sh``).
STATIC_DIR: Final = settings.REPO_ROOT / "static"
#: The scripts every map loads, as paths under ``static/``: Leaflet, and jQuery, which folium's
#: popups use to parse their HTML.  folium's other defaults (Bootstrap, Leaflet.awesome-markers,
#: Font Awesome) serve ``folium.Icon`` markers and Bootstrap-styled controls, which these maps do
#: not use (their symbols are ``DivIcon`` HTML with their own style sheet); each map frame parsed
#: them anyway, about 360 kB.  The files stay in ``static/`` (``scripts/fetch_static.sh``).
LOCAL_JS: Final[tuple[tuple[str, str], ...]] = (
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),
)
#: The stylesheets every map loads, as paths under ``static/`` (see :data:`LOCAL_JS`).
LOCAL_CSS: Final[tuple[tuple[str, str], ...]] = (("leaflet_css", "leaflet/leaflet.css"),)
_asset_base: dict[str, str] = {"base": STATIC_BASE}


def use_local_assets(base: str | None = None) -> str:
    """Point folium's default JavaScript and CSS at the self-hosted copies in ``static/``.

    Idempotent; every builder in this package calls it.  Pass ``base`` once if Streamlit runs
    under a base path (``server.baseUrlPath``); later calls without ``base`` keep it.

    Parameters
    ----------
    base
        URL prefix under which ``static/`` is served; default ``/app/static``.

    Returns
    -------
    str
        The prefix now in use.

    Examples
    --------
    >>> use_local_assets()
    '/app/static'
    >>> folium.Map.default_js[0]
    ('leaflet', '/app/static/leaflet/leaflet.js')
    """
    if base is not None:
        _asset_base["base"] = base.rstrip("/")
    prefix = _asset_base["base"]
    folium.Map.default_js = [(name, f"{prefix}/{path}") for name, path in LOCAL_JS]
    folium.Map.default_css = [(name, f"{prefix}/{path}") for name, path in LOCAL_CSS]
    return prefix


def local_asset_files() -> list[Path]:
    """Return the files under ``static/`` that the maps load (for checks and tests)."""
    return [STATIC_DIR / path for _, path in (*LOCAL_JS, *LOCAL_CSS)]
