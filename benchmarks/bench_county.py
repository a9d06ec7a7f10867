"""What the app's engine costs on the county-size demo region Exempellän.

Builds ``exempellan`` first when no current package is there (``geodata.exempellan``; the set-up
does not build it), then, in a child process so that *peak RSS* is that work alone, times the
steps the app runs when a planner opens the region, as ``ui/data.py`` runs them:

* **load**: ``analysis.io.load_region`` (read and validate every layer);
* **network**: ``analysis.network.build_network`` on the roads;
* **baseline**: ``analysis.accessibility.analyse_region`` with that network (snap cells and
  services, one nearest/second-nearest search per category and mode: 12 x 3);
* **travel times**: ``Analysis.travel_times()`` (node results to cells) and the minutes frames
  per mode;
* **store**: ``stored_baseline`` as ``ui/data.baseline`` calls it, on an empty DuckDB store
  (network, baseline, serialise and write the routing state) and again, as after a restart
  (network, snapping, read the state back);
* **scenario edit**: one hub in a village hall, routed incrementally and evaluated as the
  scenario page does on every click (``scenario_analysis`` + ``evaluate``), best of 3;
* **base map**: ``analysis.maps.base_map`` rendered to HTML (what the browser receives first).

    .venv/bin/python benchmarks/bench_county.py [--regions-dir DIR] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux: KiB


def measure(regions_dir: Path) -> dict[str, Any]:
    """Time the app's engine steps on the county (run in a fresh process)."""
    out: dict[str, Any] = {}
    clock = time.perf_counter()
    from bench_routing import warm_up

    from analysis import accessibility, evaluate, io, maps, store
    from analysis.network import build_network
    from analysis.scenarios import Change, Scenario

    out["import_s"] = time.perf_counter() - clock
    out["jit_s"] = warm_up()

    def step(name: str, start: float) -> None:
        out[f"{name}_s"] = time.perf_counter() - start
        out[f"{name}_peak_rss_gb"] = _peak_rss_gb()

    clock = time.perf_counter()
    region = io.load_region("exempellan", search_dirs=(regions_dir,))
    step("load", clock)
    clock = time.perf_counter()
    network = build_network(region.roads)
    step("network", clock)
    out["nodes"] = int(network.n_nodes)
    clock = time.perf_counter()
    baseline = accessibility.analyse_region(region, network)
    step("baseline", clock)
    clock = time.perf_counter()
    baseline.travel_times()
    for mode in ("car", "bike", "walk"):
        baseline.minutes(mode)
    step("travel_times", clock)
    out["state_mb"] = len(accessibility.state_to_bytes(baseline.state)) / 1e6
    with tempfile.TemporaryDirectory() as folder:
        database = store.open_store(Path(folder) / "bench.duckdb")
        clock = time.perf_counter()
        accessibility.stored_baseline(region, database)
        step("stored_first", clock)
        clock = time.perf_counter()
        accessibility.stored_baseline(region, database)
        step("stored_again", clock)
    sites = region.sites
    hall = str(sites.loc[sites["kind"] == "village_hall", "site_id"].iloc[0])
    scenario = Scenario(
        region.info.region_id,
        "hub",
        (Change("hub", site_id=hall, categories=evaluate.DEFAULT_HUB_CATEGORIES),),
    )
    edits = []
    for _ in range(3):
        clock = time.perf_counter()
        after = accessibility.scenario_analysis(baseline, scenario)
        evaluate.evaluate(baseline, after, scenario, "car", 20.0, region.needs)
        edits.append(time.perf_counter() - clock)
    out["edit_s"] = min(edits)
    out["edit_first_s"] = edits[0]
    out["edit_peak_rss_gb"] = _peak_rss_gb()
    clock = time.perf_counter()
    html = maps.base_map(region, "sv").get_root().render()
    step("base_map", clock)
    out["base_map_mb"] = len(html.encode()) / 1e6
    out["cells"] = len(region.population)
    out["services"] = len(region.services)
    return out


def main() -> int:
    """Build the county if needed, measure it in a child process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions-dir", type=Path, default=None, help="where packages live")
    parser.add_argument("--seed", type=int, default=None, help="seed of the county")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return 0
    from analysis import settings
    from geodata import exempellan

    regions_dir = args.regions_dir or settings.BUILTIN_REGIONS_DIR
    seed = exempellan.DEFAULT_SEED if args.seed is None else args.seed
    clock = time.perf_counter()
    exempellan.build(regions_dir, seed=seed)
    print(f"package (built unless current): {time.perf_counter() - clock:.1f} s")
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", str(regions_dir)],
        check=True,
        capture_output=True,
        text=True,
    )
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"Exempellän: {r['cells']} cells, {r['services']} services, {r['nodes']} road nodes")
    rows = [
        ("imports", "import", None),
        ("numba kernels (compile or load from cache)", "jit", None),
        ("load_region", "load", "load"),
        ("build_network", "network", "network"),
        ("analyse_region (snap + 36 top-2 searches)", "baseline", "baseline"),
        ("travel_times + minutes x 3 modes", "travel_times", "travel_times"),
        (
            f"stored_baseline, empty store ({r['state_mb']:.0f} MB state)",
            "stored_first",
            "stored_first",
        ),
        ("stored_baseline, read back (a restart)", "stored_again", "stored_again"),
        (f"one hub edit, evaluated (first {r['edit_first_s']:.2f} s)", "edit", "edit"),
        (f"base map to HTML ({r['base_map_mb']:.1f} MB)", "base_map", "base_map"),
    ]
    for label, key, rss in rows:
        peak = f"   peak RSS {r[f'{rss}_peak_rss_gb']:.2f} GB" if rss else ""
        print(f"  {label:<46} {r[f'{key}_s']:7.2f} s{peak}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
