"""Routing kernels against hand-computed answers, networkx, scipy and brute force."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from analysis import routing

# --- helpers ----------------------------------------------------------------------------------


def csr(n: int, edges: list[tuple[int, int, float]]) -> tuple[np.ndarray, ...]:
    """(indptr, indices, weights) and the transpose of a directed edge list."""
    u = np.array([e[0] for e in edges], dtype=np.int64)
    v = np.array([e[1] for e in edges], dtype=np.int64)
    w = np.array([e[2] for e in edges], dtype=np.float64)

    def build(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        order = np.argsort(a, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
        return indptr, b[order], w[order]

    return (*build(u, v), *build(v, u))


def nx_reference(n, edges, nodes, offsets):
    """Distance from the nearest source (with offsets) by networkx, via a super-source."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n + 1))
    for a, b, w in edges:
        if not graph.has_edge(a, b) or graph[a][b]["weight"] > w:
            graph.add_edge(a, b, weight=w)
    for node, offset in zip(nodes, offsets, strict=True):
        if not graph.has_edge(n, node) or graph[n][node]["weight"] > offset:
            graph.add_edge(n, node, weight=offset)
    lengths = nx.single_source_dijkstra_path_length(graph, n)
    return np.array([lengths.get(v, np.inf) for v in range(n)])


def brute_top_two(n, edges, nodes, offsets, ids):
    """Top-2 (dist, id) per node from one single-source run per source."""
    indptr, indices, weights = csr(n, edges)[:3]
    per_source = [
        routing.multi_source(indptr, indices, weights, [node], [offset])[0]
        for node, offset in zip(nodes, offsets, strict=True)
    ]
    d1, l1, d2, l2 = (np.full(n, np.inf), np.full(n, -1), np.full(n, np.inf), np.full(n, -1))
    for v in range(n):
        ranked = sorted(
            (float(dist[v]), int(sid))
            for dist, sid in zip(per_source, ids, strict=True)
            if np.isfinite(dist[v])
        )
        if ranked:
            d1[v], l1[v] = ranked[0]
        if len(ranked) > 1:
            d2[v], l2[v] = ranked[1]
    return d1, l1, d2, l2


def same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@st.composite
def problems(draw, max_nodes: int = 12, max_sources: int = 5):
    """A random directed graph with integer weights (ties are exact) and sources with ids."""
    n = draw(st.integers(1, max_nodes))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 6)),
            max_size=4 * n,
        )
    )
    edges = [(a, b, float(w)) for a, b, w in edges]
    k = draw(st.integers(0, max_sources))
    nodes = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k))
    offsets = [float(x) for x in draw(st.lists(st.integers(0, 4), min_size=k, max_size=k))]
    ids = draw(st.lists(st.integers(0, 30), min_size=k, max_size=k, unique=True))
    return n, edges, nodes, offsets, ids


# --- hand-built graph with known answers --------------------------------------------------------

#   0 --10-- 1 --10-- 2 --10-- 3      (undirected), plus a one-way shortcut 0 -> 3 of 25 s
LINE = [(0, 1, 10.0), (1, 0, 10.0), (1, 2, 10.0), (2, 1, 10.0), (2, 3, 10.0), (3, 2, 10.0)]
LINE += [(0, 3, 25.0)]


def test_multi_source_known_answer():
    indptr, indices, weights = csr(4, LINE)[:3]
    dist, label = routing.multi_source(indptr, indices, weights, [0, 3], [0.0, 2.0])
    assert dist.tolist() == [0.0, 10.0, 12.0, 2.0]
    assert label.tolist() == [0, 0, 1, 1]


def test_one_way_edge_is_used_in_its_direction_only():
    indptr, indices, weights = csr(4, LINE)[:3]
    dist, _ = routing.multi_source(indptr, indices, weights, [0], [0.0])
    assert dist.tolist() == [0.0, 10.0, 20.0, 25.0]
    dist, _ = routing.multi_source(indptr, indices, weights, [3], [0.0])
    assert dist.tolist() == [30.0, 20.0, 10.0, 0.0]


def test_tie_goes_to_lower_id():
    indptr, indices, weights = csr(4, LINE)[:3]
    # node 1 is 10 s from both sources
    _, label = routing.multi_source(indptr, indices, weights, [0, 2], [0.0, 0.0], [7, 3])
    assert label.tolist() == [7, 3, 3, 3]
    _, label = routing.multi_source(indptr, indices, weights, [0, 2], [0.0, 0.0], [3, 7])
    assert label.tolist() == [3, 3, 7, 7]
    d1, l1, d2, l2 = routing.two_nearest(indptr, indices, weights, [0, 2], [0.0, 0.0], [7, 3])
    assert l1[1] == 3 and l2[1] == 7 and d1[1] == d2[1] == 10.0


