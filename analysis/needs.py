"""Registered needs: validation, workflow, analysis, safe publication, import and export.

A *need* is a point (EPSG:3006) where a resident, association, business or public body says a
service is missing.  Everything written goes through :mod:`analysis.store`.

Text typed by the public is stored *verbatim as data* (after stripping control characters and
bidirectional overrides): no HTML or SQL escaping happens here, every query is parameterised, and
escaping for display is the UI's job (``st.text``/``html.escape``/folium ``Popup(..., parse_html=
False)``).  Contact details are never published: :func:`list_needs` leaves them out unless asked,
:func:`public_aggregate` never carries them, and :func:`apply_retention` removes them after a
while.  Erasure and retention rewrite the database file (:meth:`analysis.store.Store.compact`)
so that removed personal data is gone from the bytes on disk too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import threading
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from analysis import settings
from analysis.errors import DataModelError, ValidationError
from analysis.i18n import t
from analysis.io import Region
from analysis.model import NEED_CATEGORIES, NEED_STATUSES, REGISTRANT_TYPES, scb_cell_id
from analysis.store import Store, utc_now

#: Longest contact detail (e-mail address or phone number), characters.
CONTACT_MAX_CHARS: Final = 200
#: Smallest and largest number of people one need may speak for.
PEOPLE_COUNT_RANGE: Final = (1, 10_000)
#: Statuses that close a need; retention counts from the moment a need reached one of them.
CLOSED_STATUSES: Final = ("resolved", "rejected")
#: Fields :func:`edit_need` may change.
EDITABLE_FIELDS: Final = (
    "category",
    "text",
    "registrant_type",
    "people_count",
    "contact",
    "locality_id",
    "x",
    "y",
)
#: What the audit trail shows instead of a contact detail (the trail must not leak it).
MASKED: Final = "***"
#: Columns of a need as the store returns them, contact excluded.
NEED_COLUMNS: Final = (
    "need_id",
    "short_code",
    "region_id",
    "category",
    "locality_id",
    "text",
    "registrant_type",
    "people_count",
    "status",
    "status_reason",
    "created_at",
    "updated_at",
    "closed_at",
    "merged_into",
    "source",
    "x",
    "y",
)

_BIDI_CONTROLS: Final = frozenset(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


# --- Validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedInput:
    """A validated need, ready to be registered; coordinates in EPSG:3006."""

    category: str
    x: float
    y: float
    locality_id: str
    text: str
    registrant_type: str
    people_count: int
    contact: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What a registrant gets back: the id, a short code to quote, and the time (UTC)."""

    need_id: str
    short_code: str
    created_at: dt.datetime


class NeedValidationError(ValidationError):
    """A need that fails validation; ``problems`` maps each field to a Swedish message."""

    def __init__(self, problems: dict[str, tuple[str, str]]) -> None:
        english = "; ".join(f"{name}: {en}" for name, (en, _sv) in problems.items())
        super().__init__(english, " ".join(sv for _en, sv in problems.values()))
        self.problems = {name: sv for name, (_en, sv) in problems.items()}


def _texts(key: str, **values: object) -> tuple[str, str]:
    return t(key, "en", **values), t(key, "sv", **values)


def clean_text(value: object) -> str:
    """Return ``value`` as text with control characters and bidi overrides removed.

    Line breaks are kept (as ``\\n``), tabs become spaces, the text is NFC-normalised and
    trimmed.  Nothing is HTML-escaped: the text is data.

    Examples
    --------
    >>> clean_text("  Hej\\x00 <b>då</b>\\r\\nrad två\\t!\\u202e ")
    'Hej <b>då</b>\\nrad två !'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    kept = (
        char
        for char in text
        if char == "\n" or (unicodedata.category(char) != "Cc" and char not in _BIDI_CONTROLS)
    )
    return "".join(kept).strip()


def _number(value: object) -> float:
    """Parse a number written the Swedish or English way (``6 543 210,5`` or ``6543210.5``)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace("\u2212", "-")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError("not finite")
    return number


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _locality_at(region: Region, point: Point) -> str:
    localities = region.localities
    if len(localities):
        hits = localities.loc[localities.geometry.covers(point), "locality_id"]
        if len(hits):
            return str(hits.iloc[0])
    return settings.RURAL_LOCALITY_ID


def _locality_point(region: Region, locality_id: str) -> Point | None:
    localities = region.localities
    match = localities.loc[localities["locality_id"].astype(str) == locality_id]
    if not len(match):
        return None
    shape = match.geometry.iloc[0]
    centroid = shape.centroid
    # A crescent-shaped village can have its centroid outside itself; use a point inside then.
    return centroid if shape.covers(centroid) else shape.representative_point()


def validate_need(fields: Mapping[str, Any], region: Region | None) -> NeedInput:
    """Validate a need typed into a form (or read from a file) and return it cleaned.

    Parameters
    ----------
    fields
        ``category``, ``text``, ``registrant_type``, ``people_count`` (default 1), ``contact``
        (optional) and a location: ``x``/``y`` in EPSG:3006, or ``lon``/``lat`` in WGS 84, or a
        ``locality_id`` whose centroid is used.  Other keys are ignored.
    region
        The region the need belongs to: the location must lie inside its boundary and the
        locality is looked up in its localities.  ``None`` skips those checks (a point is then
        required and its locality is left as the rural pseudo-locality).

    Raises
    ------
    NeedValidationError
        Listing every problem, each with a Swedish message saying what to fix.

    Examples
    --------
    >>> need = validate_need(
    ...     {"category": "pharmacy", "x": 500000, "y": 7000000, "text": " Inget apotek\\x07 ",
    ...      "registrant_type": "resident", "people_count": "3"}, None)
    >>> need.text, need.people_count
    ('Inget apotek', 3)
    """
    boundary = _boundary(region) if region is not None else None
    return _validate_need(fields, region, boundary)


def _boundary(region: Region) -> BaseGeometry:
    shape = region.boundary.geometry.union_all()
    shapely.prepare(shape)
    return shape


