"""The one heap of every routing kernel (inlined by numba).

A heap is a tuple of three parallel arrays (:data:`analysis.routing.jit.Heap`): distances
``hd``, labels ``hl`` and nodes ``hn`` of its entries, of which the first ``size`` are in use.
Two arguments, constants at every call site so that they fold away once the helpers are
inlined, choose its kind:

``shift``
    log2 of the arity: :data:`BINARY` (children ``2i+1, 2i+2``) or :data:`FOUR_ARY` (children
    ``4i+1 .. 4i+4``; half as many levels, about 10-20 % faster for the local searches of the
    nearest-only updates).
``keyed``
    ``True``: entries are ordered by ``(distance, label)`` (:func:`before`); ``False``: by
    distance only, and ``hl`` is never read or written (:func:`new_heap` leaves it empty).

Of entries that compare equal, a parent moves down only when a child is strictly smaller, and
of equal children the first wins: the order of the hand-written heaps these helpers replaced,
so the kernels pop the same sequence as before, ties included.
"""

from __future__ import annotations

import numpy as np

from analysis.routing.jit import Heap, jit, jit_inline

#: ``shift`` of a binary heap.
BINARY = 1
#: ``shift`` of a 4-ary heap.
FOUR_ARY = 2


@jit_inline
def before(d1: float, l1: int, d2: float, l2: int) -> bool:
    """Whether ``(d1, l1)`` comes first: the shorter distance, of equal ones the lower label."""
    return d1 < d2 or (d1 == d2 and l1 < l2)


@jit_inline
def new_heap(capacity: int, keyed: bool) -> Heap:
    """An empty heap with room for ``capacity`` entries (labels only if ``keyed``)."""
    return (
        np.empty(capacity, dtype=np.float64),
        np.empty(capacity if keyed else 0, dtype=np.int64),
        np.empty(capacity, dtype=np.int64),
    )


@jit_inline
def heap_push(heap: Heap, size: int, d: float, lab: int, node: int, shift: int, keyed: bool) -> int:
    """Add the entry ``(d, lab, node)``; return the new size (the capacity must allow it)."""
    hd, hl, hn = heap
    i = size
    while i > 0:
        parent = (i - 1) >> shift
        parent_d = hd[parent]
        if d < parent_d or (keyed and d == parent_d and lab < hl[parent]):
            hd[i] = parent_d
            if keyed:
                hl[i] = hl[parent]
            hn[i] = hn[parent]
            i = parent
        else:
            break
    hd[i] = d
    if keyed:
        hl[i] = lab
    hn[i] = node
    return size + 1


@jit_inline
def heap_pop(heap: Heap, size: int, shift: int, keyed: bool) -> tuple[float, int, int, int]:
    """Remove the first entry; return its distance, label (-1 if not keyed), node, new size.

    The last entry sifts down from the root.  When the heap empties, that entry is the first
    one, written back in place: no branch around the loop (see :mod:`analysis.routing.jit`).
    """
    hd, hl, hn = heap
    d = hd[0]
    lab = hl[0] if keyed else -1
    node = hn[0]
    size -= 1
    last_d = hd[size]
    last_l = hl[size] if keyed else -1
    last_n = hn[size]
    i = 0
    while True:
        first = (i << shift) + 1
        if first >= size:
            break
        best = first
        if shift == BINARY and keyed:  # see analysis.routing.jit: faster than the loop here
            right = first + 1
            if right < size and (
                hd[right] < hd[first]
                or (keyed and hd[right] == hd[first] and hl[right] < hl[first])
            ):
                best = right
            best_d = hd[best]
            best_l = hl[best] if keyed else -1
        else:
            best_d = hd[first]
            best_l = hl[first] if keyed else -1
            for c in range(first + 1, min(first + (1 << shift), size)):
                child_d = hd[c]
                if child_d < best_d or (keyed and child_d == best_d and hl[c] < best_l):
                    best = c
                    best_d = child_d
                    if keyed:
                        best_l = hl[c]
        if not (best_d < last_d or (keyed and best_d == last_d and best_l < last_l)):
            break
        hd[i] = best_d
        if keyed:
            hl[i] = best_l
        hn[i] = hn[best]
        i = best
    hd[i] = last_d
    if keyed:
        hl[i] = last_l
    hn[i] = last_n
    return d, lab, node, size


@jit
def heap_grow(heap: Heap, needed: int, keyed: bool) -> Heap:
    """Return the heap in arrays of at least ``needed`` entries (doubling), its entries kept."""
    hd, hl, hn = heap
    m = hd.shape[0]
    grown = new_heap(max(2 * m, needed), keyed)
    grown[0][:m] = hd
    if keyed:
        grown[1][:m] = hl
    grown[2][:m] = hn
    return grown
