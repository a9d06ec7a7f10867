"""Tests of the DuckDB store: migrations, round trips, retries, lock errors, compaction."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pytest

from analysis import settings, store
from analysis.errors import StoreError
from analysis.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Store,
    delete_results,
    delete_scenario,
    frame_from_bytes,
    frame_to_bytes,
    get_result,
    get_scenario,
    list_scenarios,
    migrate,
    open_store,
    put_result,
    save_scenario,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Store:
    return open_store(tmp_path / "store.duckdb", timeout_s=5.0)


def _columns(db: Store, table: str) -> list[str]:
    frame = db.read(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    )
    return frame["column_name"].tolist()


def test_default_path_is_the_settings_path() -> None:
    assert Store().path == Path(settings.STORE_PATH).resolve()


def test_fresh_store_has_every_table_at_the_latest_version(db: Store) -> None:
    assert db.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1].version
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    need_columns = _columns(db, "needs")
    for column in [
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
    ]:
        assert column in need_columns
    assert _columns(db, "needs_audit") == [
        "need_id",
        "changed_at",
        "changed_by",
        "field",
        "old",
        "new",
    ]
    assert "changes" in _columns(db, "scenarios")
    assert _columns(db, "results_cache") == ["key", "region_id", "kind", "created_at", "payload"]


def test_an_old_version_1_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert migrate(con, target=1) == 1
    now = store.utc_now()
    con.execute(
        "INSERT INTO needs VALUES ('3f2a9c1b-77de-4c1a-9b1e-5f0d2a6c8e11', 'r', 'cash', 1, 2, "
        "'glesbygd', 'gammal', 'resident', 2, 'resolved', NULL, 'a@b.se', ?, ?, NULL)",
        [now, now],
    )
    con.close()

    db = open_store(path)
    assert db.schema_version() == SCHEMA_VERSION
    row = db.read("SELECT text, short_code, closed_at, source, contact FROM needs").iloc[0]
    assert row["text"] == "gammal"
    assert row["short_code"] == "3F2A9-C1B77"
    assert row["closed_at"] == pd.Timestamp(now)
    assert row["source"] == "form"
    assert row["contact"] == "a@b.se"
    history = db.read("SELECT version FROM schema_migrations ORDER BY version")["version"]
    assert history.tolist() == list(range(1, SCHEMA_VERSION + 1))

    # Idempotent: opening again applies nothing.
    assert open_store(path).schema_version() == SCHEMA_VERSION
    assert len(db.read("SELECT * FROM schema_migrations")) == SCHEMA_VERSION


def test_a_failing_migration_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    migrate(con, target=1)
    broken = (*MIGRATIONS, store.Migration(SCHEMA_VERSION + 1, "broken", ("SELEC nonsense",)))
    monkeypatch.setattr(store, "MIGRATIONS", broken)
    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(duckdb.ParserException):
        migrate(con)
    assert store.schema_version(con) == SCHEMA_VERSION  # 2 applied, 3 rolled back
    con.close()


def test_a_newer_database_is_refused_in_swedish(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "new.duckdb"))
    migrate(con)
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', NULL)")
    with pytest.raises(StoreError, match="schema version 99") as caught:
        migrate(con)
    assert "Uppdatera Servicekartan" in caught.value.message_sv
    con.close()


def test_scenario_round_trip(db: Store) -> None:
    changes = [{"action": "close", "service_id": "s1"}, {"action": "add", "name": "Bytorget å"}]
    scenario_id = save_scenario(db, "r", "Samlokalisering", "Anna", changes, {"mode": "car"})
    first = get_scenario(db, scenario_id)
    assert first is not None
    assert first.changes == changes and first.parameters == {"mode": "car"}
    time.sleep(0.01)
    save_scenario(db, "r", "Nytt namn", "Anna", [], scenario_id=scenario_id, description="d")
    second = get_scenario(db, scenario_id)
    assert second is not None
    assert second.name == "Nytt namn" and second.description == "d"
    assert second.created_at == first.created_at < second.updated_at
    save_scenario(db, "other", "Annat", "Bo", [])
    assert [s.scenario_id for s in list_scenarios(db, "r")] == [scenario_id]
    assert delete_scenario(db, scenario_id) is True
    assert delete_scenario(db, scenario_id) is False
    assert get_scenario(db, scenario_id) is None


def test_results_cache_round_trip_of_bytes_frames_and_geoframes(db: Store) -> None:
    put_result(db, "k1", "r", "access.car", b"\x00\x01payload")
    assert get_result(db, "k1") == b"\x00\x01payload"
    put_result(db, "k1", "r", "access.car", b"replaced")
    assert get_result(db, "k1") == b"replaced"
    assert get_result(db, "missing") is None

    frame = pd.DataFrame({"minutes": [1.5, 2.5]}, index=pd.Index(["a", "b"], name="cell_id"))
    put_result(db, "k2", "r", "needs.summary", frame_to_bytes(frame))
    pd.testing.assert_frame_equal(frame_from_bytes(get_result(db, "k2") or b""), frame)

    geo = gpd.GeoDataFrame(
        {"v": [1]}, geometry=gpd.points_from_xy([500000], [7000000]), crs=settings.CRS_METRIC
    )
    put_result(db, "k3", "r", "grid", frame_to_bytes(geo))
    back = frame_from_bytes(get_result(db, "k3") or b"")
    assert isinstance(back, gpd.GeoDataFrame) and back.crs == settings.CRS_METRIC

    assert delete_results(db, "r", kind_prefix="needs") == 1
    assert get_result(db, "k2") is None and get_result(db, "k1") is not None
    assert delete_results(db) == 2


def test_spatial_extension_loads_from_the_wheel_without_network(tmp_path: Path) -> None:
    db = open_store(tmp_path / "s.duckdb", spatial=True)
    with db.cursor() as cur:
        row = cur.execute("SELECT ST_Area(ST_Buffer(ST_Point(500000, 7000000), 10))").fetchone()
    assert row is not None and 310 < row[0] < 315


def test_a_spatial_store_can_join_a_connection_opened_without_spatial(tmp_path: Path) -> None:
    path = tmp_path / "mixed.duckdb"
    plain, spatial = open_store(path), Store(path, spatial=True)
    with plain.cursor(), spatial.cursor() as cur:
        row = cur.execute("SELECT ST_X(ST_Point(1, 2))").fetchone()
    assert row == (1.0,)


def test_write_rolls_back_on_error_and_reraises(db: Store) -> None:
    def failing(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute("INSERT INTO results_cache VALUES ('x', 'r', 'k', now()::TIMESTAMP, 'a')")
        raise KeyError("boom")

    with pytest.raises(KeyError):
        db.write(failing)
    assert get_result(db, "x") is None


def test_transaction_conflicts_are_retried(db: Store) -> None:
    """Threads updating the same row conflict in DuckDB; every increment must still land."""
    put_result(db, "counter", "r", "n", b"0")
    attempts: list[int] = []

    def increment(cur: duckdb.DuckDBPyConnection) -> None:
        attempts.append(1)
        row = cur.execute("SELECT payload FROM results_cache WHERE key = 'counter'").fetchone()
        assert row is not None
        time.sleep(0.002)  # widen the window so transactions overlap
        value = int(bytes(row[0]).decode()) + 1
        cur.execute(
            "UPDATE results_cache SET payload = ? WHERE key = 'counter'", [str(value).encode()]
        )

    threads = [
        threading.Thread(target=lambda: [db.write(increment) for _ in range(5)]) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert get_result(db, "counter") == b"40"
    assert len(attempts) > 40  # some conflicted and were retried


_HOLD_SCRIPT = """
import sys, time, duckdb
deadline = time.monotonic() + 20
while True:  # the test's own store may still be closing its connection (idle close)
    try:
        con = duckdb.connect(sys.argv[1])
        break
    except duckdb.IOException:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.05)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _foreign_holder(path: Path, seconds: float) -> subprocess.Popen[str]:
    """A process that opens the file with plain duckdb, bypassing the store's file lock."""
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD_SCRIPT, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


