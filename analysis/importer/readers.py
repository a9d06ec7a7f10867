"""Read staged vector and table files into (Geo)DataFrames, with explicit CRS checks.

GeoJSON and CSV are parsed in Python; only GeoPackages (inspected first by
:func:`analysis.importer.validate.check_geopackage`) are opened with GDAL (through pyogrio).
"""

from __future__ import annotations

import io
import re
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from analysis import settings
from analysis.errors import ValidationError
from analysis.importer.validate import StagedInput, UnsafeInputError, check_string, load_json

#: Rough extent of Sweden (with margin) in EPSG:3006: west, south, east, north.
SWEDEN_BOUNDS_3006: Final = (150_000.0, 6_000_000.0, 1_000_000.0, 7_800_000.0)

_EPSG_PATTERN = re.compile(r"EPSG:{1,2}(\d+)$", re.IGNORECASE)


def parse_crs(value: str | int, what: str = "CRS") -> CRS:
    """Return a CRS from a user-given value such as ``3006``, ``"EPSG:3021"`` or an URN.

    Only EPSG codes are accepted (no PROJ strings, WKT or URLs that could name other files).

    Examples
    --------
    >>> parse_crs("EPSG:3006").to_epsg(), parse_crs(3021).to_epsg()
    (3006, 3021)
    >>> parse_crs("urn:ogc:def:crs:EPSG::3006").to_epsg()
    3006
    """
    text = check_string(str(value).strip(), what)
    if text.lower() in ("urn:ogc:def:crs:ogc:1.3:crs84", "crs84", "wgs84"):
        return CRS.from_epsg(4326)
    match = _EPSG_PATTERN.search(text)
    code = match.group(1) if match else text
    try:
        if not code.isdigit():
            raise CRSError(code)
        return CRS.from_epsg(int(code))
    except CRSError as error:
        raise ValidationError(
            f"The {what} {value!r} is not an EPSG code; give e.g. EPSG:3006 (SWEREF 99 TM).",
            f"Koordinatsystemet {value!r} känns inte igen; ange en EPSG-kod, t.ex. EPSG:3006 "
            "(SWEREF 99 TM), EPSG:3021 (RT90) eller EPSG:4326 (WGS 84).",
        ) from error


def read_geojson(staged: StagedInput) -> gpd.GeoDataFrame:
    """Parse a staged GeoJSON file (RFC 7946: WGS 84 unless an old-style ``crs`` names another)."""
    data = load_json(staged)
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(
            f"{staged.label!r} is not a GeoJSON FeatureCollection.",
            f"{staged.label!r} är inte en GeoJSON FeatureCollection; exportera lagret som GeoJSON.",
        )
    crs = CRS.from_epsg(4326)
    declared = data.get("crs")
    if declared is not None:
        if not isinstance(declared, dict) or declared.get("type") != "name":
            raise UnsafeInputError(
                f"{staged.label!r} declares its CRS by a link; only named EPSG codes are read.",
                f"{staged.label!r} anger koordinatsystemet som en länk; bara namngivna "
                "EPSG-koder läses. Exportera filen på nytt (GeoJSON i WGS 84 eller EPSG:3006).",
            )
        crs = parse_crs(str((declared.get("properties") or {}).get("name", "")), "GeoJSON crs")
    features = data.get("features")
    if not isinstance(features, list):
        features = []
    geometries: list[Any] = []
    properties: list[dict[str, Any]] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise _bad_feature(staged.label, number)
        geometry = feature.get("geometry")
        try:
            geometries.append(shapely.geometry.shape(geometry) if geometry else None)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as error:
            raise _bad_feature(staged.label, number) from error
        props = feature.get("properties") or {}
        properties.append(props if isinstance(props, dict) else {})
    frame = gpd.GeoDataFrame(
        pd.DataFrame(properties, index=range(len(properties))),
        geometry=gpd.GeoSeries(geometries, index=range(len(geometries))),
        crs=crs,
    )
    return frame


def _bad_feature(label: str, number: int) -> ValidationError:
    return ValidationError(
        f"{label!r}: feature {number} has no readable geometry.",
        f"{label!r}: objekt nummer {number} har ingen läsbar geometri; rätta eller ta bort det.",
    )