def _validate_need(
    fields: Mapping[str, Any], region: Region | None, boundary: BaseGeometry | None
) -> NeedInput:
    problems: dict[str, tuple[str, str]] = {}

    category = str(fields.get("category") or "").strip()
    if category not in NEED_CATEGORIES:
        problems["category"] = _texts("needs.error.category", value=category)

    text = clean_text(fields.get("text"))
    if not text:
        problems["text"] = _texts("needs.error.text_missing")
    elif len(text) > settings.NEED_TEXT_MAX_CHARS:
        problems["text"] = _texts(
            "needs.error.text_long", length=len(text), limit=settings.NEED_TEXT_MAX_CHARS
        )

    registrant_type = str(fields.get("registrant_type") or "").strip()
    if registrant_type not in REGISTRANT_TYPES:
        problems["registrant_type"] = _texts("needs.error.registrant_type")

    people_raw = fields.get("people_count")
    people_count = 1
    if not _is_blank(people_raw):
        try:
            number = _number(people_raw)
            if number != int(number):
                raise ValueError("not whole")
            people_count = int(number)
        except (TypeError, ValueError):
            people_count = 0
    low, high = PEOPLE_COUNT_RANGE
    if not low <= people_count <= high:
        problems["people_count"] = _texts("needs.error.people_count", low=low, high=high)

    contact = clean_text(fields.get("contact")) or None
    if contact is not None and len(contact) > CONTACT_MAX_CHARS:
        problems["contact"] = _texts("needs.error.contact_long", limit=CONTACT_MAX_CHARS)

    point: Point | None = None
    locality_id = settings.RURAL_LOCALITY_ID
    try:
        if not (_is_blank(fields.get("x")) or _is_blank(fields.get("y"))):
            point = Point(_number(fields["x"]), _number(fields["y"]))
        elif not (_is_blank(fields.get("lon")) or _is_blank(fields.get("lat"))):
            to_metric = Transformer.from_crs(
                settings.CRS_DISPLAY, settings.CRS_METRIC, always_xy=True
            )
            point = Point(to_metric.transform(_number(fields["lon"]), _number(fields["lat"])))
    except (TypeError, ValueError):
        problems["location"] = _texts("needs.error.location_number")
    chosen_locality = str(fields.get("locality_id") or "").strip()
    if "location" not in problems:
        if point is None and chosen_locality and region is not None:
            point = _locality_point(region, chosen_locality)
            if point is None:
                problems["location"] = _texts("needs.error.locality_unknown", value=chosen_locality)
        if point is None and "location" not in problems:
            problems["location"] = _texts("needs.error.location_missing")
    if point is not None and "location" not in problems and region is not None:
        if boundary is None or not boundary.covers(point):
            problems["location"] = _texts("needs.error.location_outside", region=region.info.name)
        else:
            locality_id = _locality_at(region, point)

    if problems:
        raise NeedValidationError(problems)
    assert point is not None
    return NeedInput(
        category=category,
        x=float(point.x),
        y=float(point.y),
        locality_id=locality_id,
        text=text,
        registrant_type=registrant_type,
        people_count=people_count,
        contact=contact,
    )


# --- Registration and workflow ----------------------------------------------------------------


def short_code_of(need_id: str) -> str:
    """Return the short receipt code of a need id (ten hex digits of its UUID, grouped).

    Examples
    --------
    >>> short_code_of("3f2a9c1b-77de-4c1a-9b1e-5f0d2a6c8e11")
    '3F2A9-C1B77'
    """
    digits = need_id.replace("-", "").upper()
    return f"{digits[:5]}-{digits[5:10]}"


@dataclass(frozen=True)
class _NewNeed:
    need: NeedInput
    need_id: str | None = None
    created_at: dt.datetime | None = None
    status: str = "new"
    source: str = "form"


_INSERT_COLUMNS: Final = (
    "need_id",
    "region_id",
    "category",
    "x",
    "y",
    "locality_id",
    "text",
    "registrant_type",
    "people_count",
    "status",
    "status_reason",
    "contact",
    "created_at",
    "updated_at",
    "merged_into",
    "short_code",
    "closed_at",
    "source",
)


def _insert_needs(
    cur: duckdb.DuckDBPyConnection, region_id: str, items: Sequence[_NewNeed]
) -> list[Receipt]:
    """Insert needs in the caller's transaction; new ids get a receipt code nobody else has."""
    now = utc_now()
    ids = [item.need_id for item in items]
    while True:
        fresh = [need_id or str(uuid.uuid4()) for need_id in ids]
        codes = [short_code_of(need_id) for need_id in fresh]
        taken = {
            str(row[0])
            for row in cur.execute(
                "SELECT short_code FROM needs WHERE short_code IN (SELECT unnest(?::VARCHAR[]))",
                [codes],
            ).fetchall()
        }
        seen: set[str] = set()
        clash = False
        for position, code in enumerate(codes):
            if (code in taken or code in seen) and ids[position] is None:
                clash = True
            else:
                ids[position] = fresh[position]
            seen.add(code)
        if not clash:
            break
    rows = [
        (
            need_id,
            region_id,
            item.need.category,
            item.need.x,
            item.need.y,
            item.need.locality_id,
            item.need.text,
            item.need.registrant_type,
            item.need.people_count,
            item.status,
            None,
            item.need.contact,
            item.created_at or now,
            now,
            None,
            short_code_of(need_id),
            now if item.status in CLOSED_STATUSES else None,
            item.source,
        )
        for need_id, item in zip(fresh, items, strict=True)
    ]
    columns = ", ".join(_INSERT_COLUMNS)
    if len(rows) == 1:
        placeholders = ", ".join("?" * len(_INSERT_COLUMNS))
        cur.execute(f"INSERT INTO needs ({columns}) VALUES ({placeholders})", list(rows[0]))
    elif rows:
        frame = pd.DataFrame(rows, columns=list(_INSERT_COLUMNS))
        for column in ("status_reason", "contact", "merged_into", "closed_at"):
            frame[column] = frame[column].astype(object)
        cur.register("incoming_needs", frame)
        try:
            cur.execute(f"INSERT INTO needs ({columns}) SELECT {columns} FROM incoming_needs")
        finally:
            cur.unregister("incoming_needs")
    return [Receipt(need_id=row[0], short_code=row[15], created_at=row[12]) for row in rows]


def register_need(store: Store, region_id: str, need: NeedInput) -> Receipt:
    """Store a validated need and return its receipt; durable once this returns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from analysis.store import open_store
    >>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "needs.duckdb")
    >>> need = NeedInput("cash", 500000.0, 7000000.0, "glesbygd", "Bankomat", "resident", 2)
    >>> receipt = register_need(store, "exempelbygd", need)
    >>> list_needs(store, "exempelbygd")["need_id"].tolist() == [receipt.need_id]
    True
    """
    return store.write(lambda cur: _insert_needs(cur, region_id, [_NewNeed(need)])[0])


def _naive_utc(value: Any) -> dt.datetime:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    result: dt.datetime = stamp.to_pydatetime()
    return result


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _frame_to_gdf(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    for column in ("created_at", "updated_at", "closed_at"):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    geometry = gpd.points_from_xy(frame["x"], frame["y"], crs=settings.CRS_METRIC)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=settings.CRS_METRIC)


