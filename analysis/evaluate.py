"""Scenario evaluation: before/after numbers, hub optimisation, closure vulnerability, budget.

Everything a planner and a council see about a scenario is computed here, from an
:class:`~analysis.accessibility.Analysis` of the baseline and one of the scenario, so the
page, the council view and the command line show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis import accessibility, budget, indicators, model, optimise
from analysis import effect as effect_module
from analysis.accessibility import SECONDS_PER_MINUTE, Analysis
from analysis.errors import ValidationError
from analysis.network import snap_points
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
    weights
        The population columns the effect (and :attr:`comparison`) report on.
    bundle_before, bundle_after
        :func:`analysis.indicators.bundle_index` per locality (``"all"`` first).
    one_place_before, one_place_after
        Minutes per cell to the nearest place with the whole everyday bundle.
    needs_met
        Registered needs that get within the threshold of a service meeting them (a frame
        with the needs' columns plus ``need``, ``minutes_before`` and ``minutes_after``).
    budget
        :func:`analysis.budget.budget_table` per actor.
    effect
        :func:`analysis.effect.scenario_effect`: who gains and loses, per need and category.
    """

    before: Analysis
    after: Analysis
    mode: str
    threshold_min: float
    weights: tuple[str, ...]
    bundle_before: pd.DataFrame
    bundle_after: pd.DataFrame
    one_place_before: pd.Series
    one_place_after: pd.Series
    needs_met: pd.DataFrame
    budget: pd.DataFrame

    effect: effect_module.Effect

    @cached_property
    def comparison(self) -> indicators.Comparison:
        """:func:`analysis.indicators.compare` of the categories whose times change (the first
        category when none does), per locality and for ``weights``; computed when asked for
        (the command line writes it; the pages show :attr:`effect`)."""
        before_minutes = self.before.minutes(self.mode)
        after_minutes = self.after.minutes(self.mode)
        changed = [
            c
            for c in before_minutes.columns
            if not np.array_equal(before_minutes[c].to_numpy(), after_minutes[c].to_numpy())
        ] or list(before_minutes.columns[:1])
        return indicators.compare(
            before_minutes[changed],
            after_minutes[changed],
            self.before.region.population,
            weights=self.weights,
        )

    @cached_property
    def _headlines(self) -> tuple[effect_module.Headline, ...]:
        return effect_module.headlines(self.effect, self.before.region.population)

    def headlines(self) -> tuple[effect_module.Headline, ...]:
        """Return the few figures that matter for this scenario (see :func:`effect.headlines`).

        Chosen once per result: a page asks for them several times (figures, sentence, maps).
        """
        return self._headlines


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
    effect = effect_module.scenario_effect(
        population,
        before_minutes,
        after_minutes,
        mode,
        threshold_min,
        budget_table,
        needs_met,
        weights=weights,
    )
    return ScenarioResult(
        baseline,
        scenario_analysis,
        mode,
        threshold_min,
        tuple(weights),
        bundle_before,
        bundle_after,
        one_before,
        one_after,
        needs_met,
        budget_table,
        effect,
    )


