"""Benchmark the routing kernels against scipy, igraph, networkit, networkx and pandana.

Run from the repository root::

    .venv/bin/python benchmarks/bench_routing.py            # demo, 50k, county 500k, country 3M
    .venv/bin/python benchmarks/bench_routing.py --quick    # without the 3M-node country graph

Every graph runs in its own child process, so "peak RSS" is the peak of that graph's work alone
(imports, building the network from road lines, routing and the references).  Numba kernels are
compiled (or loaded from the on-disk cache) and warmed up on a tiny graph before any timing.

Work compared ("one category"): the time from every node to the nearest of ~20 services, each
with its own access leg, i.e. a multi-source Dijkstra on the reversed car graph.  The references
get the same graph with a virtual super-source joined to each service node by an edge weighing
its access leg + 1 s (scipy drops explicit zero weights; the 1 s is subtracted again), built
before the clock starts: only the search itself is timed, for them and for us.  Their distances
are asserted equal to ours.  networkx runs one category and is scaled to the others; it is
skipped on the country graph (its graph alone would need several GB).  networkit and pandana
come from ``benchmarks/requirements.txt`` (optional: reported as not installed otherwise);
pandana has no per-service offset, so it is compared on one category without access legs
(not on the country graph: its contraction hierarchies alone would take minutes).

On the county graph, scenario changes (add, close, move one service; 20 of each) time the
nearest-only incremental updates (in place on a ``NearestWorkspace``, restored after each
change; and the copy-returning functions) against scipy ``min_only`` recomputing the changed
category from scratch (the issue's 10x target), and the top-2 updates against ``two_nearest``
from scratch; every result is asserted identical to its from-scratch counterpart.

See ``benchmarks/README.md`` for the targets and the generated graphs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import model, routing, settings  # noqa: E402
from analysis.network import Network, build_network  # noqa: E402

CASES = {"rural-50k": 50_000, "county-500k": 500_000, "country-3M": 3_000_000}
#: The references timed on the same multi-source searches as ours (when installed).
REFERENCES = ("scipy", "igraph", "networkit")
SERVICES_PER_CATEGORY = 20


# --- generated rural road graphs ------------------------------------------------------------------


def rural_roads(n_nodes: int, seed: int = 0) -> Any:
    """A seeded, rural-like road layer with about ``n_nodes`` vertices.

    Junctions are scattered at ~1.5 km spacing; a spanning tree of their Delaunay triangulation
    (long chains, many dead ends) plus the shortest 15 % of the remaining Delaunay edges (a few
    loops) form the roads, each drawn as a slightly wiggly line with vertices every ~100-200 m.
    Road classes: 10 % national, 25 % county, 45 % local, 20 % gravel; no one-way roads (on a
    tree-like network a one-way link cuts off whole branches, which would make the searches
    artificially small).  Mean out-degree about 2.0 (junctions 2-4, chain vertices 2).
    """
    import geopandas as gpd
    import shapely
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(seed)
    n_junctions = max(n_nodes // 12, 10)
    side = np.sqrt(n_junctions) * 1500.0
    points = rng.uniform(0, side, (n_junctions, 2)) + np.array([400_000.0, 6_500_000.0])
    tri = Delaunay(points)
    pairs = np.concatenate(
        [tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]], tri.simplices[:, [0, 2]]]
    )
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    lengths = np.hypot(*(points[pairs[:, 0]] - points[pairs[:, 1]]).T)
    graph = coo_matrix((lengths, (pairs[:, 0], pairs[:, 1])), shape=(n_junctions, n_junctions))
    tree = minimum_spanning_tree(graph).tocoo()
    in_tree = set(zip(tree.row.tolist(), tree.col.tolist(), strict=True))
    is_tree = np.array([(a, b) in in_tree or (b, a) in in_tree for a, b in pairs.tolist()])
    rest = np.flatnonzero(~is_tree)
    extra = rest[np.argsort(lengths[rest])[: int(0.15 * rest.size)]]
    keep = np.concatenate([np.flatnonzero(is_tree), extra])
    pairs, lengths = pairs[keep], lengths[keep]

    spacing = lengths.sum() / max(n_nodes - n_junctions + pairs.shape[0], 1)
    interior = np.maximum(np.round(lengths / spacing).astype(np.int64) - 1, 0)
    counts = interior + 2
    line_of = np.repeat(np.arange(pairs.shape[0]), counts)
    position = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    t = position / np.repeat(counts - 1, counts)
    a, b = points[pairs[line_of, 0]], points[pairs[line_of, 1]]
    coords = a + t[:, None] * (b - a)
    normal = np.stack([-(b - a)[:, 1], (b - a)[:, 0]], axis=1)
    normal /= np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-9)[:, None]
    wiggle = rng.normal(0, 20.0, t.shape[0]) * np.sin(np.pi * t)
    coords = coords + wiggle[:, None] * normal
    lines = shapely.linestrings(coords, indices=line_of)
    count = lines.shape[0]
    classes = rng.choice(["national", "county", "local", "gravel"], count, p=[0.1, 0.25, 0.45, 0.2])
    return gpd.GeoDataFrame(
        {
            "road_id": np.arange(count),
            "road_class": classes,
            "speed_kmh": np.full(count, np.nan),
            "oneway": np.zeros(count, dtype=bool),
        },
        geometry=lines,
        crs=settings.CRS_METRIC,
    )


# --- references -------------------------------------------------------------------------------


def with_super_source(
    graph: tuple[np.ndarray, np.ndarray, np.ndarray], nodes: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays of ``graph`` plus node ``n`` with an edge of ``offset + 1`` s to each source."""
    indptr, indices, weights = graph
    order = np.argsort(nodes, kind="stable")
    return (
        np.append(indptr, indptr[-1] + nodes.size),
        np.concatenate([indices, nodes[order]]),
        np.concatenate([weights, offsets[order] + 1.0]),
    )


