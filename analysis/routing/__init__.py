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
skip the O(edges) check to stay fast).

The package
-----------
Every kernel is built from the same few helpers, which numba inlines
(``@njit(inline="always")``, :func:`analysis.routing.jit.jit_inline`), so each kernel runs the
code it would have written out by hand, at the same speed (``benchmarks/README.md``, issue 12):

* :mod:`~analysis.routing.heap`: one heap (push; pop with its sift-down) on parallel arrays,
  binary or 4-ary, ordered by distance or by ``(distance, label)``, chosen by constants at the
  call site; ties pop in the order of the hand-written heaps it replaced;
* :mod:`~analysis.routing.relax`: the label updates (a node's nearest source, logged for undo
  when asked; a node's tentative top-2), the relaxation of one candidate, and the one search
  loop of every nearest-source kernel, its variant given by a *kind* (``KEYED``, ``POSITIVE``,
  ``LOCAL``);
* :mod:`~analysis.routing.kernels_nearest` and :mod:`~analysis.routing.kernels_top2`: the
  kernels, which differ in their seeds, their stale-entry test and those constants;
* :mod:`~analysis.routing.api` and :mod:`~analysis.routing.workspace`: the public functions
  and :class:`NearestWorkspace`, which check their inputs and call the kernels.

Helpers follow the rules in :mod:`analysis.routing.jit` (where numba would otherwise count
references at every call, up to 80 % slower).  numba caches each compiled kernel on disk
(``__pycache__``) but checks only the kernel's own file for changes, not the files of the
helpers inlined into it: after editing ``heap.py``, ``relax.py`` or ``jit.py``, delete
``analysis/routing/__pycache__`` (numba issue #1833), or the kernels keep the old helpers.
"""

from analysis.routing.api import (
    TopTwo,
    add_source,
    bounded_from,
    move_source,
    multi_source,
    remove_source,
    two_nearest,
)
from analysis.routing.jit import BoolArray, FloatArray, IntArray
from analysis.routing.workspace import (
    NearestWorkspace,
    nearest_add_source,
    nearest_move_source,
    nearest_remove_source,
)

__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "NearestWorkspace",
    "TopTwo",
    "add_source",
    "bounded_from",
    "move_source",
    "multi_source",
    "nearest_add_source",
    "nearest_move_source",
    "nearest_remove_source",
    "remove_source",
    "two_nearest",
]
