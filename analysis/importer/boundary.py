"""Pick one municipality out of a boundary file and build the ``boundary`` layer."""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import pandas as pd
import shapely

from analysis import settings
from analysis.errors import ValidationError

#: Column names (lower case) that hold a municipality code, in order of preference.
CODE_COLUMNS: Final = ("kommunkod", "kommun_kod", "knkod", "kn_kod", "kod", "code", "ref_scb")
#: Column names (lower case) that hold a municipality name, in order of preference.
NAME_COLUMNS: Final = ("kommunnamn", "kommun_namn", "knnamn", "kn_namn", "namn", "name", "kommun")
#: Default distance (metres) every layer is kept beyond the municipal boundary, so that services
#: just across the border still count and routes may leave the municipality.
DEFAULT_BUFFER_M: Final = 10_000.0


def _find_column(frame: pd.DataFrame, candidates: tuple[str, ...]) -> str | None:
    lower = {str(column).lower().replace(":", "_"): str(column) for column in frame.columns}
    for candidate in candidates:
        if candidate in lower:
            return lower[candidate]
    return None


def normalise_code(value: object) -> str:
    """Return a municipality code as four digits (``"180"`` and ``180.0`` become ``"0180"``).

    Examples
    --------
    >>> normalise_code(180), normalise_code("2321"), normalise_code(" 0180 ")
    ('0180', '2321', '0180')
    """
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(4) if text.isdigit() else text


def bare_name(value: object) -> str:
    """Return a municipality name without case or a trailing "kommun"/"stad", for matching.

    Examples
    --------
    >>> bare_name("Åre kommun") == bare_name("åre"), bare_name(" Göteborgs Stad ")
    (True, 'göteborgs')
    """
    text = str(value).strip().casefold()
    for suffix in (" kommun", " stad"):
        text = text.removesuffix(suffix)
    return text.strip()


def select_municipality(
    frame: gpd.GeoDataFrame, *, code: str | None = None, name: str | None = None
) -> gpd.GeoDataFrame:
    """Return the ``boundary`` layer of one municipality from a boundary file.

    Parameters
    ----------
    frame
        Boundary polygons in EPSG:3006, e.g. every municipality of Sweden, with a code column
        (``kommunkod``, ``code``, ...) and/or a name column (``kommunnamn``, ``name``, ...).
    code, name
        The municipality to pick (code wins).  With neither, the file must hold one area.

    Returns
    -------
    geopandas.GeoDataFrame
        One row: ``name``, ``code`` and the (dissolved, valid) polygon.

    Examples
    --------
    >>> import shapely
    >>> frame = gpd.GeoDataFrame(
    ...     {"kommunkod": ["2321", "2361"], "kommunnamn": ["Åre", "Härjedalen"]},
    ...     geometry=[shapely.box(400_000, 7_000_000, 410_000, 7_010_000),
    ...               shapely.box(410_000, 7_000_000, 420_000, 7_010_000)], crs="EPSG:3006")
    >>> select_municipality(frame, code="2321")[["name", "code"]].values.tolist()
    [['Åre', '2321']]
    """
    code_column = _find_column(frame, CODE_COLUMNS)
    name_column = _find_column(frame, NAME_COLUMNS)
    polygons = frame[frame.geom_type.isin(("Polygon", "MultiPolygon"))]
    if polygons.empty:
        raise ValidationError(
            "The boundary file holds no polygons.",
            "Gränsfilen innehåller inga ytor (polygoner); välj en fil med kommungränser.",
        )
    if code:
        if code_column is None:
            raise ValidationError(
                f"The boundary file has no municipality-code column ({', '.join(CODE_COLUMNS)}).",
                "Gränsfilen saknar en kolumn med kommunkod (t.ex. kommunkod eller code); "
                "välj kommun med namn i stället.",
            )
        wanted = normalise_code(code)
        chosen = polygons[polygons[code_column].map(normalise_code) == wanted]
        what, what_sv = f"code {wanted}", f"kommunkod {wanted}"
    elif name:
        if name_column is None:
            raise ValidationError(
                f"The boundary file has no municipality-name column ({', '.join(NAME_COLUMNS)}).",
                "Gränsfilen saknar en kolumn med kommunnamn (t.ex. kommunnamn eller name); "
                "välj kommun med kod i stället.",
            )
        wanted = bare_name(name)
        chosen = polygons[polygons[name_column].map(bare_name) == wanted]
        what, what_sv = f"name {name!r}", f"namnet {name!r}"
    else:
        if len(polygons) > 1 and (code_column or name_column):
            distinct = polygons[code_column or name_column].nunique()
            if distinct > 1:
                raise ValidationError(
                    f"The boundary file holds {distinct} areas; choose one by code or name.",
                    f"Gränsfilen innehåller {distinct} områden; välj kommun med kod (t.ex. 2321) "
                    "eller namn.",
                )
        chosen = polygons
        what, what_sv = "the only area", "det enda området"
    if chosen.empty:
        raise ValidationError(
            f"No municipality with {what} in the boundary file.",
            f"Ingen kommun med {what_sv} finns i "
            "gränsfilen; kontrollera koden (fyra siffror, t.ex. 2321) eller namnet.",
        )
    geometry = shapely.make_valid(shapely.union_all(chosen.geometry.to_numpy()))
    if geometry.geom_type == "GeometryCollection":
        parts = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geometry = shapely.union_all(parts)
    if geometry.is_empty or geometry.area <= 0:
        raise ValidationError(
            "The chosen municipality has an empty boundary.",
            "Den valda kommunens gräns är tom; kontrollera gränsfilen.",
        )
    first = chosen.iloc[0]
    return gpd.GeoDataFrame(
        {
            "name": [str(first[name_column]) if name_column else (name or "")],
            "code": [normalise_code(first[code_column]) if code_column else (code or "")],
        },
        geometry=[geometry],
        crs=settings.CRS_METRIC,
    )