def test_a_lock_that_never_clears_gives_a_swedish_store_error(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    open_store(path)
    with _foreign_holder(path, 1.0) as holder:
        db = Store(path, timeout_s=0.3)
        with pytest.raises(StoreError, match="stayed locked") as caught:
            put_result(db, "k", "r", "k", b"x")
        assert "upptagen" in caught.value.message_sv
        assert "inget har sparats" in caught.value.message_sv
        holder.wait(timeout=10)


def test_a_lock_that_clears_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    open_store(path)
    with _foreign_holder(path, 0.5) as holder:
        db = Store(path, timeout_s=10.0)
        put_result(db, "k", "r", "k", b"x")
        assert get_result(db, "k") == b"x"
        holder.wait(timeout=10)


def test_store_lock_timeout_between_two_store_users(tmp_path: Path) -> None:
    """Another process holding the store's own file lock: StoreError, not a raw error."""
    path = tmp_path / "f.duckdb"
    open_store(path)
    script = (
        "import sys, time\n"
        "from analysis.store import Store\n"
        "s = Store(sys.argv[1])\n"
        "with s.exclusive():\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(1)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True, cwd=REPO
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="stayed locked"):
            Store(path, timeout_s=0.3).read("SELECT 1")


def test_compact_removes_deleted_bytes_from_the_file(db: Store) -> None:
    marker = b"UNIQUE-MARKER-7d1e0c"
    put_result(db, "secret", "r", "k", marker * 3)
    put_result(db, "kept", "r", "k", b"kept")
    db.execute("CHECKPOINT")
    assert marker in db.path.read_bytes()
    db.execute("DELETE FROM results_cache WHERE key = 'secret'")
    db.execute("CHECKPOINT")
    assert marker in db.path.read_bytes()  # DuckDB leaves it in a free block
    db.compact()
    assert marker not in db.path.read_bytes()
    assert get_result(db, "kept") == b"kept"
    assert db.schema_version() == SCHEMA_VERSION
    with pytest.raises(duckdb.ConstraintException):  # primary keys survive the rewrite
        db.execute("INSERT INTO results_cache VALUES ('kept', 'r', 'k', now()::TIMESTAMP, 'x')")
