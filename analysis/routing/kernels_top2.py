"""Kernels of the top-2 state (nearest and second-nearest distinct source): from scratch and
its copy-returning updates.

Candidates enter a node's tentative top-2 through :func:`analysis.routing.relax.relax_top2`;
the searches pop a binary heap, keyed on ``(distance, label)`` where several labels spread and
on distance alone where only an added source's label does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from analysis.routing.heap import BINARY, heap_pop, new_heap
from analysis.routing.jit import Graph, Heap, Sources, TopTwoState, jit, jit_inline
from analysis.routing.relax import relax_top2


@jit_inline
def _two_label_search(
    graph: Graph,
    state: TopTwoState,
    count: NDArray[np.int8],
    top: TopTwoState,
    heap: Heap,
    size: int,
) -> None:
    """k=2 label-setting Dijkstra: settle each node at most twice, with distinct labels.

    ``state`` receives the settled top-2, ``top`` holds the tentative one.  Nodes with
    ``count == 2`` on entry are treated as final and never entered (this restricts the search
    to a region in :func:`analysis.routing.remove_source`).  The tentative top-2 prunes
    pushes: a candidate beaten by two distinct tentative labels at a node can never be in its
    top-2.
    """
    indptr, indices, weights = graph
    d1, l1, d2, l2 = state
    t1d, t1l, t2d, t2l = top
    while size > 0:
        d, lab, u, size = heap_pop(heap, size, BINARY, True)
        c = count[u]
        if c == 2:
            continue
        if c == 1:
            if l1[u] == lab:
                continue
            d2[u] = d
            l2[u] = lab
            count[u] = 2
        else:
            d1[u] = d
            l1[u] = lab
            count[u] = 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            cv = count[v]
            if cv == 2 or (cv == 1 and l1[v] == lab):
                continue
            size = relax_top2(t1d, t1l, t2d, t2l, v, d + weights[e], lab, heap, size, True)


@jit_inline
def _unset(n: int) -> TopTwoState:
    """A top-2 state of ``n`` nodes that no source reaches."""
    return (
        np.full(n, np.inf),
        np.full(n, -1, dtype=np.int64),
        np.full(n, np.inf),
        np.full(n, -1, dtype=np.int64),
    )


@jit
def two_nearest(graph: Graph, sources: Sources) -> TopTwoState:
    n = graph[0].shape[0] - 1
    src_nodes, src_offsets, src_ids = sources
    state = _unset(n)
    top = _unset(n)
    t1d, t1l, t2d, t2l = top
    count = np.zeros(n, dtype=np.int8)
    heap = new_heap(2 * graph[1].shape[0] + src_nodes.shape[0] + 1, True)
    size = 0
    for k in range(src_nodes.shape[0]):
        node, start, lab = src_nodes[k], src_offsets[k], src_ids[k]
        size = relax_top2(t1d, t1l, t2d, t2l, node, start, lab, heap, size, True)
    _two_label_search(graph, state, count, top, heap, size)
    return state


@jit
def add_source(
    graph: Graph, state: TopTwoState, node: int, offset: float, sid: int, copy: bool
) -> tuple[TopTwoState, int]:
    """Add source ``sid`` at ``node`` to the top-2 state (a copy of it when ``copy``); return
    the new state and the number of nodes the new source entered."""
    indptr, indices, weights = graph
    # (without copy, the caller hands over fresh arrays: move = remove + add)
    top = (state[0].copy(), state[1].copy(), state[2].copy(), state[3].copy()) if copy else state
    n1, m1, n2, m2 = top
    # The new source's tentative distances live in the top-2 arrays themselves (an entry it
    # takes there only gets better), so no O(n) scratch array is needed: the work is the copy
    # plus the part of the network where the new source enters the top-2.  One label spreads:
    # the heap holds distances only.
    heap = new_heap(indices.shape[0] + 2, False)
    size = relax_top2(n1, m1, n2, m2, node, offset, sid, heap, 0, False)
    touched = 0
    while size > 0:
        d, _, u, size = heap_pop(heap, size, BINARY, False)
        if m1[u] == sid:
            if d != n1[u]:
                continue  # stale: improved after this push
        elif m2[u] == sid:
            if d != n2[u]:
                continue
        else:
            continue
        touched += 1
        for e in range(indptr[u], indptr[u + 1]):
            size = relax_top2(n1, m1, n2, m2, indices[e], d + weights[e], sid, heap, size, False)
    return top, touched


@jit
def remove_source(
    graph: Graph, transpose: Graph, state: TopTwoState, removed_id: int, sources: Sources
) -> tuple[TopTwoState, int]:
    """Remove source ``removed_id`` from (a copy of) the top-2 state; return the new state and
    the number of nodes whose top-2 held it."""
    t_indptr, t_indices, t_weights = transpose
    src_nodes, src_offsets, src_ids = sources
    d1, l1, d2, l2 = state
    n = d1.shape[0]
    out = (np.empty_like(d1), np.empty_like(l1), np.empty_like(d2), np.empty_like(l2))
    n1, m1, n2, m2 = out
    # Affected region: nodes whose top-2 held the removed source.  Every other node keeps its
    # top-2 (the removed source was not in it).  Nodes outside get count 2 = final.  One pass
    # copies the state and finds the region.
    count = np.empty(n, dtype=np.int8)
    affected = np.empty(n, dtype=np.int64)
    n_aff = 0
    for v in range(n):
        a = l1[v]
        b = l2[v]
        n1[v] = d1[v]
        m1[v] = a
        n2[v] = d2[v]
        m2[v] = b
        count[v] = 2
        if a == removed_id or b == removed_id:
            affected[n_aff] = v
            n_aff += 1
    if n_aff == 0:
        return out, 0
    # In the region the nearest source is already known: the old second where the removed
    # source was first, the old first elsewhere.  Only the second is searched for, so every
    # affected node is settled once (count 1 = first known); nodes left with no source at all
    # are final (count 2).
    top = (np.empty(n), np.empty(n, dtype=np.int64), np.empty(n), np.empty(n, dtype=np.int64))
    t1d, t1l, t2d, t2l = top
    in_edges = 0
    out_edges = 0
    for i in range(n_aff):
        v = affected[i]
        if m1[v] == removed_id:
            n1[v] = n2[v]
            m1[v] = m2[v]
        n2[v] = np.inf
        m2[v] = -1
        t1d[v] = n1[v]
        t1l[v] = m1[v]
        t2d[v] = np.inf
        t2l[v] = -1
        count[v] = 1 if m1[v] >= 0 else 2
        in_edges += t_indptr[v + 1] - t_indptr[v]
        out_edges += graph[0][v + 1] - graph[0][v]
    heap = new_heap(2 * in_edges + out_edges + src_nodes.shape[0] + 1, True)
    size = 0
    # Seeds 1: sources located in the region (candidates for its nodes' second).
    for k in range(src_nodes.shape[0]):
        node = src_nodes[k]
        if src_ids[k] != removed_id and count[node] == 1:
            size = relax_top2(
                t1d, t1l, t2d, t2l, node, src_offsets[k], src_ids[k], heap, size, True
            )
    # Seeds 2: over every edge u -> v into the region, the final top-2 of u when u is outside,
    # the (known) nearest of u when u is inside; u's second, once found, propagates by search.
    for i in range(n_aff):
        v = affected[i]
        if count[v] != 1:
            continue
        first = m1[v]  # known; a candidate with this label cannot be v's second
        for e in range(t_indptr[v], t_indptr[v + 1]):
            u = t_indices[e]
            w = t_weights[e]
            a = m1[u]
            if a >= 0 and a != first:
                size = relax_top2(t1d, t1l, t2d, t2l, v, n1[u] + w, a, heap, size, True)
            b = m2[u]
            if count[u] == 2 and b >= 0 and b != first:
                size = relax_top2(t1d, t1l, t2d, t2l, v, n2[u] + w, b, heap, size, True)
    _two_label_search(graph, out, count, top, heap, size)
    return out, n_aff