def test_colocated_sources_stay_distinct():
    indptr, indices, weights = csr(4, LINE)[:3]
    d1, l1, d2, l2 = routing.two_nearest(indptr, indices, weights, [1, 1], [5.0, 3.0])
    assert l1.tolist() == [1, 1, 1, 1] and l2.tolist() == [0, 0, 0, 0]
    assert d1.tolist() == [13.0, 3.0, 13.0, 23.0]
    assert d2.tolist() == [15.0, 5.0, 15.0, 25.0]


def test_unreachable_and_no_source():
    indptr, indices, weights = csr(3, [(0, 1, 1.0)])[:3]
    dist, label = routing.multi_source(indptr, indices, weights, [0], [0.0])
    assert dist.tolist() == [0.0, 1.0, np.inf] and label.tolist() == [0, 0, -1]
    d1, l1, d2, l2 = routing.two_nearest(indptr, indices, weights, [], [])
    assert np.isinf(d1).all() and (l1 == -1).all() and np.isinf(d2).all() and (l2 == -1).all()


def test_bounded_from_known_answer():
    indptr, indices, weights = csr(4, LINE)[:3]
    nodes, dist = routing.bounded_from(indptr, indices, weights, 0, 1.0, 21.0)
    assert nodes.tolist() == [0, 1, 2] and dist.tolist() == [1.0, 11.0, 21.0]
    nodes, dist = routing.bounded_from(indptr, indices, weights, 0, 30.0, 21.0)
    assert nodes.size == 0 and dist.size == 0


def test_bad_input_is_rejected():
    indptr, indices, weights = csr(4, LINE)[:3]
    with pytest.raises(ValueError, match="outside the graph"):
        routing.multi_source(indptr, indices, weights, [9], [0.0])
    with pytest.raises(ValueError, match="offsets"):
        routing.multi_source(indptr, indices, weights, [0], [-1.0])
    with pytest.raises(ValueError, match="distinct"):
        routing.two_nearest(indptr, indices, weights, [0, 1], [0.0, 0.0], [2, 2])
    with pytest.raises(ValueError, match="weights must be >= 0"):
        routing.multi_source(indptr, indices, -weights, [0], [0.0])
    with pytest.raises(ValueError, match="CSR"):
        routing.multi_source(indptr[:-1], indices, weights, [0], [0.0])
    state = routing.two_nearest(indptr, indices, weights, [0], [0.0], [4])
    with pytest.raises(ValueError, match="new"):
        routing.add_source(indptr, indices, weights, state, 1, 0.0, 4)


def test_incremental_does_not_mutate_inputs():
    g = csr(4, LINE)
    state = routing.two_nearest(*g[:3], [0, 3], [0.0, 0.0])
    before = [a.copy() for a in state]
    routing.add_source(*g[:3], state, 2, 0.0, 5)
    routing.remove_source(g[:3], g[3:], state, 1, [0, 3], [0.0, 0.0], [0, 1])
    routing.move_source(g[:3], g[3:], state, 0, 2, 1.0, [0, 3], [0.0, 0.0], [0, 1])
    assert same(state, before)


# --- independent references on random graphs -----------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(problems())
def test_multi_source_matches_networkx(problem):
    n, edges, nodes, offsets, ids = problem
    indptr, indices, weights = csr(n, edges)[:3]
    dist, label = routing.multi_source(indptr, indices, weights, nodes, offsets, ids)
    np.testing.assert_allclose(dist, nx_reference(n, edges, nodes, offsets))
    assert ((label == -1) == np.isinf(dist)).all()


