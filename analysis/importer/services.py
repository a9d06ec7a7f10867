"""The municipality's own service and site lists (CSV with coordinates, GeoJSON, GeoPackage).

A list is read with a *column mapping* (target column -> the list's column), normalised to the
``services`` and ``sites`` layers, and checked row by row.  :func:`preview` shows the first rows
and every row error before anything is written.  CSV coordinates are read in an explicit CRS,
or one detected from the value ranges (SWEREF 99 TM, RT90 2.5 gon V or WGS 84).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis import settings
from analysis.errors import ValidationError
from analysis.importer.readers import (
    SWEDEN_BOUNDS_3006,
    missing_crs,
    parse_crs,
    read_csv_text,
    read_geojson,
    read_geopackage,
    to_number,
)
from analysis.importer.validate import (
    DEFAULT_LIMITS,
    Limits,
    Source,
    StagedInput,
    check_string,
    remove_workdir,
    stage_input,
)
from analysis.model import CATEGORY_IDS, DEFAULT_SECTOR, SECTORS, SITE_KINDS

#: Columns of a normalised list, and the column names recognised without a mapping
#: (compared lower-case, without accents or punctuation).
KNOWN_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "service_id": ("service_id", "id", "lopnummer", "lopnr", "tjanst_id"),
    "name": ("name", "namn", "benamning", "verksamhet"),
    "category": ("category", "kategori", "typ", "tjanst", "servicetyp"),
    "operator": ("operator", "huvudman", "utforare", "driftsansvarig", "foretag"),
    "sector": ("sector", "sektor"),
    "opening_hours": ("opening_hours", "oppettider"),
    "hours_per_week": ("hours_per_week", "timmar_per_vecka", "oppettimmar"),
    "annual_cost_sek": ("annual_cost_sek", "kostnad", "arskostnad", "kostnad_kr"),
    "capacity": ("capacity", "kapacitet", "platser"),
    "site_id": ("site_id", "plats_id", "lokal_id"),
    "site_name": ("site_name", "platsnamn", "lokal"),
    "site_kind": ("site_kind", "platstyp"),
    "x": ("x", "easting", "e", "ost", "lon", "longitud", "lng", "x_koordinat"),
    "y": ("y", "northing", "n", "nord", "lat", "latitud", "y_koordinat"),
}
#: Category names in municipal lists (lower case, no accents) -> category id.
CATEGORY_SYNONYMS: Final[dict[str, str]] = {
    **{category: category for category in CATEGORY_IDS},
    "livsmedelsbutik": "grocery_full",
    "livsmedel": "grocery_full",
    "dagligvarubutik": "grocery_full",
    "dagligvaror": "grocery_full",
    "matbutik": "grocery_full",
    "supermarket": "grocery_full",
    "narbutik": "grocery_convenience",
    "servicebutik": "grocery_convenience",
    "lanthandel": "grocery_convenience",
    "apotek": "pharmacy",
    "apoteksombud": "pharmacy_agent",
    "receptombud": "pharmacy_agent",
    "vardcentral": "health_centre",
    "halsocentral": "health_centre",
    "sjukstuga": "health_centre",
    "skola": "school_primary",
    "grundskola": "school_primary",
    "forskola": "preschool",
    "bibliotek": "library",
    "filialbibliotek": "library",
    "paketombud": "parcel_agent",
    "postombud": "parcel_agent",
    "utlamningsstalle": "parcel_agent",
    "paketskap": "parcel_agent",
    "uttagsautomat": "cash",
    "bankomat": "cash",
    "kontantuttag": "cash",
    "bank": "cash",
    "drivmedel": "fuel",
    "bensinstation": "fuel",
    "tankstation": "fuel",
    "medborgarkontor": "contact_office",
    "servicekontor": "contact_office",
    "kontaktcenter": "contact_office",
    "kommunkontor": "contact_office",
    "kommunhus": "contact_office",
}
SECTOR_SYNONYMS: Final[dict[str, str]] = {
    **{sector: sector for sector in SECTORS},
    "kommun": "municipality",
    "kommunal": "municipality",
    "region": "region",
    "stat": "state",
    "statlig": "state",
    "privat": "private",
    "foretag": "private",
    "ideell": "non_profit",
    "forening": "non_profit",
    "akademi": "academia",
}
#: Kind of the site a service creates, by category, when the list gives none.
DEFAULT_SITE_KIND: Final[dict[str, str]] = {
    "grocery_full": "shop",
    "grocery_convenience": "shop",
    "pharmacy": "shop",
    "pharmacy_agent": "shop",
    "health_centre": "health_centre",
    "school_primary": "school",
    "preschool": "school",
    "library": "library",
    "parcel_agent": "shop",
    "cash": "other",
    "fuel": "petrol_station",
    "contact_office": "municipal_office",
}
#: Plausible coordinate ranges in Sweden: (easting/longitude range, northing/latitude range).
CRS_RANGES: Final[dict[int, tuple[tuple[float, float], tuple[float, float]]]] = {
    3006: ((180_000.0, 1_000_000.0), (6_050_000.0, 7_750_000.0)),
    3021: ((1_150_000.0, 1_950_000.0), (6_050_000.0, 7_750_000.0)),
    4326: ((9.5, 25.0), (54.5, 69.5)),
}
CRS_NAMES: Final = {3006: "SWEREF 99 TM", 3021: "RT90 2.5 gon V", 4326: "WGS 84"}


def fold(text: object) -> str:
    """Lower-case ASCII with underscores, for matching names and values.

    Examples
    --------
    >>> fold("Förskola"), fold(" Öppet-tider ")
    ('forskola', 'oppet_tider')
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def detect_crs(x: pd.Series, y: pd.Series) -> int | None:
    """Return the EPSG code whose Swedish value ranges hold every (x, y), or None.

    x must be the easting/longitude column and y the northing/latitude one.

    Examples
    --------
    >>> detect_crs(pd.Series([487000.0]), pd.Series([6912250.0]))
    3006
    >>> detect_crs(pd.Series([1480000.0]), pd.Series([6910000.0]))
    3021
    >>> detect_crs(pd.Series([14.6]), pd.Series([63.2]))
    4326
    """
    values = pd.DataFrame({"x": x, "y": y}).dropna()
    if values.empty:
        return None
    for epsg, ((x_low, x_high), (y_low, y_high)) in CRS_RANGES.items():
        if values["x"].between(x_low, x_high).all() and values["y"].between(y_low, y_high).all():
            return epsg
    return None


