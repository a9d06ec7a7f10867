"""Where to start: which localities a hub would help most, for a set of needs and an age group.

For each locality the travel time to every chosen need (met by any of its categories) is
summarised for the chosen residents; the locality's *worst need* is the one with the longest
median trip, and localities are ranked by it, so the planner sees at a glance which village
lacks most of what, say, its residents over 80 need every week.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import indicators, model, settings
from analysis.effect import need_minutes


def locality_priorities(
    population: pd.DataFrame,
    minutes: pd.DataFrame,
    needs: Sequence[str],
    weight: str = "pop_total",
    threshold_min: float = 20.0,
) -> pd.DataFrame:
    """Rank localities by the median trip to their worst need among ``needs``.

    Parameters
    ----------
    population
        Population cells with ``weight`` and ``locality_id``.
    minutes
        Minutes per cell and service category (the engine's ``Analysis.minutes``).
    needs
        Needs of :data:`analysis.model.NEEDS` to look at (e.g. groceries, medicines, parcels).
    weight
        Population column: everyone or one age group.
    threshold_min
        Residents beyond this many minutes of the worst need are counted.

    Returns
    -------
    pandas.DataFrame
        One row per locality with residents of ``weight`` (the rural area included), worst
        first: ``locality_id``, ``residents``, ``worst_need``, ``worst_median_min``,
        ``residents_beyond`` (of the worst need, beyond ``threshold_min``), then
        ``median_min:<need>`` for every need.

    Examples
    --------
    >>> population = pd.DataFrame({"pop_total": [10, 10], "locality_id": ["a", "b"]})
    >>> minutes = pd.DataFrame({"cash": [5.0, 40.0], "parcel_agent": [30.0, 8.0]})
    >>> table = locality_priorities(population, minutes, ["cash", "parcels"])
    >>> table[["locality_id", "worst_need", "worst_median_min"]].values.tolist()
    [['b', 'cash', 40.0], ['a', 'parcels', 30.0]]
    """
    chosen = model.chosen_needs(needs)
    if "locality_id" not in population.columns:  # no localities: one rural area
        population = population.assign(locality_id=settings.RURAL_LOCALITY_ID)
    frame = need_minutes(minutes.reset_index(drop=True), chosen).set_axis(population.index)
    table = indicators.indicator_table(
        population, frame, weight=weight, thresholds=(float(threshold_min),)
    )
    table = table[(table["group"] != indicators.ALL_GROUP) & (table["residents"] > 0)]
    medians = table.pivot(index="group", columns="category", values="median_min")[list(chosen)]
    residents = table.groupby("group")["residents"].first()
    share_column = indicators.share_column(threshold_min)
    shares = table.pivot(index="group", columns="category", values=share_column)[list(chosen)]
    values = medians.to_numpy(dtype=float)
    worst = np.argmax(np.where(np.isnan(values), -np.inf, values), axis=1)
    result = pd.DataFrame(
        {
            "locality_id": medians.index.astype(str),
            "residents": residents.reindex(medians.index).to_numpy(),
            "worst_need": [list(chosen)[i] for i in worst],
            "worst_median_min": values[np.arange(len(values)), worst],
        }
    )
    beyond_share = 1.0 - shares.to_numpy(dtype=float)[np.arange(len(values)), worst]
    result["residents_beyond"] = np.round(result["residents"].to_numpy() * beyond_share, 6)
    for need in chosen:
        result[f"median_min:{need}"] = medians[need].to_numpy()
    return result.sort_values(
        ["worst_median_min", "residents_beyond", "locality_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


#: The needs and age group the planner map's ranking starts with.
DEFAULT_PRIORITY_NEEDS: tuple[str, ...] = ("groceries", "medicines", "parcels")
DEFAULT_PRIORITY_WEIGHT: str = "pop_80_plus"
DEFAULT_PRIORITY_THRESHOLD_MIN: float = float(settings.THRESHOLDS_MIN[2])