@settings(max_examples=60, deadline=None)
@given(problems(max_nodes=30, max_sources=6))
def test_multi_source_matches_scipy_super_source(problem):
    n, edges, nodes, offsets, _ids = problem
    # scipy sums duplicate entries and may drop explicit zeros: give it positive, deduplicated edges
    best: dict[tuple[int, int], float] = {}
    for a, b, w in edges:
        if a != b:
            best[(a, b)] = min(best.get((a, b), np.inf), w + 1.0)
    for node, offset in zip(nodes, offsets, strict=True):
        best[(n, node)] = min(best.get((n, node), np.inf), offset + 1.0)
    plus_one = [(a, b, w) for (a, b), w in best.items() if a < n]
    rows, cols = zip(*best.keys(), strict=True) if best else ((), ())
    matrix = sp.csr_matrix((list(best.values()), (rows, cols)), shape=(n + 1, n + 1))
    # every super-source edge weighs offset + 1: subtract that 1 s again
    reference = dijkstra(matrix, directed=True, indices=n)[:n] - 1.0
    indptr, indices, weights = csr(n, plus_one)[:3]
    dist, _ = routing.multi_source(indptr, indices, weights, nodes, offsets)
    np.testing.assert_allclose(dist, reference)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_two_nearest_matches_brute_force(problem):
    n, edges, nodes, offsets, ids = problem
    indptr, indices, weights = csr(n, edges)[:3]
    got = routing.two_nearest(indptr, indices, weights, nodes, offsets, ids)
    assert same(got, brute_top_two(n, edges, nodes, offsets, ids))
    first = routing.multi_source(indptr, indices, weights, nodes, offsets, ids)
    assert same(got[:2], first)


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(0, 30))
def test_bounded_from_matches_full_search(problem, limit):
    n, edges, nodes, _offsets, _ids = problem
    indptr, indices, weights = csr(n, edges)[:3]
    start = nodes[0] if nodes else 0
    full, _ = routing.multi_source(indptr, indices, weights, [start], [1.0])
    got_nodes, got_dist = routing.bounded_from(indptr, indices, weights, start, 1.0, limit)
    expected = np.flatnonzero(full <= limit)
    assert sorted(got_nodes.tolist()) == expected.tolist()
    np.testing.assert_array_equal(got_dist, full[got_nodes])
    assert (np.diff(got_dist) >= 0).all()


# --- incremental updates == from scratch -----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(problems(), st.data())
def test_add_source_equals_from_scratch_and_never_lengthens(problem, data):
    n, edges, nodes, offsets, ids = problem
    g = csr(n, edges)
    state = routing.two_nearest(*g[:3], nodes, offsets, ids)
    node = data.draw(st.integers(0, n - 1))
    offset = float(data.draw(st.integers(0, 4)))
    new_id = data.draw(st.integers(0, 40).filter(lambda x: x not in ids))
    got = routing.add_source(*g[:3], state, node, offset, new_id)
    expected = routing.two_nearest(*g[:3], [*nodes, node], [*offsets, offset], [*ids, new_id])
    assert same(got, expected)
    assert (got[0] <= state[0]).all() and (got[2] <= state[2]).all()


@settings(max_examples=200, deadline=None)
@given(problems(), st.data())
def test_remove_source_equals_from_scratch_and_never_shortens(problem, data):
    n, edges, nodes, offsets, ids = problem
    if not ids:
        return
    g = csr(n, edges)
    state = routing.two_nearest(*g[:3], nodes, offsets, ids)
    r = data.draw(st.integers(0, len(ids) - 1))
    got = routing.remove_source(g[:3], g[3:], state, ids[r], nodes, offsets, ids)
    keep = [i for i in range(len(ids)) if i != r]
    expected = routing.two_nearest(
        *g[:3], [nodes[i] for i in keep], [offsets[i] for i in keep], [ids[i] for i in keep]
    )
    assert same(got, expected)
    assert (got[0] >= state[0]).all() and (got[2] >= state[2]).all()


@settings(max_examples=150, deadline=None)
@given(problems(), st.data())
def test_move_source_equals_from_scratch(problem, data):
    n, edges, nodes, offsets, ids = problem
    if not ids:
        return
    g = csr(n, edges)
    state = routing.two_nearest(*g[:3], nodes, offsets, ids)
    r = data.draw(st.integers(0, len(ids) - 1))
    node = data.draw(st.integers(0, n - 1))
    offset = float(data.draw(st.integers(0, 4)))
    got = routing.move_source(g[:3], g[3:], state, ids[r], node, offset, nodes, offsets, ids)
    moved_nodes, moved_offsets = list(nodes), list(offsets)
    moved_nodes[r], moved_offsets[r] = node, offset
    assert same(got, routing.two_nearest(*g[:3], moved_nodes, moved_offsets, ids))