def edge_tails(indptr: np.ndarray) -> np.ndarray:
    """The tail node of every edge of a CSR graph (for solvers that take edge lists)."""
    return np.repeat(np.arange(indptr.shape[0] - 1), np.diff(indptr))


class References:
    """Reference solvers prepared on one search graph."""

    def __init__(self, graph: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        self.graph = graph
        self.n = graph[0].shape[0] - 1

    def scipy(self, nodes: np.ndarray, offsets: np.ndarray) -> Callable[[], np.ndarray]:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        p, i, w = with_super_source(self.graph, nodes, offsets)
        matrix = csr_matrix((w, i, p), shape=(self.n + 1, self.n + 1))

        def run() -> np.ndarray:
            dist = dijkstra(matrix, directed=True, indices=[self.n], min_only=True)
            return np.asarray(dist)[: self.n] - 1.0

        return run

    def igraph(self, nodes: np.ndarray, offsets: np.ndarray) -> Callable[[], np.ndarray] | None:
        try:
            import igraph
        except ImportError:
            return None
        p, i, w = with_super_source(self.graph, nodes, offsets)
        tails = edge_tails(p)
        g = igraph.Graph(n=self.n + 1, edges=np.column_stack([tails, i]).tolist(), directed=True)
        g.es["weight"] = w.tolist()

        def run() -> np.ndarray:
            return (
                np.array(g.distances(source=[self.n], weights="weight", mode="out")[0])[: self.n]
                - 1.0
            )

        return run

    def networkit(self, nodes: np.ndarray, offsets: np.ndarray) -> Callable[[], np.ndarray] | None:
        try:
            import networkit
        except ImportError:
            return None
        p, i, w = with_super_source(self.graph, nodes, offsets)
        tails = edge_tails(p)
        g = networkit.Graph(self.n + 1, weighted=True, directed=True)
        g.addEdges((w, (tails, i)))

        def run() -> np.ndarray:
            search = networkit.distance.Dijkstra(
                g, self.n, storePaths=False, storeNodesSortedByDistance=False
            )
            search.run()
            dist = np.asarray(search.getDistances())[: self.n] - 1.0
            dist[dist > 1e300] = np.inf  # networkit marks unreached nodes with DBL_MAX
            return dist

        return run

    def networkx(self, nodes: np.ndarray, offsets: np.ndarray) -> Callable[[], np.ndarray]:
        import networkx as nx

        p, i, w = with_super_source(self.graph, nodes, offsets)
        tails = edge_tails(p)
        g = nx.DiGraph()
        g.add_nodes_from(range(self.n + 1))
        for a, b, c in zip(tails.tolist(), i.tolist(), w.tolist(), strict=True):
            if not g.has_edge(a, b) or g[a][b]["weight"] > c:
                g.add_edge(a, b, weight=c)

        def run() -> np.ndarray:
            lengths = nx.single_source_dijkstra_path_length(g, self.n)
            out = np.full(self.n, np.inf)
            keys = np.fromiter(lengths.keys(), dtype=np.int64)
            vals = np.fromiter(lengths.values(), dtype=np.float64)
            out[keys[keys < self.n]] = vals[keys < self.n] - 1.0
            return out

        return run


def best_of(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def warm_up() -> float:
    """Compile (or load from cache) every kernel on a tiny graph; return the seconds spent."""
    start = time.perf_counter()
    g = (np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]), np.ones(4))
    state = routing.two_nearest(*g, [0, 2], [0.0, 1.0])
    routing.multi_source(*g, [0], [0.0])
    state = routing.add_source(*g, state, 1, 0.0, 5)
    routing.remove_source(g, g, state, 5, [0, 2, 1], [0.0, 1.0, 0.0], [0, 1, 5])
    routing.bounded_from(*g, 0, 0.0, 5.0)
    dist, label = routing.multi_source(*g, [0, 2], [0.0, 1.0])
    dist, label = routing.nearest_add_source(*g, dist, label, 1, 0.0, 5)
    routing.nearest_remove_source(g, g, dist, label, 5, [0, 2, 1], [0.0, 1.0, 0.0], [0, 1, 5])
    routing.nearest_move_source(g, g, dist, label, 5, 0, 0.0, [0, 2, 1], [0.0, 1.0, 0.0], [0, 1, 5])
    workspace = routing.NearestWorkspace(g, g, dist, label, [0, 2, 1], [0.0, 1.0, 0.0], [0, 1, 5])
    workspace.add(7, 1, 0.0)
    workspace.move(7, 0, 1.0)
    workspace.remove(7)
    workspace.restore()
    return time.perf_counter() - start


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # Linux: KiB