def read_geopackage(
    staged: StagedInput, layer: str | None = None, prefer: tuple[str, ...] = ()
) -> gpd.GeoDataFrame:
    """Read one layer of a staged, inspected GeoPackage.

    Without a ``layer`` name: the first layer whose name contains one of ``prefer`` (e.g.
    ``"kommun"`` picks ``kommunyta`` in Lantmäteriet's file), else the first layer.
    """
    import pyogrio

    layers = [str(row[0]) for row in pyogrio.list_layers(staged.path)]
    if layer is None:
        layer = next((n for hint in prefer for n in layers if hint in n.lower()), None)
    if layer is not None:
        check_string(layer, "layer name")
        if layer not in layers:
            raise ValidationError(
                f"{staged.label!r} has no layer {layer!r}; its layers are: {', '.join(layers)}.",
                f"{staged.label!r} saknar lagret {layer!r}; lagren heter: {', '.join(layers)}.",
            )
    elif not layers:
        raise ValidationError(
            f"{staged.label!r} holds no layer.",
            f"{staged.label!r} innehåller inga lager.",
        )
    frame = gpd.read_file(staged.path, layer=layer or layers[0], engine="pyogrio")
    if frame.crs is None and "geometry" in frame and len(frame):
        raise missing_crs(staged.label)
    return frame


def missing_crs(label: str) -> ValidationError:
    """Return the error for a file whose coordinates have no CRS."""
    return ValidationError(
        f"{label!r} has no coordinate reference system; set it (e.g. EPSG:3006) and export again.",
        f"{label!r} saknar koordinatsystem. Ange det i GIS-programmet (t.ex. SWEREF 99 TM, "
        "EPSG:3006) och exportera filen på nytt.",
    )


def read_vector(
    staged: StagedInput, layer: str | None = None, prefer: tuple[str, ...] = ()
) -> gpd.GeoDataFrame:
    """Read a staged GeoJSON or GeoPackage and return it in EPSG:3006, checked to lie in Sweden.

    Raises
    ------
    ValidationError
        On a missing CRS, or coordinates that are not in Sweden after reprojection (usually a
        wrong CRS).
    """
    if staged.kind == "geojson":
        frame = read_geojson(staged)
    elif staged.kind == "gpkg":
        frame = read_geopackage(staged, layer, prefer)
    else:
        raise ValidationError(
            f"{staged.label!r} is not GeoJSON or a GeoPackage.",
            f"{staged.label!r} är varken GeoJSON eller GeoPackage.",
        )
    return to_metric(frame, staged.label)


def to_metric(frame: gpd.GeoDataFrame, label: str) -> gpd.GeoDataFrame:
    """Reproject ``frame`` to EPSG:3006 and check its coordinates lie in (or near) Sweden."""
    if frame.crs is None:
        raise missing_crs(label)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
    if frame.crs.is_geographic:
        west, south, east, north = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        if len(frame) and (west < -180 or east > 180 or south < -90 or north > 90):
            raise wrong_crs(label, str(frame.crs))
    metric = frame.to_crs(settings.CRS_METRIC)
    if len(metric):
        west, south, east, north = metric.total_bounds
        lo_e, lo_n, hi_e, hi_n = SWEDEN_BOUNDS_3006
        if not (west >= lo_e and east <= hi_e and south >= lo_n and north <= hi_n):
            raise wrong_crs(label, str(frame.crs))
    return metric


def wrong_crs(label: str, crs: str) -> ValidationError:
    """Return the error for coordinates that do not lie in Sweden in their stated CRS."""
    return ValidationError(
        f"{label!r}: the coordinates do not lie in Sweden when read as {crs}; the file's CRS is "
        "wrong or missing.",
        f"{label!r}: koordinaterna hamnar utanför Sverige när de läses i {crs}. Filens "
        "koordinatsystem är fel eller saknas; ange rätt koordinatsystem (t.ex. EPSG:3006).",
    )


def read_csv_text(staged: StagedInput) -> pd.DataFrame:
    """Read a staged CSV with pandas (UTF-8 or Latin-1; comma, semicolon or tab separated).

    Every column is read as text; callers convert the columns they use.
    """
    raw = staged.path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    first = text.splitlines()[0] if text.strip() else ""
    separator = max((";", ",", "\t"), key=first.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValidationError(
            f"{staged.label!r} is not readable CSV ({error}).",
            f"{staged.label!r} går inte att läsa som CSV ({error}); kontrollera avgränsare och "
            "citattecken.",
        ) from error
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame


def to_number(values: pd.Series) -> pd.Series:
    """Convert text numbers (decimal comma, spaces as thousands separators) to float.

    Examples
    --------
    >>> to_number(pd.Series(["1 234,5", "7", "", "x"])).tolist()[:2]
    [1234.5, 7.0]
    """
    text = values.astype(str).str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".")
    return pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