def test_sequence_of_edits_on_a_larger_graph():
    rng = np.random.default_rng(7)
    n = 400
    a = rng.integers(0, n, 1200)
    b = rng.integers(0, n, 1200)
    w = rng.integers(1, 50, 1200).astype(float)
    edges = [(int(x), int(y), float(z)) for x, y, z in zip(a, b, w, strict=True)]
    edges += [(y, x, z) for x, y, z in edges]
    g = csr(n, edges)
    nodes = list(rng.integers(0, n, 8))
    offsets = [float(x) for x in rng.integers(0, 30, 8)]
    ids = list(range(8))
    state = routing.two_nearest(*g[:3], nodes, offsets, ids)
    for step in range(30):
        op = step % 3
        if op == 0:
            new_id = max(ids) + 1
            node, offset = int(rng.integers(0, n)), float(rng.integers(0, 30))
            state = routing.add_source(*g[:3], state, node, offset, new_id)
            nodes, offsets, ids = [*nodes, node], [*offsets, offset], [*ids, new_id]
        elif op == 1 and len(ids) > 1:
            r = int(rng.integers(0, len(ids)))
            state = routing.remove_source(g[:3], g[3:], state, ids[r], nodes, offsets, ids)
            del nodes[r], offsets[r], ids[r]
        else:
            r = int(rng.integers(0, len(ids)))
            node, offset = int(rng.integers(0, n)), float(rng.integers(0, 30))
            state = routing.move_source(
                g[:3], g[3:], state, ids[r], node, offset, nodes, offsets, ids
            )
            nodes[r], offsets[r] = node, offset
        assert same(state, routing.two_nearest(*g[:3], nodes, offsets, ids))


# --- nearest-only incremental updates == multi_source from scratch -----------------------------


def nearest(g, nodes, offsets, ids):
    return routing.multi_source(*g[:3], nodes, offsets, ids)


def test_nearest_updates_known_answer():
    g = csr(4, LINE)
    dist, label = nearest(g, [0], [0.0], [4])
    # a source at node 2 with a 1 s access leg wins nodes 2 and 3; node 1 ties nothing (11 > 10)
    d2, l2 = routing.nearest_add_source(*g[:3], dist, label, 2, 1.0, 9)
    assert d2.tolist() == [0.0, 10.0, 1.0, 11.0] and l2.tolist() == [4, 4, 9, 9]
    # closing 4 leaves 9 everywhere (node 0 is reached from 9 through 1)
    d3, l3 = routing.nearest_remove_source(g[:3], g[3:], d2, l2, 4, [0, 2], [0.0, 1.0], [4, 9])
    assert d3.tolist() == [21.0, 11.0, 1.0, 11.0] and l3.tolist() == [9, 9, 9, 9]
    # moving 9 to node 3 (offset 0): the one-way 0 -> 3 is not usable backwards
    d4, l4 = routing.nearest_move_source(g[:3], g[3:], d3, l3, 9, 3, 0.0, [2], [1.0], [9])
    assert d4.tolist() == [30.0, 20.0, 10.0, 0.0] and (l4 == 9).all()
    # removing the last source leaves nothing reached
    d5, l5 = routing.nearest_remove_source(g[:3], g[3:], d4, l4, 9, [3], [0.0], [9])
    assert np.isinf(d5).all() and (l5 == -1).all()


def test_nearest_tie_goes_to_lower_id():
    g = csr(4, LINE)
    dist, label = nearest(g, [0], [0.0], [7])
    # node 1 is 10 s from both: the new, lower id 3 wins it
    _, got = routing.nearest_add_source(*g[:3], dist, label, 2, 0.0, 3)
    assert got.tolist() == [7, 3, 3, 3]
    # with a higher id the tie stays with 7
    _, got = routing.nearest_add_source(*g[:3], dist, label, 2, 0.0, 8)
    assert got.tolist() == [7, 7, 8, 8]


def test_nearest_updates_do_not_mutate_and_reject_bad_input():
    g = csr(4, LINE)
    dist, label = nearest(g, [0, 3], [0.0, 0.0], [0, 1])
    before = (dist.copy(), label.copy())
    routing.nearest_add_source(*g[:3], dist, label, 2, 0.0, 5)
    routing.nearest_remove_source(g[:3], g[3:], dist, label, 1, [0, 3], [0.0, 0.0], [0, 1])
    routing.nearest_move_source(g[:3], g[3:], dist, label, 0, 2, 1.0, [0, 3], [0.0, 0.0], [0, 1])
    assert same((dist, label), before)
    with pytest.raises(ValueError, match="new label"):
        routing.nearest_add_source(*g[:3], dist, label, 2, 0.0, 1)
    with pytest.raises(ValueError, match="outside the graph"):
        routing.nearest_add_source(*g[:3], dist, label, 9, 0.0, 5)
    with pytest.raises(ValueError, match="one value per node"):
        routing.nearest_add_source(*g[:3], dist[:2], label[:2], 2, 0.0, 5)
    with pytest.raises(ValueError, match="outside the graph"):
        routing.nearest_move_source(g[:3], g[3:], dist, label, 0, 9, 0.0, [0], [0.0], [0])
    with pytest.raises(ValueError, match="transpose"):
        routing.nearest_remove_source(g[:3], csr(5, LINE)[3:], dist, label, 0, [], [], [])