def list_needs(
    store: Store,
    region_id: str,
    *,
    categories: str | Iterable[str] | None = None,
    statuses: str | Iterable[str] | None = None,
    locality_ids: str | Iterable[str] | None = None,
    registrant_types: str | Iterable[str] | None = None,
    date_from: dt.date | dt.datetime | None = None,
    date_to: dt.date | dt.datetime | None = None,
    include_merged: bool = False,
    include_contact: bool = False,
) -> gpd.GeoDataFrame:
    """Return the needs of a region as points in EPSG:3006, oldest first.

    Filters combine with AND; ``date_to`` given as a date includes that whole day.  Needs merged
    into another are left out unless ``include_merged``; contact details unless
    ``include_contact`` (only a planner's review page should ask for them).
    """
    columns = [*NEED_COLUMNS, *(("contact",) if include_contact else ())]
    where = ["region_id = ?"]
    params: list[Any] = [region_id]
    for column, values in (
        ("category", _as_list(categories)),
        ("status", _as_list(statuses)),
        ("locality_id", _as_list(locality_ids)),
        ("registrant_type", _as_list(registrant_types)),
    ):
        if values is not None:
            where.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")
            params.append(values)
    if date_from is not None:
        start = (
            date_from
            if isinstance(date_from, dt.datetime)
            else dt.datetime.combine(date_from, dt.time())
        )
        where.append("created_at >= ?")
        params.append(_naive_utc(start))
    if date_to is not None:
        if isinstance(date_to, dt.datetime):
            where.append("created_at <= ?")
            params.append(_naive_utc(date_to))
        else:
            where.append("created_at < ?")
            params.append(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    if not include_merged:
        where.append("merged_into IS NULL")
    frame = store.read(
        f"SELECT {', '.join(columns)} FROM needs WHERE {' AND '.join(where)} "
        "ORDER BY created_at, need_id",
        params,
    )
    return _frame_to_gdf(frame)


def get_need(store: Store, need_id: str, include_contact: bool = False) -> dict[str, Any]:
    """Return one need as a dict (by id or short code).

    Raises
    ------
    ValidationError
        If there is no such need.
    """
    columns = [*NEED_COLUMNS, *(("contact",) if include_contact else ())]
    frame = store.read(
        f"SELECT {', '.join(columns)} FROM needs WHERE need_id = ? OR short_code = ?",
        [need_id, need_id.strip().upper()],
    )
    if len(frame) != 1:
        raise ValidationError(*_texts("needs.error.unknown_need", need_id=need_id))
    record: dict[str, Any] = frame.to_dict("records")[0]
    return {key: (None if _is_missing(value) else value) for key, value in record.items()}


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def audit_trail(store: Store, need_id: str) -> pd.DataFrame:
    """Return every recorded change of a need, oldest first."""
    frame = store.read(
        "SELECT * FROM needs_audit WHERE need_id = ? ORDER BY changed_at, field", [need_id]
    )
    for column in ("old", "new"):
        frame[column] = pd.Series(
            [None if _is_blank(v) else str(v) for v in frame[column]],
            index=frame.index,
            dtype=object,
        )
    return frame


def _audit(
    cur: duckdb.DuckDBPyConnection,
    need_id: str,
    by: str,
    changes: Sequence[tuple[str, object, object]],
    when: dt.datetime,
) -> None:
    rows = [
        [
            need_id,
            when,
            by,
            name,
            None if old is None else (MASKED if name == "contact" else str(old)),
            None if new is None else (MASKED if name == "contact" else str(new)),
        ]
        for name, old, new in changes
    ]
    if rows:
        cur.executemany("INSERT INTO needs_audit VALUES (?, ?, ?, ?, ?, ?)", rows)


def _current(cur: duckdb.DuckDBPyConnection, need_id: str) -> dict[str, Any]:
    frame = cur.execute("SELECT * FROM needs WHERE need_id = ?", [need_id]).df()
    if len(frame) != 1:
        raise ValidationError(*_texts("needs.error.unknown_need", need_id=need_id))
    row: dict[str, Any] = frame.to_dict("records")[0]
    return {key: (None if _is_blank(value) else value) for key, value in row.items()}


def set_status(
    store: Store, need_id: str, status: str, reason: str | None = None, by: str = "planner"
) -> None:
    """Move a need to ``status`` (one of :data:`analysis.model.NEED_STATUSES`), with audit rows.

    Rejecting requires a ``reason``.  Reaching a closed status starts the retention clock.
    """
    if status not in NEED_STATUSES:
        raise ValidationError(
            *_texts("needs.error.status", value=status, allowed=", ".join(NEED_STATUSES))
        )
    reason_text = clean_text(reason) or None
    if status == "rejected" and reason_text is None:
        raise ValidationError(*_texts("needs.error.reason_required"))

    def _set(cur: duckdb.DuckDBPyConnection) -> None:
        row = _current(cur, need_id)
        now = utc_now()
        closed_at = row["closed_at"]
        if status in CLOSED_STATUSES and row["status"] not in CLOSED_STATUSES:
            closed_at = now
        elif status not in CLOSED_STATUSES:
            closed_at = None
        cur.execute(
            "UPDATE needs SET status = ?, status_reason = ?, closed_at = ?, updated_at = ? "
            "WHERE need_id = ?",
            [status, reason_text, closed_at, now, need_id],
        )
        changes = [
            (name, row[name], new)
            for name, new in (("status", status), ("status_reason", reason_text))
            if row[name] != new
        ]
        _audit(cur, need_id, by, changes, now)

    store.write(_set)


def edit_need(
    store: Store,
    need_id: str,
    changes: Mapping[str, Any],
    by: str = "planner",
    region: Region | None = None,
) -> list[str]:
    """Change fields of a need (see :data:`EDITABLE_FIELDS`), validated, with audit rows.

    Changing ``locality_id`` without new coordinates moves the need to that locality's centroid
    (``region`` is then required); with ``region`` a new location must lie inside it.  Contact
    details are masked in the audit trail.  Returns the names of the fields that changed.
    """
    unknown = [name for name in changes if name not in EDITABLE_FIELDS]
    if unknown:
        raise ValidationError(*_texts("needs.error.field_not_editable", field=unknown[0]))

    def _edit(cur: duckdb.DuckDBPyConnection) -> list[str]:
        row = _current(cur, need_id)
        merged = {name: row[name] for name in EDITABLE_FIELDS}
        merged.update(changes)
        if "locality_id" in changes and "x" not in changes and "y" not in changes:
            merged["x"] = merged["y"] = None
        need = validate_need(merged, region)
        new_values = {
            "category": need.category,
            "text": need.text,
            "registrant_type": need.registrant_type,
            "people_count": need.people_count,
            "contact": need.contact,
            "x": need.x,
            "y": need.y,
            "locality_id": need.locality_id if region is not None else merged["locality_id"],
        }
        changed = [(name, row[name], new) for name, new in new_values.items() if row[name] != new]
        if not changed:
            return []
        now = utc_now()
        assignments = ", ".join(f"{name} = ?" for name, _old, _new in changed)
        cur.execute(
            f"UPDATE needs SET {assignments}, updated_at = ? WHERE need_id = ?",
            [*(new for _name, _old, new in changed), now, need_id],
        )
        _audit(cur, need_id, by, changed, now)
        return [name for name, _old, _new in changed]

    return store.write(_edit)


def merge_needs(store: Store, keep: str, dupes: Iterable[str], by: str = "planner") -> int:
    """Mark ``dupes`` as duplicates of ``keep`` (``merged_into``); return how many were merged.

    Merged needs stay in the store (with their audit trail) but drop out of lists, analyses and
    the public map.  People counts are not added up: duplicates usually speak for the same people.
    """
    dupe_ids = list(dict.fromkeys(dupes))

    def fail(key: str, **values: object) -> ValidationError:
        detail_en, detail_sv = _texts(key, **values)
        return ValidationError(
            t("needs.error.merge", "en", detail=detail_en),
            t("needs.error.merge", "sv", detail=detail_sv),
        )

    if not dupe_ids:
        raise fail("needs.error.merge_empty")
    if keep in dupe_ids:
        raise fail("needs.error.merge_self")

    def _merge(cur: duckdb.DuckDBPyConnection) -> int:
        target = _current(cur, keep)
        if target["merged_into"] is not None:
            raise fail("needs.error.merge_merged", need_id=keep)
        now = utc_now()
        for dupe in dupe_ids:
            row = _current(cur, dupe)
            if row["merged_into"] is not None:
                raise fail("needs.error.merge_merged", need_id=dupe)
            if row["region_id"] != target["region_id"]:
                raise fail("needs.error.merge_region")
            cur.execute(
                "UPDATE needs SET merged_into = ?, updated_at = ? WHERE need_id = ?",
                [keep, now, dupe],
            )
            # Needs merged into the dupe follow it to the kept need.
            cur.execute(
                "UPDATE needs SET merged_into = ?, updated_at = ? WHERE merged_into = ?",
                [keep, now, dupe],
            )
            _audit(cur, dupe, by, [("merged_into", None, keep)], now)
        _audit(cur, keep, by, [("merged", None, ", ".join(dupe_ids))], now)
        return len(dupe_ids)

    return store.write(_merge)


def erase_need(store: Store, need_id: str, by: str = "planner", compact: bool = True) -> bool:
    """Erase a need (by id or receipt code) for good; return whether it existed.

    This serves a registrant's request to be forgotten.  Deletes the row and its audit trail
    (which holds old texts), drops cached results derived from needs, records *that* an erasure
    happened (id, time, by whom, no content), then rewrites the database file so the deleted
    bytes are gone from the disk (:meth:`analysis.store.Store.compact`).  Needs merged into the
    erased one keep pointing at its (now meaningless) id; they are separate registrations.
    """

    def _erase(cur: duckdb.DuckDBPyConnection) -> bool:
        found = cur.execute(
            "SELECT region_id, need_id FROM needs WHERE need_id = ? OR short_code = ?",
            [need_id, need_id.strip().upper()],
        ).fetchall()
        if len(found) != 1:
            return False
        region_id, erased_id = found[0]
        cur.execute("DELETE FROM needs_audit WHERE need_id = ?", [erased_id])
        cur.execute("DELETE FROM needs WHERE need_id = ?", [erased_id])
        cur.execute(
            "DELETE FROM results_cache WHERE region_id = ? AND starts_with(kind, 'needs')",
            [region_id],
        )
        _audit(cur, erased_id, by, [("erased", None, None)], utc_now())
        return True

    existed = store.write(_erase)
    if existed and compact:
        store.compact()
    return existed


def apply_retention(
    store: Store,
    days: int,
    now: dt.datetime | None = None,
    by: str = "retention",
    compact: bool = True,
) -> int:
    """Remove contact details of needs closed (resolved or rejected) more than ``days`` ago.

    Needs merged into such a need count as closed with it.  Returns how many contact details
    were removed; when any were, the file is rewritten so they are gone from the disk bytes.
    """
    if days < 0:
        raise ValidationError(*_texts("needs.error.days"))
    cutoff = (_naive_utc(now) if now is not None else utc_now()) - dt.timedelta(days=days)

    def _retain(cur: duckdb.DuckDBPyConnection) -> int:
        ids = [
            str(row[0])
            for row in cur.execute(
                "SELECT need_id FROM needs WHERE contact IS NOT NULL AND ("
                "closed_at < ? OR merged_into IN "
                "(SELECT need_id FROM needs WHERE closed_at < ?))",
                [cutoff, cutoff],
            ).fetchall()
        ]
        stamp = utc_now()
        for need_id in ids:
            cur.execute(
                "UPDATE needs SET contact = NULL, updated_at = ? WHERE need_id = ?",
                [stamp, need_id],
            )
            _audit(cur, need_id, by, [("contact", MASKED, None)], stamp)
        return len(ids)

    removed = store.write(_retain)
    if removed and compact:
        store.compact()
    return removed


_SEED_LOCK: Final = threading.Lock()


def seed_demo_needs(store: Store, region: Region) -> int:
    """Copy the region package's ``needs`` layer into the store once; return rows added.

    Idempotent: needs whose id is already stored are skipped, so calling it on every start (or
    from two processes at once) adds each demo need exactly once.
    """
    layer = region.needs
    if layer is None or not len(layer):
        return 0
    region_id = region.info.region_id
    rows: list[tuple[str, NeedInput, dt.datetime, str]] = []
    for record in layer.to_dict("records"):
        point = record["geometry"]
        locality = record.get("locality_id")
        need = NeedInput(
            category=str(record["category"]),
            x=float(point.x),
            y=float(point.y),
            locality_id=str(locality) if not _is_blank(locality) else _locality_at(region, point),
            text=clean_text(record["text"]),
            registrant_type=str(record["registrant_type"]),
            people_count=int(record["people_count"]),
        )
        rows.append(
            (str(record["need_id"]), need, _naive_utc(record["created_at"]), record["status"])
        )

    def _seed(cur: duckdb.DuckDBPyConnection) -> int:
        existing = {
            str(row[0])
            for row in cur.execute(
                "SELECT need_id FROM needs WHERE need_id IN (SELECT unnest(?::VARCHAR[]))",
                [[need_id for need_id, *_ in rows]],
            ).fetchall()
        }
        items = [
            _NewNeed(need, need_id, created_at, str(status), "demo")
            for need_id, need, created_at, status in rows
            if need_id not in existing
        ]
        return len(_insert_needs(cur, region_id, items))

    # Threads of one process could otherwise insert the same ids in overlapping transactions
    # (DuckDB then raises a duplicate-key error); other processes are serialised by the store.
    with _SEED_LOCK:
        return store.write(_seed)


# --- Analysis ---------------------------------------------------------------------------------


def _active(needs: pd.DataFrame) -> pd.DataFrame:
    """Needs that count: not merged into another, not rejected."""
    keep = pd.Series(True, index=needs.index)
    if "merged_into" in needs.columns:
        keep &= needs["merged_into"].isna()
    if "status" in needs.columns:
        keep &= needs["status"] != "rejected"
    return needs.loc[keep]


def needs_per_locality_category(needs: pd.DataFrame) -> pd.DataFrame:
    """Count active needs (not merged, not rejected) and the people behind them.

    Returns one row per (``locality_id``, ``category``) with columns ``needs`` and ``people``,
    sorted by locality then by most needs.

    Examples
    --------
    >>> frame = pd.DataFrame({"locality_id": ["a", "a", "b"],
    ...                       "category": ["cash", "cash", "library"],
    ...                       "people_count": [2, 3, 1], "status": ["new", "new", "rejected"]})
    >>> needs_per_locality_category(frame).to_dict("records")
    [{'locality_id': 'a', 'category': 'cash', 'needs': 2, 'people': 5}]
    """
    active = _active(needs)
    grouped = (
        active.groupby(["locality_id", "category"], sort=False)
        .agg(needs=("category", "size"), people=("people_count", "sum"))
        .reset_index()
    )
    grouped["needs"] = grouped["needs"].astype("int64")
    grouped["people"] = grouped["people"].astype("int64")
    ordered = grouped.sort_values(
        ["locality_id", "needs", "category"], ascending=[True, False, True]
    )
    return pd.DataFrame(ordered.reset_index(drop=True))


def unmet_needs(
    needs: gpd.GeoDataFrame, minutes_at_need_location: pd.Series, threshold_min: float
) -> gpd.GeoDataFrame:
    """Return the active needs whose travel time exceeds ``threshold_min`` (or is unreachable).

    ``minutes_at_need_location`` holds one travel time (minutes, ``inf`` = unreachable) per
    need, aligned to ``needs.index``, e.g. from the routing engine to the nearest service of each
    need's category (or :func:`straight_line_minutes` as a labelled fallback).  NaN means "does
    not apply" (a need of category ``"other"`` has no service to reach) and such needs are left
    out.  The result keeps the needs' columns plus ``minutes``.

    Raises
    ------
    DataModelError
        If a need is missing from the index of ``minutes_at_need_location``.

    Examples
    --------
    >>> needs = gpd.GeoDataFrame({"category": ["cash", "cash", "cash", "other"]},
    ...     geometry=gpd.points_from_xy([0, 1, 2, 3], [0, 0, 0, 0]), crs="EPSG:3006")
    >>> minutes = pd.Series([5.0, 25.0, float("inf"), float("nan")])
    >>> unmet_needs(needs, minutes, 20).index.tolist()
    [1, 2]
    """
    missing = needs.index.difference(minutes_at_need_location.index)
    if len(missing):
        shown = missing.tolist()[:5]
        raise DataModelError(
            f"No travel time for the needs at index {shown}; compute one for every need.",
            f"Restid saknas för behoven {shown}; beräkna restid för alla behov.",
        )
    minutes = minutes_at_need_location.reindex(needs.index).astype(float)
    result = _active(needs.assign(minutes=minutes))
    return gpd.GeoDataFrame(result.loc[result["minutes"] > threshold_min], crs=needs.crs)


def straight_line_minutes(
    needs: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    speed_kmh: float,
    detour_factor: float = 1.0,
) -> pd.Series:
    """STRAIGHT-LINE FALLBACK: minutes to the nearest service of each need's category.

    Distance as the crow flies (times ``detour_factor``) at ``speed_kmh``; it underestimates
    real travel time and is meant only for when the road network is not available.  A need
    whose category has no service gets ``inf``; a need of category ``"other"`` gets NaN.
    The Series is named ``straight_line_minutes`` so that its nature shows wherever it goes.

    Examples
    --------
    >>> needs = gpd.GeoDataFrame({"category": ["cash", "library", "other"]},
    ...     geometry=gpd.points_from_xy([0, 0, 0], [0, 0, 0]), crs="EPSG:3006")
    >>> services = gpd.GeoDataFrame({"category": ["cash"]},
    ...     geometry=gpd.points_from_xy([3000], [4000]), crs="EPSG:3006")
    >>> straight_line_minutes(needs, services, speed_kmh=60).tolist()
    [5.0, inf, nan]
    """
    if needs.crs != settings.CRS_METRIC or services.crs != settings.CRS_METRIC:
        raise DataModelError(
            f"Needs and services must be in {settings.CRS_METRIC}; reproject them first.",
            f"Behov och service måste vara i {settings.CRS_METRIC}; projicera om dem först.",
        )
    result = pd.Series(np.nan, index=needs.index, name="straight_line_minutes", dtype=float)
    metres_per_minute = speed_kmh * 1000.0 / 60.0
    for category, group in needs.groupby("category"):
        if category == "other":
            continue
        offered = services.loc[services["category"] == category]
        if not len(offered):
            result.loc[group.index] = math.inf
            continue
        tree = cKDTree(np.column_stack([offered.geometry.x, offered.geometry.y]))
        distance, _ = tree.query(np.column_stack([group.geometry.x, group.geometry.y]))
        result.loc[group.index] = distance * detour_factor / metres_per_minute
    return result


def public_aggregate(
    needs: pd.DataFrame,
    cell_size_m: int = 1000,
    k: int = settings.PUBLIC_MIN_NEEDS_PER_CELL,
) -> gpd.GeoDataFrame:
    """Return the counts of active needs per grid cell that are safe to publish.

    Needs (not merged, not rejected) are counted per SCB grid cell (``cell_id`` as
    :func:`analysis.model.scb_cell_id`) and category, plus a ``"total"`` row per cell.  A count
    is published only when it is at least ``k``.  Secondary suppression: when the categories
    shown in a cell leave a remainder between 1 and ``k - 1`` (so ``total`` minus the shown
    counts would reveal a small group), the smallest shown categories are hidden too.  The
    output has exactly the columns ``cell_id``, ``category``, ``needs`` and the cell polygon:
    no text, no exact coordinates, no contact details.

    Examples
    --------
    >>> needs = pd.DataFrame({"x": [500100.0] * 11, "y": [7000100.0] * 11,
    ...                       "category": ["cash"] * 5 + ["library"] * 5 + ["fuel"]})
    >>> public_aggregate(needs, k=5)[["category", "needs"]].to_dict("records")
    [{'category': 'library', 'needs': 5}, {'category': 'total', 'needs': 11}]
    """
    active = _active(needs)
    if isinstance(active, gpd.GeoDataFrame) and "x" not in active.columns:
        x, y = active.geometry.x.to_numpy(), active.geometry.y.to_numpy()
    else:
        x, y = active["x"].to_numpy(float), active["y"].to_numpy(float)
    east = (np.floor(x / cell_size_m) * cell_size_m).astype("int64")
    north = (np.floor(y / cell_size_m) * cell_size_m).astype("int64")
    cells = pd.DataFrame({"east": east, "north": north, "category": active["category"].to_numpy()})
    per_category = cells.groupby(["east", "north", "category"]).size().rename("needs").reset_index()
    published: list[tuple[int, int, str, int]] = []
    for (cell_east, cell_north), group in per_category.groupby(["east", "north"], sort=True):
        total = int(group["needs"].sum())
        if total < k:
            continue
        shown = group.loc[group["needs"] >= k].sort_values(["needs", "category"])
        remainder = total - int(shown["needs"].sum())
        while 0 < remainder < k and len(shown):
            remainder += int(shown["needs"].iloc[0])
            shown = shown.iloc[1:]
        published.extend(
            (int(cell_east), int(cell_north), str(category), int(count))
            for category, count in zip(shown["category"], shown["needs"], strict=True)
        )
        published.append((int(cell_east), int(cell_north), "total", total))
    published.sort(key=lambda row: (row[1], row[0], row[2]))
    return gpd.GeoDataFrame(
        {
            "cell_id": [scb_cell_id(e, n) for e, n, _c, _v in published],
            "category": [category for _e, _n, category, _v in published],
            "needs": pd.Series([count for *_rest, count in published], dtype="int64"),
        },
        geometry=[box(e, n, e + cell_size_m, n + cell_size_m) for e, n, _c, _v in published],
        crs=settings.CRS_METRIC,
    )


# --- Import -----------------------------------------------------------------------------------

#: Fields an imported file can fill.
IMPORT_FIELDS: Final = (
    "category",
    "text",
    "registrant_type",
    "people_count",
    "contact",
    "locality_id",
    "x",
    "y",
    "lon",
    "lat",
    "created_at",
    "status",
)
#: Header spellings recognised without a mapping (normalised: lower case, no parentheses).
#: These are input vocabulary, not UI text; the labels of the translation table count too.
HEADER_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "category": ("kategori", "category", "behov", "service", "tjänst", "servicetyp"),
    "text": ("text", "beskrivning", "description", "behovsbeskrivning", "kommentar", "fritext"),
    "registrant_type": ("registrant type", "registrerad av", "typ", "registrant", "avsändare"),
    "people_count": ("antal personer", "antal", "people count", "personer", "people"),
    "contact": ("kontakt", "kontaktuppgift", "contact", "e-post", "epost", "email", "telefon"),
    "locality_id": ("ort", "locality", "locality id", "tätort", "by", "ortnamn"),
    "x": ("x", "easting", "e", "östlig", "öst", "östkoordinat", "ostkoordinat"),
    "y": ("y", "northing", "n", "nordlig", "nord", "nordkoordinat"),
    "lon": ("lon", "long", "lng", "longitude", "longitud"),
    "lat": ("lat", "latitude", "latitud"),
    "created_at": ("created at", "registrerad", "registered", "datum", "date", "skapad"),
    "status": ("status",),
}