@dataclass(frozen=True)
class ServicePreview:
    """The first rows of a normalised list and every row error, before anything is written.

    Attributes
    ----------
    rows
        First rows with the target columns (``category`` mapped, ``x``/``y`` in EPSG:3006).
    errors
        One row per problem: ``row`` (line in the file, header = 1; or feature number),
        ``column``, ``message``, ``message_sv``.
    crs
        The CRS the coordinates were read in (``EPSG:3006``, ...), detected or given.
    notes
        Things done silently (columns swapped, defaults applied).
    total_rows
        Number of data rows in the list.
    """

    rows: pd.DataFrame
    errors: pd.DataFrame
    crs: str
    notes: tuple[str, ...]
    total_rows: int


@dataclass(frozen=True)
class ServiceList:
    """A fully read list: the normalised points in EPSG:3006 and its row errors."""

    frame: gpd.GeoDataFrame
    errors: pd.DataFrame
    crs: str
    notes: tuple[str, ...]


def _resolve_columns(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    for target, source in mapping.items():
        check_string(str(source), "column mapping")
        if target not in KNOWN_COLUMNS:
            raise ValidationError(
                f"Unknown target column {target!r} in the mapping; known: "
                f"{', '.join(KNOWN_COLUMNS)}.",
                f"Okänd målkolumn {target!r} i kolumnmappningen; giltiga: "
                f"{', '.join(KNOWN_COLUMNS)}.",
            )
    missing = [source for source in mapping.values() if source not in columns]
    if missing:
        raise ValidationError(
            f"The list has no column(s) {missing}; its columns are {columns}.",
            f"Listan saknar kolumnen/kolumnerna {', '.join(map(str, missing))}; listans kolumner "
            f"är {', '.join(columns)}. Rätta kolumnmappningen.",
        )
    resolved = dict(mapping)
    folded = {fold(column): column for column in columns}
    for target, names in KNOWN_COLUMNS.items():
        if target in resolved:
            continue
        for name in names:
            if name in folded and folded[name] not in resolved.values():
                resolved[target] = folded[name]
                break
    return resolved


def _error(row: int, column: str, message: str, message_sv: str) -> dict[str, object]:
    return {"row": row, "column": column, "message": message, "message_sv": message_sv}


def read_service_list(
    staged: StagedInput,
    *,
    mapping: dict[str, str] | None = None,
    crs: str | int | None = None,
    category_values: dict[str, str] | None = None,
    boundary: gpd.GeoDataFrame | None = None,
    layer: str | None = None,
) -> ServiceList:
    """Read and normalise a staged service list, collecting row errors instead of stopping.

    Raises
    ------
    ValidationError
        Only for problems with the whole list: missing columns, a mapping naming columns that
        do not exist, coordinates in no recognisable CRS.
    """
    mapping = dict(mapping or {})
    notes: list[str] = []
    geometry: gpd.GeoSeries | None = None
    if staged.kind == "csv":
        table = read_csv_text(staged)
        first_row = 2
    elif staged.kind in ("geojson", "gpkg"):
        vector = (
            read_geojson(staged) if staged.kind == "geojson" else read_geopackage(staged, layer)
        )
        if vector.crs is None:
            raise missing_crs(staged.label)
        geometry = vector.geometry
        attributes = pd.DataFrame(vector.drop(columns=vector.geometry.name))
        table = attributes.astype(object).where(attributes.notna(), "").astype(str)
        first_row = 1
    else:
        raise ValidationError(
            f"{staged.label!r} is not a CSV, GeoJSON or GeoPackage list.",
            f"{staged.label!r} är varken CSV, GeoJSON eller GeoPackage.",
        )
    columns = [str(c) for c in table.columns]
    resolved = _resolve_columns(columns, mapping)
    required = ["name", "category"] + (["x", "y"] if geometry is None else [])
    absent = [target for target in required if target not in resolved]
    if absent:
        raise ValidationError(
            f"The list lacks the column(s) {absent} (and no mapping names them).",
            f"Listan saknar kolumn(er) för {', '.join(absent)}. Lägg till dem eller ange en "
            'kolumnmappning, t.ex. {"name": "Namn", "category": "Kategori"}.',
        )
    rows = pd.DataFrame(index=table.index)
    for target in KNOWN_COLUMNS:
        source = resolved.get(target)
        rows[target] = table[source].astype(str).str.strip() if source else ""
    line = pd.Series(np.arange(len(table)) + first_row, index=table.index)
    errors: list[dict[str, object]] = []

    # Categories.
    values_map = {fold(k): v for k, v in (category_values or {}).items()}
    folded_category = rows["category"].map(fold)
    category = folded_category.map(lambda v: values_map.get(v) or CATEGORY_SYNONYMS.get(v))
    for index in rows.index[category.isna() | ~category.isin(CATEGORY_IDS)]:
        value = rows.at[index, "category"]
        errors.append(
            _error(
                int(line[index]),
                "category",
                f"unknown category {value!r}",
                f"okänd kategori {value!r}; använd t.ex. livsmedelsbutik, apotek, skola "
                "eller en kategorimappning",
            )
        )
    rows["category"] = category.fillna("")
    for index in rows.index[rows["name"] == ""]:
        errors.append(_error(int(line[index]), "name", "empty name", "namnet saknas"))

    # Sector, site kind and numbers.
    sector = rows["sector"].map(fold).map(lambda v: SECTOR_SYNONYMS.get(v, "?" if v else ""))
    for index in rows.index[sector == "?"]:
        errors.append(
            _error(
                int(line[index]),
                "sector",
                f"unknown sector {rows.at[index, 'sector']!r}",
                f"okänd sektor {rows.at[index, 'sector']!r}; använd kommun, region, stat, "
                "privat, ideell eller akademi",
            )
        )
    default_sector = rows["category"].map(DEFAULT_SECTOR).fillna("private")
    rows["sector"] = sector.where(~sector.isin(["", "?"]), default_sector)
    kind = rows["site_kind"].map(fold)
    default_kind = rows["category"].map(DEFAULT_SITE_KIND).fillna("other")
    rows["site_kind"] = kind.where(kind.isin(SITE_KINDS), default_kind)
    for column in ("hours_per_week", "annual_cost_sek", "capacity"):
        numbers = to_number(rows[column])
        bad = (rows[column] != "") & (numbers.isna() | (numbers < 0))
        for index in rows.index[bad]:
            errors.append(
                _error(
                    int(line[index]),
                    column,
                    f"{column} must be a non-negative number",
                    f"{column} ska vara ett tal som inte är negativt",
                )
            )
        rows[column] = numbers.where(~bad)

    # Coordinates.
    if geometry is None:
        x, y = to_number(rows["x"]), to_number(rows["y"])
        bad = x.isna() | y.isna()
        for index in rows.index[bad]:
            errors.append(
                _error(
                    int(line[index]),
                    "x/y",
                    "missing or non-numeric coordinates",
                    "koordinater saknas eller är inte tal",
                )
            )
        if (x[~bad] > y[~bad]).mean() > 0.5:
            x, y = y, x
            notes.append("x and y were swapped (x held northing/latitude)")
        if crs is not None:
            epsg = int(parse_crs(crs).to_epsg() or 0)
        else:
            detected = detect_crs(x[~bad], y[~bad])
            if detected is None and (~bad).any():
                raise ValidationError(
                    "The coordinates fit none of SWEREF 99 TM, RT90 2.5 gon V or WGS 84 in "
                    "Sweden; give the CRS explicitly.",
                    "Koordinaterna passar inte SWEREF 99 TM, RT90 2.5 gon V eller WGS 84 i "
                    "Sverige. Ange listans koordinatsystem (t.ex. EPSG:3006) och kontrollera "
                    "att alla rader har koordinater i samma system.",
                )
            epsg = detected or 3006
        points = gpd.GeoSeries(
            shapely.points(x.fillna(0.0).to_numpy(), y.fillna(0.0).to_numpy()),
            index=rows.index,
            crs=f"EPSG:{epsg}",
        )
        points[bad] = None
        crs_name = f"EPSG:{epsg}"
    else:
        crs_name = str(geometry.crs)
        bad = geometry.isna() | geometry.is_empty
        for index in rows.index[bad]:
            errors.append(
                _error(int(line[index]), "geometry", "empty geometry", "geometrin är tom")
            )
        if (geometry.geom_type[~bad] != "Point").any():
            notes.append("non-point geometries replaced by a point on their surface")
        points = geometry.where(bad, geometry.representative_point())
    metric = points.to_crs(settings.CRS_METRIC)
    outside_sweden = ~bad & ~_in_sweden(metric)
    for index in rows.index[outside_sweden]:
        errors.append(
            _error(
                int(line[index]),
                "x/y",
                f"the point is not in Sweden when read in {crs_name}",
                f"punkten hamnar utanför Sverige i {crs_name}; fel koordinatsystem?",
            )
        )
    if boundary is not None:
        outside = ~bad & ~outside_sweden & ~metric.within(boundary.geometry.iloc[0])
        for index in rows.index[outside]:
            errors.append(
                _error(
                    int(line[index]),
                    "x/y",
                    "the point lies outside the municipality and its buffer",
                    "punkten ligger utanför kommunen (och buffertzonen); kontrollera "
                    "koordinaterna eller ta bort raden",
                )
            )

    # Ids.
    given = rows["service_id"] != ""
    duplicated = given & rows["service_id"].duplicated(keep=False)
    for index in rows.index[duplicated]:
        errors.append(
            _error(
                int(line[index]),
                "service_id",
                f"duplicated id {rows.at[index, 'service_id']!r}",
                f"id {rows.at[index, 'service_id']!r} förekommer flera gånger; id ska vara unika",
            )
        )
    frame = gpd.GeoDataFrame(
        rows.assign(row=line, x=metric.x.where(~metric.isna()), y=metric.y.where(~metric.isna())),
        geometry=metric,
        crs=settings.CRS_METRIC,
    )
    error_frame = pd.DataFrame(errors, columns=["row", "column", "message", "message_sv"])
    error_frame = error_frame.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    return ServiceList(frame, error_frame, crs_name, tuple(notes))


def _in_sweden(points: gpd.GeoSeries) -> pd.Series:
    west, south, east, north = SWEDEN_BOUNDS_3006
    x = points.x.where(points.notna())
    y = points.y.where(points.notna())
    return (x.between(west, east) & y.between(south, north)).fillna(False).astype(bool)


def preview(
    source: Source,
    *,
    name: str | None = None,
    mapping: dict[str, str] | None = None,
    crs: str | int | None = None,
    category_values: dict[str, str] | None = None,
    boundary: gpd.GeoDataFrame | None = None,
    n: int = 10,
    limits: Limits = DEFAULT_LIMITS,
) -> ServicePreview:
    """Return the first ``n`` normalised rows of a service list and every row error.

    Nothing is written: the file is staged into a private temporary folder that is removed
    before returning.

    Examples
    --------
    >>> text = b"Namn;Kategori;X;Y\\nICA Byn;Livsmedelsbutik;487000;6912250\\nApoteket;Apotek;;\\n"
    >>> result = preview(text, name="lista.csv")
    >>> result.crs, result.rows["category"].tolist()
    ('EPSG:3006', ['grocery_full', 'pharmacy'])
    >>> result.errors[["row", "column"]].values.tolist()
    [[3, 'x/y']]
    """
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="servicekartan-preview-"))
    try:
        staged = stage_input(
            source, workdir, allowed=("csv", "geojson", "gpkg"), name=name, limits=limits
        )
        listed = read_service_list(
            staged, mapping=mapping, crs=crs, category_values=category_values, boundary=boundary
        )
    finally:
        remove_workdir(workdir)
    shown = pd.DataFrame(listed.frame.drop(columns=listed.frame.geometry.name)).head(n)
    return ServicePreview(
        rows=shown.reset_index(drop=True),
        errors=listed.errors,
        crs=listed.crs,
        notes=listed.notes,
        total_rows=len(listed.frame),
    )


