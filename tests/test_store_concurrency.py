"""Two processes and 50 threads writing needs at once; durability after SIGKILL.

The issue's demand: "two processes and 50 threads writing needs at the same time: no row lost,
no raw lock error".  And: a need acknowledged to its registrant survives the process dying.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analysis.needs import NeedInput, register_need
from analysis.store import DEFAULT_MAX_HOLD_S, IDLE_CLOSE_S, Store, open_store

REPO = Path(__file__).resolve().parent.parent
THREADS = 50
PER_THREAD = 6
SECOND_PROCESS_WRITES = 120

NEED = NeedInput(
    category="pharmacy",
    x=505_000.0,
    y=7_005_000.0,
    locality_id="glesbygd",
    text="Långt till apoteket",
    registrant_type="resident",
    people_count=2,
)

_WRITER = """
import sys
from analysis.needs import NeedInput, register_need
from analysis.store import Store
store = Store(sys.argv[1], timeout_s=30)
need = NeedInput("cash", 505000.0, 7005000.0, "glesbygd", "Uttag", "resident", 1)
count = int(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()  # start signal
for _ in range(count):
    receipt = register_need(store, "second", need)
    print(receipt.need_id, flush=True)
print("done", flush=True)
"""


@pytest.mark.slow
def test_fifty_threads_and_a_second_process_lose_no_row(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    store = open_store(path, timeout_s=30)
    with subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(SECOND_PROCESS_WRITES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as other:
        assert other.stdin is not None and other.stdout is not None
        assert other.stdout.readline().strip() == "ready"

        errors: list[BaseException] = []
        acknowledged: list[str] = []
        ack_lock = threading.Lock()
        start = threading.Barrier(THREADS + 1)

        def worker() -> None:
            start.wait()
            try:
                for _ in range(PER_THREAD):
                    receipt = register_need(store, "main", NEED)
                    with ack_lock:
                        acknowledged.append(receipt.need_id)
            except BaseException as error:  # collected and asserted below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        began = time.monotonic()
        other.stdin.write("go\n")
        other.stdin.flush()
        start.wait()
        for thread in threads:
            thread.join()
        main_done = time.monotonic() - began
        out, err = other.communicate(timeout=60)
        assert other.returncode == 0, err
        assert err == ""  # no raw error, no traceback, no warning

    assert errors == []
    other_ids = [line for line in out.splitlines() if line != "done"]
    assert out.splitlines()[-1] == "done"
    assert len(other_ids) == SECOND_PROCESS_WRITES
    assert len(acknowledged) == THREADS * PER_THREAD
    counts = store.read("SELECT region_id, count(*) AS n FROM needs GROUP BY region_id")
    assert dict(zip(counts["region_id"], counts["n"], strict=True)) == {
        "main": THREADS * PER_THREAD,
        "second": SECOND_PROCESS_WRITES,
    }
    stored = set(store.read("SELECT need_id FROM needs")["need_id"])
    assert stored == set(acknowledged) | set(other_ids)
    assert main_done < 45


_KILLED_WRITER = """
import sys
from analysis.needs import NeedInput, register_need
from analysis.store import Store
store = Store(sys.argv[1])
need = NeedInput("cash", 505000.0, 7005000.0, "glesbygd", "Uttag", "resident", 1)
while True:
    print(register_need(store, "r", need).need_id, flush=True)
"""


def test_acknowledged_needs_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "killed.duckdb"
    open_store(path)
    acknowledged: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as writer:
        assert writer.stdout is not None
        while len(acknowledged) < 40:
            line = writer.stdout.readline().strip()
            assert line, "the writer died on its own"
            acknowledged.append(line)
        os.kill(writer.pid, signal.SIGKILL)  # mid-stream: it is busy with the next write
        rest = writer.stdout.read()
        writer.wait(timeout=10)
    acknowledged += [line for line in rest.splitlines() if line.strip()]
    assert writer.returncode == -signal.SIGKILL

    store = Store(path, timeout_s=10)
    stored = set(store.read("SELECT need_id FROM needs")["need_id"])
    assert set(acknowledged) <= stored
    assert len(stored) - len(acknowledged) <= 1  # at most the write in flight, never a loss


def test_a_single_write_is_fast(tmp_path: Path) -> None:
    """Cold: open, commit (fsync), close after idling.  Warm: the connection is still open."""
    store = open_store(tmp_path / "fast.duckdb")

    def median_seconds(pause_s: float) -> float:
        timings = []
        for _ in range(7):
            time.sleep(pause_s)
            started = time.perf_counter()
            register_need(store, "r", NEED)
            timings.append(time.perf_counter() - started)
        return sorted(timings)[len(timings) // 2]

    assert median_seconds(IDLE_CLOSE_S * 3) < 0.25  # measured ~0.02 s; generous for CI
    assert median_seconds(0.0) < 0.1  # measured ~0.003 s


def test_an_idle_connection_is_released_for_other_processes(tmp_path: Path) -> None:
    path = tmp_path / "idle.duckdb"
    store = open_store(path)
    register_need(store, "r", NEED)
    time.sleep(IDLE_CLOSE_S * 4)
    script = (
        "import sys, duckdb\n"
        "print(duckdb.connect(sys.argv[1]).sql('SELECT count(*) FROM needs').fetchone()[0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr  # a plain connect, no retry: the file was free
    assert done.stdout.strip() == "1"


_ONE_WRITE = """
import sys, time
from analysis.needs import NeedInput, register_need
from analysis.store import Store
store = Store(sys.argv[1], timeout_s=3)
need = NeedInput("cash", 505000.0, 7005000.0, "glesbygd", "Uttag", "resident", 1)
print("ready", flush=True)
sys.stdin.readline()
started = time.perf_counter()
register_need(store, "second", need)
print(time.perf_counter() - started, flush=True)
"""


def test_a_process_writing_without_pause_does_not_starve_another(tmp_path: Path) -> None:
    path = tmp_path / "fair.duckdb"
    store = open_store(path, timeout_s=30)
    with subprocess.Popen(
        [sys.executable, "-c", _ONE_WRITE, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as other:
        assert other.stdin is not None and other.stdout is not None
        assert other.stdout.readline().strip() == "ready"
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                register_need(store, "main", NEED)

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)  # this process now holds the file continuously
        other.stdin.write("go\n")
        other.stdin.flush()
        waited = float(other.stdout.readline())
        stop.set()
        for thread in threads:
            thread.join()
        other.wait(timeout=30)
    assert other.returncode == 0
    assert waited < DEFAULT_MAX_HOLD_S + 1.5  # its turn came after about max_hold_s
