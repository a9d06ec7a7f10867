"""The data model shared by the demo generator, the store, the engine and the importers.

A *region package* is a folder holding one GeoParquet file per layer plus ``region.json``.
``docs/DATA_MODEL.md`` describes every layer for people; this module is the machine-readable
version of the same contract and validates layers against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import pandas as pd

from analysis import settings
from analysis.errors import DataModelError, ValidationError


@dataclass(frozen=True)
class Category:
    """A service category.

    Attributes
    ----------
    id
        Stable English identifier used in files and code.
    colour
        Marker colour on maps (hex), chosen to be distinguishable and to pass contrast on white.
    symbol
        Short glyph drawn inside the marker, so that categories differ by shape, not colour only.
    """

    id: str
    colour: str
    symbol: str


#: Service categories, in display order.
CATEGORIES: Final[tuple[Category, ...]] = (
    Category("grocery_full", "#1b7837", "D"),
    Category("grocery_convenience", "#5aae61", "d"),
    Category("pharmacy", "#c51b7d", "A"),
    Category("pharmacy_agent", "#de77ae", "a"),
    Category("health_centre", "#b2182b", "V"),
    Category("school_primary", "#2166ac", "S"),
    Category("preschool", "#4393c3", "F"),
    Category("library", "#762a83", "B"),
    Category("parcel_agent", "#8c510a", "P"),
    Category("cash", "#35978f", "K"),
    Category("fuel", "#4d4d4d", "T"),
    Category("contact_office", "#e08214", "M"),
)
CATEGORY_IDS: Final = tuple(c.id for c in CATEGORIES)
CATEGORY_BY_ID: Final = {c.id: c for c in CATEGORIES}

#: The everyday-service bundle: each element is a *need* satisfied by any of its categories.
#: The service-bundle index counts residents reaching k of these needs (and all at one place).
EVERYDAY_BUNDLE: Final[dict[str, tuple[str, ...]]] = {
    "groceries": ("grocery_full", "grocery_convenience"),
    "medicines": ("pharmacy", "pharmacy_agent"),
    "parcels": ("parcel_agent",),
    "cash": ("cash",),
    "municipal_contact": ("contact_office",),
}

#: What people need, each met by *any* of its categories (a pharmacy agent hands out medicines
#: as a pharmacy does).  Two needs are a stricter level of another: ``groceries_full`` (a full
#: range) of ``groceries`` (a convenience store will do) and ``pharmacy_full`` (a staffed
#: pharmacy) of ``medicines``.  The five everyday needs are those of :data:`EVERYDAY_BUNDLE`,
#: in its order; views and headline figures speak of needs, categories stay one switch away.
NEEDS: Final[dict[str, tuple[str, ...]]] = {
    **EVERYDAY_BUNDLE,
    "groceries_full": ("grocery_full",),
    "pharmacy_full": ("pharmacy",),
    "health_care": ("health_centre",),
    "school": ("school_primary",),
    "preschool": ("preschool",),
    "library": ("library",),
    "fuel": ("fuel",),
}
NEED_IDS: Final = tuple(NEEDS)
#: The need a service of each category meets at its own level: a registered need for a
#: category is met by that category or a fuller one (a wish for a convenience store is met by
#: a full-range shop too; a wish for a staffed pharmacy only by a pharmacy).
NEED_OF_CATEGORY: Final[dict[str, str]] = {
    "grocery_full": "groceries_full",
    "grocery_convenience": "groceries",
    "pharmacy": "pharmacy_full",
    "pharmacy_agent": "medicines",
    "health_centre": "health_care",
    "school_primary": "school",
    "preschool": "preschool",
    "library": "library",
    "parcel_agent": "parcels",
    "cash": "cash",
    "fuel": "fuel",
    "contact_office": "municipal_contact",
}


def needs_met_by(categories: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Return the needs that any of ``categories`` helps meet, in :data:`NEEDS` order.

    Examples
    --------
    >>> needs_met_by(["grocery_convenience", "pharmacy_agent"])
    ('groceries', 'medicines')
    """
    wanted = set(categories)
    return tuple(need for need, met_by in NEEDS.items() if wanted & set(met_by))


