"""Tests of the accessibility indicators: known answers, edge cases, invariants, PySAL access."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from analysis import indicators, model, settings
from analysis.errors import DataModelError, ValidationError
from analysis.indicators import (
    bundle_index,
    bundle_need_minutes,
    bundle_reach,
    compare,
    e2sfca,
    indicator_table,
    indicator_tables_by_age,
    share_column,
    sites_hosting_bundle,
    summary,
    threshold_shares,
    weighted_quantile,
)

INF = math.inf
THRESHOLDS = (5, 10, 20, 30, 45)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def population() -> pd.DataFrame:
    """Five cells in two localities plus one rural cell, non-default string index."""
    return pd.DataFrame(
        {
            "cell_id": ["c1", "c2", "c3", "c4", "c5"],
            "pop_total": [10, 20, 30, 0, 40],
            "pop_0_15": [2, 4, 6, 0, 8],
            "pop_16_64": [6, 12, 18, 0, 22],
            "pop_65_79": [2, 3, 4, 0, 6],
            "pop_80_plus": [0, 1, 2, 0, 4],
            "locality_id": ["north", "north", "south", "south", None],
        },
        index=pd.Index(["r1", "r2", "r3", "r4", "r5"], name="row"),
    )


@pytest.fixture
def minutes(population: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {"cash": [3.0, 8.0, 15.0, 40.0, INF], "pharmacy": [25.0, 25.0, 50.0, 50.0, 10.0]},
        index=population.index,
    )


# --- threshold_shares and summary -------------------------------------------------------------


def test_threshold_shares_known_answer(minutes: pd.DataFrame, population: pd.DataFrame) -> None:
    shares = threshold_shares(minutes["cash"], population["pop_total"], THRESHOLDS)
    assert shares.name == "share_within"
    assert shares.index.name == "threshold_min"
    assert shares.tolist() == pytest.approx([0.1, 0.3, 0.6, 0.6, 0.6])


def test_threshold_is_inclusive() -> None:
    shares = threshold_shares(pd.Series([10.0, 10.000001]), [1, 1], thresholds=(10,))
    assert shares.iloc[0] == 0.5


def test_threshold_shares_align_weights_by_label() -> None:
    times = pd.Series([5.0, 50.0], index=["a", "b"])
    weights = pd.Series([3, 1], index=["b", "a"])  # a has 1 resident, b has 3
    assert threshold_shares(times, weights, (10,)).iloc[0] == 0.25


def test_summary_known_answer(minutes: pd.DataFrame, population: pd.DataFrame) -> None:
    numbers = summary(minutes["cash"], population["pop_total"], THRESHOLDS)
    assert numbers.name == "cash"
    assert numbers["residents"] == 100
    assert numbers["residents_beyond_longest"] == 40  # the 40-minute cell has nobody
    assert numbers["residents_unreachable"] == 40
    assert numbers["mean_reachable_min"] == pytest.approx((3 * 10 + 8 * 20 + 15 * 30) / 60)
    assert numbers["median_min"] == 15.0  # cumulative shares 0.1, 0.3, 0.6 -> 15 min
    assert numbers["p90_min"] == INF  # 40 % cannot reach at all
    assert not numbers.drop(["p90_min"]).isna().any()


def test_summary_all_unreachable() -> None:
    numbers = summary(pd.Series([INF, INF]), [3, 4], THRESHOLDS)
    assert numbers["residents_unreachable"] == 7
    assert numbers["residents_beyond_longest"] == 7
    assert numbers[share_column(45)] == 0.0
    assert numbers["median_min"] == INF and numbers["p90_min"] == INF
    assert math.isnan(numbers["mean_reachable_min"])  # undefined: nobody reaches


@pytest.mark.parametrize(
    ("times", "weights"), [([], []), ([4.0, INF], [0, 0])], ids=["empty", "zero-population"]
)
def test_summary_without_residents(times: list[float], weights: list[int]) -> None:
    numbers = summary(pd.Series(times, dtype=float), weights, THRESHOLDS)
    assert numbers["residents"] == 0
    assert numbers["residents_unreachable"] == 0
    assert numbers["residents_beyond_longest"] == 0
    assert numbers[[share_column(t) for t in THRESHOLDS]].isna().all()  # undefined, not 0
    assert np.isnan(numbers[["mean_reachable_min", "median_min", "p90_min"]]).all()


@pytest.mark.parametrize(
    ("times", "weights", "match"),
    [
        ([1.0, float("nan")], [1, 1], "NaN; use inf"),
        ([-1.0], [1], "negative"),
        ([1.0], [-1], "non-negative"),
        ([1.0], [INF], "finite"),
        ([1.0, 2.0], [1], "2 travel times"),
    ],
)
def test_bad_inputs_are_rejected(times: list[float], weights: list[float], match: str) -> None:
    with pytest.raises(DataModelError, match=match):
        summary(pd.Series(times), weights)


@pytest.mark.parametrize("thresholds", [(), (10, 5), (5, 5), (-1, 5), (5, INF)])
def test_bad_thresholds_are_rejected(thresholds: tuple[float, ...]) -> None:
    with pytest.raises(ValidationError, match="strictly increasing"):
        threshold_shares(pd.Series([1.0]), [1], thresholds)


# --- weighted quantile ------------------------------------------------------------------------


def test_weighted_quantile_known_answers() -> None:
    assert weighted_quantile([10, 20, 30], [1, 1, 2], 0.5) == 20.0
    assert weighted_quantile([10, 20, 30], [1, 1, 2], 0.51) == 30.0
    for percent in (0, 10, 50, 90, 100):
        expected = np.percentile(
            np.repeat([7.0, 3.0, INF], [3, 5, 2]), percent, method="inverted_cdf"
        )
        assert weighted_quantile([7.0, 3.0, INF], [3, 5, 2], percent / 100) == expected
    assert weighted_quantile([30, 10, 20], [2, 0, 1], 0.0) == 20.0  # zero weight is ignored
    assert weighted_quantile([30, 10, 20], [2, 0, 1], 1.0) == 30.0
    assert math.isnan(weighted_quantile([1.0], [0], 0.5))
    with pytest.raises(ValidationError, match="quantile"):
        weighted_quantile([1.0], [1], 1.5)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(
            st.one_of(st.integers(0, 60).map(float), st.just(INF)),
            st.integers(0, 6),
        ),
        min_size=1,
        max_size=12,
    ),
    q=st.one_of(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.7, 0.9, 1.0]), st.floats(0, 1)),
)
def test_weighted_quantile_equals_expanded_sample(pairs: list[tuple[float, int]], q: float) -> None:
    values = np.array([v for v, _ in pairs])
    weights = np.array([w for _, w in pairs])
    result = weighted_quantile(values, weights, q)
    if weights.sum() == 0:
        assert math.isnan(result)
        return
    expanded = np.repeat(values, weights)
    assert result == np.quantile(expanded, q, method="inverted_cdf")
    assert result == np.quantile(values, q, weights=weights, method="inverted_cdf")


# --- indicator_table --------------------------------------------------------------------------


def test_indicator_table_known_answer(population: pd.DataFrame, minutes: pd.DataFrame) -> None:
    table = indicator_table(population, minutes, thresholds=THRESHOLDS)
    assert table[["group", "category"]].values.tolist() == [
        ["all", "cash"],
        ["all", "pharmacy"],
        ["glesbygd", "cash"],
        ["glesbygd", "pharmacy"],
        ["north", "cash"],
        ["north", "pharmacy"],
        ["south", "cash"],
        ["south", "pharmacy"],
    ]
    assert (table["weight"] == "pop_total").all()
    by_key = table.set_index(["group", "category"])
    assert by_key.loc[("all", "cash"), "share_within_10"] == pytest.approx(0.3)
    assert by_key.loc[("north", "cash"), "share_within_5"] == pytest.approx(1 / 3)
    assert by_key.loc[("south", "pharmacy"), "residents_beyond_longest"] == 30
    assert by_key.loc[("glesbygd", "cash"), "residents_unreachable"] == 40
    assert by_key.loc[("all", "pharmacy"), "mean_reachable_min"] == pytest.approx(
        (25 * 30 + 50 * 30 + 10 * 40) / 100
    )
    # The whole municipality equals the sum of its groups.
    counts = table.groupby(table["group"] == "all")["residents"].sum()
    assert counts[True] == counts[False]


def test_indicator_table_for_an_age_group(population: pd.DataFrame, minutes: pd.DataFrame) -> None:
    table = indicator_table(population, minutes, by=None, weight="pop_80_plus")
    cash = table.set_index("category").loc["cash"]
    assert cash["residents"] == 7
    assert cash["share_within_10"] == pytest.approx(1 / 7)
    assert cash["residents_unreachable"] == 4
    both = indicator_tables_by_age(population, minutes, by=None)
    assert list(dict.fromkeys(both["weight"])) == list(indicators.WEIGHT_COLUMNS)


def test_indicator_table_accepts_minutes_indexed_by_cell_id(
    population: pd.DataFrame, minutes: pd.DataFrame
) -> None:
    by_cell = minutes.set_axis(population["cell_id"]).iloc[::-1]
    pd.testing.assert_frame_equal(
        indicator_table(population, by_cell), indicator_table(population, minutes)
    )
    shuffled_rows = minutes.iloc[[4, 2, 0, 1, 3]]
    pd.testing.assert_frame_equal(
        indicator_table(population, shuffled_rows), indicator_table(population, minutes)
    )


def test_indicator_table_missing_cells_and_columns(
    population: pd.DataFrame, minutes: pd.DataFrame
) -> None:
    with pytest.raises(DataModelError, match="does not cover every population cell"):
        indicator_table(population, minutes.iloc[:3])
    with pytest.raises(DataModelError, match="no column 'pop_90_plus'"):
        indicator_table(population, minutes, weight="pop_90_plus")
    with pytest.raises(DataModelError, match="by=None"):
        indicator_table(population.drop(columns="locality_id"), minutes)


def test_indicator_table_empty(population: pd.DataFrame, minutes: pd.DataFrame) -> None:
    table = indicator_table(population.iloc[:0], minutes.iloc[:0])
    assert table[["group", "category"]].values.tolist() == [["all", "cash"], ["all", "pharmacy"]]
    assert (table["residents"] == 0).all()
    assert table[share_column(5)].isna().all()


# --- E2SFCA ------------------------------------------------------------------------------------


def test_e2sfca_hand_computed() -> None:
    # Service A (capacity 10): cell a at 5 min (w=1), b at 15 min (w=0.5).
    # Service B (capacity 6): cell b at 15 min (w=0.5), c at 5 min (w=1); d out of reach.
    costs = sp.csr_array(np.array([[300.0, 900.0, 0.0, 0.0], [0.0, 900.0, 300.0, 0.0]]))
    demand = pd.Series([100, 100, 100, 50], index=pd.Index(list("abcd"), name="cell"))
    result = e2sfca(demand, pd.Series([10.0, 6.0], index=["A", "B"]), costs, (10, 20), (1, 0.5))
    ratio_a, ratio_b = 10 / 150, 6 / 150
    assert result.name == "e2sfca"
    assert result.index.equals(demand.index)
    assert result.tolist() == pytest.approx([ratio_a, 0.5 * ratio_a + 0.5 * ratio_b, ratio_b, 0.0])


def test_e2sfca_boundary_and_explicit_zero() -> None:
    # An explicitly stored zero is a pair at 0 s; 600 s is exactly on the 10-minute step.
    costs = sp.coo_array(([0.0, 600.0, 601.0], ([0, 0, 0], [0, 1, 2])), shape=(1, 3))
    result = e2sfca(pd.Series([1.0, 1.0, 1.0]), pd.Series([2.5]), costs, (10, 20), (1.0, 0.5))
    assert result.tolist() == pytest.approx([1.0, 1.0, 0.5])


def test_e2sfca_rejects_bad_matrices() -> None:
    demand, supply = pd.Series([1.0, 1.0]), pd.Series([1.0])
    with pytest.raises(DataModelError, match="expected"):
        e2sfca(demand, supply, sp.csr_array((2, 2)))
    duplicated = sp.coo_array(([60.0, 120.0], ([0, 0], [1, 1])), shape=(1, 2))
    with pytest.raises(DataModelError, match="duplicated"):
        e2sfca(demand, supply, duplicated)
    with pytest.raises(ValidationError, match="weights"):
        e2sfca(demand, supply, sp.csr_array((1, 2)), (10, 20), (1.0,))


def _grid_case(
    n: int, n_services: int, seed: int
) -> tuple[pd.Series, pd.Series, sp.coo_array, np.ndarray]:
    """A seeded n x n grid of cells (5 min per step) and services on some cells."""
    rng = np.random.default_rng(seed)
    xy = np.array([(x, y) for x in range(n) for y in range(n)], dtype=float)
    demand = pd.Series(
        rng.integers(1, 200, len(xy)), index=pd.Index([f"c{i}" for i in range(len(xy))])
    )
    on_cells = rng.choice(len(xy) // 2, n_services, replace=False)  # the lower half only
    supply = pd.Series(
        rng.integers(1, 20, n_services).astype(float),
        index=pd.Index([f"s{j}" for j in range(n_services)]),
    )
    seconds = np.abs(xy[on_cells][:, None, :] - xy[None, :, :]).sum(axis=-1) * 300.0
    seconds += rng.integers(0, 3, seconds.shape) * 60.0
    within = seconds <= settings.E2SFCA_CATCHMENT_MIN * 60.0
    costs = sp.coo_array((seconds[within], np.nonzero(within)), shape=seconds.shape)
    return demand, supply, costs, within


def test_e2sfca_equals_pysal_access() -> None:
    from access import Access
    from access import weights as access_weights

    demand, supply, costs, within = _grid_case(n=8, n_services=6, seed=44)
    rows, cols = np.nonzero(within)
    cost_df = pd.DataFrame(
        {
            "origin": demand.index[cols],
            "dest": supply.index[rows],
            "cost": costs.toarray()[rows, cols] / 60.0,
        }
    )
    pysal = Access(
        demand_df=demand.rename("pop").rename_axis("geoid").to_frame(),
        demand_index=True,
        demand_value="pop",
        supply_df=supply.rename("capacity").rename_axis("service").to_frame(),
        supply_index=True,
        supply_value="capacity",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    step = access_weights.step_fn(
        dict(zip(settings.E2SFCA_STEPS_MIN, settings.E2SFCA_WEIGHTS, strict=True))
    )
    raw = pysal.enhanced_two_stage_fca(
        name="raw", max_cost=settings.E2SFCA_CATCHMENT_MIN, weight_fn=step
    )["raw_capacity"].reindex(demand.index)
    normalised = pysal.enhanced_two_stage_fca(
        name="norm", max_cost=settings.E2SFCA_CATCHMENT_MIN, weight_fn=step, normalize=True
    )["norm_capacity"].reindex(demand.index)

    ours = e2sfca(demand, supply, costs)
    assert raw.isna().any(), "the fixture should leave some cells without any service"
    np.testing.assert_allclose(ours, raw.fillna(0.0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        e2sfca(demand, supply, costs, normalize=True), normalised.fillna(0.0), rtol=1e-12
    )


@hypothesis_settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_services=st.integers(1, 5))
def test_e2sfca_conserves_supply(seed: int, n_services: int) -> None:
    demand, supply, costs, _ = _grid_case(n=5, n_services=n_services, seed=seed)
    access = e2sfca(demand, supply, costs)
    assert (access >= 0).all()
    # Every service has demand in its catchment here (it sits on a populated cell).
    assert float(np.dot(access, demand)) == pytest.approx(supply.sum(), rel=1e-9)


# --- Service bundle ---------------------------------------------------------------------------

BUNDLE = {"groceries": ("grocery_full", "grocery_convenience"), "cash": ("cash",), "parcels": ()}


def test_bundle_reach_uses_the_nearest_category() -> None:
    minutes = pd.DataFrame(
        {
            "grocery_full": [30.0, 8.0, INF, 2.0],
            "grocery_convenience": [5.0, INF, INF, 2.0],
            "cash": [10.0, 11.0, INF, 10.0],
        },
        index=[7, 3, 9, 1],
    )
    needs = bundle_need_minutes(minutes, BUNDLE)
    assert needs["groceries"].tolist() == [5.0, 8.0, INF, 2.0]
    assert needs["parcels"].tolist() == [INF] * 4  # no category present: unreachable
    reached = bundle_reach(minutes, BUNDLE, threshold_min=10)
    assert reached.name == "bundle_needs_reached"
    assert reached.index.equals(minutes.index)
    assert reached.tolist() == [2, 1, 0, 2]


def test_bundle_index_known_answer(population: pd.DataFrame, minutes: pd.DataFrame) -> None:
    bundle = {"cash": ("cash",), "medicines": ("pharmacy", "pharmacy_agent")}
    one_place = pd.Series([12.0, 30.0, INF, INF, INF], index=population["cell_id"])
    table = bundle_index(population, minutes, one_place, 25, bundle=bundle, by="locality_id")
    everyone = table.set_index("group").loc["all"]
    # Needs (cash, medicines) reached within 25 min: c1 2, c2 2, c3 1, c4 0 (empty), c5 1.
    assert everyone["needs"] == 2
    assert everyone["share_at_least_1"] == pytest.approx(1.0)
    assert everyone["share_at_least_2"] == pytest.approx(0.3)
    assert everyone["share_all_one_place"] == pytest.approx(0.1)  # only c1 (12 min)
    assert everyone["mean_needs_reached"] == pytest.approx(1.3)
    assert table["group"].tolist() == ["all", "glesbygd", "north", "south"]
    assert table.set_index("group").loc["north", "share_at_least_2"] == 1.0
    elderly = bundle_index(population, minutes, one_place, 25, weight="pop_80_plus", bundle=bundle)
    assert elderly.loc[0, "share_at_least_2"] == pytest.approx(1 / 7)
    assert elderly.loc[0, "share_all_one_place"] == 0.0


def test_sites_hosting_bundle() -> None:
    services = pd.DataFrame(
        {
            "site_id": ["s1", "s1", "s1", "s1", "s2", "s2", "s2", "s2", "s3", None],
            "category": [
                "grocery_convenience",
                "pharmacy_agent",
                "parcel_agent",
                "cash",
                "grocery_full",
                "pharmacy",
                "parcel_agent",
                "cash",
                "cash",
                "contact_office",
            ],
        }
    )
    without_contact = {k: v for k, v in model.EVERYDAY_BUNDLE.items() if k != "municipal_contact"}
    assert list(sites_hosting_bundle(services, without_contact)) == ["s1", "s2"]
    assert list(sites_hosting_bundle(services)) == []  # nobody has a contact office on site
    with pytest.raises(DataModelError, match="site_id"):
        sites_hosting_bundle(services.drop(columns="site_id"))


# --- compare ----------------------------------------------------------------------------------


def test_compare_known_answer(population: pd.DataFrame, minutes: pd.DataFrame) -> None:
    after = minutes.copy()
    after["cash"] = [3.0, 25.0, 4.0, 40.0, 18.0]  # c2 slower, c3 and c5 faster
    after = after.drop(columns="pharmacy")  # every pharmacy closes
    result = compare(minutes, after, population, by="locality_id", weights=("pop_total",))
    rows = result.summary.set_index(["group", "category"])
    cash = rows.loc[("all", "cash")]
    assert cash["gaining_within_5"] == 30
    assert cash["losing_within_10"] == 20 and cash["losing_within_20"] == 20
    assert cash["gaining_within_20"] == 40  # the rural cell, unreachable before
    assert cash["residents_slower"] == 20 and cash["residents_faster"] == 70
    assert cash["p90_min_before"] == INF and cash["p90_min_after"] == 25.0
    assert cash["p90_min_change"] == -INF
    assert rows.loc[("north", "cash"), "losing_within_10"] == 20
    pharmacy = rows.loc[("all", "pharmacy")]
    assert pharmacy["residents_losing_all_access"] == 100
    assert pharmacy["residents_slower"] == 100
    assert math.isnan(pharmacy["mean_reachable_min_after"])
    change = result.cell_change_min
    assert change.index.equals(population.index)
    assert change["cash"].tolist() == [0.0, 17.0, -11.0, 0.0, -INF]
    assert change["pharmacy"].tolist() == [INF] * 5
    assert not change.isna().any().any()


def test_compare_reports_every_age_group(population: pd.DataFrame, minutes: pd.DataFrame) -> None:
    result = compare(minutes, minutes, population, by=None)
    assert list(dict.fromkeys(result.summary["weight"])) == list(indicators.WEIGHT_COLUMNS)
    assert len(result.summary) == len(indicators.WEIGHT_COLUMNS) * 2


# --- Properties -------------------------------------------------------------------------------

times_strategy = st.one_of(
    st.floats(0, 120, allow_nan=False), st.just(INF), st.sampled_from([5.0, 10.0, 20.0])
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(0, 8))
    cells = pd.DataFrame(
        {
            "cell_id": [f"c{i}" for i in range(n)],
            "pop_total": draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)),
            "locality_id": draw(
                st.lists(st.sampled_from(["a", "b", None]), min_size=n, max_size=n)
            ),
        },
        index=pd.Index(draw(st.permutations(list(range(100, 100 + n)))), name="cell"),
    )
    times = pd.DataFrame(
        {
            category: draw(st.lists(times_strategy, min_size=n, max_size=n))
            for category in ("cash", "pharmacy")
        },
        index=cells.index,
    )
    return cells, times


@hypothesis_settings(max_examples=60, deadline=None)
@given(data=tables())
def test_shares_are_monotone_in_the_threshold(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    cells, times = data
    table = indicator_table(cells, times)
    shares = table[[share_column(t) for t in THRESHOLDS]].to_numpy()
    defined = table["residents"] > 0
    assert (np.diff(shares[defined.to_numpy()], axis=1) >= 0).all()
    assert shares[~defined.to_numpy()].size == 0 or np.isnan(shares[~defined.to_numpy()]).all()


@hypothesis_settings(max_examples=60, deadline=None)
@given(data=tables(), factor=st.floats(0, 1), which=st.integers(0, 7))
def test_lowering_a_time_never_lowers_a_share(
    data: tuple[pd.DataFrame, pd.DataFrame], factor: float, which: int
) -> None:
    cells, times = data
    if len(cells) == 0:
        return
    faster = times.copy()
    row = which % len(cells)
    old = faster.iloc[row, 0]
    faster.iloc[row, 0] = old * factor if math.isfinite(old) else 60.0 * factor
    before = indicator_table(cells, times).fillna(-1.0)
    after = indicator_table(cells, faster).fillna(-1.0)
    for threshold in THRESHOLDS:
        column = share_column(threshold)
        assert (after[column] >= before[column] - 1e-12).all()
    reach_before = bundle_reach(times, {"cash": ("cash",)}, threshold_min=20)
    reach_after = bundle_reach(faster, {"cash": ("cash",)}, threshold_min=20)
    assert (reach_after >= reach_before).all()


@hypothesis_settings(max_examples=40, deadline=None)
@given(data=tables())
def test_compare_with_itself_is_all_zeros(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    cells, times = data
    result = compare(times, times.iloc[::-1], cells, weights=("pop_total",))
    numbers = result.summary.drop(
        columns=["group", "category", "weight", "residents"]
        + [c for c in result.summary.columns if c.endswith(("_before", "_after"))]
    )
    assert (numbers.to_numpy() == 0).all()
    assert (result.cell_change_min.to_numpy() == 0).all()
