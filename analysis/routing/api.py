"""The public routing functions: from-scratch searches, top-2 updates and bounded search.

They check and convert their inputs (see :func:`_graph`, :func:`_sources`) and call the
kernels of :mod:`analysis.routing.kernels_nearest` and :mod:`analysis.routing.kernels_top2`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from analysis.routing import kernels_nearest, kernels_top2
from analysis.routing.jit import FloatArray, Graph, IntArray, Sources, TopTwoState


def _graph(indptr: ArrayLike, indices: ArrayLike, weights: ArrayLike) -> Graph:
    p = np.ascontiguousarray(indptr, dtype=np.int64)
    i = np.ascontiguousarray(indices, dtype=np.int64)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if p.ndim != 1 or p.shape[0] < 1 or i.shape != w.shape or p[-1] != i.shape[0]:
        raise ValueError("indptr/indices/weights do not form a CSR graph")
    return p, i, w


def _graph_pair(
    graph: tuple[ArrayLike, ArrayLike, ArrayLike], transpose: tuple[ArrayLike, ArrayLike, ArrayLike]
) -> tuple[Graph, Graph]:
    """A graph and its transpose, checked to match."""
    g, t = _graph(*graph), _graph(*transpose)
    if t[0].shape != g[0].shape or t[1].shape != g[1].shape:
        raise ValueError("transpose does not match graph")
    return g, t


def _check_node(graph: Graph, node: int) -> None:
    if not 0 <= int(node) < graph[0].shape[0] - 1:
        raise ValueError("the new source's node is outside the graph")


def _sources(n: int, nodes: ArrayLike, offsets: ArrayLike, ids: ArrayLike | None) -> Sources:
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
    g = _graph(indptr, indices, weights)
    sources = _sources(g[0].shape[0] - 1, source_nodes, source_offsets_s, source_ids)
    smallest = float(g[2].min()) if g[2].size else 1.0
    if smallest > 0:
        return kernels_nearest.multi_source_positive(g, sources)
    if smallest < 0 or np.isnan(smallest):
        raise ValueError("edge weights must be >= 0")
    return kernels_nearest.multi_source_keyed(g, sources)


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
    g = _graph(indptr, indices, weights)
    sources = _sources(g[0].shape[0] - 1, source_nodes, source_offsets_s, source_ids)
    return kernels_top2.two_nearest(g, sources)


#: ``(dist1, label1, dist2, label2)``, the state of :func:`two_nearest` and its updates.
TopTwo = TopTwoState


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
    g = _graph(indptr, indices, weights)
    top = _top_two(state)
    _check_node(g, node)
    if int(source_id) < 0 or bool((top[1] == source_id).any() or (top[3] == source_id).any()):
        raise ValueError("source_id must be a new, non-negative label")
    new, _touched = kernels_top2.add_source(
        g, top, int(node), float(offset_s), int(source_id), True
    )
    return new


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
    g, t = _graph_pair(graph, transpose)
    top = _top_two(state)
    sources = _sources(g[0].shape[0] - 1, source_nodes, source_offsets_s, source_ids)
    new, _affected = kernels_top2.remove_source(g, t, top, int(removed_id), sources)
    return new


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
    removed = remove_source(
        graph, transpose, state, source_id, source_nodes, source_offsets_s, source_ids
    )
    g = _graph(*graph)
    _check_node(g, new_node)
    # remove_source returned fresh arrays: update them in place instead of copying again
    new, _touched = kernels_top2.add_source(
        g, removed, int(new_node), float(new_offset_s), int(source_id), False
    )
    return new


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
    g = _graph(indptr, indices, weights)
    if not 0 <= int(node) < g[0].shape[0] - 1:
        raise ValueError("node is outside the graph")
    return kernels_nearest.bounded(g, int(node), float(offset_s), float(limit_s))