def _needs_met(
    baseline: Analysis,
    scenario_analysis: Analysis,
    needs: gpd.GeoDataFrame | None,
    mode: str,
    threshold_min: float,
) -> pd.DataFrame:
    """Registered needs beyond the threshold today and within it after the scenario.

    A need registered for a category is met by any service meeting it at that level
    (:data:`analysis.model.NEED_OF_CATEGORY`): a wish for a pharmacy agent is met by a
    pharmacy too.
    """
    columns = ["need_id", "category", "need", "minutes_before", "minutes_after"]
    if needs is None or needs.empty:
        return pd.DataFrame(columns=columns)
    active = needs[needs["category"].isin(model.CATEGORY_IDS)]
    if "status" in active.columns:
        active = active[~active["status"].isin(("resolved", "rejected"))]
    points = gpd.GeoSeries(active.geometry, crs=needs.crs)
    need_ids = active["category"].map(model.NEED_OF_CATEGORY)
    # Both analyses route on the same network: the points are snapped once.
    snap = snap_points(baseline.network, points, mode)
    before = accessibility.need_minutes_at_points(baseline, points, need_ids, mode, snap)
    after = accessibility.need_minutes_at_points(scenario_analysis, points, need_ids, mode, snap)
    met = (before > threshold_min) & (after <= threshold_min)
    return pd.DataFrame(active.loc[met].drop(columns="geometry")).assign(
        need=need_ids[met], minutes_before=before[met], minutes_after=after[met]
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


def hub_categories_for(needs: Sequence[str]) -> tuple[str, ...]:
    """Return the smallest format of service meeting each need, for a hub to host.

    Examples
    --------
    >>> hub_categories_for(["groceries", "medicines", "parcels"])
    ('grocery_convenience', 'pharmacy_agent', 'parcel_agent')
    """
    return tuple(dict.fromkeys(model.NEEDS[need][-1] for need in needs))


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
    needs: Sequence[str] | None = None,
) -> HubPlan:
    """Choose ``k`` candidate sites for hubs hosting ``categories``.

    The demand is each cell's residents (or one age group, ``weight``), plus the people behind
    registered needs when ``needs_per_cell`` is given.  Cells already within the threshold of a
    place offering the whole everyday bundle in one stop count as covered (``existing_min``),
    so hubs go where they add something.  ``problem`` is ``"mclp"`` (maximise residents within
    the threshold) or ``"p_median"`` (minimise mean minutes).

    ``needs`` (of :data:`analysis.model.NEEDS`) asks for hubs that meet those needs instead:
    each hub hosts the smallest format meeting each need (a convenience store for groceries,
    a pharmacy agent for medicines) and a cell counts as covered when one place within the
    threshold already meets all of them.
    """
    bundle = model.EVERYDAY_BUNDLE
    if needs is not None:
        bundle = model.chosen_needs(needs)
        categories = hub_categories_for(needs)
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
    existing = accessibility.bundle_one_place_minutes(baseline, mode, bundle).to_numpy()
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
    """Rank services by the residents who would fall beyond the threshold if each one closed.

    ``category`` is a service category, or a need of :data:`analysis.model.NEEDS` (met by any
    of its categories): closing a pharmacy agent then counts only those for whom no pharmacy
    or other agent is within the threshold either.  The times after a closure come from the
    second-nearest service of the closed one's category and the nearest of the need's other
    categories.  The table has the services' names.
    """
    tt = analysis.travel_times()
    categories = (category,) if category in model.CATEGORY_IDS else model.NEEDS.get(category)
    if categories is None:
        raise ValidationError(
            f"Unknown category or need {category!r}.",
            f"Okänd kategori eller okänt behov {category!r}.",
        )
    categories = tuple(c for c in categories if c in tt.categories)
    m, _ = tt.index(mode)
    cells = len(analysis.region.population)
    routing_ids = np.flatnonzero(np.isin(analysis.state.service_category, categories))
    position = {int(rid): i for i, rid in enumerate(routing_ids)}
    nearest = np.full(cells, np.inf)
    owner = np.full(cells, -1, dtype=np.int64)
    second = np.full(cells, np.inf)
    per_category = [tt.index(mode, c)[1] for c in categories]
    for c in per_category:
        times = tt.nearest_s[m, c] / SECONDS_PER_MINUTE
        better = times < nearest
        # Without the present nearest service, a cell falls back on the better of: the old
        # best of the other categories, or this category's second-nearest.
        second = np.where(
            better,
            np.minimum(nearest, tt.second_s[m, c] / SECONDS_PER_MINUTE),
            np.minimum(second, times),
        )
        owner = np.where(
            better,
            np.array([position.get(int(s), -1) for s in tt.nearest_service[m, c]]),
            owner,
        )
        nearest = np.where(better, times, nearest)
    service_ids = [analysis.service_ids[int(rid)] for rid in routing_ids]
    table = optimise.closure_vulnerability(
        nearest,
        owner,
        second,
        analysis.region.population["pop_total"].to_numpy(dtype=float),
        threshold_min,
        service_ids,
    )
    names = analysis.services.set_index("service_id")["name"]
    return table.assign(name=table["service_id"].map(names))