@settings(max_examples=250, deadline=None)
@given(problems(), st.data())
def test_nearest_add_source_equals_from_scratch(problem, data):
    n, edges, nodes, offsets, ids = problem
    g = csr(n, edges)
    dist, label = nearest(g, nodes, offsets, ids)
    node = data.draw(st.integers(0, n - 1))
    offset = float(data.draw(st.integers(0, 4)))
    new_id = data.draw(st.integers(0, 40).filter(lambda x: x not in ids))
    got = routing.nearest_add_source(*g[:3], dist, label, node, offset, new_id)
    assert same(got, nearest(g, [*nodes, node], [*offsets, offset], [*ids, new_id]))
    assert (got[0] <= dist).all()


@settings(max_examples=250, deadline=None)
@given(problems(), st.data())
def test_nearest_remove_source_equals_from_scratch(problem, data):
    n, edges, nodes, offsets, ids = problem
    if not ids:
        return
    g = csr(n, edges)
    dist, label = nearest(g, nodes, offsets, ids)
    r = data.draw(st.integers(0, len(ids) - 1))
    got = routing.nearest_remove_source(g[:3], g[3:], dist, label, ids[r], nodes, offsets, ids)
    keep = [i for i in range(len(ids)) if i != r]
    expected = nearest(
        g, [nodes[i] for i in keep], [offsets[i] for i in keep], [ids[i] for i in keep]
    )
    assert same(got, expected)
    assert (got[0] >= dist).all()
    # the list of sources may also leave the removed one out
    kept = [[x[i] for i in keep] for x in (nodes, offsets, ids)]
    assert same(routing.nearest_remove_source(g[:3], g[3:], dist, label, ids[r], *kept), got)


@settings(max_examples=250, deadline=None)
@given(problems(), st.data())
def test_nearest_move_source_equals_from_scratch(problem, data):
    n, edges, nodes, offsets, ids = problem
    if not ids:
        return
    g = csr(n, edges)
    dist, label = nearest(g, nodes, offsets, ids)
    r = data.draw(st.integers(0, len(ids) - 1))
    node = data.draw(st.integers(0, n - 1))
    offset = float(data.draw(st.integers(0, 4)))
    got = routing.nearest_move_source(
        g[:3], g[3:], dist, label, ids[r], node, offset, nodes, offsets, ids
    )
    moved_nodes, moved_offsets = list(nodes), list(offsets)
    moved_nodes[r], moved_offsets[r] = node, offset
    assert same(got, nearest(g, moved_nodes, moved_offsets, ids))


@settings(max_examples=60, deadline=None)
@given(problems(max_nodes=20, max_sources=4), st.data())
def test_nearest_updates_with_colocated_sources(problem, data):
    n, edges, nodes, offsets, ids = problem
    if not ids:
        return
    g = csr(n, edges)
    # a second source on the node of an existing one, at the same or another offset
    host = data.draw(st.integers(0, len(ids) - 1))
    offset = float(data.draw(st.integers(0, 4)))
    new_id = data.draw(st.integers(0, 40).filter(lambda x: x not in ids))
    dist, label = nearest(g, nodes, offsets, ids)
    all_sources = ([*nodes, nodes[host]], [*offsets, offset], [*ids, new_id])
    added = routing.nearest_add_source(*g[:3], dist, label, nodes[host], offset, new_id)
    assert same(added, nearest(g, *all_sources))
    # closing the host leaves its co-located twin in charge of its region
    keep = [i for i in range(len(ids) + 1) if i != host]
    got = routing.nearest_remove_source(g[:3], g[3:], *added, ids[host], *all_sources)
    assert same(got, nearest(g, *([x[i] for i in keep] for x in all_sources)))


