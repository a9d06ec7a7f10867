"""Scenario speed on the demo region: one edit to updated indicators, and the hub optimiser.

* **edit**: one change (a hub in a village hall, a closure, a move) applied to the baseline,
  routed incrementally and evaluated (comparison per locality and age group, bundle index,
  needs met, budget) — what the scenario page does on every click.  Target: under 0.3 s.
* **optimise**: the demo region's hub problem over all candidate sites, k = 1..10, maximal
  covering and p-median, exact (HiGHS).  Target: under 10 s for each k.

    .venv/bin/python benchmarks/bench_scenarios.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import accessibility, evaluate, io, settings  # noqa: E402
from analysis.scenarios import Change, Scenario  # noqa: E402

EDIT_TARGET_S = 0.3
OPTIMISE_TARGET_S = 10.0


def _edits(baseline: accessibility.Analysis) -> list[Scenario]:
    sites = baseline.region.sites
    services = baseline.services
    halls = list(sites.loc[sites["kind"] == "village_hall", "site_id"])
    region_id = baseline.region.info.region_id
    edits = [
        Scenario(
            region_id,
            f"hub {hall}",
            (Change("hub", site_id=hall, categories=evaluate.DEFAULT_HUB_CATEGORIES),),
        )
        for hall in halls[:6]
    ]
    for service_id in services.loc[services["category"] == "parcel_agent", "service_id"][:4]:
        edits.append(Scenario(region_id, "close", (Change("close", service_id=service_id),)))
    for service_id, hall in zip(
        services.loc[services["category"] == "cash", "service_id"], halls[-3:], strict=False
    ):
        edits.append(
            Scenario(region_id, "move", (Change("move", service_id=service_id, site_id=hall),))
        )
    return edits


def main() -> int:
    """Print the edit and optimiser timings with PASS/FAIL against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    region = io.load_region(settings.DEFAULT_REGION)
    start = time.perf_counter()
    baseline = accessibility.analyse_region(region)
    print(
        f"baseline (network + 36 top-2 searches, first run incl. JIT load): "
        f"{time.perf_counter() - start:.2f} s"
    )
    edits = _edits(baseline)
    evaluate.evaluate(baseline, accessibility.scenario_analysis(baseline, edits[0]), edits[0])
    timings: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for scenario in edits:
            start = time.perf_counter()
            after = accessibility.scenario_analysis(baseline, scenario)
            evaluate.evaluate(baseline, after, scenario, "car", 20.0, region.needs)
            timings.setdefault(scenario.changes[0].kind, []).append(time.perf_counter() - start)
    print(f"\nOne edit to updated indicators ({len(edits)} edits x {args.repeats}):")
    for kind, values in timings.items():
        median = statistics.median(values)
        verdict = "PASS" if median < EDIT_TARGET_S else "FAIL"
        print(
            f"  {kind:<6} median {median * 1000:6.0f} ms  max {max(values) * 1000:6.0f} ms"
            f"   target < {EDIT_TARGET_S * 1000:.0f} ms: {verdict}"
        )

    print(
        "\nHub optimiser on all candidate sites "
        f"({int(region.sites['is_candidate'].sum())} sites, {len(region.population)} cells):"
    )
    worst = 0.0
    for problem in ("mclp", "p_median"):
        row = []
        for k in range(1, 11):
            start = time.perf_counter()
            plan = evaluate.optimise_hubs(baseline, k, 20.0, problem, method="exact")
            seconds = time.perf_counter() - start
            worst = max(worst, seconds)
            row.append(f"k={k}: {seconds:.2f} s{'' if plan.solution.optimal else ' (not proven)'}")
        print(f"  {problem:<8} " + ", ".join(row))
    verdict = "PASS" if worst < OPTIMISE_TARGET_S else "FAIL"
    print(f"  slowest {worst:.2f} s   target < {OPTIMISE_TARGET_S:.0f} s per k: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