def random_services(net: Network, mode: str, count: int, rng: np.random.Generator) -> Any:
    active = np.flatnonzero(net.graph(mode).active)
    nodes = rng.choice(active, count, replace=False).astype(np.int64)
    offsets = rng.uniform(10.0, 300.0, count)
    return nodes, offsets


# --- one case per child process ---------------------------------------------------------------


def run_generated(name: str, n_nodes: int, seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {"case": name, "warm_up_s": warm_up()}
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    roads = rural_roads(n_nodes, seed)
    out["generate_s"] = time.perf_counter() - start
    start = time.perf_counter()
    net = build_network(roads)
    out["build_network_s"] = time.perf_counter() - start
    del roads
    car = net.graph("car")
    out["nodes"] = net.n_nodes
    out["edges"] = car.n_edges
    out["mean_degree"] = car.n_edges / max(int(car.active.sum()), 1)
    n_categories = 10 if name.startswith("country") else len(model.CATEGORY_IDS)
    services = [
        random_services(net, "car", SERVICES_PER_CATEGORY, rng) for _ in range(n_categories)
    ]
    big = net.n_nodes > 1_000_000
    repeats = 1 if big else 3

    ours_ms, ours_two = [], []
    results = []
    for nodes, offsets in services:
        t, res = best_of(
            lambda n=nodes, o=offsets: routing.multi_source(*car.reverse, n, o), repeats
        )
        ours_ms.append(t)
        results.append(res[0])
        t, _ = best_of(lambda n=nodes, o=offsets: routing.two_nearest(*car.reverse, n, o), repeats)
        ours_two.append(t)
    out["categories"] = n_categories
    out["ours_nearest_per_cat_s"] = float(np.mean(ours_ms))
    out["ours_two_nearest_per_cat_s"] = float(np.mean(ours_two))
    out["ours_nearest_total_s"] = float(np.sum(ours_ms))
    out["ours_two_nearest_total_s"] = float(np.sum(ours_two))
    out["reached_share"] = float(np.mean([np.isfinite(r).mean() for r in results]))
    out["peak_rss_ours_gb"] = peak_rss_gb()  # before any reference is built

    # Ours and the references on the same categories, interleaved run by run, so that load
    # from other processes hits them alike; best time of each.
    refs = References(car.reverse)
    sample = range(2) if big else range(min(4, n_categories))
    per: dict[str, list[float]] = {"ours": [], "scipy": [], "igraph": [], "networkit": []}
    for k in sample:
        nodes, offsets = services[k]
        runners = {
            "ours": lambda n=nodes, o=offsets: routing.multi_source(*car.reverse, n, o)[0],
            "scipy": refs.scipy(nodes, offsets),
            "igraph": refs.igraph(nodes, offsets),
            "networkit": refs.networkit(nodes, offsets),
        }
        best = dict.fromkeys(runners, np.inf)
        for _ in range(repeats + 2):
            for key, runner in runners.items():
                if runner is None:
                    continue
                t, dist = best_of(runner, 1)
                best[key] = min(best[key], t)
                np.testing.assert_allclose(dist, results[k], rtol=1e-9, atol=1e-6)
        for key in per:
            per[key].append(best[key])
    out["ours_sample_per_cat_s"] = float(np.mean(per["ours"]))
    for key in REFERENCES:
        if np.isfinite(per[key]).all():
            out[f"{key}_per_cat_s"] = float(np.mean(per[key]))
    out["reference_cat0_s"] = float(min(per[key][0] for key in REFERENCES))
    if not big:
        runner = refs.networkx(*services[0])
        t, dist = best_of(runner, 1)
        np.testing.assert_allclose(dist, results[0], rtol=1e-9, atol=1e-6)
        out["networkx_per_cat_s"] = t
    if not big:
        out.update(pandana_benchmark(net, *services[0]))

    if name.startswith("county"):
        out.update(scenario_benchmark(net, services[0], rng))
    out["peak_rss_gb"] = peak_rss_gb()
    return out


def scenario_benchmark(
    net: Network,
    service: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
    trials: int = 20,
) -> dict[str, Any]:
    """Add, close and move one service, ``trials`` times each, and time the update paths.

    * nearest only, on a :class:`~analysis.routing.NearestWorkspace` (the change applied in
      place, then restored: both inside the clock) against scipy ``dijkstra(...,
      min_only=True)`` recomputing the changed category from scratch (the best reference,
      built before the clock starts), run interleaved, best of 5 each; the workspace's state
      after the change must equal ``multi_source`` from scratch bit for bit (distances and
      labels) and equal the starting state after the restore.  The copy-returning updates
      (``nearest_add_source`` / ``nearest_remove_source`` / ``nearest_move_source``, which copy
      both node arrays first) are timed alongside, asserted identical too and equal to scipy's
      distances (``rtol=1e-9``: scipy gets offset + 1 s edges);
    * top-2 (``add_source`` / ``remove_source`` / ``move_source``, the state the engine keeps)
      against ``two_nearest`` from scratch on the changed set, interleaved, best of 2 each,
      asserted identical.

    Trial ``k`` closes (and moves) service ``k mod 20`` and adds or moves it to a random node
    with a random access leg.  Reports medians over the trials and the share of nodes whose
    nearest (top-2) changed.
    """
    car = net.graph("car")
    rev = car.reverse
    nodes, offsets = service
    ids = np.arange(nodes.size, dtype=np.int64)
    refs = References(rev)
    nearest = routing.multi_source(*rev, nodes, offsets, ids)
    workspace = routing.NearestWorkspace(rev, car.forward, *nearest, nodes, offsets, ids)
    top2 = routing.two_nearest(*rev, nodes, offsets, ids)
    kinds = ("add", "close", "move")
    keys = ("ours", "ref", "ratio", "scratch", "share", "copying", "copying_ratio")
    keys += ("top2", "top2_ratio", "top2_scratch", "top2_share")
    rows: dict[str, dict[str, list[float]]] = {k: {key: [] for key in keys} for k in kinds}
    active = np.flatnonzero(car.active)

    for trial in range(trials):
        new_node = int(rng.choice(active))
        new_offset = float(rng.uniform(10.0, 300.0))
        closed = trial % nodes.size
        keep = ids != closed
        moved_nodes, moved_offsets = nodes.copy(), offsets.copy()
        moved_nodes[closed], moved_offsets[closed] = new_node, new_offset
        edits: dict[str, Callable[[], None]] = {
            "add": lambda n=new_node, o=new_offset: workspace.add(99, n, o),
            "close": lambda c=closed: workspace.remove(c),
            "move": lambda c=closed, n=new_node, o=new_offset: workspace.move(c, n, o),
        }
        changes: dict[str, tuple[Any, Callable[[], Any], Callable[[], Any]]] = {
            "add": (
                (np.append(nodes, new_node), np.append(offsets, new_offset), np.append(ids, 99)),
                lambda n=new_node, o=new_offset: routing.nearest_add_source(
                    *rev, *nearest, n, o, 99
                ),
                lambda n=new_node, o=new_offset: routing.add_source(*rev, top2, n, o, 99),
            ),
            "close": (
                (nodes[keep], offsets[keep], ids[keep]),
                lambda c=closed: routing.nearest_remove_source(
                    rev, car.forward, *nearest, c, nodes, offsets, ids
                ),
                lambda c=closed: routing.remove_source(
                    rev, car.forward, top2, c, nodes, offsets, ids
                ),
            ),
            "move": (
                (moved_nodes, moved_offsets, ids),
                lambda c=closed, n=new_node, o=new_offset: routing.nearest_move_source(
                    rev, car.forward, *nearest, c, n, o, nodes, offsets, ids
                ),
                lambda c=closed, n=new_node, o=new_offset: routing.move_source(
                    rev, car.forward, top2, c, n, o, nodes, offsets, ids
                ),
            ),
        }
        for what, (changed, ours_nearest, ours_top2) in changes.items():
            row = rows[what]
            reference = refs.scipy(changed[0], changed[1])

            def edit_and_restore(edit: Callable[[], None] = edits[what]) -> None:
                edit()
                workspace.restore()

            best_ours, best_ref, best_copying = np.inf, np.inf, np.inf
            for _ in range(5):  # interleaved, so load from other processes hits both alike
                t, _ = best_of(edit_and_restore, 1)
                best_ours = min(best_ours, t)
                t, ref_dist = best_of(reference, 1)
                best_ref = min(best_ref, t)
                t, got = best_of(ours_nearest, 1)
                best_copying = min(best_copying, t)
            t_scratch, expected = best_of(lambda c=changed: routing.multi_source(*rev, *c), 1)
            assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True)), (
                f"nearest-only {what} differs from multi_source from scratch"
            )
            edits[what]()  # the workspace's answer, read before it is restored
            assert np.array_equal(workspace.dist, expected[0])
            assert np.array_equal(workspace.label, expected[1])
            workspace.restore()
            assert np.array_equal(workspace.dist, nearest[0])
            assert np.array_equal(workspace.label, nearest[1])
            np.testing.assert_allclose(ref_dist, got[0], rtol=1e-9, atol=1e-6)
            row["ours"].append(best_ours)
            row["ref"].append(best_ref)
            row["ratio"].append(best_ref / best_ours)
            row["copying"].append(best_copying)
            row["copying_ratio"].append(best_ref / best_copying)
            row["scratch"].append(t_scratch)
            row["share"].append(float(((got[0] != nearest[0]) | (got[1] != nearest[1])).mean()))

            # top-2: the incremental update and two_nearest from scratch on the changed set,
            # interleaved (the from-scratch result is also the expected one)
            t, best2, best2_scratch = np.inf, np.inf, np.inf
            for _ in range(2):
                t, got2 = best_of(ours_top2, 1)
                best2 = min(best2, t)
                t, expected2 = best_of(lambda c=changed: routing.two_nearest(*rev, *c), 1)
                best2_scratch = min(best2_scratch, t)
            assert all(np.array_equal(a, b) for a, b in zip(got2, expected2, strict=True)), (
                f"top-2 {what} differs from two_nearest from scratch"
            )
            changed_top2 = np.zeros(rev[0].shape[0] - 1, dtype=bool)
            for a, b in zip(got2, top2, strict=True):
                changed_top2 |= a != b
            row["top2"].append(best2)
            row["top2_ratio"].append(best2_scratch / best2)
            row["top2_scratch"].append(best2_scratch)
            row["top2_share"].append(float(changed_top2.mean()))

    res: dict[str, Any] = {
        "scenario_trials": trials,
        "scenario_identical": True,
    }
    for what in kinds:
        row = rows[what]
        res[f"scenario_{what}_s"] = float(np.median(row["ours"]))
        res[f"scenario_{what}_min_s"] = float(np.min(row["ours"]))
        res[f"scenario_{what}_max_s"] = float(np.max(row["ours"]))
        res[f"scenario_{what}_reference_s"] = float(np.median(row["ref"]))
        res[f"scenario_{what}_ratio"] = float(np.median(row["ratio"]))
        res[f"scenario_{what}_ratio_min"] = float(np.min(row["ratio"]))
        res[f"scenario_{what}_at_target"] = int(np.sum(np.array(row["ratio"]) >= 10))
        res[f"scenario_{what}_affected"] = float(np.median(row["share"]))
        res[f"scenario_{what}_affected_max"] = float(np.max(row["share"]))
        res[f"scenario_{what}_scratch_s"] = float(np.median(row["scratch"]))
        res[f"scenario_{what}_copying_s"] = float(np.median(row["copying"]))
        res[f"scenario_{what}_copying_ratio"] = float(np.median(row["copying_ratio"]))
        res[f"scenario_{what}_top2_s"] = float(np.median(row["top2"]))
        res[f"scenario_{what}_top2_ratio"] = float(np.median(row["top2_ratio"]))
        res[f"scenario_{what}_top2_scratch_s"] = float(np.median(row["top2_scratch"]))
        res[f"scenario_{what}_top2_affected"] = float(np.median(row["top2_share"]))
    return res