def test_nearest_sequence_of_edits_on_a_larger_graph():
    rng = np.random.default_rng(11)
    n = 400
    a = rng.integers(0, n, 900)
    b = rng.integers(0, n, 900)
    w = rng.integers(1, 50, 900).astype(float)
    edges = [(int(x), int(y), float(z)) for x, y, z in zip(a, b, w, strict=True)]
    edges += [(y, x, z) for x, y, z in edges[:700]]  # some one-way edges, some isolated parts
    g = csr(n, edges)
    nodes = list(rng.integers(0, n, 6))
    offsets = [float(x) for x in rng.integers(0, 30, 6)]
    ids = list(range(6))
    state = nearest(g, nodes, offsets, ids)
    for step in range(45):
        op = step % 3
        if op == 0:
            new_id = max(ids, default=-1) + 1
            node, offset = int(rng.integers(0, n)), float(rng.integers(0, 30))
            state = routing.nearest_add_source(*g[:3], *state, node, offset, new_id)
            nodes, offsets, ids = [*nodes, node], [*offsets, offset], [*ids, new_id]
        elif op == 1 and ids:
            r = int(rng.integers(0, len(ids)))
            state = routing.nearest_remove_source(g[:3], g[3:], *state, ids[r], nodes, offsets, ids)
            del nodes[r], offsets[r], ids[r]
        elif ids:
            r = int(rng.integers(0, len(ids)))
            node, offset = int(rng.integers(0, n)), float(rng.integers(0, 30))
            state = routing.nearest_move_source(
                g[:3], g[3:], *state, ids[r], node, offset, nodes, offsets, ids
            )
            nodes[r], offsets[r] = node, offset
        assert same(state, nearest(g, nodes, offsets, ids))


@settings(max_examples=200, deadline=None)
@given(problems(max_nodes=16, max_sources=5), st.data())
def test_workspace_chained_edits_equal_from_scratch_and_restore(problem, data):
    """Any series of adds, removals and moves on a workspace equals a from-scratch search
    after every step, and restore() gives back the starting state exactly."""
    n, edges, nodes, offsets, ids = problem
    g = csr(n, edges)
    dist, label = nearest(g, nodes, offsets, ids)
    ws = routing.NearestWorkspace(g[:3], g[3:], dist, label, nodes, offsets, ids)
    for _round in range(2):
        current = {i: (v, o) for i, v, o in zip(ids, nodes, offsets, strict=True)}
        for _step in range(data.draw(st.integers(1, 5))):
            kind = data.draw(st.sampled_from(["add", "remove", "move"]))
            node = data.draw(st.integers(0, n - 1))
            offset = float(data.draw(st.integers(0, 4)))
            if kind == "add" or not current:
                new_id = data.draw(st.sampled_from(sorted(set(range(41)) - set(current))))
                ws.add(new_id, node, offset)
                current[new_id] = (node, offset)
            else:
                sid = data.draw(st.sampled_from(sorted(current)))
                if kind == "remove":
                    ws.remove(sid)
                    del current[sid]
                else:
                    ws.move(sid, node, offset)
                    current[sid] = (node, offset)
            keys = sorted(current)
            expected = nearest(
                g, [current[k][0] for k in keys], [current[k][1] for k in keys], keys
            )
            assert same((ws.dist, ws.label), expected)
            untouched = np.setdiff1d(np.arange(n), ws.changed())
            assert same(
                (ws.dist[untouched], ws.label[untouched]), (dist[untouched], label[untouched])
            )
        ws.restore()
        assert same((ws.dist, ws.label), (dist, label))
        assert ws.changed().size == 0


def test_workspace_rejects_bad_edits():
    g = csr(4, LINE)
    dist, label = nearest(g, [0], [0.0], [3])
    ws = routing.NearestWorkspace(g[:3], g[3:], dist, label, [0], [0.0], [3])
    with pytest.raises(ValueError, match="current source"):
        ws.add(3, 1, 0.0)
    with pytest.raises(ValueError, match="current source"):
        ws.remove(7)
    with pytest.raises(ValueError, match="outside"):
        ws.move(3, 9, 0.0)
    with pytest.raises(ValueError, match="offset"):
        ws.add(5, 1, -1.0)
    with pytest.raises(ValueError):
        ws.dist[0] = 1.0  # read-only view
    ws.remove(3)
    assert np.isinf(ws.dist).all() and (ws.label == -1).all()
    ws.restore()
    assert same((ws.dist, ws.label), (dist, label))
