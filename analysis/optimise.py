"""Where to put co-located service hubs ("servicepunkter"), and which closures hurt most.

The functions here take plain arrays (a travel-time matrix from populated cells to candidate
sites, demand per cell) so that they do not depend on how the times were routed.

Problems
--------
:func:`maximal_covering`
    Choose ``k`` candidate sites maximising the demand within ``T`` minutes of a chosen site *or*
    of the existing provision (the maximal covering location problem, MCLP, Church & ReVelle 1974).
:func:`p_median`
    Choose ``k`` sites minimising demand-weighted travel minutes, each cell using its nearest
    chosen site or the existing provision, whichever is nearer (Hakimi 1964).
:func:`closure_vulnerability`
    For each existing service, the residents who would end up beyond ``T`` if it closed.

Solvers
-------
Both location problems are solved exactly as mixed-integer programmes with HiGHS (``highspy``),
warm-started with a heuristic solution, or by the heuristic alone (``method="heuristic"``, or
``method="auto"`` on instances too large for the exact model).  The heuristics are the classic
ones: greedy addition followed by best-improvement 1-swap local search (for the p-median this is
the Teitz & Bart (1968) vertex substitution, evaluated in O(n m) per sweep as in Whitaker (1983)).
A time limit stops the exact solver; the result then carries ``optimal=False`` and the gap.

Size reductions (exact, documented on each function): MCLP merges cells with the same set of
covering sites; the p-median keeps, for each cell, only the candidates nearer than its fallback
and of those its ``candidates_per_cell`` nearest, with a lower-bounding placeholder for the rest,
and deepens the lists until the placeholder is never binding (so the optimum is the true one).
When at most :data:`ENUMERATION_MAX_COMBINATIONS` choices of the free sites exist (one or two
free sites), the p-median is solved exactly by evaluating them all.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final, Literal

import highspy
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from analysis import settings
from analysis.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Method = Literal["auto", "exact", "heuristic"]

#: p-median: minutes charged to a cell that no chosen site and no existing provision reaches.
#: Four hours is far above any real trip in a Swedish municipality, so the optimiser gives
#: reaching such cells priority without letting one unreachable cell make the total infinite.
#: Cells that *no candidate* reaches either contribute this constant whatever is chosen.
UNREACHABLE_PENALTY_MIN: Final = 240.0
#: Relative MIP gap at which HiGHS stops; small enough that objectives match other exact solvers.
EXACT_MIP_REL_GAP: Final = 1e-7
#: Default wall-clock limit of one exact solve, seconds.
DEFAULT_TIME_LIMIT_S: Final = 30.0
#: ``method="auto"`` uses the exact MILP when its constraint matrix has at most this many
#: non-zeros (a few seconds for HiGHS on a laptop) and the heuristic otherwise.
AUTO_EXACT_MAX_NONZEROS: Final = 3_000_000
#: p-median: when at most this many site combinations remain open (e.g. one or two free sites
#: among ~90 candidates), the exact answer is found by evaluating them all instead of a MILP.
ENUMERATION_MAX_COMBINATIONS: Final = 5_000
#: p-median: initial number of nearest candidates kept per cell (deepened where needed).
DEFAULT_CANDIDATES_PER_CELL: Final = 40
_EPS: Final = 1e-9


@dataclass(frozen=True)
class HubSolution:
    """The result of a hub-site optimisation.

    Attributes
    ----------
    problem
        ``"mclp"`` or ``"p_median"``.
    sites
        Chosen candidate-site indices (columns of the cost matrix), sorted, locked ones included.
    objective
        MCLP: demand covered (within ``T`` of a chosen site or the existing provision);
        p-median: demand-weighted minutes to the nearest option (unreachable cells charged
        :data:`UNREACHABLE_PENALTY_MIN`).
    covered_weight
        Demand within the threshold (``None`` for a p-median solved without ``threshold_min``).
    weighted_minutes
        Demand-weighted minutes to the nearest chosen site or existing provision, with the
        unreachable penalty (the p-median objective, also reported for MCLP solutions).
    total_weight
        Sum of all demand weights.
    baseline
        The objective with no new site at all (existing provision only).
    served_weight
        Per chosen site (same order as ``sites``): demand whose nearest option is that site, i.e.
        strictly nearer than the existing provision (MCLP: and within ``T``).
    method
        ``"exact"`` (HiGHS MILP) or ``"heuristic"`` (greedy + 1-swap).
    solve_seconds
        Wall-clock seconds, model building included.
    optimal
        Whether the objective is proven optimal.
    gap
        Relative optimality gap: 0 when proven optimal, ``nan`` for a heuristic result, ``inf``
        when the exact solver stopped (time limit) before finding any bound.
    """

    problem: str
    sites: tuple[int, ...]
    objective: float
    covered_weight: float | None
    weighted_minutes: float
    total_weight: float
    baseline: float
    served_weight: tuple[float, ...]
    method: str
    solve_seconds: float
    optimal: bool
    gap: float


# --- Inputs ---------------------------------------------------------------------------------------


def demand_weights(
    population: pd.DataFrame | Sequence[float] | npt.ArrayLike,
    needs_per_cell: npt.ArrayLike | None = None,
    age_weights: Mapping[str, float] | None = None,
    needs_weight: float = 1.0,
) -> FloatArray:
    """Return the demand weight of each cell: residents, optionally age-weighted, plus needs.

    Parameters
    ----------
    population
        Either the population layer (a frame with ``pop_total`` and the age-group columns of
        :data:`analysis.settings.AGE_GROUPS`) or a 1-D array of residents per cell.
    needs_per_cell
        People behind registered needs per cell (``needs.people_count`` summed per cell), added
        on top of the residents.
    age_weights
        Age-group column -> weight, e.g. ``{"pop_80_plus": 2.0}`` to count the oldest twice.
        Groups not named weigh 1.  Needs the frame form of ``population``.
    needs_weight
        Weight of one person behind a registered need.

    Raises
    ------
    ValidationError
        On negative or missing values, an unknown age group or lengths that differ.

    Examples
    --------
    >>> frame = pd.DataFrame({"pop_total": [10, 4], "pop_0_15": [2, 0], "pop_16_64": [5, 1],
    ...                       "pop_65_79": [2, 1], "pop_80_plus": [1, 2]})
    >>> demand_weights(frame).tolist()
    [10.0, 4.0]
    >>> demand_weights(frame, needs_per_cell=[0, 3], age_weights={"pop_80_plus": 2.0}).tolist()
    [11.0, 9.0]
    """
    if isinstance(population, pd.DataFrame):
        if age_weights:
            unknown = sorted(set(age_weights) - set(settings.AGE_GROUPS))
            missing = [c for c in settings.AGE_GROUPS if c not in population.columns]
            if unknown or missing:
                raise ValidationError(
                    f"Unknown age group(s) {unknown} or missing column(s) {missing}; "
                    f"the groups are {', '.join(settings.AGE_GROUPS)}.",
                    f"Okänd åldersgrupp {unknown} eller saknad kolumn {missing}; "
                    f"grupperna heter {', '.join(settings.AGE_GROUPS)}.",
                )
            weights = np.zeros(len(population))
            for column in settings.AGE_GROUPS:
                factor = float(age_weights.get(column, 1.0))
                weights += factor * population[column].to_numpy(dtype=float)
        else:
            if "pop_total" not in population.columns:
                raise ValidationError(
                    "The population frame lacks the column pop_total.",
                    "Befolkningstabellen saknar kolumnen pop_total.",
                )
            weights = population["pop_total"].to_numpy(dtype=float)
    else:
        if age_weights:
            raise ValidationError(
                "Age weights need the population layer with its age-group columns.",
                "Åldersviktning kräver befolkningslagret med åldersgrupperna.",
            )
        weights = np.asarray(population, dtype=float).reshape(-1)
    weights = np.array(weights, dtype=float)
    if needs_per_cell is not None:
        needs = np.asarray(needs_per_cell, dtype=float).reshape(-1)
        if needs.shape != weights.shape:
            raise ValidationError(
                f"needs_per_cell has {needs.size} values for {weights.size} cells.",
                f"Behoven har {needs.size} värden men rutorna är {weights.size}.",
            )
        weights = weights + float(needs_weight) * needs
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValidationError(
            "Demand weights must be finite and non-negative.",
            "Efterfrågevikterna måste vara ändliga och icke-negativa; kontrollera befolkningen.",
        )
    return weights


def _checked(
    cost_min: npt.ArrayLike,
    weights: npt.ArrayLike,
    k: int,
    locked: Sequence[int],
    existing_min: npt.ArrayLike | None,
) -> tuple[FloatArray, FloatArray, tuple[int, ...], FloatArray]:
    cost = np.asarray(cost_min, dtype=float)
    if cost.ndim != 2:
        raise ValidationError(
            f"cost_min must be a 2-D matrix (cells x sites), got {cost.ndim} dimension(s).",
            "Restidsmatrisen måste ha en rad per ruta och en kolumn per plats.",
        )
    n_cells, n_sites = cost.shape
    w = np.asarray(weights, dtype=float).reshape(-1)
    if w.shape != (n_cells,):
        raise ValidationError(
            f"weights has {w.size} values for {n_cells} cells.",
            f"Vikterna har {w.size} värden men rutorna är {n_cells}.",
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValidationError(
            "weights must be finite and non-negative.",
            "Vikterna måste vara ändliga och icke-negativa.",
        )
    if np.isnan(cost).any() or np.any(cost < 0):
        raise ValidationError(
            "cost_min holds NaN or negative minutes; use inf for unreachable pairs.",
            "Restidsmatrisen innehåller saknade eller negativa värden; använd inf för "
            "ej nåbara platser.",
        )
    if existing_min is None:
        existing = np.full(n_cells, np.inf)
    else:
        existing = np.asarray(existing_min, dtype=float).reshape(-1)
        if existing.shape != (n_cells,) or np.isnan(existing).any() or np.any(existing < 0):
            raise ValidationError(
                "existing_min needs one non-negative value (inf when none) per cell.",
                "Restiden till befintlig service behöver ett värde per ruta (inf om ingen).",
            )
    locked_sites = tuple(sorted({int(j) for j in locked}))
    if any(j < 0 or j >= n_sites for j in locked_sites):
        raise ValidationError(
            f"Locked site index out of range 0..{n_sites - 1}: {locked_sites}.",
            "En låst plats finns inte bland kandidaterna.",
        )
    if int(k) != k or k < len(locked_sites) or k > n_sites:
        raise ValidationError(
            f"k must be an integer between {len(locked_sites)} (locked sites) and {n_sites} "
            f"(candidate sites), got {k}.",
            f"Antalet servicepunkter måste vara mellan {len(locked_sites)} och {n_sites}.",
        )
    return cost, w, locked_sites, existing


# --- Shared evaluation ----------------------------------------------------------------------------


def _nearest_chosen(cost: FloatArray, sites: Sequence[int]) -> tuple[FloatArray, IntArray]:
    """Minutes to, and position in ``sites`` of, each cell's nearest chosen site."""
    if not sites:
        return np.full(cost.shape[0], np.inf), np.full(cost.shape[0], -1, dtype=np.int64)
    sub = cost[:, list(sites)]
    position = np.argmin(sub, axis=1).astype(np.int64)
    return sub[np.arange(cost.shape[0]), position], position