def run_demo() -> dict[str, Any]:
    from analysis.io import load_region
    from analysis.network import snap_points
    from analysis.traveltime import compute_travel_times

    out: dict[str, Any] = {"case": "demo", "warm_up_s": warm_up()}
    region = load_region(settings.DEFAULT_REGION)
    start = time.perf_counter()
    net = build_network(region.roads)
    out["build_network_s"] = time.perf_counter() - start
    out["nodes"] = net.n_nodes
    out["edges"] = net.graph("car").n_edges
    out["mean_degree"] = out["edges"] / max(int(net.graph("car").active.sum()), 1)
    categories = [c for c in model.CATEGORY_IDS if (region.services["category"] == c).any()]
    out["categories"] = len(categories)
    work = []
    for mode in settings.MODES:
        snap = snap_points(net, region.services.geometry, mode)
        for category in categories:
            use = (region.services["category"] == category).to_numpy() & ~snap.off_network
            work.append((mode, snap.node[use], snap.access_s[use]))
    ours = 0.0
    results = []
    for mode, nodes, offsets in work:
        graph = net.graph(mode).reverse
        t, res = best_of(lambda g=graph, n=nodes, o=offsets: routing.multi_source(*g, n, o), 5)
        ours += t
        results.append(res[0])
    out["ours_nearest_total_s"] = ours
    out["runs"] = len(work)
    out["reached_share"] = float(np.mean([np.isfinite(r).mean() for r in results]))
    for ref_name in REFERENCES:
        total = 0.0
        refs = {mode: References(net.graph(mode).reverse) for mode in settings.MODES}
        for (mode, nodes, offsets), expected in zip(work, results, strict=True):
            runner = getattr(refs[mode], ref_name)(nodes, offsets)
            if runner is None:
                total = np.nan
                break
            t, dist = best_of(runner, 3)
            np.testing.assert_allclose(dist, expected, rtol=1e-9, atol=1e-6)
            total += t
        out[f"{ref_name}_total_s"] = total
    mode, nodes, offsets = work[0]
    t, dist = best_of(References(net.graph(mode).reverse).networkx(nodes, offsets), 1)
    np.testing.assert_allclose(dist, results[0], rtol=1e-9, atol=1e-6)
    out["networkx_total_s"] = t * len(work)
    start = time.perf_counter()
    compute_travel_times(net, region.population, region.services)
    out["compute_travel_times_s"] = time.perf_counter() - start
    out["cells"] = len(region.population)
    out["peak_rss_gb"] = peak_rss_gb()
    return out


