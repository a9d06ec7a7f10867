"""Hub-site optimisation and closure vulnerability: known answers, spopt, invariants."""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pandas as pd
import pulp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spopt.locate import MCLP, PMedian

from analysis import optimise
from analysis.errors import ValidationError
from analysis.optimise import (
    UNREACHABLE_PENALTY_MIN,
    HubSolution,
    closure_vulnerability,
    demand_weights,
    maximal_covering,
    p_median,
)


def _instance(
    seed: int, n_cells: int = 40, n_sites: int = 12, holes: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A seeded planar instance: minutes = 1.3 x crow-fly distance; optional unreachable pairs."""
    rng = np.random.default_rng(seed)
    cells = rng.uniform(0, 30, (n_cells, 2))
    sites = rng.uniform(0, 30, (n_sites, 2))
    cost = np.linalg.norm(cells[:, None] - sites[None], axis=2) * 1.3
    if holes:
        cost[rng.random(cost.shape) < 0.15] = np.inf
        cost[0] = np.inf  # a cell no candidate reaches
    weights = rng.integers(1, 50, n_cells).astype(float)
    existing = np.linalg.norm(cells - rng.uniform(0, 30, 2), axis=1) * 1.3
    return cost, weights, existing


def _spopt_mclp(cost, weights, k, radius, locked=(), existing=None) -> float:
    matrix = cost if existing is None else np.column_stack([cost, existing])
    predefined = np.zeros(matrix.shape[1], dtype=int)
    predefined[list(locked)] = 1
    if existing is not None:
        predefined[-1] = 1
    with warnings.catch_warnings():  # pulp 3.3 announces its 4.0 API; not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        problem = MCLP.from_cost_matrix(
            matrix,
            weights,
            service_radius=radius,
            p_facilities=k + (existing is not None),
            predefined_facilities_arr=predefined if predefined.any() else None,
        )
        problem.solve(pulp.PULP_CBC_CMD(msg=False))
    return float(pulp.value(problem.problem.objective))


def _spopt_pmedian(cost, weights, k, locked=(), existing=None) -> float:
    matrix = cost if existing is None else np.column_stack([cost, existing])
    matrix = np.minimum(matrix, UNREACHABLE_PENALTY_MIN)  # the same documented penalty
    predefined = np.zeros(matrix.shape[1], dtype=int)
    predefined[list(locked)] = 1
    if existing is not None:
        predefined[-1] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        problem = PMedian.from_cost_matrix(
            matrix,
            weights,
            p_facilities=k + (existing is not None),
            predefined_facilities_arr=predefined if predefined.any() else None,
        )
        problem.solve(pulp.PULP_CBC_CMD(msg=False))
    return float(pulp.value(problem.problem.objective))


# --- Known answers --------------------------------------------------------------------------------

HAND_COST = np.array(
    [
        # site: 0 (school)  1 (shop)  2 (library)
        [5.0, 25.0, 40.0],  # cell a, 100 residents
        [12.0, 18.0, 30.0],  # cell b, 50
        [30.0, 8.0, 35.0],  # cell c, 80
        [45.0, 22.0, 6.0],  # cell d, 60
        [np.inf, np.inf, np.inf],  # cell e, 10 (island)
    ]
)
HAND_WEIGHTS = np.array([100.0, 50.0, 80.0, 60.0, 10.0])


def test_mclp_hand_instance() -> None:
    # T = 15: site 0 covers a, b (150); site 1 covers c (80); site 2 covers d (60)
    one = maximal_covering(HAND_COST, HAND_WEIGHTS, 1, 15.0, method="exact")
    assert one.sites == (0,)
    assert one.objective == pytest.approx(150.0)
    assert one.optimal and one.gap == 0.0 and one.method == "exact"
    two = maximal_covering(HAND_COST, HAND_WEIGHTS, 2, 15.0, method="exact")
    assert (two.sites, two.objective) == ((0, 1), pytest.approx(230.0))
    assert two.served_weight == (pytest.approx(150.0), pytest.approx(80.0))
    assert two.total_weight == pytest.approx(300.0)
    assert two.baseline == 0.0
    # existing provision already covers a and b: the school adds nothing, so the shop wins
    existing = np.array([3.0, 10.0, 60.0, 60.0, np.inf])
    hub = maximal_covering(HAND_COST, HAND_WEIGHTS, 1, 15.0, existing_min=existing)
    assert hub.sites == (1,)
    assert hub.baseline == pytest.approx(150.0)
    assert hub.objective == pytest.approx(230.0)
    # locking the library forces it in
    locked = maximal_covering(HAND_COST, HAND_WEIGHTS, 2, 15.0, locked=[2])
    assert locked.sites == (0, 2) and locked.objective == pytest.approx(210.0)


def test_pmedian_hand_instance() -> None:
    # one site: 0 -> 100*5+50*12+80*30+60*45 = 6200; 1 -> 2500+900+640+1320 = 5360;
    # 2 -> 4000+1500+2800+360 = 8660; the island adds 10 * 240 = 2400 to each
    one = p_median(HAND_COST, HAND_WEIGHTS, 1, method="exact", threshold_min=15.0)
    assert one.sites == (1,)
    assert one.objective == pytest.approx(5360.0 + 2400.0)
    assert one.weighted_minutes == pytest.approx(one.objective)
    assert one.covered_weight == pytest.approx(80.0)
    assert one.baseline == pytest.approx(300.0 * UNREACHABLE_PENALTY_MIN)
    # two sites: {0,1}: 500+600+640+1320 = 3060; {0,2}: 500+600+2400+360 = 3860;
    # {1,2}: 2500+900+640+360 = 4400
    two = p_median(HAND_COST, HAND_WEIGHTS, 2, method="exact")
    assert two.sites == (0, 1) and two.objective == pytest.approx(3060.0 + 2400.0)
    assert two.served_weight == (pytest.approx(150.0), pytest.approx(140.0))
    assert p_median(HAND_COST, HAND_WEIGHTS, 2, locked=[2]).sites == (0, 2)
    # existing provision at 10 min for a and b: school only helps a (5 min) -> {1, 2} wins:
    # {1,2}: 100*10+50*10+640+360 = 2500 vs {0,1}: 500+500+640+1320 = 2960
    existing = np.array([10.0, 10.0, 60.0, 60.0, np.inf])
    assert p_median(HAND_COST, HAND_WEIGHTS, 2, existing_min=existing).sites == (1, 2)


def test_k_equal_locked_and_zero() -> None:
    solution = p_median(HAND_COST, HAND_WEIGHTS, 1, locked=[2])
    assert solution.sites == (2,) and solution.optimal
    empty = maximal_covering(HAND_COST, HAND_WEIGHTS, 0, 15.0)
    assert empty.sites == () and empty.objective == 0.0


# --- Independent reference: PySAL spopt solved with pulp/CBC --------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("with_locked", [False, True])
def test_mclp_matches_spopt(seed: int, with_locked: bool) -> None:
    cost, weights, _ = _instance(seed)
    locked = [seed % 12] if with_locked else []
    for k in (1, 3):
        ours = maximal_covering(cost, weights, k, 8.0, locked=locked, method="exact")
        assert ours.optimal
        assert ours.objective == pytest.approx(_spopt_mclp(cost, weights, k, 8.0, locked))


@pytest.fixture(params=["enumerate", "milp"])
def pmedian_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run p-median tests through both exact paths: enumeration and the MILP."""
    if request.param == "milp":
        monkeypatch.setattr(optimise, "ENUMERATION_MAX_COMBINATIONS", 0)
    return str(request.param)


@pytest.mark.usefixtures("pmedian_path")
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("with_locked", [False, True])
def test_pmedian_matches_spopt(seed: int, with_locked: bool) -> None:
    cost, weights, _ = _instance(seed)
    locked = [seed % 12] if with_locked else []
    for k in (2, 4):
        ours = p_median(cost, weights, k, locked=locked, method="exact")
        assert ours.optimal
        reference = _spopt_pmedian(cost, weights, k, locked)
        assert ours.objective == pytest.approx(reference, rel=1e-7)


@pytest.mark.usefixtures("pmedian_path")
@pytest.mark.parametrize("seed", [5, 6])
def test_existing_provision_and_unreachable_match_spopt(seed: int) -> None:
    """Existing provision = one more, predefined facility column in spopt."""
    cost, weights, existing = _instance(seed, holes=True)
    existing[3] = np.inf
    mclp = maximal_covering(cost, weights, 3, 8.0, existing_min=existing, method="exact")
    assert mclp.objective == pytest.approx(_spopt_mclp(cost, weights, 3, 8.0, existing=existing))
    median = p_median(cost, weights, 3, existing_min=existing, method="exact")
    assert median.objective == pytest.approx(
        _spopt_pmedian(cost, weights, 3, existing=existing), rel=1e-7
    )


def test_pmedian_shallow_candidate_lists_still_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """One candidate per cell to start with forces the deepening loop; the answer is the same."""
    monkeypatch.setattr(optimise, "ENUMERATION_MAX_COMBINATIONS", 0)
    solves: list[int] = []
    run = optimise._run

    def counting_run(solver: object, n_sites: int) -> tuple:
        solves.append(n_sites)
        return run(solver, n_sites)

    monkeypatch.setattr(optimise, "_run", counting_run)
    cost, weights, existing = _instance(11, n_cells=60, n_sites=15)
    for k in (3, 5):
        full = p_median(cost, weights, k, method="exact", candidates_per_cell=15)
        shallow = p_median(cost, weights, k, method="exact", candidates_per_cell=1)
        assert shallow.optimal
        assert shallow.objective == pytest.approx(full.objective, rel=1e-9)
        assert shallow.objective == pytest.approx(_spopt_pmedian(cost, weights, k), rel=1e-7)
        with_existing = p_median(
            cost, weights, k, existing_min=existing, method="exact", candidates_per_cell=1
        )
        assert with_existing.objective == pytest.approx(
            _spopt_pmedian(cost, weights, k, existing=existing), rel=1e-7
        )
    assert len(solves) > 6  # the shallow runs needed more than one solve each


def test_pmedian_enumeration_path_matches_milp(monkeypatch: pytest.MonkeyPatch) -> None:
    cost, weights, existing = _instance(21)
    enumerated = p_median(cost, weights, 3, existing_min=existing, method="exact")
    monkeypatch.setattr(optimise, "ENUMERATION_MAX_COMBINATIONS", 0)
    milp = p_median(cost, weights, 3, existing_min=existing, method="exact")
    assert enumerated.objective == pytest.approx(milp.objective, rel=1e-9)


# --- Invariants -----------------------------------------------------------------------------------

instances = st.tuples(st.integers(0, 10_000), st.integers(5, 30), st.integers(3, 10), st.booleans())


@settings(max_examples=25, deadline=None)
@given(instances, st.floats(3.0, 15.0))
def test_mclp_monotone_in_k_and_heuristic_never_better(spec, threshold: float) -> None:
    seed, n_cells, n_sites, holes = spec
    cost, weights, existing = _instance(seed, n_cells, n_sites, holes)
    previous = -1.0
    for k in range(0, min(n_sites, 4) + 1):
        exact = maximal_covering(cost, weights, k, threshold, existing_min=existing, method="exact")
        heuristic = maximal_covering(
            cost, weights, k, threshold, existing_min=existing, method="heuristic"
        )
        assert len(exact.sites) == k == len(heuristic.sites)
        assert exact.objective >= previous - 1e-9
        assert heuristic.objective <= exact.objective + 1e-9
        assert exact.baseline <= exact.objective + 1e-9 <= exact.total_weight + 2e-9
        previous = exact.objective


@settings(max_examples=25, deadline=None)
@given(instances, st.data())
def test_pmedian_locked_kept_and_heuristic_never_better(spec, data: st.DataObject) -> None:
    seed, n_cells, n_sites, holes = spec
    use_milp = data.draw(st.booleans())
    cost, weights, existing = _instance(seed, n_cells, n_sites, holes)
    k = data.draw(st.integers(1, min(n_sites, 5)))
    locked = data.draw(st.lists(st.integers(0, n_sites - 1), max_size=k, unique=True))
    limit = 0 if use_milp else optimise.ENUMERATION_MAX_COMBINATIONS
    original = optimise.ENUMERATION_MAX_COMBINATIONS
    optimise.ENUMERATION_MAX_COMBINATIONS = limit  # type: ignore[misc]
    try:
        exact = p_median(cost, weights, k, locked=locked, existing_min=existing, method="exact")
    finally:
        optimise.ENUMERATION_MAX_COMBINATIONS = original  # type: ignore[misc]
    heuristic = p_median(cost, weights, k, locked=locked, existing_min=existing, method="heuristic")
    assert set(locked) <= set(exact.sites) and set(locked) <= set(heuristic.sites)
    assert len(exact.sites) == k and len(heuristic.sites) == k
    assert heuristic.objective >= exact.objective - 1e-7 * max(1.0, exact.objective)
    assert exact.objective <= exact.baseline + 1e-9
    covered = maximal_covering(cost, weights, k, 10.0, locked=locked)
    assert set(locked) <= set(covered.sites)
    assert sum(exact.served_weight) <= exact.total_weight + 1e-9


# --- Method selection, limits, validation ---------------------------------------------------------


def test_auto_falls_back_to_heuristic_on_large_models(monkeypatch: pytest.MonkeyPatch) -> None:
    cost, weights, _ = _instance(3)
    assert maximal_covering(cost, weights, 2, 8.0).method == "exact"
    monkeypatch.setattr(optimise, "AUTO_EXACT_MAX_NONZEROS", 0)
    solution = maximal_covering(cost, weights, 2, 8.0)
    assert solution.method == "heuristic"
    assert not solution.optimal and math.isnan(solution.gap)
    assert p_median(cost, weights, 2).method == "heuristic"


def test_tiny_time_limit_still_returns_k_sites() -> None:
    cost, weights, _ = _instance(4, n_cells=200, n_sites=30)
    solution = p_median(cost, weights, 6, time_limit_s=0.0, method="exact")
    assert isinstance(solution, HubSolution) and len(solution.sites) == 6
    assert solution.solve_seconds < 5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 13}, "k must be an integer between"),
        ({"k": 1, "locked": [0, 1]}, "k must be an integer between"),
        ({"locked": [12]}, "out of range"),
        ({"weights": np.ones(3)}, "weights has 3 values"),
        ({"existing_min": np.full(40, np.nan)}, "existing_min"),
        ({"method": "fast"}, "Unknown method"),
    ],
)
def test_invalid_input_raises(kwargs: dict, match: str) -> None:
    cost, weights, _ = _instance(0)
    arguments = {"cost_min": cost, "weights": weights, "k": 2, **kwargs}
    with pytest.raises(ValidationError, match=match) as error:
        maximal_covering(threshold_min=10.0, **arguments)
    assert error.value.message_sv
    with pytest.raises(ValidationError, match=match):
        p_median(**arguments)


