"""What every layer shares: the display boundary, escaping, panes, the style sheet, popups.

Layers come in EPSG:3006; :func:`_display` reprojects them to EPSG:4326 and rounds them to
:data:`DISPLAY_DECIMALS`, and every text from data or a user goes through :func:`escape_text`
before it reaches HTML or a JavaScript template.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element

from analysis import settings
from analysis.errors import DataModelError
from analysis.i18n import t

#: Decimals kept in longitude/latitude: 5 decimals is about 1 m, finer than any map zoom needs.
DISPLAY_DECIMALS: Final = 5

# Map panes, bottom to top (Leaflet's own: tiles 200, overlays 400, markers 600, popups 700).
_PANES: Final[dict[str, tuple[int, bool]]] = {
    "sk_mask": (340, False),
    "sk_fill": (360, True),
    "sk_water": (380, False),
    "sk_localities": (390, True),
    "sk_roads": (410, False),
    "sk_outline": (420, False),
    "sk_needs": (590, True),
    "sk_labels": (560, False),
}

_CSS: Final = """
<style>
*, ::before, ::after { box-sizing: border-box; }
html, body { margin: 0; }
button { font: inherit; }
.leaflet-container { background: #f4f2ec; font-family: system-ui, -apple-system, "Segoe UI",
  Roboto, "DejaVu Sans", sans-serif; }
.sk-icon { background: none; border: none; }
.sk-svc { width: 22px; height: 22px; display: flex; align-items: center; justify-content: center;
  color: #fff; font: 700 12px/1 system-ui, "DejaVu Sans", sans-serif; border: 2px solid #fff;
  box-shadow: 0 0 0 1px rgba(0,0,0,.55), 0 1px 3px rgba(0,0,0,.4); box-sizing: border-box; }
.sk-shape-circle { border-radius: 50%; }
.sk-shape-square { border-radius: 3px; }
.sk-shape-diamond { transform: rotate(45deg) scale(.9); border-radius: 2px; }
.sk-shape-diamond > span { transform: rotate(-45deg); }
.sk-need { width: 13px; height: 13px; display: flex; align-items: center; justify-content: center;
  background: #fff; color: #7f0000; border: 2px solid #7f0000; border-radius: 50%;
  font: 800 9px/1 system-ui, "DejaVu Sans", sans-serif; box-sizing: border-box;
  box-shadow: 0 1px 3px rgba(0,0,0,.4); }