def _served(
    best_site_min: FloatArray,
    position: IntArray,
    existing: FloatArray,
    w: FloatArray,
    n_chosen: int,
    threshold_min: float | None,
) -> tuple[float, ...]:
    mask = best_site_min < existing
    if threshold_min is not None:
        mask &= best_site_min <= threshold_min
    served = np.bincount(position[mask], weights=w[mask], minlength=n_chosen)
    return tuple(float(x) for x in served[:n_chosen])


def _summary(
    problem: str,
    cost: FloatArray,
    w: FloatArray,
    existing: FloatArray,
    sites: Sequence[int],
    threshold_min: float | None,
    penalty_min: float,
) -> dict[str, object]:
    sites = sorted(int(j) for j in sites)
    best_site, position = _nearest_chosen(cost, sites)
    best = np.minimum(best_site, existing)
    weighted = float(w @ np.minimum(best, penalty_min))
    covered = None if threshold_min is None else float(w[best <= threshold_min].sum())
    return {
        "problem": problem,
        "sites": tuple(sites),
        "covered_weight": covered,
        "weighted_minutes": weighted,
        "total_weight": float(w.sum()),
        "served_weight": _served(best_site, position, existing, w, len(sites), threshold_min),
    }


def _new_highs(time_limit_s: float, lean: bool = False) -> highspy.Highs:
    """A silent HiGHS with our gap and time limit.

    ``lean`` switches off presolve and the sub-MIP / feasibility-jump heuristics: for the
    p-median model, warm-started with a good heuristic solution, they cost more than they
    bring (measured: 3.5 s instead of 5.7-12 s on a 6 000 x 100 instance, same optimum).
    """
    solver = highspy.Highs()
    solver.silent()
    if lean:
        solver.setOptionValue("presolve", "off")
        solver.setOptionValue("mip_heuristic_run_rins", False)
        solver.setOptionValue("mip_heuristic_run_rens", False)
        solver.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    solver.setOptionValue("time_limit", float(max(time_limit_s, 0.01)))
    solver.setOptionValue("mip_rel_gap", EXACT_MIP_REL_GAP)
    solver.setOptionValue("mip_abs_gap", 1e-9)
    solver.setOptionValue("random_seed", 0)
    return solver


