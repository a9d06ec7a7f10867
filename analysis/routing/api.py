"""Shortest-path kernels on CSR graphs, compiled with numba.

A graph is three numpy arrays in compressed sparse row form: ``indptr`` (int64, ``n + 1``),
``indices`` (int64, head node of each edge) and ``weights`` (float64, seconds, >= 0).  Node ``u``
has the out-edges ``indices[indptr[u]:indptr[u + 1]]``.

Travel times are computed *to* services, so the engine calls these kernels on the reversed graph
(:attr:`analysis.network.ModeGraph.rev_indptr` ...): a multi-source search from the services on
the reversed graph gives, at every node, the time from that node to its nearest service.

Every source has an id (by default its position in the arrays) and a start offset (its access
leg, seconds).  Ties are broken deterministically: of two sources at the same distance, the
lower id wins, so labels can be compared between algorithms, not only distances.  Formally, a
node's nearest source is the lexicographic minimum of ``(distance, id)`` and its second-nearest
the minimum over the other ids.  (With floating-point weights, two paths whose exact lengths
differ by less than one rounding step may compare either way; tests use integer weights when
they compare labels.)

The incremental updates (:func:`add_source`, :func:`remove_source`, :func:`move_source`) never
mutate their inputs: they return new arrays equal to what :func:`two_nearest` would compute
from scratch for the changed set of sources.  They rest on one fact: if source ``s`` is in the
top-2 of node ``v``, it is in the top-2 of every node on its shortest path to ``v`` (else two
distinct sources would beat it at ``v`` through that node).  Their cost is one copy of the
state (four arrays of the node count) plus a search over the part of the network the change
affects.

The nearest-only updates (:func:`nearest_add_source`, :func:`nearest_remove_source`,
:func:`nearest_move_source`) do the same for the state of :func:`multi_source` (nearest source
only), equal to it from scratch bit for bit.  They do the work a from-scratch nearest search
does, but only where the nearest source changes: the new source's pruned Dijkstra for an
addition; for a closure, the nodes the closed source was nearest to, reset and searched again
from their boundary; a move fuses both in one search.  Their cost is one copy of the two
arrays plus a search over the nodes whose nearest source changes.  :class:`NearestWorkspace`
runs the same searches in place on arrays it owns, with an undo log, so that a series of
what-if changes to one state costs only the searches (figures against scipy in
``benchmarks/README.md``).

Weights must be >= 0; that is checked by :func:`multi_source` only (the incremental updates
skip the O(edges) check to stay fast).  The hot loops write their heap operations out by hand:
numba runs them markedly faster than with calls to the helpers below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_F = TypeVar("_F", bound=Callable[..., Any])


def _jit(func: _F) -> _F:
    """Compile ``func`` with numba (``njit``, cached on disk) keeping its type for mypy."""
    return cast(_F, numba.njit(cache=True)(func))


def _jit_inline(func: _F) -> _F:
    """Like :func:`_jit`, inlined into its callers by numba (the heap primitives)."""
    return cast(_F, numba.njit(cache=True, inline="always")(func))


# --- binary heap on parallel arrays, ordered by (distance, label) ------------------------------


@_jit_inline
def _less(d1: float, l1: int, d2: float, l2: int) -> bool:
    return d1 < d2 or (d1 == d2 and l1 < l2)


@_jit
def _push(
    hd: FloatArray, hl: IntArray, hn: IntArray, size: int, d: float, lab: int, node: int
) -> int:
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if _less(d, lab, hd[parent], hl[parent]):
            hd[i] = hd[parent]
            hl[i] = hl[parent]
            hn[i] = hn[parent]
            i = parent
        else:
            break
    hd[i] = d
    hl[i] = lab
    hn[i] = node
    return size + 1


@_jit
def _pop(hd: FloatArray, hl: IntArray, hn: IntArray, size: int) -> tuple[float, int, int, int]:
    d = hd[0]
    lab = hl[0]
    node = hn[0]
    size -= 1
    if size > 0:
        last_d = hd[size]
        last_l = hl[size]
        last_n = hn[size]
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            if child + 1 < size and _less(hd[child + 1], hl[child + 1], hd[child], hl[child]):
                child += 1
            if _less(hd[child], hl[child], last_d, last_l):
                hd[i] = hd[child]
                hl[i] = hl[child]
                hn[i] = hn[child]
                i = child
            else:
                break
        hd[i] = last_d
        hl[i] = last_l
        hn[i] = last_n
    return d, lab, node, size


# --- kernels ----------------------------------------------------------------------------------


@_jit
def _multi_source_kernel(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    src_nodes: IntArray,
    src_offsets: FloatArray,
    src_ids: IntArray,
) -> tuple[FloatArray, IntArray]:
    """Multi-source Dijkstra with a heap keyed on (distance, label): exact ties, any weights."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    label = np.full(n, -1, dtype=np.int64)
    cap = indices.shape[0] + src_nodes.shape[0] + 1
    hd = np.empty(cap, dtype=np.float64)
    hl = np.empty(cap, dtype=np.int64)
    hn = np.empty(cap, dtype=np.int64)
    size = 0
    for k in range(src_nodes.shape[0]):
        node = src_nodes[k]
        if _less(src_offsets[k], src_ids[k], dist[node], label[node]):
            dist[node] = src_offsets[k]
            label[node] = src_ids[k]
            size = _push(hd, hl, hn, size, src_offsets[k], src_ids[k], node)
    while size > 0:
        d, lab, u, size = _pop(hd, hl, hn, size)
        if d != dist[u] or lab != label[u]:
            continue  # stale entry: u was improved after this push
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if _less(nd, lab, dist[v], label[v]):
                dist[v] = nd
                label[v] = lab
                size = _push(hd, hl, hn, size, nd, lab, v)
    return dist, label


@_jit_inline
def _push_d(hd: FloatArray, hn: IntArray, size: int, d: float, node: int) -> int:
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if d < hd[parent]:
            hd[i] = hd[parent]
            hn[i] = hn[parent]
            i = parent
        else:
            break
    hd[i] = d
    hn[i] = node
    return size + 1


@_jit_inline
def _pop_d(hd: FloatArray, hn: IntArray, size: int) -> int:
    """Remove the top of a distance-only heap (read it first); return the new size."""
    size -= 1
    if size > 0:
        last_d = hd[size]
        last_n = hn[size]
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            if child + 1 < size and hd[child + 1] < hd[child]:
                child += 1
            if hd[child] < last_d:
                hd[i] = hd[child]
                hn[i] = hn[child]
                i = child
            else:
                break
        hd[i] = last_d
        hn[i] = last_n
    return size