def pandana_benchmark(net: Network, nodes: np.ndarray, offsets: np.ndarray) -> dict[str, Any]:
    """Time pandana's ``nearest_pois`` on one category of the car graph, if pandana installs.

    pandana has no per-service start offset, so this comparison drops the access legs: pandana
    and ``multi_source`` both get the services at their nodes with offset 0.  pandana routes on
    the forward graph from every node to the points of interest (what our search on the reversed
    graph computes), after building contraction hierarchies (timed apart).  It stores weights
    as float32, so its distances are asserted equal to ours within ``rtol=1e-3``.
    """
    try:
        import pandana
        import pandas as pd
    except ImportError:
        return {"pandana": "not installed (pip install -r benchmarks/requirements.txt)"}
    car = net.graph("car")
    zero = np.zeros_like(offsets)
    t_ours, (expected, _) = best_of(lambda: routing.multi_source(*car.reverse, nodes, zero), 3)
    horizon = float(np.max(expected[np.isfinite(expected)])) + 1.0
    indptr, heads, weights = car.forward
    tails = edge_tails(indptr)
    xy = net.node_xy
    start = time.perf_counter()
    network = pandana.Network(
        pd.Series(xy[:, 0]),
        pd.Series(xy[:, 1]),
        pd.Series(tails),
        pd.Series(heads),
        pd.DataFrame({"seconds": weights}),
        twoway=False,
    )
    network.set_pois("service", horizon, 1, pd.Series(xy[nodes, 0]), pd.Series(xy[nodes, 1]))
    built = time.perf_counter() - start

    def query() -> np.ndarray:
        return network.nearest_pois(horizon, "service", num_pois=1, max_distance=horizon)[1]

    t_pandana, got = best_of(query, 2)
    got = got.to_numpy(dtype=float)
    reached = np.isfinite(expected)
    np.testing.assert_allclose(got[reached], expected[reached], rtol=1e-3)
    return {
        "pandana": "installed",
        "pandana_build_s": built,
        "pandana_per_cat_s": t_pandana,
        "pandana_ours_s": t_ours,
    }