def chosen_needs(needs: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Return the needs asked for, each with the categories that meet it (a bundle).

    Raises
    ------
    ValidationError
        When no need is given or one is unknown (the Swedish message asks to choose one).

    Examples
    --------
    >>> chosen_needs(["medicines"])
    {'medicines': ('pharmacy', 'pharmacy_agent')}
    """
    unknown = [need for need in needs if need not in NEEDS]
    if not needs or unknown:
        raise ValidationError(
            f"Unknown needs {unknown}; choose at least one of {', '.join(NEED_IDS)}.",
            "Välj minst ett behov i listan.",
        )
    return {need: NEEDS[need] for need in needs}


#: Who pays for / runs a service (the quadruple helix plus the public levels).
SECTORS: Final = ("municipality", "region", "state", "private", "non_profit", "academia")

#: Who usually runs a service of each category: the sector a new or imported service gets when
#: nothing else is said (the planner or the list can say otherwise).
DEFAULT_SECTOR: Final[dict[str, str]] = {
    "grocery_full": "private",
    "grocery_convenience": "private",
    "pharmacy": "private",
    "pharmacy_agent": "private",
    "health_centre": "region",
    "school_primary": "municipality",
    "preschool": "municipality",
    "library": "municipality",
    "parcel_agent": "private",
    "cash": "private",
    "fuel": "private",
    "contact_office": "municipality",
}

#: Road classes, from highest to lowest.
ROAD_CLASSES: Final = tuple(settings.CAR_SPEED_BY_CLASS_KMH)

#: Kinds of locality.
LOCALITY_KINDS: Final = ("town", "village", "small_village")

#: Kinds of candidate host site.
SITE_KINDS: Final = (
    "school",
    "library",
    "shop",
    "village_hall",
    "health_centre",
    "petrol_station",
    "municipal_office",
    "other",
)

#: Who registered a need.
REGISTRANT_TYPES: Final = ("resident", "association", "business", "public_body")
#: Workflow states of a registered need.
NEED_STATUSES: Final = ("new", "reviewed", "planned", "resolved", "rejected")
#: Categories a need can name: every service category plus "other".
NEED_CATEGORIES: Final = (*CATEGORY_IDS, "other")


@dataclass(frozen=True)
class Layer:
    """The contract of one layer of a region package.

    Attributes
    ----------
    name
        File stem inside the package (``<name>.parquet``).
    geometry
        Allowed geometry types.
    columns
        Required columns and their pandas dtype kind (``"O"`` text, ``"i"`` integer,
        ``"f"`` float, ``"b"`` bool, ``"M"`` datetime).
    optional
        Columns that may be present, with the same notation.
    required
        Whether a package must have this layer.
    """

    name: str
    geometry: tuple[str, ...]
    columns: dict[str, str]
    optional: dict[str, str]
    required: bool = True


LAYERS: Final[dict[str, Layer]] = {
    layer.name: layer
    for layer in (
        Layer("boundary", ("Polygon", "MultiPolygon"), {"name": "O"}, {"code": "O"}),
        Layer(
            "roads",
            ("LineString",),
            {"road_id": "i", "road_class": "O"},
            {"speed_kmh": "f", "name": "O", "oneway": "b"},
        ),
        Layer("water", ("Polygon", "MultiPolygon", "LineString"), {"kind": "O"}, {"name": "O"}),
        Layer(
            "localities",
            ("Polygon", "MultiPolygon"),
            {"locality_id": "O", "name": "O", "kind": "O", "population": "i"},
            {},
        ),
        Layer(
            "population",
            ("Polygon",),
            {
                "cell_id": "O",
                "size_m": "i",
                "pop_total": "i",
                "pop_0_15": "i",
                "pop_16_64": "i",
                "pop_65_79": "i",
                "pop_80_plus": "i",
            },
            {"locality_id": "O"},
        ),
        Layer(
            "sites",
            ("Point",),
            {"site_id": "O", "name": "O", "kind": "O", "locality_id": "O", "is_candidate": "b"},
            {},
        ),
        Layer(
            "services",
            ("Point",),
            {
                "service_id": "O",
                "category": "O",
                "name": "O",
                "operator": "O",
                "sector": "O",
                "site_id": "O",
                "opening_hours": "O",
                "hours_per_week": "f",
                "annual_cost_sek": "f",
                "capacity": "f",
            },
            {},
        ),
        Layer(
            "needs",
            ("Point",),
            {
                "need_id": "O",
                "category": "O",
                "text": "O",
                "registrant_type": "O",
                "people_count": "i",
                "created_at": "M",
                "status": "O",
            },
            {"locality_id": "O"},
            required=False,
        ),
    )
}

#: Columns whose values must come from a fixed vocabulary.
VOCABULARIES: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("roads", "road_class"): ROAD_CLASSES,
    ("localities", "kind"): LOCALITY_KINDS,
    ("sites", "kind"): SITE_KINDS,
    ("services", "category"): CATEGORY_IDS,
    ("services", "sector"): SECTORS,
    ("needs", "category"): NEED_CATEGORIES,
    ("needs", "registrant_type"): REGISTRANT_TYPES,
    ("needs", "status"): NEED_STATUSES,
}

#: Columns that must be unique within their layer.
ID_COLUMNS: Final[dict[str, str]] = {
    "roads": "road_id",
    "localities": "locality_id",
    "population": "cell_id",
    "sites": "site_id",
    "services": "service_id",
    "needs": "need_id",
}


def scb_cell_id(easting: int, northing: int) -> str:
    """Return SCB's grid-cell id for the cell whose south-west corner is at the given point.

    SCB names a SWEREF 99 TM grid cell by its south-west corner: six digits of easting followed
    by seven digits of northing, in metres.

    Examples
    --------
    >>> scb_cell_id(487000, 6912250)
    '4870006912250'
    """
    return f"{int(easting):06d}{int(northing):07d}"


def _dtype_matches(series: pd.Series, kind: str) -> bool:
    if kind == "O":
        return bool(pd.api.types.is_string_dtype(series) or pd.api.types.is_object_dtype(series))
    if kind == "M":
        return bool(pd.api.types.is_datetime64_any_dtype(series))
    if kind == "f":
        return bool(pd.api.types.is_float_dtype(series) or pd.api.types.is_integer_dtype(series))
    return bool(series.dtype.kind == kind)


def validate_layer(name: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Check that ``frame`` follows the data model for layer ``name`` and return it unchanged.

    Raises
    ------
    DataModelError
        On an unknown layer, a missing CRS or a CRS other than EPSG:3006, a missing column, a
        column of the wrong type, a geometry of the wrong type, an empty or invalid geometry, a
        value outside its vocabulary or a duplicated id.
    """
    if name not in LAYERS:
        raise DataModelError(
            f"Unknown layer {name!r}; the layers are: {', '.join(LAYERS)}.",
            f"Okänt lager {name!r}; lagren heter: {', '.join(LAYERS)}.",
        )
    layer = LAYERS[name]
    if frame.crs is None:
        raise DataModelError(
            f"Layer {name!r} has no CRS; set it to {settings.CRS_METRIC} (SWEREF 99 TM).",
            f"Lagret {name!r} saknar koordinatsystem; ange {settings.CRS_METRIC} (SWEREF 99 TM).",
        )
    if frame.crs != settings.CRS_METRIC:
        raise DataModelError(
            f"Layer {name!r} is in {frame.crs}; reproject it to {settings.CRS_METRIC} first.",
            f"Lagret {name!r} har koordinatsystemet {frame.crs}; "
            f"projicera om det till {settings.CRS_METRIC} (SWEREF 99 TM) först.",
        )
    missing = [column for column in layer.columns if column not in frame.columns]
    if missing:
        raise DataModelError(
            f"Layer {name!r} lacks the column(s) {', '.join(missing)}.",
            f"Lagret {name!r} saknar kolumnen/kolumnerna {', '.join(missing)}.",
        )
    for column, kind in {**layer.columns, **layer.optional}.items():
        if column in frame.columns and len(frame) and not _dtype_matches(frame[column], kind):
            raise DataModelError(
                f"Column {name}.{column} has type {frame[column].dtype}, expected kind {kind!r}.",
                f"Kolumnen {name}.{column} har fel datatyp ({frame[column].dtype}).",
            )
    if len(frame):
        if frame.geometry.isna().any() or frame.geometry.is_empty.any():
            raise DataModelError(
                f"Layer {name!r} has empty geometries; remove those rows.",
                f"Lagret {name!r} har tomma geometrier; ta bort de raderna.",
            )
        wrong = ~frame.geom_type.isin(layer.geometry)
        if wrong.any():
            found = sorted(set(frame.geom_type[wrong]))
            raise DataModelError(
                f"Layer {name!r} holds {', '.join(found)}; expected {', '.join(layer.geometry)}"
                " (explode multi-part geometries first).",
                f"Lagret {name!r} innehåller {', '.join(found)}; förväntat "
                f"{', '.join(layer.geometry)} (dela upp sammansatta geometrier först).",
            )
        if not frame.geometry.is_valid.all():
            raise DataModelError(
                f"Layer {name!r} has invalid geometries; repair them (e.g. make_valid).",
                f"Lagret {name!r} har ogiltiga geometrier; reparera dem först.",
            )
    for (layer_name, column), allowed in VOCABULARIES.items():
        if layer_name == name and column in frame.columns:
            unknown = sorted(set(frame[column].dropna()) - set(allowed))
            if unknown:
                raise DataModelError(
                    f"Column {name}.{column} has unknown values {unknown}; allowed: {allowed}.",
                    f"Kolumnen {name}.{column} har okända värden {unknown}; "
                    f"tillåtna: {', '.join(allowed)}.",
                )
    id_column = ID_COLUMNS.get(name)
    if id_column and frame[id_column].duplicated().any():
        duplicated = sorted(frame.loc[frame[id_column].duplicated(), id_column].astype(str))[:5]
        raise DataModelError(
            f"Layer {name!r} has duplicated {id_column}: {duplicated}.",
            f"Lagret {name!r} har dubbletter i {id_column}: {duplicated}.",
        )
    return frame