#: Value ranges (east, north) of coordinate systems within Sweden, with a margin.
CRS_RANGES: Final[dict[str, tuple[tuple[float, float], tuple[float, float]]]] = {
    "EPSG:3006": ((180_000.0, 1_000_000.0), (6_050_000.0, 7_750_000.0)),  # SWEREF 99 TM
    "EPSG:3021": ((1_150_000.0, 1_950_000.0), (6_050_000.0, 7_750_000.0)),  # RT90 2.5 gon V
    "EPSG:4326": ((9.0, 25.0), (54.5, 70.0)),  # WGS 84 longitude, latitude
}


def _normalise_header(header: str) -> str:
    text = re.sub(r"\(.*?\)", "", header.replace("\ufeff", "")).replace("_", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def _known_headers() -> dict[str, str]:
    known: dict[str, str] = {}
    for name, spellings in HEADER_SYNONYMS.items():
        for spelling in spellings:
            known.setdefault(_normalise_header(spelling), name)
    for name in IMPORT_FIELDS:
        for lang in ("sv", "en"):
            label = t(f"needs.field.{name}", lang)
            if label != f"needs.field.{name}":
                known.setdefault(_normalise_header(label), name)
    return known


def _vocabulary(prefix: str, ids: Sequence[str]) -> dict[str, str]:
    lookup = {value.lower(): value for value in ids}
    for value in ids:
        for lang in ("sv", "en"):
            lookup.setdefault(t(f"{prefix}.{value}", lang).lower(), value)
    return lookup


def _in_range(east: np.ndarray, north: np.ndarray, crs: str) -> np.ndarray:
    (e_low, e_high), (n_low, n_high) = CRS_RANGES[crs]
    return (east >= e_low) & (east <= e_high) & (north >= n_low) & (north <= n_high)


def detect_crs(
    x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> tuple[str, bool]:
    """Guess the coordinate system of Swedish points from their value ranges.

    Tries SWEREF 99 TM, RT90 2.5 gon V and WGS 84, each with ``x``/``y`` as given and swapped
    (Swedish surveying names the northing X).  Returns ``(crs, swapped)`` for the reading that
    fits the most points.

    Raises
    ------
    ValidationError
        If no reading fits any point.

    Examples
    --------
    >>> detect_crs([487000.0], [6912250.0])
    ('EPSG:3006', False)
    >>> detect_crs([6912250.0], [1487000.0])
    ('EPSG:3021', True)
    >>> detect_crs([15.2], [62.1])
    ('EPSG:4326', False)
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    best: tuple[int, str, bool] = (0, "", False)
    for crs in CRS_RANGES:
        for swapped in (False, True):
            east, north = (ys, xs) if swapped else (xs, ys)
            fits = int(_in_range(east, north, crs).sum())
            if fits > best[0]:
                best = (fits, crs, swapped)
    if best[0] == 0:
        raise ValidationError(*_texts("needs.import.crs_unknown"))
    return best[1], best[2]


@dataclass(frozen=True)
class ImportPreview:
    """What a file would import: one row per record, ready to show before saving.

    Attributes
    ----------
    frame
        Columns ``row`` (line or feature number), the need fields (``x``/``y`` already in
        EPSG:3006) and ``error`` (Swedish, empty when the row is valid).
    crs
        The coordinate system the file's coordinates were read in (``None`` without any).
    swapped
        Whether the file's x/y columns held northing/easting.
    mapping
        File column -> need field, as used.
    unmapped_columns
        File columns that were ignored.
    """

    frame: pd.DataFrame
    crs: str | None
    swapped: bool
    mapping: dict[str, str]
    unmapped_columns: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> pd.DataFrame:
        """The rows without an error."""
        return self.frame.loc[self.frame["error"] == ""]

    @property
    def n_errors(self) -> int:
        """How many rows have an error."""
        return int((self.frame["error"] != "").sum())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (semikolonavgränsad)" in a Swedish locale writes Windows-1252.
        return data.decode("cp1252", errors="strict")


def _read_csv_records(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as error:
        raise ValidationError(*_texts("needs.import.encoding")) from error
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    rows_numbered = [
        (number, row) for number, row in enumerate(rows, start=1) if any(c.strip() for c in row)
    ]
    if len(rows_numbered) < 2:
        raise ValidationError(*_texts("needs.import.empty"))
    _header_number, header = rows_numbered[0]
    header = [column.replace("\ufeff", "").strip() for column in header]
    records = [
        (number, {header[i]: (row[i] if i < len(row) else "") for i in range(len(header))})
        for number, row in rows_numbered[1:]
    ]
    return header, records


def _geojson_crs(document: Mapping[str, Any]) -> str | None:
    name = str(((document.get("crs") or {}).get("properties") or {}).get("name") or "")
    for code in ("3006", "3021"):
        if re.search(rf"EPSG:{{1,2}}{code}\b", name):
            return f"EPSG:{code}"
    if "CRS84" in name or re.search(r"EPSG:{1,2}4326\b", name):
        return "EPSG:4326"
    return None


def _read_geojson_records(
    data: bytes,
) -> tuple[list[str], list[tuple[int, dict[str, Any]]], str | None]:
    try:
        document = json.loads(_decode(data))
        features = (
            document["features"] if document.get("type") == "FeatureCollection" else [document]
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValidationError(*_texts("needs.import.bad_json", detail=str(error))) from error
    if not features:
        raise ValidationError(*_texts("needs.import.empty"))
    header: list[str] = []
    records: list[tuple[int, dict[str, Any]]] = []
    for number, feature in enumerate(features, start=1):
        properties = dict((feature or {}).get("properties") or {})
        for key in properties:
            if key not in header:
                header.append(key)
        geometry = (feature or {}).get("geometry") or {}
        coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        properties["__point__"] = coordinates if isinstance(coordinates, list | tuple) else None
        records.append((number, properties))
    return header, records, _geojson_crs(document)


def read_needs_file(
    data: bytes,
    filename: str,
    column_mapping: Mapping[str, str] | None = None,
    region: Region | None = None,
) -> ImportPreview:
    """Read needs from a CSV or GeoJSON file into a preview with an error per row.

    CSV: ``;``, ``,`` or tab separated, UTF-8 with or without BOM (Windows-1252 accepted),
    Swedish or English headers, decimal comma allowed.  GeoJSON: Point features; properties as
    columns.  Known headers map by themselves; ``column_mapping`` (file column -> field, one of
    :data:`IMPORT_FIELDS`) adds or overrides.  Coordinates are recognised as SWEREF 99 TM, RT90
    or WGS 84 by their value ranges (a GeoJSON ``crs`` member wins) and converted to EPSG:3006.
    Category, registrant type and status may be ids or their Swedish/English labels; a locality
    may be its id or its name.  With ``region``, every row is also checked against its boundary.

    Raises
    ------
    ValidationError
        For a file that cannot be read at all (rows with problems get an ``error`` instead).
    """
    lower = filename.lower()
    if lower.endswith((".geojson", ".json")):
        header, records, declared_crs = _read_geojson_records(data)
    elif lower.endswith((".csv", ".txt", ".tsv")):
        header, csv_records = _read_csv_records(data)
        records, declared_crs = list(csv_records), None
    else:
        raise ValidationError(*_texts("needs.import.file_type", name=filename))

    known = _known_headers()
    mapping: dict[str, str] = {}
    for column in header:
        name = known.get(_normalise_header(column))
        if name is not None and name not in mapping.values():
            mapping[column] = name
    for column, name in (column_mapping or {}).items():
        if column not in header:
            raise ValidationError(
                *_texts("needs.import.mapping", column=column, columns=", ".join(header))
            )
        if name not in IMPORT_FIELDS:
            raise ValidationError(
                *_texts("needs.import.mapping_target", field=name, fields=", ".join(IMPORT_FIELDS))
            )
        mapping = {c: n for c, n in mapping.items() if n != name and c != column}
        mapping[column] = name
    by_field = {name: column for column, name in mapping.items()}

    def value(record: Mapping[str, Any], name: str) -> Any:
        column = by_field.get(name)
        return record.get(column) if column is not None else None

    # Raw coordinates: a point geometry, x/y columns, or lon/lat columns.
    raw: list[tuple[float, float] | None] = []
    fixed_crs = declared_crs
    for _row_number, record in records:
        pair: tuple[Any, Any] | None = None
        point = record.get("__point__")
        if point is not None and len(point) >= 2:
            pair = (point[0], point[1])
        elif not (_is_blank(value(record, "x")) or _is_blank(value(record, "y"))):
            pair = (value(record, "x"), value(record, "y"))
        elif not (_is_blank(value(record, "lon")) or _is_blank(value(record, "lat"))):
            pair = (value(record, "lon"), value(record, "lat"))
            fixed_crs = fixed_crs or "EPSG:4326"
        try:
            raw.append((_number(pair[0]), _number(pair[1])) if pair is not None else None)
        except (TypeError, ValueError):
            raw.append((math.nan, math.nan))
    numeric = [pair for pair in raw if pair is not None and not math.isnan(pair[0])]
    crs, swapped = fixed_crs, False
    if numeric and crs is None:
        crs, swapped = detect_crs([p[0] for p in numeric], [p[1] for p in numeric])
    elif numeric and crs is not None:
        # Declared CRS: still catch a file with northing first.
        xs = np.array([p[0] for p in numeric])
        ys = np.array([p[1] for p in numeric])
        swapped = bool(_in_range(ys, xs, crs).sum() > _in_range(xs, ys, crs).sum())
    transformer = (
        Transformer.from_crs(crs, settings.CRS_METRIC, always_xy=True)
        if crs and crs != settings.CRS_METRIC
        else None
    )

    categories = _vocabulary("category", NEED_CATEGORIES)
    registrants = _vocabulary("registrant", REGISTRANT_TYPES)
    statuses = _vocabulary("status", NEED_STATUSES)
    locality_names: dict[str, str] = {}
    if region is not None and len(region.localities):
        for locality_id, name in zip(
            region.localities["locality_id"].astype(str),
            region.localities["name"].astype(str),
            strict=True,
        ):
            locality_names[name.lower()] = locality_id
            locality_names[locality_id.lower()] = locality_id

    boundary = _boundary(region) if region is not None else None
    rows: list[dict[str, Any]] = []
    for (number, record), pair in zip(records, raw, strict=True):
        errors: list[str] = []
        fields: dict[str, Any] = {
            "category": categories.get(clean_text(value(record, "category")).lower(), ""),
            "text": value(record, "text"),
            "registrant_type": registrants.get(
                clean_text(value(record, "registrant_type")).lower(), ""
            ),
            "people_count": value(record, "people_count"),
            "contact": value(record, "contact"),
        }
        if not fields["category"]:
            fields["category"] = clean_text(value(record, "category"))
        if not fields["registrant_type"]:
            fields["registrant_type"] = clean_text(value(record, "registrant_type"))
        locality_raw = clean_text(value(record, "locality_id"))
        if locality_raw:
            fields["locality_id"] = locality_names.get(locality_raw.lower(), locality_raw)
        if pair is not None and not math.isnan(pair[0]):
            east, north = (pair[1], pair[0]) if swapped else pair
            assert crs is not None
            if not bool(_in_range(np.array([east]), np.array([north]), crs)[0]):
                errors.append(t("needs.import.crs_outside", "sv", crs=t(f"needs.import.crs.{crs}")))
            elif transformer is not None:
                east, north = transformer.transform(east, north)
            fields["x"], fields["y"] = east, north
        elif pair is not None:
            fields["x"], fields["y"] = "?", "?"
        status_raw = clean_text(value(record, "status"))
        status = statuses.get(status_raw.lower(), status_raw) if status_raw else "new"
        if status not in NEED_STATUSES:
            errors.append(
                t("needs.error.status", "sv", value=status_raw, allowed=", ".join(NEED_STATUSES))
            )
        created_raw = value(record, "created_at")
        created: dt.datetime | None = None
        if not _is_blank(created_raw):
            try:
                created = _naive_utc(pd.Timestamp(str(created_raw).strip()))
            except (ValueError, TypeError):
                errors.append(t("needs.import.date", "sv", value=str(created_raw)))
        need: NeedInput | None = None
        if not errors:
            try:
                need = _validate_need(fields, region, boundary)
            except NeedValidationError as error:
                errors.extend(error.problems.values())
        rows.append(
            {
                "row": number,
                "category": need.category if need else fields["category"],
                "text": need.text if need else clean_text(fields["text"]),
                "registrant_type": need.registrant_type if need else fields["registrant_type"],
                "people_count": need.people_count if need else None,
                "contact": need.contact if need else (clean_text(fields["contact"]) or None),
                "locality_id": need.locality_id if need else fields.get("locality_id"),
                "x": need.x if need else None,
                "y": need.y if need else None,
                "created_at": created,
                "status": status,
                "error": " ".join(errors),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "row",
            "category",
            "text",
            "registrant_type",
            "people_count",
            "contact",
            "locality_id",
            "x",
            "y",
            "created_at",
            "status",
            "error",
        ],
    )
    return ImportPreview(
        frame=frame,
        crs=crs,
        swapped=swapped,
        mapping=mapping,
        unmapped_columns=tuple(column for column in header if column not in mapping),
    )


def import_needs(store: Store, region_id: str, preview: ImportPreview) -> list[Receipt]:
    """Register every valid row of ``preview`` in one transaction; return their receipts."""
    valid = preview.valid

    items = []
    for record in valid.to_dict("records"):
        need = NeedInput(
            category=record["category"],
            x=float(record["x"]),
            y=float(record["y"]),
            locality_id=str(record["locality_id"]),
            text=record["text"],
            registrant_type=record["registrant_type"],
            people_count=int(record["people_count"]),
            contact=record["contact"],
        )
        created = record["created_at"]
        created_at = None if _is_blank(created) or pd.isna(created) else _naive_utc(created)
        items.append(_NewNeed(need, None, created_at, str(record["status"]), "import"))

    def _import(cur: duckdb.DuckDBPyConnection) -> list[Receipt]:
        return _insert_needs(cur, region_id, items)

    return store.write(_import)


# --- Export -----------------------------------------------------------------------------------

#: Columns of an export, in order (``contact`` is appended only when asked for).
EXPORT_COLUMNS: Final = (
    "short_code",
    "need_id",
    "category",
    "text",
    "registrant_type",
    "people_count",
    "locality_id",
    "status",
    "status_reason",
    "created_at",
    "updated_at",
    "merged_into",
    "x",
    "y",
)
_FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (CSV injection).

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")"), neutralise_formula("Hej")
    ('\\'=HYPERLINK("http://x")', 'Hej')
    """
    return f"'{cell}" if cell.startswith(_FORMULA_PREFIXES) else cell


def _export_cell(column: str, value: Any, lang: str | None) -> str:
    if _is_blank(value) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return str(pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S"))
    if column in ("x", "y"):
        return f"{float(value):.1f}"
    if lang is not None and column == "category":
        return t(f"category.{value}", lang)
    if lang is not None and column == "registrant_type":
        return t(f"registrant.{value}", lang)
    if lang is not None and column == "status":
        return t(f"status.{value}", lang)
    return str(value)


def export_needs_csv(
    needs: pd.DataFrame, include_contact: bool = False, lang: str | None = "sv"
) -> bytes:
    """Write needs as a CSV for spreadsheets: UTF-8 with BOM, ``;``-separated.

    Headers and vocabulary values are in ``lang`` (``None``: field ids and value ids).  Every
    cell that a spreadsheet would take for a formula is prefixed with ``'``.  Contact details
    are left out unless ``include_contact`` (and present in ``needs``).  Coordinates are
    SWEREF 99 TM.  :func:`read_needs_file` reads the result back.
    """
    columns = [c for c in EXPORT_COLUMNS if c in needs.columns]
    if include_contact and "contact" in needs.columns:
        columns.append("contact")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [column if lang is None else t(f"needs.field.{column}", lang) for column in columns]
    )
    for record in needs[columns].to_dict("records"):
        writer.writerow(
            [neutralise_formula(_export_cell(column, record[column], lang)) for column in columns]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_needs_geojson(needs: gpd.GeoDataFrame, include_contact: bool = False) -> bytes:
    """Write needs as GeoJSON (RFC 7946: WGS 84 longitude/latitude), ids and values as data."""
    columns = [c for c in EXPORT_COLUMNS if c in needs.columns and c not in ("x", "y")]
    if include_contact and "contact" in needs.columns:
        columns.append("contact")
    frame = needs[[*columns, needs.geometry.name]].copy()
    for column in ("created_at", "updated_at"):
        if column in frame.columns:
            frame[column] = [_export_cell(column, value, None) or None for value in frame[column]]
    display = frame.to_crs(settings.CRS_DISPLAY)
    text: str = display.to_json(drop_id=True, ensure_ascii=False, na="null")
    return text.encode("utf-8")
