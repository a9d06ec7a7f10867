"""Tests of registered needs: validation, workflow, erasure, retention, publishing, files."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import Point, Polygon, box

from analysis import settings
from analysis.errors import DataModelError, UnknownRegionError, ValidationError
from analysis.io import Region, RegionInfo, load_region
from analysis.model import validate_layer
from analysis.needs import (
    NeedInput,
    NeedValidationError,
    apply_retention,
    audit_trail,
    clean_text,
    detect_crs,
    edit_need,
    erase_need,
    export_needs_csv,
    export_needs_geojson,
    get_need,
    import_needs,
    list_needs,
    merge_needs,
    needs_per_locality_category,
    neutralise_formula,
    public_aggregate,
    read_needs_file,
    register_need,
    seed_demo_needs,
    set_status,
    straight_line_minutes,
    unmet_needs,
    validate_need,
)
from analysis.store import Store, open_store

CRS = settings.CRS_METRIC


def _empty(columns: dict[str, list[Any]] | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns or {}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def _region(needs: gpd.GeoDataFrame | None = None) -> Region:
    boundary = gpd.GeoDataFrame(
        {"name": ["Exempelbygd"]}, geometry=[box(500_000, 7_000_000, 510_000, 7_010_000)], crs=CRS
    )
    # Norrby is a crescent whose centroid falls outside it.
    crescent = Polygon(
        [
            (501_000, 7_001_000),
            (504_000, 7_001_000),
            (504_000, 7_004_000),
            (503_000, 7_004_000),
            (503_000, 7_002_000),
            (501_000, 7_002_000),
        ]
    )
    localities = gpd.GeoDataFrame(
        {
            "locality_id": ["norrby", "soderby"],
            "name": ["Norrby", "Söderby"],
            "kind": ["village", "small_village"],
            "population": [300, 80],
        },
        geometry=[crescent, box(506_000, 7_006_000, 508_000, 7_008_000)],
        crs=CRS,
    )
    return Region(
        info=RegionInfo("exempelbygd", "Exempelbygd", fictional=True),
        boundary=boundary,
        roads=_empty(),
        water=_empty(),
        localities=localities,
        population=_empty(),
        sites=_empty(),
        services=_empty(),
        needs=needs,
    )


REGION = _region()


def _fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "category": "pharmacy",
        "x": 502_000.0,
        "y": 7_001_500.0,
        "text": "Vi saknar apotek",
        "registrant_type": "resident",
        "people_count": 2,
        "contact": "anna@example.se",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def db(tmp_path: Path) -> Store:
    return open_store(tmp_path / "needs.duckdb", timeout_s=5.0)


def _register(db: Store, **overrides: Any) -> str:
    return register_need(db, "exempelbygd", _validate(**overrides)).need_id


def _validate(**overrides: Any) -> NeedInput:
    return validate_need(_fields(**overrides), REGION)


# --- Validation ---------------------------------------------------------------------------------


def test_a_valid_need_is_cleaned_and_placed_in_its_locality() -> None:
    need = _validate(text="  Vi saknar\x00 apotek\r\n  ", people_count="3")
    assert need.text == "Vi saknar apotek"
    assert need.people_count == 3
    assert need.locality_id == "norrby"
    assert _validate(x=509_000, y=7_001_000).locality_id == settings.RURAL_LOCALITY_ID


@pytest.mark.parametrize(
    ("overrides", "field", "swedish"),
    [
        ({"category": "spa"}, "category", "Välj en kategori i listan"),
        ({"category": None}, "category", "Välj en kategori"),
        ({"text": "   \x07 "}, "text", "Beskriv behovet"),
        ({"text": "å" * 501}, "text", "korta den till högst 500 tecken"),
        ({"registrant_type": "alien"}, "registrant_type", "invånare, förening, företag"),
        ({"people_count": 0}, "people_count", "heltal från 1 till 10000"),
        ({"people_count": 10_001}, "people_count", "heltal från 1 till 10000"),
        ({"people_count": 2.5}, "people_count", "heltal"),
        ({"people_count": "många"}, "people_count", "heltal"),
        ({"contact": "x" * 201}, "contact", "högst 200 tecken"),
        ({"x": 400_000.0}, "location", "utanför Exempelbygd"),
        ({"x": "abc"}, "location", "måste vara tal"),
        ({"x": None, "y": None}, "location", "klicka i kartan eller välj en ort"),
        ({"x": None, "y": None, "locality_id": "atlantis"}, "location", "Orten 'atlantis'"),
    ],
)
def test_validation_says_in_swedish_what_to_fix(
    overrides: dict[str, Any], field: str, swedish: str
) -> None:
    with pytest.raises(NeedValidationError) as caught:
        _validate(**overrides)
    assert field in caught.value.problems
    assert swedish in caught.value.problems[field]
    assert swedish in caught.value.message_sv


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError, match="category.*text") as caught:
        _validate(category="x", text="")
    assert isinstance(caught.value, NeedValidationError)
    assert set(caught.value.problems) == {"category", "text"}


def test_a_locality_without_a_point_uses_a_point_inside_it() -> None:
    need = _validate(x=None, y=None, locality_id="norrby")
    assert need.locality_id == "norrby"
    assert REGION.localities.geometry.iloc[0].covers(Point(need.x, need.y))  # crescent!
    square = _validate(x=None, y=None, locality_id="soderby")
    assert (square.x, square.y) == (507_000.0, 7_007_000.0)  # the centroid


def test_wgs84_location_is_converted() -> None:
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(502_000, 7_001_500)
    need = _validate(x=None, y=None, lon=lon, lat=lat)
    assert need.x == pytest.approx(502_000, abs=0.01)
    assert need.y == pytest.approx(7_001_500, abs=0.01)


def test_text_max_is_counted_after_cleaning() -> None:
    assert len(_validate(text="a" * 500 + "\x00" * 10).text) == 500


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_clean_text_never_leaves_control_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert all(char == "\n" or ord(char) >= 32 for char in cleaned)
    assert "\u202e" not in cleaned and not cleaned.startswith((" ", "\n"))
    assert clean_text(cleaned) == cleaned


# --- Registration and workflow ----------------------------------------------------------------


HOSTILE = "<script>alert('x')</script>\"; DROP TABLE needs; -- ' OR 1=1 {{7*7}} ${x} \\x"


def test_hostile_text_is_stored_verbatim_as_data(db: Store) -> None:
    """Parameterised SQL keeps it data; escaping for display is the UI's job, not the store's."""
    need_id = _register(db, text=HOSTILE, contact="=cmd|' /C calc'!A0")
    assert get_need(db, need_id)["text"] == HOSTILE
    assert get_need(db, need_id, include_contact=True)["contact"] == "=cmd|' /C calc'!A0"
    assert len(list_needs(db, "exempelbygd")) == 1  # the table is still there


def test_register_returns_a_receipt_and_lists_filter(db: Store) -> None:
    receipt = register_need(db, "exempelbygd", _validate())
    assert len(receipt.short_code) == 11 and receipt.short_code[5] == "-"
    assert get_need(db, receipt.short_code.lower())["need_id"] == receipt.need_id
    _register(db, category="cash", registrant_type="business", x=507_000, y=7_007_000)
    register_need(db, "another-region", _validate())

    needs = list_needs(db, "exempelbygd")
    assert isinstance(needs, gpd.GeoDataFrame) and needs.crs == CRS
    assert len(needs) == 2 and "contact" not in needs.columns
    assert needs.geometry.iloc[0].equals(Point(502_000, 7_001_500))
    assert list_needs(db, "exempelbygd", categories="cash")["category"].tolist() == ["cash"]
    assert len(list_needs(db, "exempelbygd", registrant_types=["business", "resident"])) == 2
    assert list_needs(db, "exempelbygd", locality_ids=["soderby"])["category"].tolist() == ["cash"]
    assert len(list_needs(db, "exempelbygd", statuses="rejected")) == 0
    today = dt.datetime.now(dt.UTC).date()
    assert len(list_needs(db, "exempelbygd", date_from=today, date_to=today)) == 2
    assert len(list_needs(db, "exempelbygd", date_to=today - dt.timedelta(days=1))) == 0
    assert (
        list_needs(db, "exempelbygd", include_contact=True)["contact"].iloc[0] == "anna@example.se"
    )
    assert len(list_needs(db, "nowhere")) == 0
    validate_layer("needs", needs)  # the store's output follows the data model's needs layer
    validate_layer("needs", list_needs(db, "nowhere"))


def test_status_changes_are_audited_and_rejection_needs_a_reason(db: Store) -> None:
    need_id = _register(db)
    with pytest.raises(ValidationError, match="reason") as caught:
        set_status(db, need_id, "rejected", by="eva")
    assert "Skriv en motivering" in caught.value.message_sv
    with pytest.raises(ValidationError, match="Unknown status") as unknown:
        set_status(db, need_id, "done")
    assert "Okänd status" in unknown.value.message_sv
    with pytest.raises(ValidationError) as missing:
        set_status(db, "no-such-id", "reviewed")
    assert "finns inte" in missing.value.message_sv

    set_status(db, need_id, "reviewed", by="eva")
    set_status(db, need_id, "rejected", reason="Finns redan ombud", by="olle")
    need = get_need(db, need_id)
    assert need["status"] == "rejected" and need["status_reason"] == "Finns redan ombud"
    assert need["closed_at"] is not None and need["merged_into"] is None
    trail = audit_trail(db, need_id)
    assert trail[["changed_by", "field", "old", "new"]].values.tolist() == [
        ["eva", "status", "new", "reviewed"],
        ["olle", "status", "reviewed", "rejected"],
        ["olle", "status_reason", None, "Finns redan ombud"],
    ]
    set_status(db, need_id, "planned")
    assert get_need(db, need_id)["closed_at"] is None


def test_edit_is_validated_audited_and_masks_contact(db: Store) -> None:
    need_id = _register(db)
    changed = edit_need(
        db, need_id, {"text": "Nytt\x00 ord", "contact": "ny@example.se", "people_count": 4}, "eva"
    )
    assert sorted(changed) == ["contact", "people_count", "text"]
    need = get_need(db, need_id, include_contact=True)
    assert need["text"] == "Nytt ord" and need["people_count"] == 4
    trail = audit_trail(db, need_id).set_index("field")
    assert trail.loc["text", "old"] == "Vi saknar apotek" and trail.loc["text", "new"] == "Nytt ord"
    assert trail.loc["contact", "old"] == "***" and trail.loc["contact", "new"] == "***"
    assert edit_need(db, need_id, {"people_count": 4}) == []

    moved = edit_need(db, need_id, {"locality_id": "soderby"}, region=REGION)
    assert set(moved) == {"locality_id", "x", "y"}
    assert get_need(db, need_id)["x"] == 507_000.0
    with pytest.raises(NeedValidationError) as caught:
        edit_need(db, need_id, {"x": 1.0}, region=REGION)
    assert "utanför" in caught.value.message_sv
    with pytest.raises(ValidationError, match="cannot be edited") as field_error:
        edit_need(db, need_id, {"status": "resolved"})
    assert "kan inte ändras" in field_error.value.message_sv


def test_merge_hides_duplicates_and_is_audited(db: Store) -> None:
    keep, dupe_a, dupe_b = (_register(db) for _ in range(3))
    other_region = register_need(db, "elsewhere", _validate()).need_id
    assert merge_needs(db, keep, [dupe_a, dupe_a], by="eva") == 1
    assert set(list_needs(db, "exempelbygd")["need_id"]) == {keep, dupe_b}
    merged = list_needs(db, "exempelbygd", include_merged=True)
    assert merged.set_index("need_id").loc[dupe_a, "merged_into"] == keep
    assert audit_trail(db, dupe_a)[["field", "new"]].values.tolist() == [["merged_into", keep]]

    for dupes, message in (
        ([keep], "sig självt"),
        ([], "minst ett"),
        ([dupe_a], "redan sammanslaget"),
        ([other_region], "olika områden"),
    ):
        with pytest.raises(ValidationError) as caught:
            merge_needs(db, keep, dupes)
        assert message in caught.value.message_sv
    with pytest.raises(ValidationError, match="already merged"):
        merge_needs(db, dupe_a, [dupe_b])
    # Merging a kept need moves its duplicates along.
    merge_needs(db, dupe_b, [keep])
    final = list_needs(db, "exempelbygd", include_merged=True).set_index("need_id")
    assert final.loc[dupe_a, "merged_into"] == dupe_b


def test_erasure_removes_the_need_from_the_file_bytes(db: Store) -> None:
    marker = "RADERA-MIG-5c0ffee1d"
    need_id = _register(db, text=f"Mitt namn är {marker}", contact=f"{marker}@example.se")
    edit_need(db, need_id, {"text": f"Ändrad men fortfarande {marker}"})  # history in the audit
    keep_id = _register(db, text="Ska vara kvar")
    db.execute("CHECKPOINT")
    assert marker.encode() in db.path.read_bytes()  # the grep below is not vacuous

    assert erase_need(db, need_id, by="dataskydd") is True
    assert marker.encode() not in db.path.read_bytes()
    assert not db.path.with_name(db.path.name + ".wal").exists()
    with pytest.raises(ValidationError):
        get_need(db, need_id)
    assert get_need(db, keep_id)["text"] == "Ska vara kvar"
    trail = audit_trail(db, need_id)
    assert trail[["changed_by", "field", "old", "new"]].values.tolist() == [
        ["dataskydd", "erased", None, None]
    ]
    assert erase_need(db, need_id) is False


def test_erasure_by_receipt_code(db: Store) -> None:
    receipt = register_need(db, "exempelbygd", _validate())
    assert erase_need(db, receipt.short_code.lower(), compact=False) is True
    assert len(list_needs(db, "exempelbygd", include_merged=True)) == 0


def test_retention_removes_old_contact_details_only(db: Store) -> None:
    resolved_now, resolved_earlier, still_open, dupe = (
        _register(db, contact=f"p{i}@example.se") for i in range(4)
    )
    set_status(db, resolved_now, "resolved")
    set_status(db, resolved_earlier, "rejected", reason="nej")
    merge_needs(db, resolved_now, [dupe])
    db.execute(
        "UPDATE needs SET closed_at = closed_at - INTERVAL 10 DAY WHERE need_id = ?",
        [resolved_earlier],
    )
    db.execute("CHECKPOINT")
    assert b"p0@example.se" in db.path.read_bytes()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    # Seen 31 days from now: one need closed 31 days ago, the other 41 days ago.
    assert apply_retention(db, days=35, now=later) == 1  # the one closed 41 days ago
    assert apply_retention(db, days=30, now=later) == 2  # the other and its merged duplicate
    contacts = list_needs(db, "exempelbygd", include_merged=True, include_contact=True)
    by_id = contacts.set_index("need_id")["contact"]
    assert by_id[still_open] == "p2@example.se"
    assert by_id[[resolved_now, resolved_earlier, dupe]].isna().all()
    assert b"p0@example.se" not in db.path.read_bytes()
    last = audit_trail(db, resolved_now).iloc[-1]
    assert last[["field", "old", "new"]].tolist() == ["contact", "***", None]
    with pytest.raises(ValidationError, match="days"):
        apply_retention(db, days=-1)


def test_seed_demo_needs_is_idempotent(db: Store) -> None:
    layer = gpd.GeoDataFrame(
        {
            "need_id": ["demo-1", "demo-2"],
            "category": ["cash", "library"],
            "text": ["Bankomat saknas", "Bokbuss"],
            "registrant_type": ["resident", "association"],
            "people_count": [3, 12],
            "created_at": pd.to_datetime(["2026-01-05", "2026-02-01"]).tz_localize("UTC"),
            "status": ["new", "resolved"],
        },
        geometry=[Point(502_000, 7_001_500), Point(509_000, 7_009_000)],
        crs=CRS,
    )
    region = _region(layer)
    assert seed_demo_needs(db, region) == 2
    assert seed_demo_needs(db, region) == 0
    assert seed_demo_needs(db, _region(None)) == 0
    stored = list_needs(db, "exempelbygd").set_index("need_id")
    assert stored.loc["demo-1", "locality_id"] == "norrby"
    assert stored.loc["demo-2", "locality_id"] == settings.RURAL_LOCALITY_ID
    assert stored.loc["demo-1", "created_at"] == pd.Timestamp("2026-01-05")
    assert set(stored["source"]) == {"demo"}


def test_seeding_from_many_sessions_at_once_adds_each_need_once(db: Store) -> None:
    count = 30
    layer = gpd.GeoDataFrame(
        {
            "need_id": [f"demo-{i}" for i in range(count)],
            "category": ["cash"] * count,
            "text": ["Bankomat"] * count,
            "registrant_type": ["resident"] * count,
            "people_count": [1] * count,
            "created_at": pd.to_datetime(["2026-01-05"] * count),
            "status": ["new"] * count,
        },
        geometry=[Point(502_000, 7_001_500)] * count,
        crs=CRS,
    )
    region = _region(layer)
    added: list[int] = []
    errors: list[BaseException] = []

    def seed() -> None:
        try:
            added.append(seed_demo_needs(db, region))
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=seed) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sum(added) == count
    assert len(list_needs(db, "exempelbygd")) == count


# --- Analysis ---------------------------------------------------------------------------------


def _needs_frame(
    xs: list[float], ys: list[float], categories: list[str], **extra: Any
) -> gpd.GeoDataFrame:
    data = {"x": xs, "y": ys, "category": categories, **extra}
    return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(xs, ys), crs=CRS)


def test_needs_per_locality_category_counts_active_needs(db: Store) -> None:
    for _ in range(3):
        _register(db, people_count=2)
    _register(db, category="cash", x=507_000, y=7_007_000, people_count=10)
    rejected = _register(db, category="cash", x=507_000, y=7_007_000)
    set_status(db, rejected, "rejected", reason="dubbel")
    table = needs_per_locality_category(list_needs(db, "exempelbygd"))
    assert table.to_dict("records") == [
        {"locality_id": "norrby", "category": "pharmacy", "needs": 3, "people": 6},
        {"locality_id": "soderby", "category": "cash", "needs": 1, "people": 10},
    ]


def test_unmet_needs_and_the_straight_line_fallback() -> None:
    needs = _needs_frame(
        [500_000, 500_000, 500_000, 500_000],
        [7_000_000, 7_000_000, 7_000_000, 7_000_000],
        ["cash", "pharmacy", "library", "cash"],
        merged_into=[None, None, None, "x"],
    )
    needs.index = pd.Index([10, 11, 12, 13])
    services = gpd.GeoDataFrame(
        {"category": ["cash", "pharmacy"]},
        geometry=[Point(503_000, 7_004_000), Point(500_000, 7_030_000)],
        crs=CRS,
    )
    minutes = straight_line_minutes(needs, services, speed_kmh=60.0)
    assert minutes.name == "straight_line_minutes"
    assert minutes.tolist() == [5.0, 30.0, np.inf, 5.0]
    assert straight_line_minutes(needs, services, 60.0, detour_factor=1.3)[10] == pytest.approx(6.5)
    unmet = unmet_needs(needs, minutes, threshold_min=20)
    assert unmet.index.tolist() == [11, 12] and unmet["minutes"].tolist() == [30.0, np.inf]
    assert unmet_needs(needs, minutes.where(minutes < 10), 20).index.tolist() == []
    with pytest.raises(DataModelError, match="No travel time"):
        unmet_needs(needs, minutes.drop(12), 20)
    with pytest.raises(DataModelError, match="EPSG:3006"):
        straight_line_minutes(needs.to_crs("EPSG:4326"), services, 60.0)


def test_public_aggregate_hides_cells_under_k() -> None:
    # Cell A (500000, 7000000): 5 cash + 5 library.  Cell B (501000, 7000000): 4 cash.
    # Cell C (502000, 7000000): 5 cash + 1 library.
    xs = [500_100.0 + i for i in range(10)] + [501_500.0] * 4 + [502_500.0] * 6
    ys = [7_000_100.0] * 10 + [7_000_500.0] * 4 + [7_000_900.0] * 6
    categories = ["cash"] * 5 + ["library"] * 5 + ["cash"] * 4 + ["cash"] * 5 + ["library"]
    n = len(xs)
    needs = _needs_frame(
        xs,
        ys,
        categories,
        text=["hemlig"] * n,
        contact=["a@b.se"] * n,
        status=["new"] * n,
        merged_into=[None] * n,
    )
    published = public_aggregate(needs, k=5)
    assert list(published.columns) == ["cell_id", "category", "needs", "geometry"]
    assert published[["cell_id", "category", "needs"]].values.tolist() == [
        ["5000007000000", "cash", 5],
        ["5000007000000", "library", 5],
        ["5000007000000", "total", 10],
        # Cell C: "cash 5" would reveal "1 other need" by subtraction, so only the total shows.
        ["5020007000000", "total", 6],
    ]
    assert published.geometry.iloc[0].equals(box(500_000, 7_000_000, 501_000, 7_001_000))
    text = published.to_json()
    assert "hemlig" not in text and "a@b.se" not in text and "500100" not in text
    # Cell B with 4 needs appears once it has a fifth; rejected or merged needs do not count.
    fifth = _needs_frame([501_600.0], [7_000_600.0], ["cash"], status=["new"], merged_into=[None])
    with_fifth = public_aggregate(pd.concat([needs, fifth]), k=5)
    assert with_fifth.loc[with_fifth["cell_id"] == "5010007000000", "needs"].tolist() == [5, 5]
    for hidden in (fifth.assign(status="rejected"), fifth.assign(merged_into="other-id")):
        cells = set(public_aggregate(pd.concat([needs, hidden]), k=5)["cell_id"])
        assert "5010007000000" not in cells
    assert len(public_aggregate(needs.iloc[:0], k=5)) == 0


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2999), st.integers(0, 2999), st.sampled_from(["cash", "library"])),
        max_size=40,
    ),
    st.integers(1, 6),
)
def test_public_aggregate_never_shows_a_count_under_k(
    points: list[tuple[int, int, str]], k: int
) -> None:
    needs = pd.DataFrame(
        {
            "x": [500_000.0 + p[0] for p in points],
            "y": [7_000_000.0 + p[1] for p in points],
            "category": [p[2] for p in points],
        }
    )
    published = public_aggregate(needs, k=k)
    assert (published["needs"] >= k).all()
    assert published.loc[published["category"] == "total", "needs"].sum() <= len(points)
    for _cell, group in published.groupby("cell_id"):
        total = int(group.loc[group["category"] == "total", "needs"].iloc[0])
        remainder = total - int(group.loc[group["category"] != "total", "needs"].sum())
        assert remainder == 0 or remainder >= k  # nothing small to deduce by subtraction


# --- Import and export ------------------------------------------------------------------------


def test_formula_injection_is_neutralised_in_csv(db: Store) -> None:
    _register(db, text='=HYPERLINK("http://evil")', contact="+46701234567")
    _register(db, text="-2+3", contact="@foo")
    _register(db, text="\tTab först", contact=None)
    needs = list_needs(db, "exempelbygd", include_contact=True)
    exported = export_needs_csv(needs, include_contact=True).decode("utf-8-sig")
    header = exported.splitlines()[0].split(";")
    text_at, contact_at = header.index("beskrivning"), header.index("kontaktuppgift")
    values = pd.read_csv(io.StringIO(exported), sep=";", dtype=str, keep_default_na=False)
    assert values["beskrivning"].tolist() == ['\'=HYPERLINK("http://evil")', "'-2+3", "Tab först"]
    assert values["kontaktuppgift"].tolist() == ["'+46701234567", "'@foo", ""]
    assert contact_at > text_at
    without = export_needs_csv(needs).decode("utf-8-sig")
    assert "kontaktuppgift" not in without and "46701234567" not in without
    assert neutralise_formula("\rx") == "'\rx" and neutralise_formula("1") == "1"


def test_csv_export_round_trips_through_import(db: Store) -> None:
    _register(db, text="Rad ett; med semikolon", category="cash")
    _register(db, text='Citat "så här"', x=None, y=None, locality_id="soderby")
    needs = list_needs(db, "exempelbygd")
    for lang in ("sv", "en", None):
        data = export_needs_csv(needs, lang=lang)
        assert data.startswith(b"\xef\xbb\xbf")
        preview = read_needs_file(data, "behov.csv", region=REGION)
        assert preview.n_errors == 0, preview.frame["error"].tolist()
        assert preview.crs == CRS and not preview.swapped
        assert preview.frame["text"].tolist() == needs["text"].tolist()
        assert preview.frame["category"].tolist() == needs["category"].tolist()
        assert preview.frame["x"].tolist() == needs["x"].tolist()
        assert preview.frame["locality_id"].tolist() == ["norrby", "soderby"]


def test_csv_import_with_swedish_headers_mapping_and_rt90(db: Store) -> None:
    to_rt90 = Transformer.from_crs(CRS, "EPSG:3021", always_xy=True)
    east, north = to_rt90.transform(502_000, 7_001_500)
    # Swedish surveying order: X = northing, Y = easting; decimal comma; BOM; ';'.
    csv_text = (
        "Vad saknas;Beskrivning;Registrerad av;Antal personer;X;Y;Extra\n"
        f"Apotek;Långt till apoteket;Invånare;3;{north:.2f};{east:.2f};a\n".replace(".", ",")
        + f"Kontantuttag;Ingen bankomat;förening;;{north:.0f};{east:.0f};b\n"
        + f"spa;Fel kategori;invånare;2;{north:.0f};{east:.0f};c\n"
        + f"cash;Utanför;invånare;2;7300000;{east:.0f};d\n"
    )
    data = b"\xef\xbb\xbf" + csv_text.encode("utf-8")
    with pytest.raises(ValidationError) as unknown:
        read_needs_file(data, "behov.csv", {"Finns inte": "category"})
    assert "finns inte i filen" in unknown.value.message_sv
    preview = read_needs_file(data, "behov.csv", {"Vad saknas": "category"}, region=REGION)
    assert preview.crs == "EPSG:3021" and preview.swapped is True
    assert preview.mapping["Vad saknas"] == "category" and preview.unmapped_columns == ("Extra",)
    frame = preview.frame
    assert frame["row"].tolist() == [2, 3, 4, 5]
    assert frame.loc[0, "x"] == pytest.approx(502_000, abs=0.05)
    assert frame.loc[0, "y"] == pytest.approx(7_001_500, abs=0.05)
    assert frame.loc[0, "category"] == "pharmacy" and frame.loc[0, "people_count"] == 3
    assert frame.loc[1, "registrant_type"] == "association" and frame.loc[1, "people_count"] == 1
    assert "Välj en kategori" in frame.loc[2, "error"]
    assert "utanför" in frame.loc[3, "error"]
    assert preview.n_errors == 2

    receipts = import_needs(db, "exempelbygd", preview)
    assert len(receipts) == 2
    stored = list_needs(db, "exempelbygd")
    assert sorted(stored["category"]) == ["cash", "pharmacy"]
    assert set(stored["source"]) == {"import"}


def test_csv_import_comma_separated_wgs84_and_dates() -> None:
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(507_000, 7_007_000)
    csv_text = (
        "category,text,registrant_type,people_count,lat,lon,created_at,status,ort\n"
        f"library,Bokbuss,resident,1,{lat},{lon},2026-03-01,Åtgärdad,\n"
        f"library,Bokbuss,resident,1,{lat},{lon},igår,new,\n"
        f"library,Ingen plats,resident,1,,,2026-03-01,new,Söderby\n"
    )
    preview = read_needs_file(csv_text.encode(), "x.CSV", region=REGION)
    frame = preview.frame
    assert preview.crs == "EPSG:4326"
    assert frame.loc[0, "status"] == "resolved"
    assert frame.loc[0, "created_at"] == dt.datetime(2026, 3, 1)
    assert frame.loc[0, "x"] == pytest.approx(507_000, abs=0.01)
    assert frame.loc[0, "locality_id"] == "soderby"
    assert "går inte att läsa" in frame.loc[1, "error"]
    assert frame.loc[2, "error"] == "" and frame.loc[2, "x"] == 507_000.0


def test_cp1252_csv_from_swedish_excel() -> None:
    data = "kategori;beskrivning;typ;x;y\nApotek;Åt söder;Företag;502000;7001500\n".encode("cp1252")
    preview = read_needs_file(data, "excel.csv", region=REGION)
    assert preview.frame.loc[0, "text"] == "Åt söder"
    assert preview.frame.loc[0, "registrant_type"] == "business"


def test_geojson_import_and_export(db: Store) -> None:
    _register(db, text="Punkt ett")
    _register(db, text="Punkt två", category="library", x=507_500, y=7_007_500)
    needs = list_needs(db, "exempelbygd", include_contact=True)
    exported = export_needs_geojson(needs)
    document = json.loads(exported)
    assert document["type"] == "FeatureCollection"
    assert "contact" not in document["features"][0]["properties"]
    lon, lat = document["features"][0]["geometry"]["coordinates"]
    assert 10 < lon < 25 and 55 < lat < 70
    assert "anna@example.se" in export_needs_geojson(needs, include_contact=True).decode()

    preview = read_needs_file(exported, "behov.geojson", region=REGION)
    assert preview.crs == "EPSG:4326" and preview.n_errors == 0
    assert preview.frame["x"].round(2).tolist() == [502_000.0, 507_500.0]
    assert preview.frame["text"].tolist() == ["Punkt ett", "Punkt två"]


def test_geojson_with_a_declared_sweref_crs_and_a_polygon() -> None:
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"kategori": "cash", "text": "Ok", "typ": "resident"},
                "geometry": {"type": "Point", "coordinates": [502_000, 7_001_500]},
            },
            {
                "type": "Feature",
                "properties": {"kategori": "cash", "text": "Yta", "typ": "resident"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
        ],
    }
    preview = read_needs_file(json.dumps(document).encode(), "a.json", region=REGION)
    assert preview.crs == CRS
    assert preview.frame.loc[0, "error"] == ""
    assert "klicka i kartan" in preview.frame.loc[1, "error"]


@pytest.mark.parametrize(
    ("data", "name", "swedish"),
    [
        (b"a;b", "x.xlsx", "varken CSV eller GeoJSON"),
        (b"kategori;text\n", "x.csv", "inga rader"),
        (b"{not json", "x.geojson", "GeoJSON-filen går inte att läsa"),
        (b"x;y;text\n1;2;a\n", "x.csv", "varken SWEREF 99 TM, RT90 eller WGS 84"),
    ],
)
def test_unreadable_files_say_what_to_do(data: bytes, name: str, swedish: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read_needs_file(data, name)
    assert swedish in caught.value.message_sv


def test_mapping_to_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a field") as caught:
        read_needs_file(b"a;b\n1;2\n", "x.csv", {"a": "colour"})
    assert "inget fält" in caught.value.message_sv


def test_detect_crs_by_value_range() -> None:
    assert detect_crs([502_000, 503_000], [7_001_500, 7_002_000]) == ("EPSG:3006", False)
    assert detect_crs([7_001_500], [502_000]) == ("EPSG:3006", True)
    assert detect_crs([1_500_000], [6_600_000]) == ("EPSG:3021", False)
    assert detect_crs([59.3], [18.1]) == ("EPSG:4326", True)
    with pytest.raises(ValidationError, match="SWEREF"):
        detect_crs([1.0], [2.0])


def test_the_demo_region_seeds_and_publishes_safely(db: Store) -> None:
    """Integration with the generated demo package (skipped when it has not been built)."""
    try:
        region = load_region("exempelbygd")
    except UnknownRegionError:
        pytest.skip("demo region not built (python -m geodata.exempelbygd)")
    assert region.needs is not None
    assert seed_demo_needs(db, region) == len(region.needs)
    assert seed_demo_needs(db, region) == 0
    stored = list_needs(db, "exempelbygd", include_merged=True)
    validate_layer("needs", stored)
    assert set(stored["need_id"]) == set(region.needs["need_id"])
    published = public_aggregate(stored)
    assert (published["needs"] >= settings.PUBLIC_MIN_NEEDS_PER_CELL).all()
    locality = str(region.localities["locality_id"].iloc[0])
    need = validate_need(_fields(x=None, y=None, locality_id=locality), region)
    assert need.locality_id == locality
