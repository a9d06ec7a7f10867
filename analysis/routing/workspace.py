"""Nearest-only updates: copy-returning functions and :class:`NearestWorkspace` (in place).

They check and convert their inputs and call the in-place searches of
:mod:`analysis.routing.kernels_nearest`, on copies of the state or on the arrays a workspace
owns (with an undo log).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analysis.routing import kernels_nearest
from analysis.routing.api import _check_node, _graph, _graph_pair, _sources
from analysis.routing.jit import FloatArray, IntArray, NearestState, UndoLog


def _nearest_state(dist: ArrayLike, label: ArrayLike, n: int) -> NearestState:
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
        The nearest source of every node, from :func:`~analysis.routing.multi_source` or a
        previous update.
    node, offset_s
        Node and start offset of the new source.
    source_id
        Its label: distinct from every other source's id (checked against ``label``).

    Returns
    -------
    dist, label
        As :func:`~analysis.routing.multi_source` on the sources plus the new one.

    Examples
    --------
    >>> from analysis.routing import multi_source
    >>> indptr, indices, w = [0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4
    >>> dist, label = multi_source(indptr, indices, w, [0], [0.0])
    >>> dist, label = nearest_add_source(indptr, indices, w, dist, label, 2, 5.0, 1)
    >>> dist.tolist(), label.tolist()
    ([0.0, 10.0, 5.0], [0, 0, 1])
    """
    g = _graph(indptr, indices, weights)
    state = _nearest_state(dist, label, g[0].shape[0] - 1)
    _check_node(g, node)
    if int(source_id) < 0 or not float(offset_s) >= 0:
        raise ValueError("source_id must be >= 0 and offset_s >= 0")
    out = (np.empty_like(state[0]), np.empty_like(state[1]))
    if kernels_nearest.copy_and_check(state, int(source_id), out):
        raise ValueError("source_id must be a new label (it is already in label)")
    sid = int(source_id)
    log = kernels_nearest.no_log()
    kernels_nearest.nearest_add(g, out, int(node), float(offset_s), sid, log, 0, False)
    return out


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
        As :func:`~analysis.routing.multi_source` on the remaining sources.

    Examples
    --------
    >>> from analysis.routing import multi_source
    >>> g = ([0, 1, 3, 4], [1, 0, 2, 1], [10.0] * 4)
    >>> dist, label = multi_source(*g, [0, 2], [0.0, 0.0])
    >>> dist, label = nearest_remove_source(g, g, dist, label, 1, [0, 2], [0.0, 0.0], [0, 1])
    >>> dist.tolist(), label.tolist()
    ([0.0, 10.0, 20.0], [0, 0, 0])
    """
    sources = (source_nodes, source_offsets_s, source_ids)
    return _nearest_remove_or_move(graph, transpose, dist, label, removed_id, sources)


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
        As :func:`~analysis.routing.multi_source` on the sources after the move.

    Examples
    --------
    >>> from analysis.routing import multi_source
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
    sources = (source_nodes, source_offsets_s, source_ids)
    moved_to = (int(new_node), float(new_offset_s))
    return _nearest_remove_or_move(graph, transpose, dist, label, source_id, sources, moved_to)


def _nearest_remove_or_move(
    graph: tuple[ArrayLike, ArrayLike, ArrayLike],
    transpose: tuple[ArrayLike, ArrayLike, ArrayLike],
    dist: ArrayLike,
    label: ArrayLike,
    removed_id: int,
    sources: tuple[ArrayLike, ArrayLike, ArrayLike],
    moved_to: tuple[int, float] = (-1, 0.0),
) -> tuple[FloatArray, IntArray]:
    """Remove source ``removed_id``, or move it to ``moved_to`` (node, offset) when given."""
    g, t = _graph_pair(graph, transpose)
    n = g[0].shape[0] - 1
    state = _nearest_state(dist, label, n)
    checked = _sources(n, *sources)
    if int(removed_id) < 0:
        raise ValueError("removed_id must be >= 0")
    out = (np.empty_like(state[0]), np.empty_like(state[1]))
    affected = np.empty(n, dtype=np.int64)
    n_aff = kernels_nearest.copy_and_reset(state, int(removed_id), out, affected)
    log = kernels_nearest.no_log()
    removed = int(removed_id)
    kernels_nearest.nearest_reseed(
        g, t, out, removed, affected, n_aff, checked, *moved_to, log, 0, False
    )
    return out


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
        The nearest source of every node (from :func:`~analysis.routing.multi_source`), for
        these sources.
    source_nodes, source_offsets_s, source_ids
        The sources.

    Examples
    --------
    >>> from analysis.routing import multi_source
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
        g, t = _graph_pair(graph, transpose)
        n = g[0].shape[0] - 1
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
        self._log_n = cast(IntArray, np.empty(n, dtype=self._int))  # a node is logged once
        self._log: UndoLog = (
            np.zeros(n, dtype=np.bool_),
            self._log_n,
            np.empty(n, dtype=np.float64),
            cast(IntArray, np.empty(n, dtype=self._int)),
        )
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
        state, sid = (self._dist, self._label), int(source_id)
        self._n_log = kernels_nearest.nearest_add(
            self._graph, state, int(node), float(offset_s), sid, self._log, self._n_log, True
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
        state = (self._dist, self._label)
        n_aff, self._n_log = kernels_nearest.reset_logged(
            state, source_id, baseline_region, touched, affected, self._log, self._n_log
        )
        ids = np.fromiter(self._sources, dtype=np.int64, count=len(self._sources))
        nodes = np.array([self._sources[int(k)][0] for k in ids], dtype=np.int64)
        offsets = np.array([self._sources[int(k)][1] for k in ids], dtype=np.float64)
        self._n_log = kernels_nearest.nearest_reseed(
            self._graph,
            self._transpose,
            state,
            source_id,
            affected,
            n_aff,
            (nodes, offsets, ids),
            new_node,
            new_offset_s,
            self._log,
            self._n_log,
            True,
        )

    def restore(self) -> None:
        """Undo every update since the last restore (work proportional to the nodes changed)."""
        kernels_nearest.restore((self._dist, self._label), self._log, self._n_log)
        self._n_log = 0
        self._sources = dict(self._base_sources)