def raise_on_errors(listed: ServiceList, label: str) -> None:
    """Raise one ValidationError listing the first row errors of a list, if it has any."""
    if listed.errors.empty:
        return
    first = listed.errors.head(5)
    en = "; ".join(f"row {r.row}: {r.message}" for r in first.itertuples())
    sv = "; ".join(f"rad {r.row}: {r.message_sv}" for r in first.itertuples())
    count = len(listed.errors)
    raise ValidationError(
        f"{label!r} has {count} row error(s): {en}. Fix them (see the preview) and import again.",
        f"{label!r} har {count} fel: {sv}. Rätta raderna (se förhandsgranskningen) och läs in "
        "igen.",
    )


def list_to_layers(listed: ServiceList, prefix: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return (services, sites) of a checked list; ids default to ``<prefix>-<row>``.

    Rows sharing a ``site_id`` share one site (at the first row's point); otherwise every
    service gets its own site.  Missing cost becomes 0 and missing hours per week are computed
    from ``opening_hours`` when possible (the quality report notes both).
    """
    from analysis.importer.osm import hours_per_week

    frame = listed.frame
    service_id = frame["service_id"].where(
        frame["service_id"] != "", prefix + "-" + frame["row"].astype(str)
    )
    site_id = frame["site_id"].where(frame["site_id"] != "", "site-" + service_id)
    hours = frame["hours_per_week"].where(
        frame["hours_per_week"].notna(), frame["opening_hours"].map(hours_per_week)
    )
    services = gpd.GeoDataFrame(
        {
            "service_id": service_id.astype(object),
            "category": frame["category"].astype(object),
            "name": frame["name"].astype(object),
            "operator": frame["operator"].astype(object),
            "sector": frame["sector"].astype(object),
            "site_id": site_id.astype(object),
            "opening_hours": frame["opening_hours"].astype(object),
            "hours_per_week": hours.astype(float),
            "annual_cost_sek": frame["annual_cost_sek"].astype(float),
            "capacity": frame["capacity"].astype(float),
        },
        geometry=frame.geometry,
        crs=settings.CRS_METRIC,
    ).reset_index(drop=True)
    first = frame.assign(site_id=site_id).drop_duplicates("site_id")
    sites = gpd.GeoDataFrame(
        {
            "site_id": first["site_id"].astype(object),
            "name": first["site_name"]
            .where(first["site_name"] != "", first["name"])
            .astype(object),
            "kind": first["site_kind"].astype(object),
            "locality_id": pd.Series("", index=first.index, dtype=object),
            "is_candidate": (first["site_kind"] != "other").astype(bool),
        },
        geometry=first.geometry,
        crs=settings.CRS_METRIC,
    ).reset_index(drop=True)
    services["geometry"] = services["site_id"].map(sites.set_index("site_id").geometry)
    services = services.set_geometry("geometry", crs=settings.CRS_METRIC)
    return services, sites