def test_nan_cost_rejected() -> None:
    cost = np.array([[1.0, np.nan]])
    with pytest.raises(ValidationError, match="use inf"):
        p_median(cost, [1.0], 1)


# --- Demand weights -------------------------------------------------------------------------------


def test_demand_weights() -> None:
    frame = pd.DataFrame(
        {
            "pop_total": [10, 0],
            "pop_0_15": [2, 0],
            "pop_16_64": [4, 0],
            "pop_65_79": [3, 0],
            "pop_80_plus": [1, 0],
        }
    )
    assert demand_weights(frame).tolist() == [10.0, 0.0]
    weighted = demand_weights(frame, age_weights={"pop_65_79": 1.5, "pop_80_plus": 3.0})
    assert weighted.tolist() == [2 + 4 + 4.5 + 3, 0.0]
    assert demand_weights([1, 2], needs_per_cell=[2, 0], needs_weight=0.5).tolist() == [2.0, 2.0]
    with pytest.raises(ValidationError, match="Unknown age group"):
        demand_weights(frame, age_weights={"pop_90_plus": 2.0})
    with pytest.raises(ValidationError, match="needs the population layer|Age weights"):
        demand_weights([1, 2], age_weights={"pop_80_plus": 2.0})
    with pytest.raises(ValidationError, match="non-negative"):
        demand_weights([1, -2])
    with pytest.raises(ValidationError, match="needs_per_cell has 1 values"):
        demand_weights([1, 2], needs_per_cell=[1])


