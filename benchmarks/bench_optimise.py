"""Benchmark the hub-site optimisers on an instance the size of the demo region.

Run from the repository root::

    .venv/bin/python benchmarks/bench_optimise.py            # k = 1..10, with spopt for k = 5
    .venv/bin/python benchmarks/bench_optimise.py --spopt-k 1 5 10 --cells 6000

The instance is seeded and rural-like: a main town, a handful of villages and scattered farms in
a 60 x 40 km municipality, ~5 000 populated 250 m cells, 80 candidate sites (most in the town
and villages), car minutes = crow-fly km x 1.35 detour at 60 km/h plus an access leg, a
few island cells no road reaches, and today's bundle provision in the town and two villages.
Cells and sites are snapped to 1 500 road nodes (``--planar`` skips that: harder, since then no
two cells share their order of sites).
The spopt reference (PySAL, pulp + CBC) is given the existing provision as one extra,
predefined facility column, which is the same problem.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.optimise import maximal_covering, p_median  # noqa: E402

THRESHOLD_MIN = 20.0


def rural_instance(
    n_cells: int = 5_000, n_sites: int = 80, seed: int = 42, road_nodes: int | None = 1_500
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (cost_min, weights, existing_min) of a seeded rural-like municipality.

    With ``road_nodes``, cells and sites are snapped to that many road nodes (as the routing
    engine does), so cells sharing a node share their order of sites; ``None`` gives planar
    distances from every cell, a harder, less realistic instance.
    """
    rng = np.random.default_rng(seed)
    centres = np.array([[30.0, 20.0], [8.0, 30.0], [50.0, 8.0], [45.0, 33.0], [15.0, 8.0]])
    sizes = np.array([0.35, 0.12, 0.1, 0.08, 0.07])  # share of cells per locality
    spread = np.array([2.0, 1.0, 1.0, 0.8, 0.7])
    counts = (sizes * n_cells).astype(int)
    parts = [rng.normal(c, s, (n, 2)) for c, s, n in zip(centres, spread, counts, strict=True)]
    parts.append(rng.uniform([0, 0], [60, 40], (n_cells - counts.sum(), 2)))  # farms
    cells = np.clip(np.vstack(parts), 0, [60, 40])
    in_town = np.arange(n_cells) < counts.sum()
    weights = np.where(in_town, rng.integers(5, 80, n_cells), rng.integers(1, 8, n_cells))
    site_hosts = rng.choice(len(centres), n_sites - 20, p=sizes / sizes.sum())
    sites = np.vstack(
        [
            rng.normal(centres[site_hosts], spread[site_hosts, None]),
            rng.uniform([0, 0], [60, 40], (20, 2)),  # village halls, shops on the countryside
        ]
    )
    access = rng.uniform(0, 3, (n_cells, 1))
    if road_nodes:
        nodes = np.vstack([cells[rng.choice(n_cells, road_nodes, replace=False)]])
        snap_cell = np.argmin(np.linalg.norm(cells[:, None] - nodes[None], axis=2), axis=1)
        snap_site = np.argmin(np.linalg.norm(sites[:, None] - nodes[None], axis=2), axis=1)
        access = access + np.linalg.norm(cells - nodes[snap_cell], axis=1)[:, None] * 12
        cells_at, sites_at = nodes[snap_cell], nodes[snap_site]
    else:
        cells_at, sites_at = cells, sites
    # crow-fly km x 1.35 detour at 60 km/h = 1.35 min per km, plus a walk/drive access leg
    cost = np.linalg.norm(cells_at[:, None, :] - sites_at[None, :, :], axis=2) * 1.35
    cost += access
    islands = rng.choice(n_cells, 15, replace=False)
    cost[islands] = np.inf
    existing_points = centres[[0, 1, 2]]
    existing = np.linalg.norm(cells[:, None, :] - existing_points[None], axis=2).min(axis=1)
    existing = existing * 1.35 + rng.uniform(0, 3, n_cells)
    existing[islands] = np.inf
    return cost, weights.astype(float), existing


