"""The label updates, relaxations and the nearest-source search loop (inlined by numba).

Two kinds of state are updated:

* *nearest*: ``state = (dist, label)``, one entry per node (:func:`analysis.routing.multi_source`
  and its updates).  :func:`relax_nearest` offers a candidate to a node and
  :func:`settle_nearest` runs a Dijkstra until its heap is empty; both may record every node's
  first write in an undo log (:func:`log_write`, for :class:`analysis.routing.NearestWorkspace`).
  A search's *kind* ``(shift, keyed, push_ties, grows)`` gives its heap
  (:mod:`analysis.routing.heap`), whether a node is pushed again when only its label improves
  and whether the heap may need to grow (:data:`KEYED`, :data:`POSITIVE`, :data:`LOCAL`).
* *top-2*: ``t1d, t1l, t2d, t2l``, the tentative nearest and second-nearest distinct labels
  of every node (:func:`offer`, :func:`relax_top2`), for
  :func:`analysis.routing.two_nearest` and its updates.
"""

from __future__ import annotations

from analysis.routing.heap import BINARY, FOUR_ARY, before, heap_grow, heap_pop, heap_push
from analysis.routing.jit import (
    FloatArray,
    Heap,
    IntArray,
    NearestState,
    UndoLog,
    jit_inline,
    keep,
)

#: A nearest-source search: ``(heap shift, heap keyed on labels, push on label-only gains,
#: heap grows)``.
Kind = tuple[int, bool, bool, bool]
#: Multi-source search with any weights >= 0: the heap is ordered by (distance, label).  Its
#: heap is allocated for every push (one per source and edge at most).
KEYED: Kind = (BINARY, True, True, False)
#: Multi-source search with weights > 0: distance-only heap, labels settled at relaxation.  A
#: node whose label could still change at an equal distance has not been popped yet.
POSITIVE: Kind = (BINARY, False, False, False)
#: The local searches of the in-place updates: 4-ary distance-only heap, starting small; a
#: node is pushed again when only its label improves, so that a label that improves after its
#: node was popped (over a zero-weight edge) still spreads.
LOCAL: Kind = (FOUR_ARY, False, True, True)


@jit_inline
def log_write(v: int, dist: FloatArray, label: IntArray, log: UndoLog, n_log: int) -> int:
    """Record node ``v``'s value before its first write since the last restore.

    ``log`` is ``(logged, nodes, dists, labels)``; a node is logged at most once, so logs of
    the node count never overflow.  Returns the new length of the log.
    """
    logged, log_n, log_d, log_l = log
    if not logged[v]:
        logged[v] = True
        log_n[n_log] = v
        log_d[n_log] = dist[v]
        log_l[n_log] = label[v]
        n_log += 1
    keep((logged, log_n, log_d, log_l, dist, label))
    return n_log


@jit_inline
def relax_nearest(
    v: int,
    nd: float,
    lab: int,
    heap: Heap,
    size: int,
    state: NearestState,
    kind: Kind,
    log: UndoLog,
    n_log: int,
    use_log: bool,
) -> tuple[int, int]:
    """Give node ``v`` the candidate ``(nd, lab)`` if it comes first; return size and n_log.

    The node is pushed (the heap must have room) when its distance drops or, when the kind
    pushes ties, when only its label improves.
    """
    dist, label = state
    shift, keyed, push_ties, _ = kind
    if before(nd, lab, dist[v], label[v]):
        push = push_ties or nd < dist[v]
        if use_log:
            n_log = log_write(v, dist, label, log, n_log)
        dist[v] = nd
        label[v] = lab
        if push:
            size = heap_push(heap, size, nd, lab, v, shift, keyed)
    keep((dist, label, heap, log))
    return size, n_log


@jit_inline
def settle_nearest(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray,
    state: NearestState,
    heap: Heap,
    size: int,
    kind: Kind,
    log: UndoLog,
    n_log: int,
    use_log: bool,
) -> int:
    """Run a nearest-source Dijkstra from the seeded heap until it is empty; return n_log.

    A popped entry is stale unless its node still has that distance (and, keyed, that label);
    a node's label is read when it is popped, and its out-edges are relaxed with
    :func:`relax_nearest`.  A growing heap grows when a node's out-edges might not fit.
    """
    dist, label = state
    shift, keyed, _, grows = kind
    while size > 0:
        d, lab, u, size = heap_pop(heap, size, shift, keyed)
        if d != dist[u] or (keyed and lab != label[u]):
            continue  # stale: u was improved after this push
        lab = label[u]
        start, end = indptr[u], indptr[u + 1]
        if grows and size + end - start > heap[0].shape[0]:
            heap = heap_grow(heap, size + end - start, keyed)
        for e in range(start, end):
            v = indices[e]
            nd = d + weights[e]
            size, n_log = relax_nearest(v, nd, lab, heap, size, state, kind, log, n_log, use_log)
    return n_log


@jit_inline
def offer(
    t1d: FloatArray, t1l: IntArray, t2d: FloatArray, t2l: IntArray, v: int, d: float, lab: int
) -> bool:
    """Offer candidate ``(d, lab)`` to the tentative top-2 of node ``v``; True if it entered."""
    entered = False
    if lab == t1l[v]:
        if d < t1d[v]:
            t1d[v] = d
            entered = True
    elif lab == t2l[v] and not d < t2d[v]:
        pass  # its own second place is no worse
    elif before(d, lab, t1d[v], t1l[v]):
        t2d[v] = t1d[v]
        t2l[v] = t1l[v]
        t1d[v] = d
        t1l[v] = lab
        entered = True
    elif lab == t2l[v] or before(d, lab, t2d[v], t2l[v]):
        t2d[v] = d
        t2l[v] = lab
        entered = True
    keep((t1d, t1l, t2d, t2l))
    return entered


@jit_inline
def relax_top2(
    t1d: FloatArray,
    t1l: IntArray,
    t2d: FloatArray,
    t2l: IntArray,
    v: int,
    d: float,
    lab: int,
    heap: Heap,
    size: int,
    keyed: bool,
) -> int:
    """:func:`offer` ``(d, lab)`` to node ``v`` and push it (binary heap) if it entered."""
    if offer(t1d, t1l, t2d, t2l, v, d, lab):
        size = heap_push(heap, size, d, lab, v, BINARY, keyed)
    keep(heap)
    return size
