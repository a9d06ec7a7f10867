"""The DuckDB store: the one module that opens, migrates and writes the DuckDB file.

What is stored
--------------
``needs`` (registered needs), ``needs_audit`` (who changed what, when), ``scenarios``
(scenario definitions as JSON text) and ``results_cache`` (computed results as Parquet bytes).
Points are stored as plain ``x``/``y`` DOUBLE columns in EPSG:3006 (SWEREF 99 TM, metres): the
store holds points only, plain columns need no extension to read, and any tool (the DuckDB CLI,
pandas, a spreadsheet export) sees readable numbers.  Spatial SQL is still available: open the
store with ``spatial=True`` and the spatial extension is loaded from the
``duckdb-extension-spatial`` wheel by file path (never ``INSTALL``, which needs the internet);
``ST_Point(x, y)`` then builds geometries on the fly.  Timestamps are ``TIMESTAMP`` in UTC.

Concurrency design
------------------
DuckDB lets only one *process* open a file read-write, and while it is open no other process can
open it at all.  Inside a process one connection may be shared by many threads, each with its own
``cursor()``.  The store therefore works with a *lease* per (process, file):

* Every operation (read or write) takes the lease.  The first thread to take it acquires an
  exclusive ``fcntl.flock`` on ``<db>.lock`` (polling with back-off until ``timeout_s``), opens
  one ``duckdb.connect``, applies pending migrations and hands out cursors.  Further threads of
  the same process get their own cursor on that shared connection.  When the last thread is done
  the connection stays open for :data:`IDLE_CLOSE_S` (a small closer thread watches it), then
  is closed (DuckDB checkpoints) and the file lock released, so another process can take its
  turn.  A lone write costs an open + commit + close (about 20 ms on a small file with fsync);
  writes that follow each other or overlap share the open connection (about 2-3 ms each).
* Fairness: a process polling for the lock holds a shared ``flock`` on ``<db>.wait``.  A process
  that has held the lease longer than ``max_hold_s`` probes that file (on each new operation
  and while idle); if another process is waiting it stops handing out cursors, lets running
  operations finish, closes and steps aside for a short pause.  Neither process can starve the
  other; a waiting process gets its turn within about ``max_hold_s`` plus one operation.
* Writes run ``fn(cursor)`` inside ``BEGIN``/``COMMIT`` and are retried with back-off on DuckDB
  lock errors (``IOException`` "Could not set lock", from a process that does not use this
  module) and transaction conflicts (``TransactionException``).  When a lock never clears within
  ``timeout_s`` a :class:`~analysis.errors.StoreError` with a Swedish message is raised; raw
  DuckDB lock errors never reach the caller.
* Durability: a write returns only after DuckDB's ``COMMIT``, which is durable in its
  write-ahead log; a process killed right after still leaves the row in the file.
* Secure deletion: DuckDB leaves deleted rows in free blocks of the file.  :meth:`Store.compact`
  rewrites the whole database into a fresh file and swaps it in, under the exclusive lease, so
  erased personal data is really gone from the bytes on disk.

The Streamlit app wraps :func:`open_store` in ``st.cache_resource``; every other process (a
command-line import, a retention job) simply calls :func:`open_store` too.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import errno
import fcntl
import io
import json
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import duckdb
import pandas as pd

from analysis import settings
from analysis.errors import StoreError
from analysis.i18n import t

T = TypeVar("T")

#: Seconds an operation waits for the file lock before :class:`StoreError` is raised.
DEFAULT_TIMEOUT_S: Final = 20.0
#: Seconds a process may keep the lease while another process waits for it.
DEFAULT_MAX_HOLD_S: Final = 0.25
#: How long an idle connection stays open for the next operation of the same process, seconds.
#: It is closed sooner when another process waits and this one has had its ``max_hold_s``.
IDLE_CLOSE_S: Final = 0.05
#: Longest sleep between two polls of the file lock, seconds.
_MAX_POLL_S: Final = 0.005
#: Pause after stepping aside for another process, seconds (about twice the poll interval).
_STEP_ASIDE_S: Final = 0.012


def utc_now() -> dt.datetime:
    """Return the current time in UTC as a naive datetime (how the store keeps timestamps)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --- Schema migrations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    """One step of the schema: a version number and the SQL statements that reach it."""

    version: int
    description: str
    statements: tuple[str, ...]