def spopt_objectives(
    cost: np.ndarray, weights: np.ndarray, existing: np.ndarray, k: int, penalty: float
) -> tuple[float, float, float, float]:
    """Solve both problems with spopt + CBC; return (mclp, seconds, p-median, seconds)."""
    import pulp
    from spopt.locate import MCLP, PMedian

    with_existing = np.column_stack([cost, existing])
    predefined = np.zeros(with_existing.shape[1], dtype=int)
    predefined[-1] = 1
    started = time.perf_counter()
    mclp = MCLP.from_cost_matrix(
        with_existing,
        weights,
        service_radius=THRESHOLD_MIN,
        p_facilities=k + 1,
        predefined_facilities_arr=predefined,
    )
    mclp.solve(pulp.PULP_CBC_CMD(msg=False))
    mclp_s = time.perf_counter() - started
    started = time.perf_counter()
    capped = np.minimum(with_existing, penalty)
    median = PMedian.from_cost_matrix(
        capped, weights, p_facilities=k + 1, predefined_facilities_arr=predefined
    )
    median.solve(pulp.PULP_CBC_CMD(msg=False))
    median_s = time.perf_counter() - started
    return (
        float(pulp.value(mclp.problem.objective)),
        mclp_s,
        float(pulp.value(median.problem.objective)),
        median_s,
    )


def main(argv: list[str] | None = None) -> None:
    """Print solve times and objectives for k = 1..10."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=5_000)
    parser.add_argument("--sites", type=int, default=80)
    parser.add_argument("--kmax", type=int, default=10)
    parser.add_argument("--spopt-k", type=int, nargs="*", default=[5])
    parser.add_argument(
        "--planar", action="store_true", help="no road-node snapping (harder instance)"
    )
    args = parser.parse_args(argv)
    cost, weights, existing = rural_instance(
        args.cells, args.sites, road_nodes=None if args.planar else 1_500
    )
    print(
        f"instance: {cost.shape[0]} cells x {cost.shape[1]} sites, "
        f"{weights.sum():.0f} residents, T = {THRESHOLD_MIN:.0f} min"
    )
    header = (
        f"{'k':>3} {'MCLP exact s':>12} {'covered':>10} {'heur s':>7} {'heur cov':>10} "
        f"{'PM exact s':>10} {'weighted min':>14} {'heur s':>7} {'heur wmin':>14}"
    )
    print(header)
    totals = {"mclp": 0.0, "pm": 0.0}
    for k in range(1, args.kmax + 1):
        mclp = maximal_covering(
            cost, weights, k, THRESHOLD_MIN, existing_min=existing, method="exact"
        )
        mclp_h = maximal_covering(
            cost, weights, k, THRESHOLD_MIN, existing_min=existing, method="heuristic"
        )
        med = p_median(cost, weights, k, existing_min=existing, method="exact")
        med_h = p_median(cost, weights, k, existing_min=existing, method="heuristic")
        totals["mclp"] += mclp.solve_seconds
        totals["pm"] += med.solve_seconds
        flag_m = "" if mclp.optimal else "*"
        flag_p = "" if med.optimal else "*"
        print(
            f"{k:>3} {mclp.solve_seconds:>12.2f} {mclp.objective:>9.0f}{flag_m:1} "
            f"{mclp_h.solve_seconds:>7.2f} {mclp_h.objective:>10.0f} "
            f"{med.solve_seconds:>10.2f} {med.objective:>13.0f}{flag_p:1} "
            f"{med_h.solve_seconds:>7.2f} {med_h.objective:>14.0f}"
        )
    print(
        f"total exact seconds, k = 1..{args.kmax}: MCLP {totals['mclp']:.2f}, "
        f"p-median {totals['pm']:.2f} (* = not proven optimal)"
    )
    for k in args.spopt_k:
        from analysis.optimise import UNREACHABLE_PENALTY_MIN

        ours_m = maximal_covering(cost, weights, k, THRESHOLD_MIN, existing_min=existing)
        ours_p = p_median(cost, weights, k, existing_min=existing)
        sp_m, sp_m_s, sp_p, sp_p_s = spopt_objectives(
            cost, weights, existing, k, UNREACHABLE_PENALTY_MIN
        )
        print(
            f"spopt k={k}: MCLP {sp_m:.0f} in {sp_m_s:.1f} s (ours {ours_m.objective:.0f} in "
            f"{ours_m.solve_seconds:.2f} s); p-median {sp_p:.0f} in {sp_p_s:.1f} s "
            f"(ours {ours_p.objective:.0f} in {ours_p.solve_seconds:.2f} s)"
        )


if __name__ == "__main__":
    main()