def _add_site_columns(solver: highspy.Highs, n_sites: int, k: int, locked: tuple[int, ...]) -> None:
    """Add binary site columns 0..m-1 (locked ones fixed to 1) and the row sum(x) == k."""
    lower = np.zeros(n_sites)
    lower[list(locked)] = 1.0
    empty_starts = np.zeros(n_sites + 1, dtype=np.int32)
    solver.addCols(
        n_sites,
        np.zeros(n_sites),
        lower,
        np.ones(n_sites),
        0,
        empty_starts,
        np.zeros(0, dtype=np.int32),
        np.zeros(0),
    )
    solver.changeColsIntegrality(
        n_sites,
        np.arange(n_sites, dtype=np.int32),
        np.full(n_sites, int(highspy.HighsVarType.kInteger), dtype=np.uint8),
    )
    solver.addRow(float(k), float(k), n_sites, np.arange(n_sites, dtype=np.int32), np.ones(n_sites))


def _add_csr_rows(
    solver: highspy.Highs, matrix: sparse.csr_matrix, upper: float = 0.0, lower: float | None = None
) -> None:
    """Add the rows of ``matrix`` (one column per model column), ``lower <= row <= upper``."""
    n_rows = matrix.shape[0]
    solver.addRows(
        n_rows,
        np.full(n_rows, -highspy.kHighsInf if lower is None else lower),
        np.full(n_rows, upper),
        int(matrix.nnz),
        matrix.indptr[:-1].astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data.astype(float),
    )


def _warm_start(solver: highspy.Highs, sites: Sequence[int]) -> None:
    """Give HiGHS the site columns of a known solution; it completes the rest."""
    if not sites:
        return
    idx = np.asarray(sorted(sites), dtype=np.int32)
    solver.setSolution(len(idx), idx, np.ones(len(idx)))


def _run(solver: highspy.Highs, n_sites: int) -> tuple[list[int] | None, float, float]:
    """Run HiGHS; return (chosen sites or None, dual bound, relative gap)."""
    solver.run()
    status = solver.getModelStatus()
    info = solver.getInfo()
    solution_ok = int(info.primal_solution_status) == int(highspy.kSolutionStatusFeasible)
    if not solution_ok:
        return None, float(info.mip_dual_bound), math.inf
    values = np.asarray(solver.getSolution().col_value[:n_sites])
    chosen = [int(j) for j in np.flatnonzero(values > 0.5)]
    gap = 0.0 if status == highspy.HighsModelStatus.kOptimal else float(info.mip_gap)
    return chosen, float(info.mip_dual_bound), gap