# --- table --------------------------------------------------------------------------------------


def fmt(value: Any, unit: str = "s") -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.2f}"


def report(results: list[dict[str, Any]]) -> list[str]:
    lines = []
    verdicts = []
    header = (
        f"{'case':<12} {'nodes':>9} {'edges':>9} {'deg':>5} {'build':>9} {'ours/cat':>10} "
        f"{'top2/cat':>10} {'scipy/cat':>10} {'igraph/cat':>10} {'nk/cat':>10} {'nx/cat':>10} "
        f"{'ours/best':>9} {'peak RSS':>9} {'reached':>7}"
    )
    lines += [header, "-" * len(header)]
    for r in results:
        if "error" in r:
            lines.append(f"{r['case']:<12} FAILED: {r['error']}")
            continue
        if r["case"] == "demo":
            runs = r["runs"]
            per = {
                k: r.get(f"{k}_total_s", np.nan) / runs
                for k in ("ours_nearest", *REFERENCES, "networkx")
            }
            best = np.nanmin([per[k] for k in REFERENCES])
            lines.append(
                f"{'demo':<12} {r['nodes']:>9} {r['edges']:>9} {r['mean_degree']:>5.2f} "
                f"{fmt(r['build_network_s']):>9} {fmt(per['ours_nearest']):>10} {'':>10} "
                f"{fmt(per['scipy']):>10} {fmt(per['igraph']):>10} {fmt(per['networkit']):>10} "
                f"{fmt(per['networkx']):>10} "
                f"{per['ours_nearest'] / best:>9.2f} {r['peak_rss_gb']:>7.2f}GB "
                f"{r['reached_share']:>7.0%}"
            )
            total = r["ours_nearest_total_s"]
            best_total = np.nanmin([r[f"{k}_total_s"] for k in REFERENCES])
            verdicts.append(
                (
                    f"demo: {runs} runs ({r['categories']} categories x "
                    f"{len(settings.MODES)} modes, nearest) in {fmt(total)} "
                    "< 0.5 s and <= 1.2x best reference"
                    f" ({fmt(best_total)}, ratio {total / best_total:.2f})",
                    total < 0.5 and total <= 1.2 * best_total,
                )
            )
            lines.append(
                f"{'':<12} compute_travel_times (snap + top-2, all categories x modes, "
                f"{r['cells']} cells): {fmt(r['compute_travel_times_s'])}"
            )
            continue
        best = np.nanmin([r.get(f"{k}_per_cat_s", np.nan) for k in REFERENCES])
        lines.append(
            f"{r['case']:<12} {r['nodes']:>9} {r['edges']:>9} {r['mean_degree']:>5.2f} "
            f"{fmt(r['build_network_s']):>9} {fmt(r['ours_nearest_per_cat_s']):>10} "
            f"{fmt(r['ours_two_nearest_per_cat_s']):>10} {fmt(r.get('scipy_per_cat_s')):>10} "
            f"{fmt(r.get('igraph_per_cat_s')):>10} {fmt(r.get('networkit_per_cat_s')):>10} "
            f"{fmt(r.get('networkx_per_cat_s')):>10} "
            f"{r['ours_sample_per_cat_s'] / best:>9.2f} {r['peak_rss_gb']:>7.2f}GB "
            f"{r['reached_share']:>7.0%}"
        )
        if "pandana_per_cat_s" in r:
            lines.append(
                f"{'':<12} pandana nearest_pois, one category without access legs: "
                f"{fmt(r['pandana_per_cat_s'])} (contraction hierarchies built in "
                f"{fmt(r['pandana_build_s'])}); ours on the same search "
                f"{fmt(r['pandana_ours_s'])}: pandana/ours = "
                f"{r['pandana_per_cat_s'] / r['pandana_ours_s']:.0f}x"
            )
        elif "pandana" in r:
            lines.append(f"{'':<12} pandana: {r['pandana']}")
        if "scenario_add_s" in r:
            trials = r["scenario_trials"]
            for what in ("add", "close", "move"):
                t = r[f"scenario_{what}_s"]
                ratio = r[f"scenario_{what}_ratio"]
                verdicts.append(
                    (
                        f"{r['case']}: scenario {what} one service, nearest only "
                        "(NearestWorkspace: update in place + restore): median "
                        f"{fmt(t)} over {trials} changes ({fmt(r[f'scenario_{what}_min_s'])}-"
                        f"{fmt(r[f'scenario_{what}_max_s'])}), median {ratio:.1f}x faster than "
                        f"the best reference from scratch (scipy min_only, median "
                        f"{fmt(r[f'scenario_{what}_reference_s'])}; slowest change "
                        f"{r[f'scenario_{what}_ratio_min']:.1f}x, "
                        f"{r[f'scenario_{what}_at_target']}/{trials} changes >= 10x; ours "
                        f"from scratch {fmt(r[f'scenario_{what}_scratch_s'])}); nearest "
                        f"changed on {r[f'scenario_{what}_affected']:.1%} of nodes (max "
                        f"{r[f'scenario_{what}_affected_max']:.1%}); identical to multi_source "
                        "from scratch and to scipy (asserted) — target >= 10x",
                        ratio >= 10 and r["scenario_identical"],
                    )
                )
                verdicts.append(
                    (
                        "      copy-returning update (nearest_*_source: both arrays copied "
                        f"first): median {fmt(r[f'scenario_{what}_copying_s'])}, "
                        f"{r[f'scenario_{what}_copying_ratio']:.1f}x scipy",
                        None,
                    )
                )
                t2 = r[f"scenario_{what}_top2_s"]
                lines_top2 = (
                    f"      top-2 state (what the engine keeps): median {fmt(t2)}, median "
                    f"{r[f'scenario_{what}_top2_ratio']:.0f}x faster than our top-2 from scratch "
                    f"(median {fmt(r[f'scenario_{what}_top2_scratch_s'])}); top-2 changed on "
                    f"{r[f'scenario_{what}_top2_affected']:.0%} of nodes; identical (asserted)"
                )
                verdicts.append((lines_top2, None))
        if r["case"].startswith("country"):
            verdicts.append(
                (
                    f"{r['case']}: {r['categories']} categories, car: nearest "
                    f"{fmt(r['ours_nearest_total_s'])}, top-2 {fmt(r['ours_two_nearest_total_s'])}"
                    f" (build_network {fmt(r['build_network_s'])}); peak RSS "
                    f"{r['peak_rss_ours_gb']:.2f} GB before any reference is built, "
                    f"{r['peak_rss_gb']:.2f} GB with them — target top-2 < 30 s and < 4 GB",
                    r["ours_two_nearest_total_s"] < 30 and r["peak_rss_ours_gb"] < 4,
                )
            )
    lines.append("")
    lines.append("Targets:")
    for text, ok in verdicts:
        lines.append(text if ok is None else f"  [{'PASS' if ok else 'FAIL'}] {text}")
    lines.append("")
    lines.append(
        "Times are per search (best of 3, 1 on graphs over 1M nodes) after a numba warm-up; "
        "'top2' is the k=2 search the engine runs;\n'ours/best' = ours nearest / best of "
        "scipy, igraph and networkit on the same searches (the first 4 categories, 2 on the\n"
        "country graph, run interleaved); 'ours/cat' is the mean over all categories."
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 3M-node country graph")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the raw results as JSON too")
    args = parser.parse_args()

    if args.case:
        result = (
            run_demo()
            if args.case == "demo"
            else run_generated(args.case, CASES[args.case], args.seed)
        )
        print()  # pandana prints progress without a newline: keep the JSON on its own line
        print(json.dumps(result))
        return

    cases = []
    if (settings.BUILTIN_REGIONS_DIR / settings.DEFAULT_REGION / "region.json").is_file():
        cases.append("demo")
    else:
        print(f"(demo region {settings.DEFAULT_REGION!r} not built: skipped)")
    cases += [c for c in CASES if not (args.quick and c.startswith("country"))]
    results = []
    for case in cases:
        print(f"running {case} ...", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--case", case, "--seed", str(args.seed)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            results.append({"case": case, "error": proc.stderr.strip().splitlines()[-1:]})
            print(proc.stderr, file=sys.stderr)
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print("\n".join(report(results)))
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