@_jit
def _multi_source_positive_kernel(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    src_nodes: IntArray,
    src_offsets: FloatArray,
    src_ids: IntArray,
) -> tuple[FloatArray, IntArray]:
    """Multi-source Dijkstra for strictly positive weights: the heap holds distances only.

    Ties between labels are settled when edges are relaxed, and a node's label is read when it
    is popped.  That is exact when every weight is > 0: a node whose label could still change
    at an equal distance has not been popped yet.  About 10-20 % faster than the general kernel.
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    label = np.full(n, -1, dtype=np.int64)
    cap = indices.shape[0] + src_nodes.shape[0] + 1
    hd = np.empty(cap, dtype=np.float64)
    hn = np.empty(cap, dtype=np.int64)
    size = 0
    for k in range(src_nodes.shape[0]):
        node = src_nodes[k]
        if _less(src_offsets[k], src_ids[k], dist[node], label[node]):
            dist[node] = src_offsets[k]
            label[node] = src_ids[k]
            size = _push_d(hd, hn, size, src_offsets[k], node)
    # The heap operations are written out here: measurably faster than calling helpers.
    while size > 0:
        d = hd[0]
        u = hn[0]
        size -= 1
        if size > 0:
            last_d = hd[size]
            last_n = hn[size]
            i = 0
            while True:
                child = 2 * i + 1
                if child >= size:
                    break
                if child + 1 < size and hd[child + 1] < hd[child]:
                    child += 1
                if hd[child] < last_d:
                    hd[i] = hd[child]
                    hn[i] = hn[child]
                    i = child
                else:
                    break
            hd[i] = last_d
            hn[i] = last_n
        if d != dist[u]:
            continue
        lab = label[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if _less(nd, lab, dist[v], label[v]):
                improved = nd < dist[v]
                dist[v] = nd
                label[v] = lab
                if improved:
                    i = size
                    while i > 0:
                        parent = (i - 1) >> 1
                        if nd < hd[parent]:
                            hd[i] = hd[parent]
                            hn[i] = hn[parent]
                            i = parent
                        else:
                            break
                    hd[i] = nd
                    hn[i] = v
                    size += 1
    return dist, label


@_jit
def _offer(
    t1d: FloatArray,
    t1l: IntArray,
    t2d: FloatArray,
    t2l: IntArray,
    v: int,
    d: float,
    lab: int,
) -> bool:
    """Offer candidate (d, lab) to the tentative top-2 of node v; return True if it entered."""
    if lab == t1l[v]:
        if _less(d, lab, t1d[v], t1l[v]):
            t1d[v] = d
            return True
        return False
    if lab == t2l[v]:
        if not _less(d, lab, t2d[v], t2l[v]):
            return False
        if _less(d, lab, t1d[v], t1l[v]):
            t2d[v] = t1d[v]
            t2l[v] = t1l[v]
            t1d[v] = d
            t1l[v] = lab
        else:
            t2d[v] = d
        return True
    if _less(d, lab, t1d[v], t1l[v]):
        t2d[v] = t1d[v]
        t2l[v] = t1l[v]
        t1d[v] = d
        t1l[v] = lab
        return True
    if _less(d, lab, t2d[v], t2l[v]):
        t2d[v] = d
        t2l[v] = lab
        return True
    return False


@_jit
def _two_label_search(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    d1: FloatArray,
    l1: IntArray,
    d2: FloatArray,
    l2: IntArray,
    count: NDArray[np.int8],
    t1d: FloatArray,
    t1l: IntArray,
    t2d: FloatArray,
    t2l: IntArray,
    hd: FloatArray,
    hl: IntArray,
    hn: IntArray,
    size: int,
) -> None:
    """k=2 label-setting Dijkstra: settle each node at most twice, with distinct labels.

    Nodes with ``count == 2`` on entry are treated as final and never entered (this restricts
    the search to a region in :func:`remove_source`).  The tentative top-2 arrays prune pushes:
    a candidate beaten by two distinct tentative labels at a node can never be in its top-2.
    """
    # Heap operations and the offer to the tentative top-2 are written out by hand: numba runs
    # this loop about twice as fast as with calls to _pop, _push and _offer.
    while size > 0:
        d = hd[0]
        lab = hl[0]
        u = hn[0]
        size -= 1
        if size > 0:
            last_d = hd[size]
            last_l = hl[size]
            last_n = hn[size]
            i = 0
            while True:
                child = 2 * i + 1
                if child >= size:
                    break
                right = child + 1
                if right < size and (
                    hd[right] < hd[child] or (hd[right] == hd[child] and hl[right] < hl[child])
                ):
                    child = right
                if hd[child] < last_d or (hd[child] == last_d and hl[child] < last_l):
                    hd[i] = hd[child]
                    hl[i] = hl[child]
                    hn[i] = hn[child]
                    i = child
                else:
                    break
            hd[i] = last_d
            hl[i] = last_l
            hn[i] = last_n
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
            nd = d + weights[e]
            entered = False  # same logic as _offer
            if lab == t1l[v]:
                if nd < t1d[v]:
                    t1d[v] = nd
                    entered = True
            elif lab == t2l[v]:
                if nd < t2d[v]:
                    if nd < t1d[v] or (nd == t1d[v] and lab < t1l[v]):
                        t2d[v] = t1d[v]
                        t2l[v] = t1l[v]
                        t1d[v] = nd
                        t1l[v] = lab
                    else:
                        t2d[v] = nd
                    entered = True
            elif nd < t1d[v] or (nd == t1d[v] and lab < t1l[v]):
                t2d[v] = t1d[v]
                t2l[v] = t1l[v]
                t1d[v] = nd
                t1l[v] = lab
                entered = True
            elif nd < t2d[v] or (nd == t2d[v] and lab < t2l[v]):
                t2d[v] = nd
                t2l[v] = lab
                entered = True
            if entered:
                i = size
                while i > 0:
                    parent = (i - 1) >> 1
                    if nd < hd[parent] or (nd == hd[parent] and lab < hl[parent]):
                        hd[i] = hd[parent]
                        hl[i] = hl[parent]
                        hn[i] = hn[parent]
                        i = parent
                    else:
                        break
                hd[i] = nd
                hl[i] = lab
                hn[i] = v
                size += 1


@_jit
def _two_nearest_kernel(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    src_nodes: IntArray,
    src_offsets: FloatArray,
    src_ids: IntArray,
) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    n = indptr.shape[0] - 1
    d1 = np.full(n, np.inf)
    l1 = np.full(n, -1, dtype=np.int64)
    d2 = np.full(n, np.inf)
    l2 = np.full(n, -1, dtype=np.int64)
    t1d = np.full(n, np.inf)
    t1l = np.full(n, -1, dtype=np.int64)
    t2d = np.full(n, np.inf)
    t2l = np.full(n, -1, dtype=np.int64)
    count = np.zeros(n, dtype=np.int8)
    cap = 2 * indices.shape[0] + src_nodes.shape[0] + 1
    hd = np.empty(cap, dtype=np.float64)
    hl = np.empty(cap, dtype=np.int64)
    hn = np.empty(cap, dtype=np.int64)
    size = 0
    for k in range(src_nodes.shape[0]):
        node = src_nodes[k]
        if _offer(t1d, t1l, t2d, t2l, node, src_offsets[k], src_ids[k]):
            size = _push(hd, hl, hn, size, src_offsets[k], src_ids[k], node)
    _two_label_search(
        indptr, indices, weights, d1, l1, d2, l2, count, t1d, t1l, t2d, t2l, hd, hl, hn, size
    )
    return d1, l1, d2, l2


@_jit
def _add_source_kernel(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    d1: FloatArray,
    l1: IntArray,
    d2: FloatArray,
    l2: IntArray,
    node: int,
    offset: float,
    source_id: int,
    copy: bool,
) -> tuple[FloatArray, IntArray, FloatArray, IntArray, int]:
    if copy:
        n1, m1, n2, m2 = d1.copy(), l1.copy(), d2.copy(), l2.copy()
    else:  # the caller hands over fresh arrays (move = remove + add)
        n1, m1, n2, m2 = d1, l1, d2, l2
    # The new source's tentative distances live in the top-2 arrays themselves (an entry it
    # takes there only gets better), so no O(n) scratch array is needed: the work is the copy
    # plus the part of the network where the new source enters the top-2.
    cap = indices.shape[0] + 2
    hd = np.empty(cap, dtype=np.float64)
    hn = np.empty(cap, dtype=np.int64)
    size = 0
    touched = 0
    if _offer(n1, m1, n2, m2, node, offset, source_id):
        size = _push_d(hd, hn, size, offset, node)
    sid = source_id
    # Heap operations and the offer written out by hand (about 1.5x faster under numba).
    while size > 0:
        d = hd[0]
        u = hn[0]
        size -= 1
        if size > 0:
            last_d = hd[size]
            last_n = hn[size]
            i = 0
            while True:
                child = 2 * i + 1
                if child >= size:
                    break
                if child + 1 < size and hd[child + 1] < hd[child]:
                    child += 1
                if hd[child] < last_d:
                    hd[i] = hd[child]
                    hn[i] = hn[child]
                    i = child
                else:
                    break
            hd[i] = last_d
            hn[i] = last_n
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
            v = indices[e]
            nd = d + weights[e]
            entered = False  # same logic as _offer(n1, m1, n2, m2, v, nd, sid)
            if m1[v] == sid:
                if nd < n1[v]:
                    n1[v] = nd
                    entered = True
            elif m2[v] == sid:
                if nd < n2[v]:
                    if nd < n1[v] or (nd == n1[v] and sid < m1[v]):
                        n2[v] = n1[v]
                        m2[v] = m1[v]
                        n1[v] = nd
                        m1[v] = sid
                    else:
                        n2[v] = nd
                    entered = True
            elif nd < n1[v] or (nd == n1[v] and sid < m1[v]):
                n2[v] = n1[v]
                m2[v] = m1[v]
                n1[v] = nd
                m1[v] = sid
                entered = True
            elif nd < n2[v] or (nd == n2[v] and sid < m2[v]):
                n2[v] = nd
                m2[v] = sid
                entered = True
            if entered:
                i = size
                while i > 0:
                    parent = (i - 1) >> 1
                    if nd < hd[parent]:
                        hd[i] = hd[parent]
                        hn[i] = hn[parent]
                        i = parent
                    else:
                        break
                hd[i] = nd
                hn[i] = v
                size += 1
    return n1, m1, n2, m2, touched


@_jit
def _remove_source_kernel(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    t_indptr: IntArray,
    t_indices: IntArray,
    t_weights: FloatArray,
    d1: FloatArray,
    l1: IntArray,
    d2: FloatArray,
    l2: IntArray,
    removed_id: int,
    src_nodes: IntArray,
    src_offsets: FloatArray,
    src_ids: IntArray,
) -> tuple[FloatArray, IntArray, FloatArray, IntArray, int]:
    n = d1.shape[0]
    n1 = np.empty_like(d1)
    m1 = np.empty_like(l1)
    n2 = np.empty_like(d2)
    m2 = np.empty_like(l2)
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
        return n1, m1, n2, m2, 0
    # In the region the nearest source is already known: the old second where the removed
    # source was first, the old first elsewhere.  Only the second is searched for, so every
    # affected node is settled once (count 1 = first known); nodes left with no source at all
    # are final (count 2).
    t1d = np.empty(n, dtype=np.float64)
    t1l = np.empty(n, dtype=np.int64)
    t2d = np.empty(n, dtype=np.float64)
    t2l = np.empty(n, dtype=np.int64)
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
        out_edges += indptr[v + 1] - indptr[v]
    cap = 2 * in_edges + out_edges + src_nodes.shape[0] + 1
    hd = np.empty(cap, dtype=np.float64)
    hl = np.empty(cap, dtype=np.int64)
    hn = np.empty(cap, dtype=np.int64)
    size = 0
    # Seeds 1: sources located in the region (candidates for its nodes' second).
    for k in range(src_nodes.shape[0]):
        node = src_nodes[k]
        if (
            src_ids[k] != removed_id
            and count[node] == 1
            and _offer(t1d, t1l, t2d, t2l, node, src_offsets[k], src_ids[k])
        ):
            size = _push(hd, hl, hn, size, src_offsets[k], src_ids[k], node)
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
            if a >= 0 and a != first and _offer(t1d, t1l, t2d, t2l, v, n1[u] + w, a):
                size = _push(hd, hl, hn, size, n1[u] + w, a, v)
            b = m2[u]
            if (
                count[u] == 2
                and b >= 0
                and b != first
                and _offer(t1d, t1l, t2d, t2l, v, n2[u] + w, b)
            ):
                size = _push(hd, hl, hn, size, n2[u] + w, b, v)
    _two_label_search(
        indptr, indices, weights, n1, m1, n2, m2, count, t1d, t1l, t2d, t2l, hd, hl, hn, size
    )
    return n1, m1, n2, m2, n_aff


@_jit_inline
def _push_d4(hd: FloatArray, hn: IntArray, size: int, d: float, node: int) -> int:
    """Push onto a 4-ary distance-only heap (the nearest-only updates use 4-ary heaps)."""
    i = size
    while i > 0:
        parent = (i - 1) >> 2
        if d < hd[parent]:
            hd[i] = hd[parent]
            hn[i] = hn[parent]
            i = parent
        else:
            break
    hd[i] = d
    hn[i] = node
    return size + 1


@_jit
def _grow_heap_d(hd: FloatArray, hn: IntArray) -> tuple[FloatArray, IntArray]:
    """Double the capacity of a distance-only heap."""
    m = hd.shape[0]
    new_d = np.empty(2 * m, dtype=np.float64)
    new_n = np.empty(2 * m, dtype=np.int64)
    new_d[:m] = hd
    new_n[:m] = hn
    return new_d, new_n


# The nearest-only updates search *in place*: on copies made by the wrappers
# (:func:`nearest_add_source` ...), or on the working arrays of a :class:`NearestWorkspace`,
# which records the first write to every node in an undo log (``use_log``) so that it can be
# restored in time proportional to the nodes changed.  Their heaps start small and grow: only
# the frontier of the (local) search lives in them.  The heaps are 4-ary (children
# 4i+1..4i+4): about 10-20 % faster than binary here, with half as many levels to sift through.


@_jit_inline
def _log_write(
    v: int,
    dist: FloatArray,
    label: IntArray,
    logged: BoolArray,
    log_n: IntArray,
    log_d: FloatArray,
    log_l: IntArray,
    n_log: int,
) -> int:
    """Record node ``v``'s value before its first write since the last restore.

    A node is logged at most once, so logs of the node count never overflow.
    """
    if logged[v]:
        return n_log
    logged[v] = True
    log_n[n_log] = v
    log_d[n_log] = dist[v]
    log_l[n_log] = label[v]
    return n_log + 1


@_jit
def _restore_kernel(
    dist: FloatArray,
    label: IntArray,
    logged: BoolArray,
    log_n: IntArray,
    log_d: FloatArray,
    log_l: IntArray,
    n_log: int,
) -> None:
    """Undo every logged write (each node is logged once, at its first write)."""
    for k in range(n_log):
        v = log_n[k]
        dist[v] = log_d[k]
        label[v] = log_l[k]
        logged[v] = False


@_jit
def _copy_and_check(
    dist: FloatArray, label: IntArray, sid: int, out_d: FloatArray, out_l: IntArray
) -> bool:
    """Copy the state into the outputs and tell whether ``sid`` is already a label, in one pass."""
    clash = False
    for v in range(dist.shape[0]):
        a = label[v]
        out_d[v] = dist[v]
        out_l[v] = a
        clash |= a == sid
    return clash


@_jit
def _nearest_add_search(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    dist: FloatArray,
    label: IntArray,
    node: int,
    offset: float,
    sid: int,
    logged: BoolArray,
    log_n: IntArray,
    log_d: FloatArray,
    log_l: IntArray,
    n_log: int,
    use_log: bool,
) -> int:
    """Nearest-only add, in place: a Dijkstra from the new source, pruned where it does not win.

    One label propagates, so the heap holds distances only; a popped entry is stale unless
    the node still carries ``(d, sid)``.  Returns the length of the undo log.
    """
    hd = np.empty(1024, dtype=np.float64)
    hn = np.empty(1024, dtype=np.int64)
    size = 0
    if _less(offset, sid, dist[node], label[node]):
        if use_log:
            n_log = _log_write(node, dist, label, logged, log_n, log_d, log_l, n_log)
        dist[node] = offset
        label[node] = sid
        size = _push_d4(hd, hn, size, offset, node)
    # Heap operations written out by hand (numba runs them faster than helper calls).
    while size > 0:
        d = hd[0]
        u = hn[0]
        size -= 1
        if size > 0:
            last_d = hd[size]
            last_n = hn[size]
            i = 0
            while True:
                child = 4 * i + 1
                if child >= size:
                    break
                best = child
                best_d = hd[child]
                for c in range(child + 1, min(child + 4, size)):
                    if hd[c] < best_d:
                        best_d = hd[c]
                        best = c
                if best_d < last_d:
                    hd[i] = best_d
                    hn[i] = hn[best]
                    i = best
                else:
                    break
            hd[i] = last_d
            hn[i] = last_n
        if label[u] != sid or dist[u] != d:
            continue  # stale: improved after this push
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd < dist[v] or (nd == dist[v] and sid < label[v]):
                if use_log:
                    n_log = _log_write(v, dist, label, logged, log_n, log_d, log_l, n_log)
                dist[v] = nd
                label[v] = sid
                if size == hd.shape[0]:
                    hd, hn = _grow_heap_d(hd, hn)
                i = size
                while i > 0:
                    parent = (i - 1) >> 2
                    if nd < hd[parent]:
                        hd[i] = hd[parent]
                        hn[i] = hn[parent]
                        i = parent
                    else:
                        break
                hd[i] = nd
                hn[i] = v
                size += 1
    return n_log


@_jit
def _copy_and_reset(
    dist: FloatArray,
    label: IntArray,
    removed_id: int,
    out_d: FloatArray,
    out_l: IntArray,
    affected: IntArray,
) -> int:
    """Copy the state into the outputs, resetting the nodes labelled ``removed_id`` (listed in
    ``affected``), in one pass; returns their number."""
    n_aff = 0
    for v in range(dist.shape[0]):
        a = label[v]
        if a == removed_id:
            out_d[v] = np.inf
            out_l[v] = -1
            affected[n_aff] = v
            n_aff += 1
        else:
            out_d[v] = dist[v]
            out_l[v] = a
    return n_aff


@_jit
def _reset_logged(
    dist: FloatArray,
    label: IntArray,
    removed_id: int,
    candidates_a: IntArray,
    candidates_b: IntArray,
    affected: IntArray,
    logged: BoolArray,
    log_n: IntArray,
    log_d: FloatArray,
    log_l: IntArray,
    n_log: int,
) -> tuple[int, int]:
    """Reset, in place and logged, the candidates labelled ``removed_id`` (listed in
    ``affected``); a node listed twice is reset once (its label is -1 the second time)."""
    n_aff = 0
    for k in range(candidates_a.shape[0] + candidates_b.shape[0]):
        na = candidates_a.shape[0]
        v = candidates_a[k] if k < na else candidates_b[k - na]
        if label[v] == removed_id:
            n_log = _log_write(v, dist, label, logged, log_n, log_d, log_l, n_log)
            dist[v] = np.inf
            label[v] = -1
            affected[n_aff] = v
            n_aff += 1
    return n_aff, n_log


@_jit
def _nearest_reseed_search(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    t_indptr: IntArray,
    t_indices: IntArray,
    t_weights: FloatArray,
    dist: FloatArray,
    label: IntArray,
    removed_id: int,
    affected: IntArray,
    n_aff: int,
    src_nodes: IntArray,
    src_offsets: FloatArray,
    src_ids: IntArray,
    new_node: int,
    new_offset: float,
    logged: BoolArray,
    log_n: IntArray,
    log_d: FloatArray,
    log_l: IntArray,
    n_log: int,
    use_log: bool,
) -> int:
    """Nearest-only remove, and move when ``new_node >= 0`` (the source reappears there), in
    place, once the region (the nodes ``removed_id`` was nearest to, listed in ``affected``)
    has been reset.

    Every other node keeps its (final) label.  The region is seeded from its in-neighbours
    outside it, from the other sources located in it and, for a move, from the source at its
    new place; then one Dijkstra relaxes strict (distance, label) improvements only.  Outside
    nodes never improve, except where the moved source now wins, so the search stays in the
    region plus, for a move, the part of the network the moved source takes over.  Returns
    the length of the undo log.
    """
    hd = np.empty(1024, dtype=np.float64)
    hn = np.empty(1024, dtype=np.int64)
    size = 0
    # Seeds 1: over every edge u -> v into the region, the (final) nearest of u outside it.
    for k in range(n_aff):
        v = affected[k]
        for e in range(t_indptr[v], t_indptr[v + 1]):
            u = t_indices[e]
            lab = label[u]
            if lab < 0:
                continue  # u is in the region (reset) or reached by no source
            nd = dist[u] + t_weights[e]
            if _less(nd, lab, dist[v], label[v]):
                dist[v] = nd  # v is in the region: logged by the reset
                label[v] = lab
                if size == hd.shape[0]:
                    hd, hn = _grow_heap_d(hd, hn)
                size = _push_d4(hd, hn, size, nd, v)
    # Seeds 2: the other sources (only those inside the region can improve a node); seed 3
    # (move): the source at its new place, under its old id.
    for k in range(src_nodes.shape[0] + 1):
        if k < src_nodes.shape[0]:
            lab, v, start = src_ids[k], src_nodes[k], src_offsets[k]
            if lab == removed_id:
                continue
        elif new_node >= 0:
            lab, v, start = removed_id, new_node, new_offset
        else:
            break
        if _less(start, lab, dist[v], label[v]):
            if use_log:
                n_log = _log_write(v, dist, label, logged, log_n, log_d, log_l, n_log)
            dist[v] = start
            label[v] = lab
            if size == hd.shape[0]:
                hd, hn = _grow_heap_d(hd, hn)
            size = _push_d4(hd, hn, size, start, v)
    # The heap holds distances only and a node's label is read when it is popped; a node is
    # pushed again whenever its (distance, label) improves, also at an equal distance, so a
    # label that improves after its node was popped (over a zero-weight edge) still spreads.
    # Heap operations written out by hand (numba runs them faster than helper calls).
    while size > 0:
        d = hd[0]
        u = hn[0]
        size -= 1
        if size > 0:
            last_d = hd[size]
            last_n = hn[size]
            i = 0
            while True:
                child = 4 * i + 1
                if child >= size:
                    break
                best = child
                best_d = hd[child]
                for c in range(child + 1, min(child + 4, size)):
                    if hd[c] < best_d:
                        best_d = hd[c]
                        best = c
                if best_d < last_d:
                    hd[i] = best_d
                    hn[i] = hn[best]
                    i = best
                else:
                    break
            hd[i] = last_d
            hn[i] = last_n
        if d != dist[u]:
            continue  # stale: improved after this push
        lab = label[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd < dist[v] or (nd == dist[v] and lab < label[v]):
                if use_log:
                    n_log = _log_write(v, dist, label, logged, log_n, log_d, log_l, n_log)
                dist[v] = nd
                label[v] = lab
                if size == hd.shape[0]:
                    hd, hn = _grow_heap_d(hd, hn)
                i = size
                while i > 0:
                    parent = (i - 1) >> 2
                    if nd < hd[parent]:
                        hd[i] = hd[parent]
                        hn[i] = hn[parent]
                        i = parent
                    else:
                        break
                hd[i] = nd
                hn[i] = v
                size += 1
    return n_log


@_jit
def _bounded_kernel(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    node: int,
    offset: float,
    limit: float,
) -> tuple[IntArray, FloatArray]:
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    done = np.zeros(n, dtype=np.bool_)
    out_nodes = np.empty(n, dtype=np.int64)
    out_dist = np.empty(n, dtype=np.float64)
    count = 0
    cap = indices.shape[0] + 2
    hd = np.empty(cap, dtype=np.float64)
    hn = np.empty(cap, dtype=np.int64)
    size = 0
    if offset <= limit:
        dist[node] = offset
        size = _push_d(hd, hn, size, offset, node)
    while size > 0:
        d = hd[0]
        u = hn[0]
        size = _pop_d(hd, hn, size)
        if done[u]:
            continue
        done[u] = True
        out_nodes[count] = u
        out_dist[count] = d
        count += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd <= limit and nd < dist[v]:
                dist[v] = nd
                size = _push_d(hd, hn, size, nd, v)
    return out_nodes[:count].copy(), out_dist[:count].copy()


# --- public wrappers --------------------------------------------------------------------------


def _graph(
    indptr: ArrayLike, indices: ArrayLike, weights: ArrayLike
) -> tuple[IntArray, IntArray, FloatArray]:
    p = np.ascontiguousarray(indptr, dtype=np.int64)
    i = np.ascontiguousarray(indices, dtype=np.int64)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if p.ndim != 1 or p.shape[0] < 1 or i.shape != w.shape or p[-1] != i.shape[0]:
        raise ValueError("indptr/indices/weights do not form a CSR graph")
    return p, i, w


def _sources(
    n: int, nodes: ArrayLike, offsets: ArrayLike, ids: ArrayLike | None
) -> tuple[IntArray, FloatArray, IntArray]:
    src_nodes = np.ascontiguousarray(nodes, dtype=np.int64).reshape(-1)
    src_offsets = np.ascontiguousarray(offsets, dtype=np.float64).reshape(-1)
    if src_offsets.shape != src_nodes.shape:
        raise ValueError("source_nodes and source_offsets_s differ in length")
    if ids is None:
        src_ids = np.arange(src_nodes.shape[0], dtype=np.int64)
    else:
        src_ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        if src_ids.shape != src_nodes.shape:
            raise ValueError("source_ids and source_nodes differ in length")
        if src_ids.size and (src_ids.min() < 0 or np.unique(src_ids).size != src_ids.size):
            raise ValueError("source_ids must be distinct and non-negative")
    if src_nodes.size and (src_nodes.min() < 0 or src_nodes.max() >= n):
        raise ValueError("a source node is outside the graph")
    if src_offsets.size and not (src_offsets >= 0).all():
        raise ValueError("source offsets must be >= 0")
    return src_nodes, src_offsets, src_ids


def multi_source(
    indptr: ArrayLike,
    indices: ArrayLike,
    weights: ArrayLike,
    source_nodes: ArrayLike,
    source_offsets_s: ArrayLike,
    source_ids: ArrayLike | None = None,
) -> tuple[FloatArray, IntArray]:
    """Multi-source Dijkstra: the nearest source of every node.

    Parameters
    ----------
    indptr, indices, weights
        The graph (CSR, weights in seconds).
    source_nodes
        Node of each source; several sources may share a node.
    source_offsets_s
        Start time of each source (its access leg), seconds.
    source_ids
        Label of each source (distinct, >= 0); defaults to the position in ``source_nodes``.
        Ties are won by the lower id.

    Returns
    -------
    dist : ndarray of float64
        Time from the nearest source, ``inf`` where no source reaches.
    label : ndarray of int64
        Id of the nearest source, ``-1`` where none reaches.

    Examples
    --------
    A path 0 - 1 - 2 with 10 s edges, sources at nodes 0 (offset 0) and 2 (offset 5):

    >>> indptr, indices = [0, 1, 3, 4], [1, 0, 2, 1]
    >>> dist, label = multi_source(indptr, indices, [10.0] * 4, [0, 2], [0.0, 5.0])
    >>> dist.tolist(), label.tolist()
    ([0.0, 10.0, 5.0], [0, 0, 1])
    """
    p, i, w = _graph(indptr, indices, weights)
    nodes, offsets, ids = _sources(p.shape[0] - 1, source_nodes, source_offsets_s, source_ids)
    smallest = float(w.min()) if w.size else 1.0
    if smallest > 0:
        return _multi_source_positive_kernel(p, i, w, nodes, offsets, ids)
    if smallest < 0 or np.isnan(smallest):
        raise ValueError("edge weights must be >= 0")
    return _multi_source_kernel(p, i, w, nodes, offsets, ids)


def two_nearest(
    indptr: ArrayLike,
    indices: ArrayLike,
    weights: ArrayLike,
    source_nodes: ArrayLike,
    source_offsets_s: ArrayLike,
    source_ids: ArrayLike | None = None,
) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    """Nearest and second-nearest *distinct* source of every node (k=2 label-setting Dijkstra).

    Parameters are those of :func:`multi_source`.  Sources sharing a node (a co-located hub)
    stay distinct: the second-nearest of that node is the other source, at its own offset.

    Returns
    -------
    dist1, label1, dist2, label2
        As :func:`multi_source`, for the nearest and the second-nearest source.

    Examples
    --------
    >>> indptr, indices = [0, 1, 3, 4], [1, 0, 2, 1]
    >>> d1, l1, d2, l2 = two_nearest(indptr, indices, [10.0] * 4, [0, 2], [0.0, 5.0])
    >>> l1.tolist(), d2.tolist(), l2.tolist()
    ([0, 0, 1], [25.0, 15.0, 20.0], [1, 1, 0])
    """
    p, i, w = _graph(indptr, indices, weights)
    nodes, offsets, ids = _sources(p.shape[0] - 1, source_nodes, source_offsets_s, source_ids)
    return _two_nearest_kernel(p, i, w, nodes, offsets, ids)


TopTwo = tuple[FloatArray, IntArray, FloatArray, IntArray]


def _top_two(state: TopTwo) -> TopTwo:
    d1, l1, d2, l2 = state
    return (
        np.ascontiguousarray(d1, dtype=np.float64),
        np.ascontiguousarray(l1, dtype=np.int64),
        np.ascontiguousarray(d2, dtype=np.float64),
        np.ascontiguousarray(l2, dtype=np.int64),
    )


def add_source(
    indptr: ArrayLike,
    indices: ArrayLike,
    weights: ArrayLike,
    state: TopTwo,
    node: int,
    offset_s: float,
    source_id: int,
) -> TopTwo:
    """Return the top-2 state after adding one source (the inputs are not modified).

    A Dijkstra from the new source, pruned at nodes where it does not enter the top-2: that is
    exact, because if the source is not in the top-2 of ``u``, two distinct sources beat it at
    every node reached through ``u``.

    Parameters
    ----------
    indptr, indices, weights
        The search graph (the same one ``state`` was computed on).
    state
        ``(dist1, label1, dist2, label2)`` from :func:`two_nearest` or a previous update.
    node, offset_s
        Node and start offset of the new source.
    source_id
        Its label: must not already be a label in ``state``.

    Examples
    --------
    >>> indptr, indices, w = [0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4
    >>> state = two_nearest(indptr, indices, w, [0], [0.0])
    >>> new = add_source(indptr, indices, w, state, 2, 0.0, 1)
    >>> [a.tolist() for a in new] == [a.tolist() for a in two_nearest(
    ...     indptr, indices, w, [0, 2], [0.0, 0.0])]
    True
    """
    p, i, w = _graph(indptr, indices, weights)
    d1, l1, d2, l2 = _top_two(state)
    if not 0 <= int(node) < p.shape[0] - 1:
        raise ValueError("the new source's node is outside the graph")
    if int(source_id) < 0 or bool((l1 == source_id).any() or (l2 == source_id).any()):
        raise ValueError("source_id must be a new, non-negative label")
    n1, m1, n2, m2, _touched = _add_source_kernel(
        p, i, w, d1, l1, d2, l2, int(node), float(offset_s), int(source_id), True
    )
    return n1, m1, n2, m2


def remove_source(
    graph: tuple[ArrayLike, ArrayLike, ArrayLike],
    transpose: tuple[ArrayLike, ArrayLike, ArrayLike],
    state: TopTwo,
    removed_id: int,
    source_nodes: ArrayLike,
    source_offsets_s: ArrayLike,
    source_ids: ArrayLike,
) -> TopTwo:
    """Return the top-2 state after removing one source (the inputs are not modified).

    Only nodes whose first or second label was the removed source change.  Their top-2 is
    recomputed by a k=2 search restricted to that region, seeded from the unchanged top-2 of
    nodes across the region's boundary and from the sources located inside it.

    Parameters
    ----------
    graph
        ``(indptr, indices, weights)`` of the search graph.
    transpose
        The same graph with every edge reversed (to find the predecessors of a node).
    state
        ``(dist1, label1, dist2, label2)`` before the removal.
    removed_id
        Label of the removed source.
    source_nodes, source_offsets_s, source_ids
        The sources (the removed one may be included; it is skipped).

    Examples
    --------
    >>> g = ([0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4)
    >>> state = two_nearest(*g, [0, 2], [0.0, 0.0])
    >>> new = remove_source(g, g, state, 1, [0], [0.0], [0])
    >>> new[0].tolist(), new[3].tolist()
    ([0.0, 10.0, 20.0], [-1, -1, -1])
    """
    p, i, w = _graph(*graph)
    tp, ti, tw = _graph(*transpose)
    if tp.shape != p.shape or ti.shape != i.shape:
        raise ValueError("transpose does not match graph")
    d1, l1, d2, l2 = _top_two(state)
    nodes, offsets, ids = _sources(p.shape[0] - 1, source_nodes, source_offsets_s, source_ids)
    n1, m1, n2, m2, _affected = _remove_source_kernel(
        p, i, w, tp, ti, tw, d1, l1, d2, l2, int(removed_id), nodes, offsets, ids
    )
    return n1, m1, n2, m2


def move_source(
    graph: tuple[ArrayLike, ArrayLike, ArrayLike],
    transpose: tuple[ArrayLike, ArrayLike, ArrayLike],
    state: TopTwo,
    source_id: int,
    new_node: int,
    new_offset_s: float,
    source_nodes: ArrayLike,
    source_offsets_s: ArrayLike,
    source_ids: ArrayLike,
) -> TopTwo:
    """Return the top-2 state after moving a source: :func:`remove_source` then :func:`add_source`.

    ``source_nodes`` ... describe the sources *before* the move (the moved one may be included,
    it is skipped during the removal).  The moved source keeps its id.

    Examples
    --------
    >>> g = ([0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4)
    >>> state = two_nearest(*g, [0], [0.0])
    >>> moved = move_source(g, g, state, 0, 2, 0.0, [0], [0.0], [0])
    >>> moved[0].tolist()
    [20.0, 10.0, 0.0]
    """
    d1, l1, d2, l2 = remove_source(
        graph, transpose, state, source_id, source_nodes, source_offsets_s, source_ids
    )
    p, i, w = _graph(*graph)
    if not 0 <= int(new_node) < p.shape[0] - 1:
        raise ValueError("the new source's node is outside the graph")
    # remove_source returned fresh arrays: update them in place instead of copying again
    n1, m1, n2, m2, _touched = _add_source_kernel(
        p, i, w, d1, l1, d2, l2, int(new_node), float(new_offset_s), int(source_id), False
    )
    return n1, m1, n2, m2


def _nearest_state(dist: ArrayLike, label: ArrayLike, n: int) -> tuple[FloatArray, IntArray]:
    d = np.ascontiguousarray(dist, dtype=np.float64)
    lab = np.ascontiguousarray(label, dtype=np.int64)
    if d.shape != (n,) or lab.shape != (n,):
        raise ValueError("dist and label must hold one value per node of the graph")
    return d, lab


def nearest_add_source(
    indptr: ArrayLike,
    indices: ArrayLike,
    weights: ArrayLike,
    dist: ArrayLike,
    label: ArrayLike,
    node: int,
    offset_s: float,
    source_id: int,
) -> tuple[FloatArray, IntArray]:
    """Return the nearest source of every node after adding one (the inputs are not modified).

    A Dijkstra from the new source, pruned at nodes where it does not win (ties: the lower id
    wins): exact, because the winner at such a node also beats the new source at every node
    reached through it.  The work is one copy of the arrays plus the part of the network the
    new source takes over.

    Parameters
    ----------
    indptr, indices, weights
        The search graph (the one ``dist`` and ``label`` were computed on).
    dist, label
        The nearest source of every node, from :func:`multi_source` or a previous update.
    node, offset_s
        Node and start offset of the new source.
    source_id
        Its label: distinct from every other source's id (checked against ``label``).

    Returns
    -------
    dist, label
        As :func:`multi_source` on the sources plus the new one.

    Examples
    --------
    >>> indptr, indices, w = [0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4
    >>> dist, label = multi_source(indptr, indices, w, [0], [0.0])
    >>> dist, label = nearest_add_source(indptr, indices, w, dist, label, 2, 5.0, 1)
    >>> dist.tolist(), label.tolist()
    ([0.0, 10.0, 5.0], [0, 0, 1])
    """
    p, i, w = _graph(indptr, indices, weights)
    d, lab = _nearest_state(dist, label, p.shape[0] - 1)
    if not 0 <= int(node) < p.shape[0] - 1:
        raise ValueError("the new source's node is outside the graph")
    if int(source_id) < 0 or not float(offset_s) >= 0:
        raise ValueError("source_id must be >= 0 and offset_s >= 0")
    out_d = np.empty_like(d)
    out_l = np.empty_like(lab)
    if _copy_and_check(d, lab, int(source_id), out_d, out_l):
        raise ValueError("source_id must be a new label (it is already in label)")
    _nearest_add_search(
        p, i, w, out_d, out_l, int(node), float(offset_s), int(source_id), *_no_log(), False
    )
    return out_d, out_l


def nearest_remove_source(
    graph: tuple[ArrayLike, ArrayLike, ArrayLike],
    transpose: tuple[ArrayLike, ArrayLike, ArrayLike],
    dist: ArrayLike,
    label: ArrayLike,
    removed_id: int,
    source_nodes: ArrayLike,
    source_offsets_s: ArrayLike,
    source_ids: ArrayLike,
) -> tuple[FloatArray, IntArray]:
    """Return the nearest source of every node after removing one (the inputs are not modified).

    Only the nodes labelled ``removed_id`` change.  They are reset and searched again by a
    Dijkstra restricted to them, seeded from their in-neighbours outside the region (whose
    labels are final) and from the other sources located inside it.

    Parameters
    ----------
    graph
        ``(indptr, indices, weights)`` of the search graph.
    transpose
        The same graph with every edge reversed (to find the in-neighbours of a node).
    dist, label
        The nearest source of every node before the removal.
    removed_id
        Label of the removed source.
    source_nodes, source_offsets_s, source_ids
        The sources (the removed one may be included: it is skipped).

    Returns
    -------
    dist, label
        As :func:`multi_source` on the remaining sources.

    Examples
    --------
    >>> g = ([0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4)
    >>> dist, label = multi_source(*g, [0, 2], [0.0, 0.0])
    >>> dist, label = nearest_remove_source(g, g, dist, label, 1, [0, 2], [0.0, 0.0], [0, 1])
    >>> dist.tolist(), label.tolist()
    ([0.0, 10.0, 20.0], [0, 0, 0])
    """
    return _nearest_remove_or_move(
        graph, transpose, dist, label, removed_id, source_nodes, source_offsets_s, source_ids
    )


def nearest_move_source(
    graph: tuple[ArrayLike, ArrayLike, ArrayLike],
    transpose: tuple[ArrayLike, ArrayLike, ArrayLike],
    dist: ArrayLike,
    label: ArrayLike,
    source_id: int,
    new_node: int,
    new_offset_s: float,
    source_nodes: ArrayLike,
    source_offsets_s: ArrayLike,
    source_ids: ArrayLike,
) -> tuple[FloatArray, IntArray]:
    """Return the nearest source of every node after moving one (the inputs are not modified).

    One fused search: the region of the moved source is reset and seeded as in
    :func:`nearest_remove_source`, and the source, under the same id, is seeded at its new
    place as in :func:`nearest_add_source`.

    Parameters
    ----------
    graph, transpose, dist, label
        As :func:`nearest_remove_source`.
    source_id
        Label of the moved source; it keeps it.
    new_node, new_offset_s
        Its new node and access leg.
    source_nodes, source_offsets_s, source_ids
        The sources *before* the move (the moved one may be included: it is skipped).

    Returns
    -------
    dist, label
        As :func:`multi_source` on the sources after the move.

    Examples
    --------
    >>> g = ([0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4)
    >>> dist, label = multi_source(*g, [0, 2], [0.0, 0.0])
    >>> dist, label = nearest_move_source(g, g, dist, label, 1, 1, 2.0, [0, 2], [0.0, 0.0], [0, 1])
    >>> dist.tolist(), label.tolist()
    ([0.0, 2.0, 12.0], [0, 1, 1])
    """
    p = np.ascontiguousarray(graph[0], dtype=np.int64)
    if not 0 <= int(new_node) < p.shape[0] - 1:
        raise ValueError("the new source's node is outside the graph")
    if not float(new_offset_s) >= 0:
        raise ValueError("new_offset_s must be >= 0")
    return _nearest_remove_or_move(
        graph,
        transpose,
        dist,
        label,
        source_id,
        source_nodes,
        source_offsets_s,
        source_ids,
        int(new_node),
        float(new_offset_s),
    )


def _nearest_remove_or_move(
    graph: tuple[ArrayLike, ArrayLike, ArrayLike],
    transpose: tuple[ArrayLike, ArrayLike, ArrayLike],
    dist: ArrayLike,
    label: ArrayLike,
    removed_id: int,
    source_nodes: ArrayLike,
    source_offsets_s: ArrayLike,
    source_ids: ArrayLike,
    new_node: int = -1,
    new_offset_s: float = 0.0,
) -> tuple[FloatArray, IntArray]:
    p, i, w = _graph(*graph)
    tp, ti, tw = _graph(*transpose)
    if tp.shape != p.shape or ti.shape != i.shape:
        raise ValueError("transpose does not match graph")
    d, lab = _nearest_state(dist, label, p.shape[0] - 1)
    nodes, offsets, ids = _sources(p.shape[0] - 1, source_nodes, source_offsets_s, source_ids)
    if int(removed_id) < 0:
        raise ValueError("removed_id must be >= 0")
    out_d = np.empty_like(d)
    out_l = np.empty_like(lab)
    affected = np.empty(d.shape[0], dtype=np.int64)
    n_aff = _copy_and_reset(d, lab, int(removed_id), out_d, out_l, affected)
    _nearest_reseed_search(
        p,
        i,
        w,
        tp,
        ti,
        tw,
        out_d,
        out_l,
        int(removed_id),
        affected,
        n_aff,
        nodes,
        offsets,
        ids,
        new_node,
        new_offset_s,
        *_no_log(),
        False,
    )
    return out_d, out_l


def _no_log() -> tuple[BoolArray, IntArray, FloatArray, IntArray, int]:
    """Placeholders for the undo log of an update that does not keep one."""
    return (
        np.zeros(1, dtype=np.bool_),
        np.zeros(1, dtype=np.int64),
        np.zeros(1, dtype=np.float64),
        np.zeros(1, dtype=np.int64),
        0,
    )


class NearestWorkspace:
    """A nearest-source state that is updated in place and restored in O(changes).

    The copy-returning updates (:func:`nearest_add_source` ...) copy both arrays of the node
    count on every call.  A workspace copies them once; each update then touches only the
    nodes whose nearest source changes, records their previous values in an undo log, and
    :meth:`restore` puts them back.  That suits a series of what-if questions asked of one
    state: "what if this service moved there?", read the answer (:attr:`dist`,
    :attr:`label`, :meth:`changed`), restore, ask the next.  Updates may also be chained
    before a restore.  Not thread-safe: give every thread its own workspace.

    Parameters
    ----------
    graph, transpose
        ``(indptr, indices, weights)`` of the search graph and of its reverse.
    dist, label
        The nearest source of every node (from :func:`multi_source`), for these sources.
    source_nodes, source_offsets_s, source_ids
        The sources.

    Examples
    --------
    >>> g = ([0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4)
    >>> dist, label = multi_source(*g, [0, 2], [0.0, 0.0])
    >>> ws = NearestWorkspace(g, g, dist, label, [0, 2], [0.0, 0.0], [0, 1])
    >>> ws.move(1, 1, 2.0)
    >>> ws.dist.tolist(), ws.label.tolist()
    ([0.0, 2.0, 12.0], [0, 1, 1])
    >>> ws.changed().tolist()
    [2, 1]
    >>> ws.restore()
    >>> ws.dist.tolist(), ws.label.tolist()
    ([0.0, 10.0, 0.0], [0, 0, 1])
    """

    def __init__(
        self,
        graph: tuple[ArrayLike, ArrayLike, ArrayLike],
        transpose: tuple[ArrayLike, ArrayLike, ArrayLike],
        dist: ArrayLike,
        label: ArrayLike,
        source_nodes: ArrayLike,
        source_offsets_s: ArrayLike,
        source_ids: ArrayLike,
    ) -> None:
        g, t = _graph(*graph), _graph(*transpose)
        n = g[0].shape[0] - 1
        if t[0].shape != g[0].shape or t[1].shape != g[1].shape:
            raise ValueError("transpose does not match graph")
        d, lab = _nearest_state(dist, label, n)
        nodes, offsets, ids = _sources(n, source_nodes, source_offsets_s, source_ids)
        # Node ids, edge offsets and labels are kept as int32 when they fit: less memory to
        # move per node visited (about 10 % faster on a county network).
        # (The kernels are compiled for both widths; ``IntArray`` stands for either here.)
        largest_id = max(int(lab.max(initial=0)), int(ids.max(initial=0)))
        small = max(g[1].shape[0], n, largest_id + 1) < 2**31 - 1
        self._int: type[np.signedinteger[Any]] = np.int32 if small else np.int64

        def narrow(a: IntArray) -> IntArray:
            return cast(IntArray, a.astype(self._int))

        self._graph = (narrow(g[0]), narrow(g[1]), g[2])
        self._transpose = (narrow(t[0]), narrow(t[1]), t[2])
        self._dist = d.copy()
        self._label = narrow(lab)
        self._base_sources = {
            int(k): (int(v), float(o)) for k, v, o in zip(ids, nodes, offsets, strict=True)
        }
        self._sources = dict(self._base_sources)
        # The nodes of every baseline label, grouped: the region of a removal is found
        # without scanning all nodes.
        self._by_label = narrow(np.argsort(lab, kind="stable"))
        self._sorted_labels = lab[self._by_label]
        self._logged = np.zeros(n, dtype=np.bool_)
        self._log_n = cast(IntArray, np.empty(n, dtype=self._int))  # a node is logged once
        self._log_d = np.empty(n, dtype=np.float64)
        self._log_l = cast(IntArray, np.empty(n, dtype=self._int))
        self._n_log = 0

    @property
    def dist(self) -> FloatArray:
        """Distance of every node to its nearest source (a read-only view)."""
        view = self._dist.view()
        view.flags.writeable = False
        return view

    @property
    def label(self) -> NDArray[np.integer[Any]]:
        """Id of every node's nearest source, -1 for none (a read-only view; int32 when the
        graph and the ids fit)."""
        view = self._label.view()
        view.flags.writeable = False
        return view

    def changed(self) -> IntArray:
        """Return the nodes written since the last :meth:`restore` (each once)."""
        return self._log_n[: self._n_log].astype(np.int64)

    def _check_node(self, node: int, offset_s: float) -> None:
        if not 0 <= int(node) < self._dist.shape[0]:
            raise ValueError("the source's node is outside the graph")
        if not float(offset_s) >= 0:
            raise ValueError("offset_s must be >= 0")

    def add(self, source_id: int, node: int, offset_s: float) -> None:
        """Add a source with a new id at ``node`` (start offset ``offset_s``)."""
        self._check_node(node, offset_s)
        if not 0 <= int(source_id) < np.iinfo(self._int).max or int(source_id) in self._sources:
            raise ValueError("source_id must be >= 0 and not the id of a current source")
        self._n_log = _nearest_add_search(
            *self._graph,
            self._dist,
            self._label,
            int(node),
            float(offset_s),
            int(source_id),
            self._logged,
            self._log_n,
            self._log_d,
            self._log_l,
            self._n_log,
            True,
        )
        self._sources[int(source_id)] = (int(node), float(offset_s))

    def remove(self, source_id: int) -> None:
        """Remove the source ``source_id``."""
        self._remove_or_move(int(source_id), -1, 0.0)
        del self._sources[int(source_id)]

    def move(self, source_id: int, node: int, offset_s: float) -> None:
        """Move the source ``source_id`` to ``node`` (start offset ``offset_s``), keeping its id."""
        self._check_node(node, offset_s)
        self._remove_or_move(int(source_id), int(node), float(offset_s))
        self._sources[int(source_id)] = (int(node), float(offset_s))

    def _remove_or_move(self, source_id: int, new_node: int, new_offset_s: float) -> None:
        if source_id not in self._sources:
            raise ValueError(f"{source_id} is not the id of a current source")
        lo, hi = np.searchsorted(self._sorted_labels, [source_id, source_id + 1])
        baseline_region = self._by_label[lo:hi]
        touched = self._log_n[: self._n_log].copy()  # may have taken nodes over since
        affected = np.empty(baseline_region.shape[0] + touched.shape[0], dtype=np.int64)
        n_aff, self._n_log = _reset_logged(
            self._dist,
            self._label,
            source_id,
            baseline_region,
            touched,
            affected,
            self._logged,
            self._log_n,
            self._log_d,
            self._log_l,
            self._n_log,
        )
        ids = np.fromiter(self._sources, dtype=np.int64, count=len(self._sources))
        nodes = np.array([self._sources[int(k)][0] for k in ids], dtype=np.int64)
        offsets = np.array([self._sources[int(k)][1] for k in ids], dtype=np.float64)
        self._n_log = _nearest_reseed_search(
            *self._graph,
            *self._transpose,
            self._dist,
            self._label,
            source_id,
            affected,
            n_aff,
            nodes,
            offsets,
            ids,
            new_node,
            new_offset_s,
            self._logged,
            self._log_n,
            self._log_d,
            self._log_l,
            self._n_log,
            True,
        )

    def restore(self) -> None:
        """Undo every update since the last restore (work proportional to the nodes changed)."""
        _restore_kernel(
            self._dist,
            self._label,
            self._logged,
            self._log_n,
            self._log_d,
            self._log_l,
            self._n_log,
        )
        self._n_log = 0
        self._sources = dict(self._base_sources)


def bounded_from(
    indptr: ArrayLike,
    indices: ArrayLike,
    weights: ArrayLike,
    node: int,
    offset_s: float,
    limit_s: float,
) -> tuple[IntArray, FloatArray]:
    """Single-source Dijkstra from ``node`` (starting at ``offset_s``), stopping at ``limit_s``.

    Returns
    -------
    nodes : ndarray of int64
        Nodes reached within the limit, in order of increasing time.
    dist : ndarray of float64
        Their times, seconds (``offset_s`` included).

    Examples
    --------
    >>> bounded_from([0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4, 0, 2.0, 15.0)
    (array([0, 1]), array([ 2., 12.]))
    """
    p, i, w = _graph(indptr, indices, weights)
    if not 0 <= int(node) < p.shape[0] - 1:
        raise ValueError("node is outside the graph")
    return _bounded_kernel(p, i, w, int(node), float(offset_s), float(limit_s))