#: Ordered schema migrations.  Never edit a released migration; append a new one.
MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "needs, audit, scenarios, results cache",
        (
            """CREATE TABLE needs (
                need_id VARCHAR PRIMARY KEY,
                region_id VARCHAR NOT NULL,
                category VARCHAR NOT NULL,
                x DOUBLE NOT NULL,
                y DOUBLE NOT NULL,
                locality_id VARCHAR,
                text VARCHAR NOT NULL,
                registrant_type VARCHAR NOT NULL,
                people_count INTEGER NOT NULL,
                status VARCHAR NOT NULL,
                status_reason VARCHAR,
                contact VARCHAR,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL,
                merged_into VARCHAR
            )""",
            """CREATE TABLE needs_audit (
                need_id VARCHAR NOT NULL,
                changed_at TIMESTAMP NOT NULL,
                changed_by VARCHAR NOT NULL,
                field VARCHAR NOT NULL,
                old VARCHAR,
                new VARCHAR
            )""",
            """CREATE TABLE scenarios (
                scenario_id VARCHAR PRIMARY KEY,
                region_id VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                author VARCHAR NOT NULL,
                description VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL,
                changes VARCHAR NOT NULL,
                parameters VARCHAR NOT NULL
            )""",
            """CREATE TABLE results_cache (
                key VARCHAR PRIMARY KEY,
                region_id VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                payload BLOB NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "needs: receipt short code, closed_at for retention, source of the row",
        (
            "ALTER TABLE needs ADD COLUMN short_code VARCHAR",
            "ALTER TABLE needs ADD COLUMN closed_at TIMESTAMP",
            "ALTER TABLE needs ADD COLUMN source VARCHAR DEFAULT 'form'",
            """UPDATE needs SET
                short_code = upper(substr(replace(need_id, '-', ''), 1, 5)) || '-'
                    || upper(substr(replace(need_id, '-', ''), 6, 5)),
                closed_at = CASE WHEN status IN ('resolved', 'rejected') THEN updated_at END,
                source = coalesce(source, 'form')""",
        ),
    ),
)
#: The schema version this code expects.
SCHEMA_VERSION: Final = MIGRATIONS[-1].version


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the schema version of an open database (0 for an empty file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> int:
    """Apply every pending migration up to ``target`` (default: the latest) and return the version.

    Each migration runs in its own transaction together with its ``schema_migrations`` row, so a
    failure leaves the database at the previous version.  Running it again is a no-op.

    Examples
    --------
    >>> con = duckdb.connect()
    >>> migrate(con, target=1)
    1
    >>> migrate(con)
    2
    >>> migrate(con)
    2
    """
    target = SCHEMA_VERSION if target is None else target
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"The database has schema version {current}, newer than this program "
            f"({SCHEMA_VERSION}); update Servicekartan.",
            t("store.too_new", "sv", found=current, expected=SCHEMA_VERSION),
        )
    for migration in MIGRATIONS:
        if current < migration.version <= target:
            con.execute("BEGIN TRANSACTION")
            try:
                for statement in migration.statements:
                    con.execute(statement)
                con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [migration.version, migration.description, utc_now()],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            current = migration.version
    return current


# --- The spatial extension, loaded from the wheel ----------------------------------------------


def spatial_extension_path() -> Path:
    """Return the path of the spatial extension shipped in ``duckdb-extension-spatial``."""
    import duckdb_extension_spatial

    folder = Path(duckdb_extension_spatial.__file__).parent
    found = sorted(folder.glob(f"extensions/v{duckdb.__version__}/spatial.duckdb_extension"))
    found = found or sorted(folder.glob("extensions/*/spatial.duckdb_extension"))
    if not found:
        raise StoreError(
            "The spatial extension is missing; install duckdb-extension-spatial "
            f"=={duckdb.__version__}.",
            t("store.no_spatial", "sv", version=duckdb.__version__),
        )
    return found[0]


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's spatial extension into ``con`` by file path, without any network access."""
    con.load_extension(str(spatial_extension_path()))


# --- Cross-process file lock ------------------------------------------------------------------


def _is_lock_error(error: BaseException) -> bool:
    text = str(error).lower()
    return "could not set lock" in text or "conflicting lock" in text


def _busy_error(path: Path, waited_s: float) -> StoreError:
    return StoreError(
        f"The database {path.name} stayed locked by another process for {waited_s:.0f} s; "
        "try again in a moment.",
        t("store.busy", "sv", seconds=round(waited_s)),
    )


class _Lease:
    """The shared connection of one process to one database file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.wait_path = path.with_name(path.name + ".wait")
        self.cond = threading.Condition()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.lock_fd: int | None = None
        self.users = 0
        self.busy = False  # one thread is opening the connection or holds the exclusive lease
        self.draining = False  # no new cursors: another process or an exclusive user waits
        self.exclusive_waiting = 0
        self.held_since = 0.0
        self.last_probe = 0.0
        self.resume_at = 0.0  # after stepping aside, do not poll the lock before this
        self.spatial_loaded = False
        self.probe_fd: int | None = None
        self.max_hold_s = DEFAULT_MAX_HOLD_S
        self.idle_since = 0.0
        self.closer_running = False

    # -- file locks --
    def _open(self, lock_path: Path) -> int:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def _lock_file(self, deadline: float, started: float) -> int:
        """Take the exclusive file lock, announcing on ``<db>.wait`` that this process waits."""
        pause = self.resume_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        fd = self._open(self.lock_path)
        wait_fd = self._open(self.wait_path)
        try:
            fcntl.flock(wait_fd, fcntl.LOCK_SH)
            delay = 0.0005
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except OSError as error:
                    if error.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise _busy_error(self.path, time.monotonic() - started)
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, _MAX_POLL_S)
        finally:
            os.close(wait_fd)  # closing drops the shared lock

    def _other_process_waits(self) -> bool:
        if self.probe_fd is None:
            self.probe_fd = self._open(self.wait_path)
        try:
            fcntl.flock(self.probe_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES):
                return True
            raise
        fcntl.flock(self.probe_fd, fcntl.LOCK_UN)
        return False

    def _unlock(self) -> None:
        if self.lock_fd is not None:
            os.close(self.lock_fd)  # closing drops the flock
            self.lock_fd = None

    # -- shared lease --
    def acquire(self, store: Store, deadline: float) -> duckdb.DuckDBPyConnection:
        started = time.monotonic()
        with self.cond:
            self.max_hold_s = store.max_hold_s
            while True:
                if self.con is not None and not self.draining and not self.exclusive_waiting:
                    now = time.monotonic()
                    if (
                        now - self.held_since > store.max_hold_s
                        and now - self.last_probe > store.max_hold_s / 4
                    ):
                        self.last_probe = now
                        if self._other_process_waits():
                            self.draining = True
                            continue
                    if store.spatial and not self.spatial_loaded:
                        load_spatial(self.con)
                        self.spatial_loaded = True
                    return self._grant()
                if self.con is None and not self.busy and not self.exclusive_waiting:
                    self.busy = True
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _busy_error(self.path, time.monotonic() - started)
                self.cond.wait(remaining)
        try:
            fd = self._lock_file(deadline, started)
            try:
                con = self._connect(store, deadline, started)
            except BaseException:
                os.close(fd)
                raise
        except BaseException:
            with self.cond:
                self.busy = False
                self.cond.notify_all()
            raise
        with self.cond:
            self.con, self.lock_fd = con, fd
            self.spatial_loaded = store.spatial
            self.held_since = time.monotonic()
            self.busy = False
            self.cond.notify_all()
            return self._grant()

    def _grant(self) -> duckdb.DuckDBPyConnection:
        """Hand out a cursor of the open connection (called with ``cond`` held)."""
        assert self.con is not None
        self.users += 1
        try:
            return self.con.cursor()
        except BaseException:
            self.users -= 1
            if self.users == 0:
                self._close()
            raise

    def _connect(self, store: Store, deadline: float, started: float) -> duckdb.DuckDBPyConnection:
        delay = 0.005
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as error:
                # Held by a process that does not use this module (e.g. the DuckDB CLI).
                if not _is_lock_error(error):
                    raise
                if time.monotonic() >= deadline:
                    raise _busy_error(self.path, time.monotonic() - started) from error
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
        try:
            migrate(con)
            if store.spatial:
                load_spatial(con)
        except BaseException:
            con.close()
            raise
        return con

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with contextlib.suppress(duckdb.Error):
            cursor.close()
        with self.cond:
            self.users -= 1
            if self.users == 0:
                if self.draining or self.exclusive_waiting or IDLE_CLOSE_S <= 0:
                    self._close()
                else:
                    self.idle_since = time.monotonic()
                    self._start_closer()
                    self.cond.notify_all()

    def _start_closer(self) -> None:
        """Start the thread that closes the idle connection (called with ``cond`` held)."""
        if not self.closer_running:
            self.closer_running = True
            threading.Thread(
                target=self._close_when_idle, name=f"store-closer-{self.path.name}", daemon=True
            ).start()

    def _close_when_idle(self) -> None:
        with self.cond:
            try:
                while self.con is not None:
                    if self.users:
                        self.cond.wait()
                        continue
                    now = time.monotonic()
                    idle = now - self.idle_since
                    try:
                        hand_over = now - self.held_since > self.max_hold_s and (
                            self._other_process_waits()
                        )
                    except OSError:  # the folder went away: nothing to keep open for
                        hand_over = True
                    if idle >= IDLE_CLOSE_S or self.draining or self.exclusive_waiting or hand_over:
                        with contextlib.suppress(duckdb.Error):
                            self._close()  # the lock is dropped even if closing fails
                        break
                    self.cond.wait(min(IDLE_CLOSE_S - idle, _MAX_POLL_S))
            finally:
                self.closer_running = False

    def _close(self) -> None:
        """Close the connection and drop the file lock (called with ``cond`` held)."""
        if self.con is None:
            return
        try:
            self.con.close()
        finally:
            self.con = None
            self._unlock()
            if self.probe_fd is not None:
                os.close(self.probe_fd)
                self.probe_fd = None
            if self.draining:
                self.draining = False
                self.resume_at = time.monotonic() + _STEP_ASIDE_S * (1 + random.random())
            self.cond.notify_all()

    # -- exclusive lease (no DuckDB connection open in this process) --
    @contextlib.contextmanager
    def exclusive(self, deadline: float) -> Iterator[None]:
        started = time.monotonic()
        with self.cond:
            self.exclusive_waiting += 1
            self.cond.notify_all()  # an idle connection closes now
            try:
                while self.con is not None or self.busy:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise _busy_error(self.path, time.monotonic() - started)
                    self.cond.wait(remaining)
                self.busy = True
            finally:
                self.exclusive_waiting -= 1
        try:
            self.resume_at = 0.0
            fd = self._lock_file(deadline, started)
            try:
                yield
            finally:
                os.close(fd)
        finally:
            with self.cond:
                self.busy = False
                self.cond.notify_all()


_LEASES: dict[tuple[int, Path], _Lease] = {}
_LEASES_LOCK = threading.Lock()


def _forget_parent_leases() -> None:
    """In a forked child, drop the parent's leases (their connections belong to the parent).

    The file descriptors are closed without unlocking: the flock stays with the parent, which
    still has them open.
    """
    global _LEASES_LOCK
    _LEASES_LOCK = threading.Lock()  # another thread may have held it at the fork
    for (pid, _path), lease in list(_LEASES.items()):
        if pid != os.getpid():
            for fd in (lease.lock_fd, lease.probe_fd):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            del _LEASES[(pid, _path)]


os.register_at_fork(after_in_child=_forget_parent_leases)


@atexit.register
def _close_idle_leases() -> None:
    """Close idle connections at interpreter exit so DuckDB checkpoints cleanly."""
    for (pid, _path), lease in list(_LEASES.items()):
        if pid == os.getpid():
            with lease.cond:
                if not lease.users:
                    lease._close()


def _lease_for(path: Path) -> _Lease:
    key = (os.getpid(), path)
    with _LEASES_LOCK:
        lease = _LEASES.get(key)
        if lease is None:
            lease = _LEASES[key] = _Lease(path)
        return lease


# --- The store ----------------------------------------------------------------------------------


class Store:
    """Handle to one DuckDB file; cheap to create, safe to share between threads.

    Parameters
    ----------
    path
        The database file; defaults to :data:`analysis.settings.STORE_PATH`.
    timeout_s
        How long an operation waits for a lock or retries a conflict before raising
        :class:`StoreError`.
    max_hold_s
        How long this process keeps the file while another process waits for it.
    spatial
        Load the spatial extension into every connection (adds about 0.15 s per open).
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_hold_s: float = DEFAULT_MAX_HOLD_S,
        spatial: bool = False,
    ) -> None:
        self.path = Path(path if path is not None else settings.STORE_PATH).resolve()
        self.timeout_s = timeout_s
        self.max_hold_s = max_hold_s
        self.spatial = spatial
        self._lease = _lease_for(self.path)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a cursor of this process's shared connection (for reads; see :meth:`write`)."""
        deadline = time.monotonic() + self.timeout_s
        cursor = self._lease.acquire(self, deadline)
        try:
            yield cursor
        finally:
            self._lease.release(cursor)

    def read(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
        """Run a query and return its result as a DataFrame."""
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).df()

    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``fn(cursor)`` in one transaction, retrying on lock errors and conflicts.

        ``fn`` may run more than once, so it must only touch the database.  When this returns,
        the transaction is committed and durable.

        Raises
        ------
        StoreError
            When the lock or conflict does not clear within ``timeout_s``.
        """
        deadline = time.monotonic() + self.timeout_s
        started = time.monotonic()
        delay = 0.002
        while True:
            cursor = self._lease.acquire(self, deadline)
            try:
                cursor.execute("BEGIN TRANSACTION")
                try:
                    result = fn(cursor)
                    cursor.execute("COMMIT")
                    return result
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        cursor.execute("ROLLBACK")
                    raise
            except (duckdb.TransactionException, duckdb.IOException) as error:
                if isinstance(error, duckdb.IOException) and not _is_lock_error(error):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"The write kept conflicting with other writes for "
                        f"{time.monotonic() - started:.0f} s: {error}",
                        t("store.conflict", "sv"),
                    ) from error
            finally:
                self._lease.release(cursor)
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.1)

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
        """Run one writing statement through :meth:`write`."""
        self.write(lambda cur: cur.execute(sql, list(params)))

    def schema_version(self) -> int:
        """Return the schema version of the file (migrating it first, like every open)."""
        with self.cursor() as cur:
            return schema_version(cur)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[Path]:
        """Hold the file lock with no connection open in this process; yield the file path."""
        with self._lease.exclusive(time.monotonic() + self.timeout_s):
            yield self.path

    def compact(self) -> None:
        """Rewrite the database into a fresh file so deleted rows are gone from the disk bytes.

        DuckDB reuses the blocks of deleted rows but does not overwrite them, so a deleted text
        can stay readable in the file.  This copies every table into a new file, swaps it in
        atomically and removes the old one.
        """
        with self.exclusive() as path:
            fresh = path.with_name(f".{path.name}.{uuid.uuid4().hex}.compact")
            try:
                con = duckdb.connect(str(path))
                try:
                    migrate(con)
                    con.execute("CHECKPOINT")
                    catalog = con.execute("SELECT current_database()").fetchone()
                    name = str(catalog[0]) if catalog else path.stem
                    con.execute(f"ATTACH '{_sql_literal(str(fresh))}' AS compact_target")
                    con.execute(f'COPY FROM DATABASE "{name}" TO compact_target')
                    con.execute("DETACH compact_target")
                finally:
                    con.close()
                with open(fresh, "rb") as handle:
                    os.fsync(handle.fileno())
                os.replace(fresh, path)
                wal = path.with_name(path.name + ".wal")
                if wal.exists():  # pragma: no cover - a closed, checkpointed file has none
                    wal.unlink()
                dir_fd = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
            finally:
                for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
                    leftover.unlink(missing_ok=True)


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")


def open_store(path: Path | str | None = None, **options: Any) -> Store:
    """Open (creating and migrating if needed) the store at ``path`` and return it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = open_store(folder / "demo.duckdb")
    >>> store.schema_version() == SCHEMA_VERSION
    True
    """
    store = Store(path, **options)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.schema_version()
    return store


# --- Scenarios ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRecord:
    """A stored scenario; ``changes`` and ``parameters`` are the decoded JSON values."""

    scenario_id: str
    region_id: str
    name: str
    author: str
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime
    changes: Any
    parameters: dict[str, Any]


def save_scenario(
    store: Store,
    region_id: str,
    name: str,
    author: str,
    changes: Any,
    parameters: dict[str, Any] | None = None,
    description: str = "",
    scenario_id: str | None = None,
) -> str:
    """Insert a scenario, or replace the one with ``scenario_id``; return its id.

    ``changes`` and ``parameters`` must be JSON-serialisable; they are stored as JSON text.
    """
    scenario_id = scenario_id or uuid.uuid4().hex
    changes_json = json.dumps(changes, ensure_ascii=False, sort_keys=True)
    parameters_json = json.dumps(parameters or {}, ensure_ascii=False, sort_keys=True)
    now = utc_now()

    def _save(cur: duckdb.DuckDBPyConnection) -> None:
        found = cur.execute(
            "SELECT created_at FROM scenarios WHERE scenario_id = ?", [scenario_id]
        ).fetchone()
        created = found[0] if found else now
        cur.execute("DELETE FROM scenarios WHERE scenario_id = ?", [scenario_id])
        cur.execute(
            "INSERT INTO scenarios VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                scenario_id,
                region_id,
                name,
                author,
                description,
                created,
                now,
                changes_json,
                parameters_json,
            ],
        )

    store.write(_save)
    return scenario_id


def _scenario(row: dict[str, Any]) -> ScenarioRecord:
    return ScenarioRecord(
        scenario_id=str(row["scenario_id"]),
        region_id=str(row["region_id"]),
        name=str(row["name"]),
        author=str(row["author"]),
        description=str(row["description"]),
        created_at=pd.Timestamp(row["created_at"]).to_pydatetime(),
        updated_at=pd.Timestamp(row["updated_at"]).to_pydatetime(),
        changes=json.loads(row["changes"]),
        parameters=json.loads(row["parameters"]),
    )


def list_scenarios(store: Store, region_id: str) -> list[ScenarioRecord]:
    """Return the scenarios of a region, most recently updated first."""
    frame = store.read(
        "SELECT * FROM scenarios WHERE region_id = ? ORDER BY updated_at DESC, name", [region_id]
    )
    return [_scenario(row) for row in frame.to_dict("records")]


def get_scenario(store: Store, scenario_id: str) -> ScenarioRecord | None:
    """Return the scenario with ``scenario_id``, or ``None`` when there is none."""
    frame = store.read("SELECT * FROM scenarios WHERE scenario_id = ?", [scenario_id])
    return _scenario(frame.to_dict("records")[0]) if len(frame) else None


def delete_scenario(store: Store, scenario_id: str) -> bool:
    """Delete a scenario; return whether it existed."""

    def _delete(cur: duckdb.DuckDBPyConnection) -> bool:
        row = cur.execute(
            "SELECT count(*) FROM scenarios WHERE scenario_id = ?", [scenario_id]
        ).fetchone()
        cur.execute("DELETE FROM scenarios WHERE scenario_id = ?", [scenario_id])
        return bool(row and row[0])

    return store.write(_delete)


# --- Results cache -----------------------------------------------------------------------------


def put_result(store: Store, key: str, region_id: str, kind: str, payload: bytes) -> None:
    """Store (or replace) a computed result under ``key``.

    ``kind`` names what the payload is; results derived from registered needs must use a kind
    starting with ``"needs"`` so that erasing a need also drops them.
    """

    def _put(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute("DELETE FROM results_cache WHERE key = ?", [key])
        cur.execute(
            "INSERT INTO results_cache VALUES (?, ?, ?, ?, ?)",
            [key, region_id, kind, utc_now(), payload],
        )

    store.write(_put)


def get_result(store: Store, key: str) -> bytes | None:
    """Return the payload stored under ``key``, or ``None``."""
    with store.cursor() as cur:
        row = cur.execute("SELECT payload FROM results_cache WHERE key = ?", [key]).fetchone()
    return bytes(row[0]) if row else None


def delete_results(store: Store, region_id: str | None = None, kind_prefix: str = "") -> int:
    """Delete cached results of a region (all regions when ``None``) whose kind starts so."""

    def _delete(cur: duckdb.DuckDBPyConnection) -> int:
        where = "starts_with(kind, ?)" + (" AND region_id = ?" if region_id is not None else "")
        params: list[Any] = [kind_prefix] + ([region_id] if region_id is not None else [])
        row = cur.execute(f"SELECT count(*) FROM results_cache WHERE {where}", params).fetchone()
        cur.execute(f"DELETE FROM results_cache WHERE {where}", params)
        return int(row[0]) if row else 0

    return store.write(_delete)


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a (Geo)DataFrame to Parquet bytes (GeoParquet for a GeoDataFrame)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=True)
    return buffer.getvalue()


def frame_from_bytes(payload: bytes) -> pd.DataFrame:
    """Read bytes written by :func:`frame_to_bytes`; a GeoDataFrame comes back as one."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(io.BytesIO(payload)).metadata or {}
    if b"geo" in metadata:
        import geopandas as gpd

        return gpd.read_parquet(io.BytesIO(payload))
    return pd.read_parquet(io.BytesIO(payload))