.sk-home { width: 22px; height: 22px; border-radius: 50% 50% 50% 0; transform: rotate(-45deg);
  background: #08306b; border: 3px solid #fff; box-sizing: border-box;
  box-shadow: 0 0 0 1px #08306b, 0 2px 4px rgba(0,0,0,.45); }
.sk-label { position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  color: #1f1f1f; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none; }
.sk-label-town { font: 700 15px/1.1 system-ui, "DejaVu Sans", sans-serif; }
.sk-label-village { font: 600 13px/1.1 system-ui, "DejaVu Sans", sans-serif; }
.sk-label-small_village { font: 500 11.5px/1.1 system-ui, "DejaVu Sans", sans-serif; }
.sk-popup, .sk-popup table { font-size: 13px; line-height: 1.35; }
.sk-popup table { border-collapse: collapse; margin-top: 4px; }
.sk-popup th { font-weight: 600; padding: 1px 8px 1px 0; vertical-align: top; color: #333; }
.sk-popup td { padding: 1px 0; }
.sk-site { width: 10px; height: 10px; background: #fff; border: 2px solid #333;
  box-sizing: border-box; }
.sk-changed { padding: 1px; border-radius: 50%; background: #111;
  box-shadow: 0 0 0 3px #ffd400; }
.sk-closed { width: 22px; height: 22px; display: flex; align-items: center; justify-content: center;
  background: #6b6b6b; color: #fff; font: 700 14px/1 system-ui, "DejaVu Sans", sans-serif;
  border: 2px solid #fff; border-radius: 50%; box-shadow: 0 0 0 1px rgba(0,0,0,.6); }
.sk-legend { background: rgba(255,255,255,.96); color: #1a1a1a; padding: 6px 10px;
  border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,.35); font-size: 12.5px; line-height: 1.3;
  max-height: 45vh; overflow-y: auto; max-width: 280px; }
.sk-legend ul.sk-cols { display: grid; grid-template-columns: 1fr 1fr; column-gap: 10px; }
.sk-legend summary { font-weight: 700; cursor: pointer; }
.sk-legend-title { font-weight: 600; margin: 6px 0 2px; }
.sk-legend ul { list-style: none; margin: 0; padding: 0; }
.sk-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.sk-legend .sk-svc, .sk-legend .sk-need { flex: none; }
.sk-swatch { display: inline-block; width: 18px; height: 14px; border: 1px solid #555; flex: none; }
.sk-line { display: inline-block; width: 22px; height: 0; flex: none; }
</style>
"""


def escape_text(value: object) -> str:
    """Escape a data- or user-provided value for HTML inside a JavaScript template literal.

    Besides ``& < > " '`` (:func:`html.escape`) this encodes the backtick, ``$`` and the
    backslash, which would otherwise end or inject into the template literals folium puts
    popups and tooltips in.  ``None`` and NaN become an empty string.

    Examples
    --------
    >>> escape_text("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_text("`${x}`")
    '&#96;&#36;{x}&#96;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _vocabulary(prefix: str, value: object, lang: str) -> str:
    """Translate a vocabulary value (``category.pharmacy``); unknown values stay as they are."""
    key = f"{prefix}.{value}"
    text = t(key, lang)
    return str(value) if text == key else text


def _require_metric(frame: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise DataModelError(
            f"Layer {layer!r} has no CRS; set it to {settings.CRS_METRIC} before drawing it.",
            f"Lagret {layer!r} saknar koordinatsystem; ange {settings.CRS_METRIC}.",
        )
    if frame.crs != settings.CRS_METRIC:
        raise DataModelError(
            f"Layer {layer!r} is in {frame.crs}; maps take {settings.CRS_METRIC} and reproject "
            "for display themselves.",
            f"Lagret {layer!r} har koordinatsystemet {frame.crs}; "
            f"projicera om det till {settings.CRS_METRIC} först.",
        )
    return frame


def _display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 and round coordinates to :data:`DISPLAY_DECIMALS`."""
    shown = frame.to_crs(settings.CRS_DISPLAY)
    rounded = shapely.transform(
        np.asarray(shown.geometry.values), lambda xy: np.round(xy, DISPLAY_DECIMALS)
    )
    return shown.set_geometry(gpd.GeoSeries(rounded, index=shown.index, crs=shown.crs))


def _feature_collection(
    geometries: gpd.GeoSeries, properties: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Build a GeoJSON FeatureCollection holding only the given properties."""
    features = []
    records = properties.to_dict("records") if properties is not None else None
    for i, geometry in enumerate(geometries):
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geometry)),
                "properties": records[i] if records is not None else {},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _pane(m: folium.Map, name: str) -> str:
    """Create the custom pane ``name`` on ``m`` once, and return its name."""
    created: set[str] = m.__dict__.setdefault("_sk_panes", set())
    if name not in created:
        z_index, pointer_events = _PANES[name]
        folium.map.CustomPane(name, z_index=z_index, pointer_events=pointer_events).add_to(m)
        created.add(name)
    return name


def _ensure_css(m: folium.Map) -> None:
    root: Any = m.get_root()
    root.header.add_child(Element(_CSS), name="servicekartan_css")


def _popup(title: str, rows: Sequence[tuple[str, str]]) -> folium.Popup:
    body = "".join(f"<tr><th>{escape_text(k)}</th><td>{escape_text(v)}</td></tr>" for k, v in rows)
    content = (
        f'<div class="sk-popup"><strong>{escape_text(title)}</strong><table>{body}</table></div>'
    )
    return folium.Popup(content, max_width=320)
