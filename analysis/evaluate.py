"""Scenario evaluation: before/after numbers, hub optimisation, closure vulnerability, budget.

Everything a planner and a council see about a scenario is computed here, from an
:class:`~analysis.accessibility.Analysis` of the baseline and one of the scenario, so the
page, the council view and the command line show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis import accessibility, budget, indicators, model, optimise
from analysis.accessibility import SECONDS_PER_MINUTE, Analysis
from analysis.errors import ValidationError
from analysis.scenarios import Change, Scenario, hub_sites
from analysis.traveltime import service_to_cell_matrix

#: Categories a new hub hosts by default: the everyday bundle, one category per need (the
#: smallest format of each: a convenience shop, a pharmacy agent ...).
DEFAULT_HUB_CATEGORIES: Final = (
    "grocery_convenience",
    "pharmacy_agent",
    "parcel_agent",
    "cash",
    "contact_office",
)
#: Hubs farther than this from a cell do not cover it (caps the optimiser's cost matrix).
OPTIMISE_LIMIT_MIN: Final = 90.0


@dataclass(frozen=True)
class ScenarioResult:
    """Everything that changes between the baseline and a scenario.

    Attributes
    ----------
    before, after
        The two analyses.
    mode, threshold_min
        The travel mode and the threshold the headline numbers use.
    comparison
        :func:`analysis.indicators.compare`, per locality and age group, of the categories
        whose travel times the scenario changes (the first category when none changes).
    bundle_before, bundle_after
        :func:`analysis.indicators.bundle_index` per locality (``"all"`` first).
    one_place_before, one_place_after
        Minutes per cell to the nearest place with the whole everyday bundle.
    needs_met
        Registered needs of the bundle's categories that get within the threshold (a frame
        with the needs' columns plus ``minutes_before`` and ``minutes_after``).
    budget
        :func:`analysis.budget.budget_table` per actor.
    """

    before: Analysis
    after: Analysis
    mode: str
    threshold_min: float
    comparison: indicators.Comparison
    bundle_before: pd.DataFrame
    bundle_after: pd.DataFrame
    one_place_before: pd.Series
    one_place_after: pd.Series
    needs_met: pd.DataFrame
    budget: pd.DataFrame

    def headline(self) -> dict[str, float]:
        """Return the few numbers a council sees first (residents, shares, SEK)."""
        population = self.before.region.population
        residents = population.set_index("cell_id")["pop_total"]
        old = population.set_index("cell_id")["pop_80_plus"]
        pharmacy_before = self.before.minutes(self.mode)["pharmacy"].reindex(residents.index)
        pharmacy_after = self.after.minutes(self.mode)["pharmacy"].reindex(residents.index)
        threshold = self.threshold_min
        within_before = self.one_place_before.reindex(residents.index) <= threshold
        within_after = self.one_place_after.reindex(residents.index) <= threshold
        all_row = self.comparison.summary
        all_row = all_row[(all_row["group"] == "all") & (all_row["weight"] == "pop_total")]
        total = self.budget.set_index("sector").loc["total"]
        return {
            "residents": float(residents.sum()),
            "one_place_before": float(residents[within_before].sum()),
            "one_place_after": float(residents[within_after].sum()),
            "old_far_from_pharmacy_before": float(old[pharmacy_before > 30].sum()),
            "old_far_from_pharmacy_after": float(old[pharmacy_after > 30].sum()),
            "residents_slower": float(all_row["residents_slower"].max()) if len(all_row) else 0.0,
            "needs_met": float(len(self.needs_met)),
            "cost_before_sek": float(total["cost_before_sek"]),
            "cost_after_sek": float(total["cost_after_sek"]),
        }


def evaluate(
    baseline: Analysis,
    scenario_analysis: Analysis,
    scenario: Scenario,
    mode: str = "car",
    threshold_min: float = 20.0,
    needs: gpd.GeoDataFrame | None = None,
    budget_parameters: budget.BudgetParameters | None = None,
    weights: Sequence[str] = indicators.WEIGHT_COLUMNS,
) -> ScenarioResult:
    """Compare ``scenario_analysis`` (of ``scenario``) with ``baseline``.

    ``weights`` are the population columns the comparison reports on (everyone and every age
    group by default; a page showing one age group at a time can ask for fewer, which is faster).

    ``needs`` are the registered needs (EPSG:3006 points with ``category``); a need is *newly
    met* when the nearest service of its category is beyond the threshold before and within
    it after.
    """
    population = baseline.region.population
    before_minutes = baseline.minutes(mode)
    after_minutes = scenario_analysis.minutes(mode)
    # Only categories whose times changed are compared: the others are identical by
    # construction, and comparing them would cost most of the time of an edit.
    changed = [
        c
        for c in before_minutes.columns
        if not np.array_equal(before_minutes[c].to_numpy(), after_minutes[c].to_numpy())
    ] or list(before_minutes.columns[:1])
    comparison = indicators.compare(
        before_minutes[changed], after_minutes[changed], population, weights=weights
    )
    one_before = accessibility.bundle_one_place_minutes(baseline, mode)
    one_after = accessibility.bundle_one_place_minutes(scenario_analysis, mode)
    bundle_before = indicators.bundle_index(
        population, before_minutes, one_before, threshold_min, by="locality_id"
    )
    bundle_after = indicators.bundle_index(
        population, after_minutes, one_after, threshold_min, by="locality_id"
    )
    needs_met = _needs_met(baseline, scenario_analysis, needs, mode, threshold_min)
    budget_table = budget.budget_table(
        baseline.services,
        scenario_analysis.services,
        budget_parameters,
        hub_sites(scenario.changes),
    )
    return ScenarioResult(
        baseline,
        scenario_analysis,
        mode,
        threshold_min,
        comparison,
        bundle_before,
        bundle_after,
        one_before,
        one_after,
        needs_met,
        budget_table,
    )


def _needs_met(
    baseline: Analysis,
    scenario_analysis: Analysis,
    needs: gpd.GeoDataFrame | None,
    mode: str,
    threshold_min: float,
) -> pd.DataFrame:
    if needs is None or needs.empty:
        return pd.DataFrame(columns=["need_id", "category", "minutes_before", "minutes_after"])
    active = needs[needs["category"].isin(model.CATEGORY_IDS)]
    if "status" in active.columns:
        active = active[~active["status"].isin(("resolved", "rejected"))]
    points = gpd.GeoSeries(active.geometry, crs=needs.crs)
    before = accessibility.minutes_at_points(baseline, points, active["category"], mode)
    after = accessibility.minutes_at_points(scenario_analysis, points, active["category"], mode)
    met = (before > threshold_min) & (after <= threshold_min)
    return pd.DataFrame(active.loc[met].drop(columns="geometry")).assign(
        minutes_before=before[met], minutes_after=after[met]
    )


def candidate_sites(baseline: Analysis) -> gpd.GeoDataFrame:
    """Return the candidate host sites (``is_candidate``) in a stable order."""
    sites = baseline.region.sites
    return sites.loc[sites["is_candidate"]].sort_values("site_id").reset_index(drop=True)


def hub_cost_matrix(
    baseline: Analysis, sites: gpd.GeoDataFrame, mode: str, limit_min: float = OPTIMISE_LIMIT_MIN
) -> np.ndarray:
    """Return minutes from every populated cell (rows) to every site (columns); inf beyond
    ``limit_min`` or unreachable."""
    points = gpd.GeoDataFrame(
        {"category": ["cash"] * len(sites)}, geometry=sites.geometry.values, crs=sites.crs
    )
    sparse = service_to_cell_matrix(
        baseline.network, baseline.region.population, points, mode, limit_min * SECONDS_PER_MINUTE
    ).tocoo()
    dense = np.full((sparse.shape[1], sparse.shape[0]), np.inf)
    dense[sparse.col, sparse.row] = sparse.data / SECONDS_PER_MINUTE
    return dense


@dataclass(frozen=True)
class HubPlan:
    """An optimisation result as sites, numbers and a scenario the planner can edit."""

    solution: optimise.HubSolution
    site_ids: tuple[str, ...]
    scenario: Scenario


def needs_people_per_cell(needs: gpd.GeoDataFrame, population: gpd.GeoDataFrame) -> np.ndarray:
    """Return, per population cell (in order), the people behind active registered needs in it.

    Needs outside every populated cell are not counted (they have no cell to weigh).
    """
    result = np.zeros(len(population))
    if needs is None or needs.empty:
        return result
    active = needs[~needs["status"].isin(("resolved", "rejected"))] if "status" in needs else needs
    cell_index, need_index = population.sindex.query(active.geometry, predicate="within")[::-1]
    np.add.at(result, cell_index, active["people_count"].to_numpy(dtype=float)[need_index])
    return result


def optimise_hubs(
    baseline: Analysis,
    k: int,
    threshold_min: float = 20.0,
    problem: str = "mclp",
    mode: str = "car",
    categories: Sequence[str] = DEFAULT_HUB_CATEGORIES,
    weight: str = "pop_total",
    locked_site_ids: Sequence[str] = (),
    needs_per_cell: np.ndarray | None = None,
    method: optimise.Method = "auto",
) -> HubPlan:
    """Choose ``k`` candidate sites for hubs hosting ``categories``.

    The demand is each cell's residents (or one age group, ``weight``), plus the people behind
    registered needs when ``needs_per_cell`` is given.  Cells already within the threshold of a
    place offering the whole everyday bundle in one stop count as covered (``existing_min``),
    so hubs go where they add something.  ``problem`` is ``"mclp"`` (maximise residents within
    the threshold) or ``"p_median"`` (minimise mean minutes).
    """
    if problem not in ("mclp", "p_median"):
        raise ValidationError(
            f"Unknown problem {problem!r}; use 'mclp' or 'p_median'.",
            f"Okänd optimering {problem!r}; välj täckning (mclp) eller medelrestid (p_median).",
        )
    sites = candidate_sites(baseline)
    if sites.empty:
        raise ValidationError(
            "The region has no candidate sites.",
            "Området har inga tänkbara platser för servicepunkter (is_candidate i sites-lagret).",
        )
    index = {site_id: i for i, site_id in enumerate(sites["site_id"])}
    unknown = [s for s in locked_site_ids if s not in index]
    if unknown:
        raise ValidationError(
            f"Locked sites {unknown} are not candidate sites.",
            f"De låsta platserna {unknown} är inte kandidatplatser.",
        )
    population = baseline.region.population
    weights = optimise.demand_weights(population[weight].to_numpy(dtype=float), needs_per_cell)
    cost = hub_cost_matrix(baseline, sites, mode)
    existing = accessibility.bundle_one_place_minutes(baseline, mode).to_numpy()
    locked = tuple(index[s] for s in locked_site_ids)
    if problem == "mclp":
        solution = optimise.maximal_covering(
            cost, weights, k, threshold_min, locked=locked, existing_min=existing, method=method
        )
    else:
        solution = optimise.p_median(
            cost, weights, k, locked=locked, existing_min=existing, method=method
        )
    chosen = tuple(str(sites["site_id"].iloc[j]) for j in solution.sites)
    changes = tuple(Change("hub", site_id=s, categories=tuple(categories)) for s in chosen)
    names = ", ".join(str(sites.set_index("site_id").at[s, "name"]) for s in chosen)
    scenario = Scenario(
        baseline.region.info.region_id,
        f"Optimerade servicepunkter (k={k})",
        changes,
        description=f"{problem}, {threshold_min:g} min, {mode}: {names}",
    )
    return HubPlan(solution, chosen, scenario)


def vulnerability(
    analysis: Analysis, category: str, mode: str, threshold_min: float
) -> pd.DataFrame:
    """Rank the services of ``category`` by the residents who would fall beyond the threshold
    if each one closed (from second-nearest times), with the services' names."""
    tt = analysis.travel_times()
    m, c = tt.index(mode, category)
    routing_ids = np.flatnonzero(analysis.state.service_category == category)
    position = {int(rid): i for i, rid in enumerate(routing_ids)}
    nearest = np.array([position.get(int(s), -1) for s in tt.nearest_service[m, c]])
    service_ids = [analysis.service_ids[int(rid)] for rid in routing_ids]
    table = optimise.closure_vulnerability(
        tt.nearest_s[m, c] / SECONDS_PER_MINUTE,
        nearest,
        tt.second_s[m, c] / SECONDS_PER_MINUTE,
        analysis.region.population["pop_total"].to_numpy(dtype=float),
        threshold_min,
        service_ids,
    )
    names = analysis.services.set_index("service_id")["name"]
    return table.assign(name=table["service_id"].map(names))