# --- Closure vulnerability ------------------------------------------------------------------------


def test_closure_vulnerability_hand_computed() -> None:
    # services: s0 in the village, s1 in town, s2 remote
    nearest = np.array([4.0, 10.0, 18.0, 6.0, 25.0, 3.0, np.inf])
    owner = np.array([0, 0, 0, 1, 1, 2, -1])
    second = np.array([25.0, 15.0, 40.0, 9.0, 30.0, np.inf, np.inf])
    weights = np.array([100.0, 20.0, 5.0, 300.0, 7.0, 12.0, 3.0])
    table = closure_vulnerability(nearest, owner, second, weights, 20.0, ["s0", "s1", "s2"])
    assert list(table["service_id"]) == ["s0", "s2", "s1"]
    row = table.set_index("service_id")
    # s0: cells 0 (4 -> 25) and 2 (18 -> 40) fall beyond 20 min; cell 1 (10 -> 15) does not
    assert row.loc["s0", "residents_served"] == 125.0
    assert row.loc["s0", "residents_losing"] == 105.0
    assert row.loc["s0", "share_losing"] == pytest.approx(105 / 125)
    assert row.loc["s0", "mean_added_min"] == pytest.approx((100 * 21 + 20 * 5 + 5 * 22) / 125)
    # s1: cell 3 keeps 9 min, cell 4 is beyond T already today -> nobody loses access
    assert row.loc["s1", "residents_losing"] == 0.0
    assert row.loc["s1", "mean_added_min"] == pytest.approx((300 * 3 + 7 * 5) / 307)
    # s2: no alternative at all
    assert row.loc["s2", "residents_losing"] == 12.0
    assert row.loc["s2", "residents_without_alternative"] == 12.0
    assert row.loc["s2", "mean_added_min"] == math.inf


def test_closure_vulnerability_unused_service_and_errors() -> None:
    table = closure_vulnerability([5.0], [0], [8.0], [4.0], 10.0, ["a", "b"])
    assert table.set_index("service_id").loc["b", "residents_served"] == 0.0
    assert math.isnan(table.set_index("service_id").loc["b", "mean_added_min"])
    assert table.set_index("service_id").loc["b", "share_losing"] == 0.0
    with pytest.raises(ValidationError, match="outside"):
        closure_vulnerability([5.0], [2], [8.0], [4.0], 10.0, ["a", "b"])
    with pytest.raises(ValidationError, match="second_min"):
        closure_vulnerability([5.0], [0], [3.0], [4.0], 10.0, ["a"])


# --- Demo-region size -----------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_size_solves_quickly() -> None:
    """k = 1..10 for both problems on ~5 000 cells x 80 sites (the brief asks < 10 s in total)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from bench_optimise import rural_instance

    cost, weights, existing = rural_instance()
    started = time.perf_counter()
    for k in range(1, 11):
        assert maximal_covering(cost, weights, k, 20.0, existing_min=existing).optimal
        assert p_median(cost, weights, k, existing_min=existing).optimal
    assert time.perf_counter() - started < 30.0  # generous: the machine is shared