def _pick_method(method: str, nonzeros: int) -> str:
    if method not in ("auto", "exact", "heuristic"):
        raise ValidationError(
            f"Unknown method {method!r}; use 'auto', 'exact' or 'heuristic'.",
            f"Okänd metod {method!r}; välj auto, exakt eller heuristik.",
        )
    if method == "auto":
        return "exact" if nonzeros <= AUTO_EXACT_MAX_NONZEROS else "heuristic"
    return method


# --- Maximal covering -----------------------------------------------------------------------------


def _mclp_heuristic(
    patterns: npt.NDArray[np.bool_],
    pattern_w: FloatArray,
    k: int,
    locked: tuple[int, ...],
    deadline: float,
) -> list[int]:
    """Greedy addition, then best-improvement 1-swap until no swap gains (or the deadline)."""
    a = patterns.astype(float)
    n_sites = a.shape[1]
    chosen = list(locked)
    count = a[:, chosen].sum(axis=1) if chosen else np.zeros(a.shape[0])
    while len(chosen) < k:
        gain = (pattern_w * (count == 0)) @ a
        gain[chosen] = -1.0
        best = int(np.argmax(gain))
        chosen.append(best)
        count += a[:, best]
    free = [j for j in chosen if j not in locked]
    while free and len(chosen) < n_sites and time.perf_counter() < deadline:
        uncovered_w = pattern_w * (count == 0)
        single_w = pattern_w * (count == 1)
        gain_add = uncovered_w @ a  # demand a new site would cover
        loss_drop = single_w @ a  # demand only this site covers (for chosen sites)
        shared = a.T @ (a * single_w[:, None])  # [r, j]: sole-cover of r that j also covers
        delta = gain_add[None, :] - loss_drop[:, None] + shared
        mask = np.full(delta.shape, False)
        mask[np.ix_(free, [j for j in range(n_sites) if j not in chosen])] = True
        delta = np.where(mask, delta, -np.inf)
        out_site, in_site = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if delta[out_site, in_site] <= _EPS * max(1.0, float(pattern_w.sum())):
            break
        chosen[chosen.index(int(out_site))] = int(in_site)
        free[free.index(int(out_site))] = int(in_site)
        count += a[:, in_site] - a[:, out_site]
    return sorted(chosen)


