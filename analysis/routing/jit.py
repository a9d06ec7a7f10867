"""The numba decorators and the array types of the routing kernels.

Inlined helpers (:func:`jit_inline`) follow three rules, each measured on the county graph of
``benchmarks/bench_routing.py`` (a kernel built from helpers that broke one ran 15-80 %
slower than the same kernel written out by hand):

* numba counts a reference to every array (or tuple of arrays) a helper receives and releases
  it after the helper's last use of it; LLVM removes that counting only when the last use is in
  the one block every path through the helper ends in.  Where it depends on a branch (a push
  only when a label improves, an early return), two atomic operations per array stay at every
  call.  So a helper has a single ``return`` at its end, and one that uses an array on some
  paths only ends with :func:`keep` of it.  Branches on arguments that are constants at the
  call site (a heap's ``keyed``) do not count: LLVM folds them first.
* A helper is not called inside another helper's inner loop with a tuple of arrays (the
  heap's sift loops write their entries out; the top-2 arrays go to
  :func:`analysis.routing.relax.offer` one by one): that costs 10-15 %.
* A keyed binary heap compares its two children directly: the general loop over a node's
  children compiles about 10 % slower there (for a distance-only binary heap, the loop is
  the faster, by about as much).

numba's on-disk cache checks each kernel's own file only, not the files of the helpers inlined
into it (numba issue #1833): after editing ``heap.py``, ``relax.py`` or this file, delete
``analysis/routing/__pycache__``, or the kernels keep running the old helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
#: A graph in CSR form: ``(indptr, indices, weights)``.
Graph = tuple[IntArray, IntArray, FloatArray]
#: Sources: ``(nodes, start offsets, ids)``.
Sources = tuple[IntArray, FloatArray, IntArray]
#: The nearest source of every node: ``(dist, label)``.
NearestState = tuple[FloatArray, IntArray]
#: The nearest and second-nearest distinct source of every node: ``(dist1, label1, dist2,
#: label2)``; also the tentative top-2 of a search.
TopTwoState = tuple[FloatArray, IntArray, FloatArray, IntArray]
#: The undo log of an in-place update: ``(logged, nodes, dists, labels)`` (see ``relax.log_write``).
UndoLog = tuple[BoolArray, IntArray, FloatArray, IntArray]
#: A heap: distances, labels and nodes of its entries (see :mod:`analysis.routing.heap`).
Heap = tuple[FloatArray, IntArray, IntArray]

_F = TypeVar("_F", bound=Callable[..., Any])


def jit(func: _F) -> _F:
    """Compile ``func`` with numba (``njit``, cached on disk) keeping its type for mypy."""
    return cast(_F, numba.njit(cache=True)(func))


def jit_inline(func: _F) -> _F:
    """Like :func:`jit`, inlined into its callers by numba (the heap, relaxations and searches).

    numba inlines the function's typed IR into every kernel that calls it, so a call costs
    nothing and arguments that are constants at the call site (a heap's arity, whether it is
    keyed on labels) fold away: each kernel gets the code it would have written out by hand.
    """
    return cast(_F, numba.njit(cache=True, inline="always")(func))


@jit_inline
def keep(values: Any) -> None:
    """Use ``values`` (an array or a tuple of arrays) here, doing nothing: see the module
    docstring."""
