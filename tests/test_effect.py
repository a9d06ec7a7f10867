"""A scenario's effect equals an independent recomputation from cell-level times (issue 11).

The reference below works on the cell tables with pandas group-bys, one figure at a time,
without the engine's vectorised sums; the scenarios are real edits of the demo region.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from shapely import Point

from analysis import accessibility as acc
from analysis import effect, evaluate, headlines, io, model
from analysis import settings as config
from analysis.errors import ValidationError
from analysis.scenarios import Change, Scenario

HALL = "site-044"  # Bygdegården Kvarnbäcken, a village-hall candidate site
VILLAGE_HUB = (
    Change(
        "hub", site_id=HALL, categories=("grocery_convenience", "pharmacy_agent", "parcel_agent")
    ),
)
#: A shop moved from the town into a hub, and a parcel agent closed in another village: the
#: residents made slower are two different groups.
SHOP_IN_PARCELS_OUT = (
    Change(
        "hub",
        site_id="site-053",
        categories=("grocery_convenience", "cash"),
        move_from={"grocery_convenience": "svc-011"},
    ),
    Change("close", service_id="svc-023"),
)


@pytest.fixture(scope="module")
def baseline() -> acc.Analysis:
    return acc.analyse_region(io.load_region(config.DEFAULT_REGION))


def _evaluate(baseline: acc.Analysis, changes: tuple[Change, ...]) -> evaluate.ScenarioResult:
    scenario = Scenario(config.DEFAULT_REGION, "test", changes)
    after = acc.scenario_analysis(baseline, scenario)
    return evaluate.evaluate(baseline, after, scenario, "car", 20, baseline.region.needs)


def _reference_need_minutes(minutes: pd.DataFrame, need: str) -> pd.Series:
    return minutes[[c for c in model.NEEDS[need] if c in minutes.columns]].min(axis=1)


def _cells(result: evaluate.ScenarioResult) -> pd.DataFrame:
    population = result.before.region.population
    return pd.DataFrame(
        {
            "group": population["locality_id"].fillna(config.RURAL_LOCALITY_ID).to_numpy(),
            **{w: population[w].to_numpy(dtype=float) for w in ("pop_total", *config.AGE_GROUPS)},
        }
    )


@pytest.mark.parametrize("changes", [VILLAGE_HUB, SHOP_IN_PARCELS_OUT], ids=["hub", "mixed"])
def test_subject_figures_equal_an_independent_recomputation(baseline, changes) -> None:
    result = _evaluate(baseline, changes)
    before, after = result.before.minutes("car"), result.after.minutes("car")
    cells = _cells(result)
    subjects = result.effect.subjects
    checked = 0
    for need in model.NEED_IDS:
        old = _reference_need_minutes(before, need).to_numpy()
        new = _reference_need_minutes(after, need).to_numpy()
        rows = subjects[(subjects["kind"] == "need") & (subjects["subject"] == need)]
        if np.array_equal(old, new):
            assert rows.empty, f"{need} did not change but has rows"
            continue
        frame = cells.assign(old=old, new=new)
        both = np.isfinite(old) & np.isfinite(new)
        for weight in ("pop_total", *config.AGE_GROUPS):
            w = frame[weight]
            expected = pd.DataFrame(
                {
                    "residents_gaining": w.where(frame["new"] < frame["old"], 0.0),
                    "residents_losing": w.where(frame["new"] > frame["old"], 0.0),
                    "gaining_within_10": w.where((frame["old"] > 10) & (frame["new"] <= 10), 0.0),
                    "losing_within_30": w.where((frame["old"] <= 30) & (frame["new"] > 30), 0.0),
                    "within_20_after": w.where(frame["new"] <= 20, 0.0),
                    "minutes_saved_total": (w * (frame["old"] - frame["new"])).where(
                        both & (frame["new"] < frame["old"]), 0.0
                    ),
                    "group": frame["group"],
                }
            )
            per_group = expected.groupby("group").sum()
            per_group.loc["all"] = expected.drop(columns="group").sum()
            got = rows[rows["weight"] == weight].set_index("group")
            for column in per_group.columns:
                np.testing.assert_allclose(
                    got.loc[per_group.index, column].to_numpy(),
                    per_group[column].to_numpy(),
                    err_msg=f"{need} {weight} {column}",
                )
            checked += 1
    assert checked >= 5


def test_a_village_hub_shows_its_gain(baseline) -> None:
    result = _evaluate(baseline, VILLAGE_HUB)
    figures = result.headlines()
    kinds = [h.kind for h in figures]
    assert kinds[0] == "locality_gain" and "slower" in kinds and "cost" in kinds
    story = figures[0]
    assert story.locality == "kvarnbacken" and story.need == "groceries"
    # Recomputed: residents of the village getting within the story's threshold of groceries.
    population = baseline.region.population
    old = _reference_need_minutes(result.before.minutes("car"), "groceries").to_numpy()
    new = _reference_need_minutes(result.after.minutes("car"), "groceries").to_numpy()
    in_village = (population["locality_id"] == "kvarnbacken").to_numpy()
    threshold = story.threshold_min
    crossing = in_village & (old > threshold) & (new <= threshold)
    assert story.value == population["pop_total"].to_numpy()[crossing].sum() > 0
    assert story.after > story.before and story.direction == "better"
    assert story.details["minutes_before"] > threshold >= story.details["minutes_after"]


def test_residents_slower_count_everyone_once(baseline) -> None:
    result = _evaluate(baseline, SHOP_IN_PARCELS_OUT)
    before, after = result.before.minutes("car"), result.after.minutes("car")
    weights = baseline.region.population["pop_total"].to_numpy(dtype=float)
    slower = after.to_numpy() > before.to_numpy()  # cells x categories
    per_category = {
        c: weights[slower[:, i]].sum() for i, c in enumerate(before.columns) if slower[:, i].any()
    }
    union = weights[slower.any(axis=1)].sum()
    assert len(per_category) >= 2, per_category
    assert union > max(per_category.values()), "the losers are different people"
    assert result.effect.total("residents_slower_any_service") == union
    slower_figure = next(h for h in result.headlines() if h.kind == "slower")
    assert slower_figure.value == union and slower_figure.direction == "worse"
    # Per age group too: each group's union.
    for weight in config.AGE_GROUPS:
        w = baseline.region.population[weight].to_numpy(dtype=float)
        assert (
            result.effect.total("residents_slower_any_service", weight)
            == w[slower.any(axis=1)].sum()
        )


def test_cost_per_resident_gaining_uses_every_need(baseline) -> None:
    result = _evaluate(baseline, VILLAGE_HUB)
    before, after = result.before.minutes("car"), result.after.minutes("car")
    population = baseline.region.population
    gaining = np.zeros(len(population), dtype=bool)
    for need in model.NEED_IDS:
        gaining |= (
            _reference_need_minutes(after, need).to_numpy()
            < _reference_need_minutes(before, need).to_numpy()
        )
    residents = population["pop_total"].to_numpy(dtype=float)[gaining].sum()
    total = result.budget.set_index("sector").at["total", "change_sek"]
    assert result.effect.total("residents_gaining_any_need") == residents
    assert result.effect.cost_per_resident_gaining_sek == pytest.approx(total / residents)
    for weight in config.AGE_GROUPS:
        w = population[weight].to_numpy(dtype=float)
        assert result.effect.total("residents_gaining_any_need", weight) == w[gaining].sum()


def test_needs_met_count_any_service_that_meets_them(baseline) -> None:
    region = baseline.region
    # A need for a pharmacy agent next to the hub: met by the hub's pharmacy agent.
    hall = region.sites.set_index("site_id").geometry[HALL]
    needs = gpd.GeoDataFrame(
        {
            "need_id": ["a", "b"],
            "category": ["pharmacy_agent", "pharmacy"],
            "people_count": [1, 1],
            "status": ["new", "new"],
        },
        geometry=[Point(hall.x + 50, hall.y), Point(hall.x + 50, hall.y)],
        crs=config.CRS_METRIC,
    )
    scenario = Scenario(config.DEFAULT_REGION, "t", VILLAGE_HUB)
    after = acc.scenario_analysis(baseline, scenario)
    result = evaluate.evaluate(baseline, after, scenario, "car", 20, needs)
    # The agent meets the wish for an agent, not the wish for a staffed pharmacy.
    assert list(result.needs_met["need_id"]) == ["a"]
    assert list(result.needs_met["need"]) == ["medicines"]


@pytest.mark.parametrize("changes", [VILLAGE_HUB, SHOP_IN_PARCELS_OUT], ids=["hub", "mixed"])
def test_changed_bounds_hold_every_changed_cell(baseline, changes) -> None:
    result = _evaluate(baseline, changes)
    population = baseline.region.population
    changed = result.effect.changed_cells
    south, west, north, east = effect.changed_bounds(population, changed)
    shown = population.loc[changed].to_crs(config.CRS_DISPLAY).total_bounds
    assert west <= shown[0] and south <= shown[1] and east >= shown[2] and north >= shown[3]
    region_box = baseline.region.boundary.to_crs(config.CRS_DISPLAY).total_bounds
    area = (east - west) * (north - south)
    region_area = (region_box[2] - region_box[0]) * (region_box[3] - region_box[1])
    assert area <= region_area * 1.05
    if changes is VILLAGE_HUB:
        assert area < region_area / 4, "a village's change opens on the village"


def test_an_empty_scenario_moves_nothing(baseline) -> None:
    result = _evaluate(baseline, ())
    assert result.effect.subjects.empty and not result.effect.changed_cells.any()
    assert [h.kind for h in result.headlines()] == ["slower", "cost"]
    assert all(h.direction == "same" for h in result.headlines())
    assert effect.changed_bounds(baseline.region.population, result.effect.changed_cells) is None


def test_two_proposals_side_by_side(baseline) -> None:
    hub, mixed = _evaluate(baseline, VILLAGE_HUB), _evaluate(baseline, SHOP_IN_PARCELS_OUT)
    table = effect.compare_proposals({"A": hub.effect, "B": mixed.effect}).set_index("figure")
    assert table.at["residents_gaining_any_need", "A"] == hub.effect.total(
        "residents_gaining_any_need"
    )
    assert table.at["residents_slower_any_service", "B"] == mixed.effect.total(
        "residents_slower_any_service"
    )
    assert table.at["cost_change_sek", "A"] == hub.effect.cost_change_sek
    assert table.at["gaining:groceries", "A"] > 0
    assert table.at["gaining:medicines", "B"] == 0  # B does not touch medicines


def test_headline_text_says_who_and_how_much(baseline) -> None:
    result = _evaluate(baseline, VILLAGE_HUB)
    localities = baseline.region.localities
    names = dict(zip(localities["locality_id"], localities["name"], strict=True))
    first = headlines.key_figure(result.headlines()[0], "sv", names)
    assert first.label.startswith("Invånare i Kvarnbäcken som nu når dagligvaror inom")
    assert first.direction_text == "bättre" and first.after == str(int(result.headlines()[0].value))
    assert "i dag" in first.caption and "med förslaget" in first.caption
    sentence = headlines.summary_sentence(result.headlines(), "sv", names)
    assert "Kvarnbäcken" in sentence and "Ingen får längre restid" in sentence
    english = headlines.summary_sentence(result.headlines(), "en", names)
    assert "Kvarnbäcken" in english and "Nobody" in english


# --- Invariants on random tables ------------------------------------------------------------

minutes_values = st.one_of(st.floats(0, 90, allow_nan=False), st.just(math.inf))


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n=st.integers(1, 12),
)
def test_unions_lie_between_the_largest_part_and_the_sum(data, n: int) -> None:
    categories = ["grocery_full", "grocery_convenience", "cash"]
    needs = {"groceries": ("grocery_full", "grocery_convenience"), "cash": ("cash",)}
    before = pd.DataFrame(
        {c: data.draw(arrays(float, n, elements=minutes_values)) for c in categories}
    )
    after = pd.DataFrame(
        {c: data.draw(arrays(float, n, elements=minutes_values)) for c in categories}
    )
    population = pd.DataFrame(
        {
            "pop_total": data.draw(arrays(np.int64, n, elements=st.integers(0, 50))),
            "locality_id": data.draw(
                st.lists(st.sampled_from(["a", "b", None]), min_size=n, max_size=n)
            ),
        }
    )
    costs = pd.DataFrame({"sector": ["total"], "change_sek": [0.0]})
    result = effect.scenario_effect(
        population, before, after, "car", 20, costs, weights=("pop_total",), needs=needs
    )
    gaining = result.total("residents_gaining_any_need")
    slower = result.total("residents_slower_any_service")
    need_rows = result.subject_rows("need", group="all")
    category_rows = result.subject_rows("category", group="all")
    if len(need_rows):
        assert (
            need_rows["residents_gaining"].max() <= gaining <= need_rows["residents_gaining"].sum()
        )
    else:
        assert gaining == 0
    if len(category_rows):
        assert (
            category_rows["residents_losing"].max()
            <= slower
            <= category_rows["residents_losing"].sum()
        )
    else:
        assert slower == 0
    # Localities add up to the municipality.
    totals = result.totals[result.totals["group"] != "all"]
    assert totals["residents_slower_any_service"].sum() == slower
    assert totals["residents"].sum() == population["pop_total"].sum()


# --- Needs in the vulnerability ranking and the optimiser ------------------------------------


def test_vulnerability_of_a_need_equals_closing_each_service(baseline) -> None:
    threshold = 20.0
    table = evaluate.vulnerability(baseline, "medicines", "car", threshold).set_index("service_id")
    services = baseline.services
    providers = services.loc[services["category"].isin(model.NEEDS["medicines"]), "service_id"]
    assert set(table.index) == set(providers)
    weights = baseline.region.population["pop_total"].to_numpy(dtype=float)
    today = _reference_need_minutes(baseline.minutes("car"), "medicines").to_numpy()
    for service_id in providers:
        closed = acc.scenario_analysis(
            baseline,
            Scenario(config.DEFAULT_REGION, "c", (Change("close", service_id=service_id),)),
        )
        after = _reference_need_minutes(closed.minutes("car"), "medicines").to_numpy()
        losing = weights[(today <= threshold) & (after > threshold)].sum()
        assert table.at[service_id, "residents_losing"] == pytest.approx(losing), service_id


def test_a_single_category_need_ranks_as_its_category(baseline) -> None:
    need = evaluate.vulnerability(baseline, "parcels", "car", 20.0)
    category = evaluate.vulnerability(baseline, "parcel_agent", "car", 20.0)
    pd.testing.assert_frame_equal(need, category)


def test_the_optimiser_serves_the_chosen_needs(baseline) -> None:
    plan = evaluate.optimise_hubs(baseline, 2, 20.0, needs=["groceries", "medicines"])
    assert {c.categories for c in plan.scenario.changes} == {
        ("grocery_convenience", "pharmacy_agent")
    }
    assert plan.solution.objective >= plan.solution.baseline
    with pytest.raises(ValidationError, match="Unknown needs") as error:
        evaluate.optimise_hubs(baseline, 2, 20.0, needs=["no_such_need"])
    assert "behov" in error.value.message_sv


def test_where_to_start_ranks_by_the_worst_need(baseline) -> None:
    from analysis import indicators, priorities

    population = baseline.region.population
    minutes = baseline.minutes("car")
    needs = ["groceries", "medicines", "parcels"]
    ranking = priorities.locality_priorities(population, minutes, needs, "pop_80_plus", 20)
    # Reference: weighted medians per locality and need, from the indicator table on need times.
    frame = effect.need_minutes(minutes.reset_index(drop=True), {n: model.NEEDS[n] for n in needs})
    table = indicators.indicator_table(
        population, frame.set_axis(population.index), weight="pop_80_plus"
    )
    table = table[(table["group"] != "all") & (table["residents"] > 0)]
    worst = table.groupby("group")["median_min"].max()
    got = ranking.set_index("locality_id")["worst_median_min"]
    pd.testing.assert_series_equal(
        got.sort_index(), worst.sort_index(), check_names=False, check_index_type=False
    )
    assert ranking["worst_median_min"].is_monotonic_decreasing
    without_localities = population.drop(columns="locality_id")
    only = priorities.locality_priorities(without_localities, minutes, needs)
    assert list(only["locality_id"]) == [config.RURAL_LOCALITY_ID]