def maximal_covering(
    cost_min: npt.ArrayLike,
    weights: npt.ArrayLike,
    k: int,
    threshold_min: float,
    locked: Sequence[int] = (),
    existing_min: npt.ArrayLike | None = None,
    method: Method = "auto",
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> HubSolution:
    """Choose ``k`` hub sites maximising the demand within ``threshold_min`` minutes.

    A cell counts as covered when a chosen site or the existing provision (``existing_min``) is
    within the threshold, so a hub only scores where it beats what already exists.

    Parameters
    ----------
    cost_min
        Travel minutes, one row per demand cell, one column per candidate site (``inf`` where
        unreachable).
    weights
        Demand per cell (see :func:`demand_weights`).
    k
        Number of sites to choose, locked ones included.
    threshold_min
        Coverage threshold ``T``, minutes (inclusive).
    locked
        Sites that must be chosen (e.g. a hub already decided).
    existing_min
        Minutes from each cell to the nearest existing provision of the bundle (``inf`` if none).
    method
        ``"exact"``: HiGHS MILP (warm-started with the heuristic); ``"heuristic"``: greedy plus
        1-swap; ``"auto"``: exact unless the model has more than
        :data:`AUTO_EXACT_MAX_NONZEROS` non-zeros.
    time_limit_s
        Wall-clock limit for the exact solver; when reached the best solution found is returned
        with ``optimal=False``.

    Notes
    -----
    The model has a binary ``x_j`` per site and a cover variable ``y_p`` in [0, 1] per *pattern*:
    cells already covered by the existing provision, with zero weight or that no candidate
    reaches within ``T`` are left out (they are constants), and the remaining cells are merged by
    their set of covering sites, summing their weights.  Maximise ``sum w_p y_p`` subject to
    ``y_p <= sum_{j covers p} x_j``, ``sum x_j = k`` and ``x_j = 1`` for locked sites.
    ``y`` needs no integrality: at an optimum it is 0 or 1 once ``x`` is integral.

    Examples
    --------
    >>> cost = np.array([[5.0, 30.0], [25.0, 8.0], [12.0, 40.0]])
    >>> solution = maximal_covering(cost, [10, 20, 5], k=1, threshold_min=15)
    >>> solution.sites, solution.objective
    ((1,), 20.0)
    >>> maximal_covering(cost, [10, 20, 5], 1, 15, existing_min=[60, 9, 60]).sites
    (0,)
    """
    start = time.perf_counter()
    cost, w, locked_sites, existing = _checked(cost_min, weights, k, locked, existing_min)
    threshold = float(threshold_min)
    n_sites = cost.shape[1]
    covers = cost <= threshold
    covered_before = existing <= threshold
    base_weight = float(w[covered_before].sum())
    active = (~covered_before) & (w > 0) & covers.any(axis=1)
    patterns, inverse = np.unique(covers[active], axis=0, return_inverse=True)
    pattern_w = np.bincount(inverse.reshape(-1), weights=w[active], minlength=len(patterns)).astype(
        float
    )
    nonzeros = int(patterns.sum()) + 2 * len(patterns) + n_sites
    chosen_method = _pick_method(method, nonzeros)
    deadline = start + float(time_limit_s)

    heuristic = _mclp_heuristic(patterns, pattern_w, int(k), locked_sites, deadline)
    sites = heuristic
    optimal = False
    gap = math.nan
    if chosen_method == "exact":
        solver = _new_highs(deadline - time.perf_counter())
        _add_site_columns(solver, n_sites, int(k), locked_sites)
        n_patterns = len(patterns)
        if n_patterns:
            solver.addCols(
                n_patterns,
                -pattern_w,  # HiGHS minimises by default; maximise by negating
                np.zeros(n_patterns),
                np.ones(n_patterns),
                0,
                np.zeros(n_patterns + 1, dtype=np.int32),
                np.zeros(0, dtype=np.int32),
                np.zeros(0),
            )
            matrix = sparse.hstack(
                [-sparse.csr_matrix(patterns, dtype=float), sparse.identity(n_patterns)],
                format="csr",
            )
            _add_csr_rows(solver, matrix, upper=0.0)
        _warm_start(solver, heuristic)
        exact_sites, bound, gap = _run(solver, n_sites)
        if exact_sites is not None and len(exact_sites) == k:
            value_exact = float(pattern_w @ patterns[:, exact_sites].any(axis=1))
            value_heur = float(pattern_w @ patterns[:, heuristic].any(axis=1))
            if value_exact >= value_heur - _EPS:
                sites = exact_sites
            best_value = max(value_exact, value_heur)
            optimal = gap == 0.0
            upper = -bound
            gap = 0.0 if optimal else max(0.0, (upper - best_value) / max(abs(upper), _EPS))
    summary = _summary("mclp", cost, w, existing, sites, threshold, UNREACHABLE_PENALTY_MIN)
    return HubSolution(
        objective=float(summary["covered_weight"]),  # type: ignore[arg-type]
        baseline=base_weight,
        method=chosen_method,
        solve_seconds=time.perf_counter() - start,
        optimal=optimal,
        gap=gap,
        **summary,  # type: ignore[arg-type]
    )


# --- p-median -------------------------------------------------------------------------------------


def _pmedian_heuristic(
    capped: FloatArray,
    fallback: FloatArray,
    w: FloatArray,
    k: int,
    locked: tuple[int, ...],
    deadline: float,
    start_sites: Sequence[int] | None = None,
) -> list[int]:
    """Greedy addition, then Teitz-Bart vertex substitution with Whitaker's fast evaluation.

    ``capped`` is the cost matrix with every entry capped at the cell's fallback (existing
    provision or penalty), so the fallback never needs a column of its own.
    """
    n_cells, n_sites = capped.shape
    chosen = list(start_sites) if start_sites is not None else list(locked)
    nearest = fallback.copy()
    if chosen:
        nearest = np.minimum(nearest, capped[:, chosen].min(axis=1))
    while len(chosen) < k:
        totals = w @ np.minimum(capped, nearest[:, None])
        totals[chosen] = np.inf
        best = int(np.argmin(totals))
        chosen.append(best)
        nearest = np.minimum(nearest, capped[:, best])
    free = [p for p, j in enumerate(chosen) if j not in locked]
    while free and len(chosen) < n_sites and time.perf_counter() < deadline:
        sub = capped[:, chosen]
        if len(chosen) > 1:
            two = np.argpartition(sub, 1, axis=1)[:, :2]
            first = np.take_along_axis(sub, two, axis=1)
            swap = first[:, 0] > first[:, 1]
            a1 = np.where(swap, two[:, 1], two[:, 0])
            d1 = np.minimum(first[:, 0], first[:, 1])
            d2 = np.maximum(first[:, 0], first[:, 1])
        else:
            a1 = np.zeros(n_cells, dtype=np.int64)
            d1 = sub[:, 0]
            d2 = fallback
        current = float(w @ d1)
        with_d1 = np.minimum(capped, d1[:, None])
        base = w @ with_d1  # total if site j were added and nothing removed
        diff = w[:, None] * (np.minimum(capped, d2[:, None]) - with_d1)
        owner = sparse.csr_matrix(
            (np.ones(n_cells), (a1, np.arange(n_cells))), shape=(len(chosen), n_cells)
        )
        totals = base[None, :] + np.asarray(owner @ diff)  # [position removed, site added]
        allowed = np.full(totals.shape, False)
        outside = [j for j in range(n_sites) if j not in chosen]
        allowed[np.ix_(free, outside)] = True
        totals = np.where(allowed, totals, np.inf)
        position, site_in = np.unravel_index(int(np.argmin(totals)), totals.shape)
        if totals[position, site_in] >= current - _EPS * max(1.0, abs(current)):
            break
        chosen[int(position)] = int(site_in)
    return sorted(chosen)


def _elloumi_rows(
    order: IntArray,
    sorted_cost: FloatArray,
    next_cost: FloatArray,
    cell_w: FloatArray,
    depth: IntArray,
) -> tuple[FloatArray, sparse.csr_matrix]:
    """Return the objective coefficient and site set of each distinct "none of these open" row.

    Row ``(i, t)`` says ``z_it >= 1 - sum of x over cell i's t+1 nearest sites``, with cost
    ``w_i (next_t - D_t)``.  Rows of different cells with the same *set* of sites have the same
    optimal ``z``, so they are merged into one column with the summed cost: an exact reduction
    that shrinks the model several times, because neighbouring cells share their nearest sites.
    Sets are matched by two independent 64-bit random hashes (order-independent sums).
    """
    n_cells, n_sites = order.shape
    keep = (np.arange(n_sites)[None, :] < depth[:, None]) & (next_cost > sorted_cost)
    rng = np.random.default_rng(20_261_127)
    hashes = []
    for _ in range(2):
        drawn = rng.integers(0, np.iinfo(np.int64).max, size=n_sites, dtype=np.int64)
        keys = np.asarray(drawn).astype(np.uint64)
        cumulative = np.cumsum(keys[order], axis=1, dtype=np.uint64)
        hashes.append(cumulative[keep])
    cell_of_row, t_of_row = np.nonzero(keep)
    row_cost = cell_w[cell_of_row] * (
        next_cost[cell_of_row, t_of_row] - sorted_cost[cell_of_row, t_of_row]
    )
    pairs = np.column_stack(hashes)
    _, first, group = np.unique(pairs, axis=0, return_index=True, return_inverse=True)
    group = group.reshape(-1)
    coefficient = np.bincount(group, weights=row_cost, minlength=len(first)).astype(float)
    lengths = t_of_row[first] + 1
    row_rep = np.repeat(np.arange(len(first)), lengths)
    rank = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    site_col = order[cell_of_row[first][row_rep], rank]
    members = sparse.csr_matrix(
        (np.ones(len(row_rep)), (row_rep, site_col)), shape=(len(first), n_sites)
    )
    return coefficient, members


def _pmedian_enumerate(
    capped: FloatArray, fallback: FloatArray, w: FloatArray, k: int, locked: tuple[int, ...]
) -> list[int]:
    """Exact p-median by evaluating every choice of the free sites (only when few remain)."""
    n_sites = capped.shape[1]
    base = fallback.copy()
    if locked:
        base = np.minimum(base, capped[:, list(locked)].min(axis=1))
    free = [j for j in range(n_sites) if j not in locked]
    n_free = k - len(locked)
    if n_free == 0:
        return sorted(locked)
    best_value = math.inf
    best_pick: tuple[int, ...] = ()
    if n_free == 1:
        totals = w @ np.minimum(capped[:, free], base[:, None])
        position = int(np.argmin(totals))
        return sorted((*locked, free[position]))
    for first in combinations(free, n_free - 2) if n_free > 2 else [()]:
        partial = base.copy()
        if first:
            partial = np.minimum(partial, capped[:, list(first)].min(axis=1))
        rest = [j for j in free if not first or j > max(first)]
        sub = np.minimum(capped[:, rest], partial[:, None])
        for a in range(len(rest) - 1):
            totals = w @ np.minimum(sub[:, a + 1 :], sub[:, a : a + 1])
            b = int(np.argmin(totals))
            if totals[b] < best_value:
                best_value, best_pick = float(totals[b]), (*first, rest[a], rest[a + 1 + b])
    return sorted((*locked, *best_pick))


def p_median(
    cost_min: npt.ArrayLike,
    weights: npt.ArrayLike,
    k: int,
    locked: Sequence[int] = (),
    existing_min: npt.ArrayLike | None = None,
    method: Method = "auto",
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    threshold_min: float | None = None,
    unreachable_penalty_min: float = UNREACHABLE_PENALTY_MIN,
    candidates_per_cell: int = DEFAULT_CANDIDATES_PER_CELL,
) -> HubSolution:
    """Choose ``k`` hub sites minimising demand-weighted travel minutes.

    Each cell uses the nearest of the chosen sites and its existing provision.  A cell that
    neither reaches is charged ``unreachable_penalty_min`` (default
    :data:`UNREACHABLE_PENALTY_MIN`, 4 h): large enough to give such cells priority, finite so
    that one unreachable cell does not make every solution infinitely bad.  A cell no
    candidate reaches adds the same constant to every solution.

    Parameters
    ----------
    cost_min, weights, k, locked, existing_min, method, time_limit_s
        As in :func:`maximal_covering`.
    threshold_min
        Optional threshold, only to report ``covered_weight`` of the solution.
    unreachable_penalty_min
        Minutes charged to a cell with no reachable option (see above).
    candidates_per_cell
        Initial number of nearest candidates modelled per cell (see Notes).

    Notes
    -----
    The exact model is Elloumi's (2010) formulation, which has the LP bound of the strong
    classic formulation with fewer variables.  Each cell's *fallback* is
    ``min(existing, penalty)``; candidates no nearer than the fallback never serve the cell and
    are left out, cells left with no candidate become constants.  For cell ``i`` with candidates
    sorted by minutes ``D_1 <= D_2 <= ...``, a variable ``z_it`` in [0, 1] stands for "none of the
    ``t`` nearest is open": minimise ``sum_i w_i (D_1 + sum_t (D_t+1 - D_t) z_it)`` subject to
    ``z_it + sum_{u <= t} x_(u) >= 1``, ``sum x = k``, locked ``x = 1``.

    Rows of different cells naming the same set of sites are merged (their costs add up), which
    is exact and shrinks the model several times.  With at most
    :data:`ENUMERATION_MAX_COMBINATIONS` ways to choose the free sites, every choice is evaluated
    instead (exact, and faster than a MILP for one or two free sites).

    Only each cell's ``candidates_per_cell`` nearest (at least down to its nearest site of the
    heuristic solution) are modelled at first; beyond them the next-nearest minutes act as a
    placeholder cost, a *lower bound* of the truth.  After a solve, cells whose true cost under
    the chosen sites exceeds what the model charged get deeper lists and the model is solved
    again.  When no cell differs, the model value equals the true value
    of a solution that is optimal for a relaxation, so it is optimal for the real problem.

    Examples
    --------
    >>> cost = np.array([[1.0, 9.0], [2.0, 8.0], [9.0, 1.0]])
    >>> solution = p_median(cost, [1, 1, 5], k=1)
    >>> solution.sites, solution.objective
    ((1,), 22.0)
    """
    start = time.perf_counter()
    cost, w, locked_sites, existing = _checked(cost_min, weights, k, locked, existing_min)
    penalty = float(unreachable_penalty_min)
    if not penalty > 0 or not math.isfinite(penalty):
        raise ValidationError(
            "unreachable_penalty_min must be a positive number of minutes.",
            "Straffminuterna för ej nåbara rutor måste vara ett positivt tal.",
        )
    n_sites = cost.shape[1]
    fallback = np.minimum(existing, penalty)
    capped = np.minimum(cost, fallback[:, None])
    deadline = start + float(time_limit_s)
    baseline = float(w @ fallback)

    valid = cost < fallback[:, None]
    active = (w > 0) & valid.any(axis=1)
    act_cost = np.where(valid[active], cost[active], np.inf)
    act_w = w[active]
    act_fallback = fallback[active]
    order = np.argsort(act_cost, axis=1, kind="stable")
    sorted_cost = np.take_along_axis(act_cost, order, axis=1)
    n_valid = valid[active].sum(axis=1)
    # minutes charged when none of the first t+1 is open: the next candidate or the fallback
    next_cost = np.concatenate([sorted_cost[:, 1:], np.full((len(act_w), 1), np.inf)], axis=1)
    next_cost = np.where(np.arange(n_sites)[None, :] + 1 < n_valid[:, None], next_cost, np.inf)
    next_cost = np.minimum(next_cost, act_fallback[:, None])
    depth = np.minimum(n_valid, max(1, int(candidates_per_cell)))
    nonzeros = int(((depth + 2) * (depth + 1) // 2).sum()) + n_sites
    chosen_method = _pick_method(method, nonzeros)

    heuristic = _pmedian_heuristic(capped, fallback, w, int(k), locked_sites, deadline)
    sites = heuristic
    optimal = False
    gap = math.nan
    n_free = n_sites - len(locked_sites)
    if chosen_method == "exact" and math.comb(n_free, int(k) - len(locked_sites)) <= (
        ENUMERATION_MAX_COMBINATIONS
    ):
        sites = _pmedian_enumerate(capped, fallback, w, int(k), locked_sites)
        optimal, gap = True, 0.0
    elif chosen_method == "exact" and len(act_w):
        true_value = float(w @ np.minimum(fallback, _nearest_chosen(cost, heuristic)[0]))
        # start each cell's list deep enough to reach its nearest site of the heuristic solution
        hit = np.isin(order, heuristic)
        rank_heuristic = np.where(hit.any(axis=1), hit.argmax(axis=1), n_sites)
        depth = np.minimum(np.maximum(depth, rank_heuristic + 1), n_valid)
        while True:
            solver = _new_highs(deadline - time.perf_counter(), lean=True)
            _add_site_columns(solver, n_sites, int(k), locked_sites)
            coefficient, members = _elloumi_rows(order, sorted_cost, next_cost, act_w, depth)
            rows = sparse.hstack(
                [
                    sparse.csr_matrix(members, shape=(len(coefficient), n_sites)),
                    sparse.identity(len(coefficient)),
                ],
                format="csr",
            )
            n_rows = len(coefficient)
            solver.addCols(
                n_rows,
                coefficient,
                np.zeros(n_rows),
                np.ones(n_rows),
                0,
                np.zeros(n_rows + 1, dtype=np.int32),
                np.zeros(0, dtype=np.int32),
                np.zeros(0),
            )
            _add_csr_rows(solver, rows, upper=highspy.kHighsInf, lower=1.0)
            constant = float(act_w @ sorted_cost[:, 0]) + float(w[~active] @ fallback[~active])
            solver.changeObjectiveOffset(constant)
            _warm_start(solver, sites)
            exact_sites, bound, mip_gap = _run(solver, n_sites)
            if exact_sites is None or len(exact_sites) != k:
                break
            best_site, _ = _nearest_chosen(act_cost, exact_sites)
            truth = np.minimum(best_site, act_fallback)
            hit = np.isin(order, exact_sites)
            rank_open = np.where(hit.any(axis=1), hit.argmax(axis=1), n_sites)
            placeholder = next_cost[np.arange(len(act_w)), np.maximum(depth - 1, 0)]
            charged = np.where(rank_open < depth, truth, placeholder)
            exact_value = float(w @ np.minimum(fallback, _nearest_chosen(cost, exact_sites)[0]))
            if exact_value <= true_value + _EPS * max(1.0, true_value):
                sites, true_value = exact_sites, exact_value
            short = truth > charged + 1e-9
            lower = bound
            if not short.any():
                optimal = mip_gap == 0.0 and sites == exact_sites
                gap = 0.0 if optimal else max(0.0, (true_value - lower) / max(true_value, _EPS))
                break
            if time.perf_counter() >= deadline:
                gap = max(0.0, (true_value - lower) / max(true_value, _EPS))
                break
            needed = np.minimum(np.maximum(2 * depth, rank_open + 1), n_valid)
            deeper = np.where(short, needed, depth)
            if np.array_equal(deeper, depth):  # cannot happen in exact arithmetic; be safe
                gap = max(0.0, (true_value - lower) / max(true_value, _EPS))
                break
            depth = deeper
    elif chosen_method == "exact":
        optimal, gap = True, 0.0  # nothing to decide: every cell is a constant
    summary = _summary("p_median", cost, w, existing, sites, threshold_min, penalty)
    return HubSolution(
        objective=float(summary["weighted_minutes"]),  # type: ignore[arg-type]
        baseline=baseline,
        method=chosen_method,
        solve_seconds=time.perf_counter() - start,
        optimal=optimal,
        gap=gap,
        **summary,  # type: ignore[arg-type]
    )


# --- Closure vulnerability ------------------------------------------------------------------------


def closure_vulnerability(
    nearest_min: npt.ArrayLike,
    nearest_service: npt.ArrayLike,
    second_min: npt.ArrayLike,
    weights: npt.ArrayLike,
    threshold_min: float,
    service_ids: Sequence[str],
) -> pd.DataFrame:
    """Rank the services of one category by the residents who would lose access if each closed.

    Parameters
    ----------
    nearest_min
        Per cell: minutes to the nearest service of the category (``inf`` if none).
    nearest_service
        Per cell: index into ``service_ids`` of that service (``-1`` if none).
    second_min
        Per cell: minutes to the second-nearest service (``inf`` if there is no second).
    weights
        Residents (or demand weight) per cell.
    threshold_min
        Threshold ``T``, minutes.
    service_ids
        Ids of the category's services, in the order ``nearest_service`` indexes.

    Returns
    -------
    pandas.DataFrame
        One row per service, sorted by ``residents_losing`` then ``mean_added_min``
        (descending), with columns ``service_id``; ``residents_served`` (weight of the cells
        whose nearest service it is); ``residents_losing`` (those within ``T`` today whose second
        service is beyond ``T``); ``share_losing`` (of those served; 0 when it serves nobody);
        ``mean_added_min`` (weighted mean of second minus nearest minutes over the residents
        served, ``inf`` if some have no second service, ``nan`` if it serves nobody) and
        ``residents_without_alternative`` (served residents with no second service at all).

    Examples
    --------
    >>> table = closure_vulnerability([5, 8, 25], [0, 0, 1], [30, 12, 26], [10, 4, 3], 20,
    ...                               ["a", "b"])
    >>> table[["service_id", "residents_losing", "mean_added_min"]].to_dict("records")
    [{'service_id': 'a', 'residents_losing': 10.0, 'mean_added_min': 19.0}, \
{'service_id': 'b', 'residents_losing': 0.0, 'mean_added_min': 1.0}]
    """
    near = np.asarray(nearest_min, dtype=float).reshape(-1)
    owner = np.asarray(nearest_service).reshape(-1).astype(np.int64)
    second = np.asarray(second_min, dtype=float).reshape(-1)
    w = np.asarray(weights, dtype=float).reshape(-1)
    n_services = len(service_ids)
    if not (near.shape == owner.shape == second.shape == w.shape):
        raise ValidationError(
            "nearest_min, nearest_service, second_min and weights must have one value per cell.",
            "Indata till sårbarhetsanalysen måste ha ett värde per ruta.",
        )
    if np.any(owner >= n_services) or np.any(owner < -1):
        raise ValidationError(
            f"nearest_service holds indices outside -1..{n_services - 1}.",
            "Närmaste-service-index pekar utanför listan över servicepunkter.",
        )
    if np.isnan(near).any() or np.isnan(second).any() or np.any(second < near):
        raise ValidationError(
            "Minutes must not be NaN and second_min must not be below nearest_min.",
            "Restiderna får inte saknas och näst närmaste får inte vara kortare än närmaste.",
        )
    threshold = float(threshold_min)
    has = owner >= 0
    idx = owner[has]
    served = np.bincount(idx, weights=w[has], minlength=n_services)
    losing_mask = (near[has] <= threshold) & (second[has] > threshold)
    losing = np.bincount(idx[losing_mask], weights=w[has][losing_mask], minlength=n_services)
    no_second = ~np.isfinite(second[has])
    stranded = np.bincount(idx[no_second], weights=w[has][no_second], minlength=n_services)
    added = np.where(no_second, 0.0, second[has] - near[has])
    added_sum = np.bincount(idx, weights=w[has] * added, minlength=n_services)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_added = np.where(served > 0, added_sum / np.where(served > 0, served, 1), np.nan)
        share = np.where(served > 0, losing / np.where(served > 0, served, 1), 0.0)
    mean_added = np.where(stranded > 0, np.inf, mean_added)
    table = pd.DataFrame(
        {
            "service_id": list(service_ids),
            "residents_served": served,
            "residents_losing": losing,
            "share_losing": share,
            "mean_added_min": mean_added,
            "residents_without_alternative": stranded,
        }
    )
    return table.sort_values(
        ["residents_losing", "mean_added_min", "service_id"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
