"""Two or more proposals side by side, on the same effect figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd

from analysis import indicators, model
from analysis.effect.compute import STORY_THRESHOLDS_MIN, Effect

#: Figures :func:`compare_proposals` puts side by side, in order.
PROPOSAL_FIGURES: Final = (
    "residents_gaining_any_need",
    "residents_slower_any_service",
    "needs_met",
    "cost_change_sek",
    "municipality_cost_change_sek",
    "cost_per_resident_gaining_sek",
)


def proposal_figures(effect: Effect, weight: str = "pop_total") -> dict[str, float]:
    """Return the figures of :data:`PROPOSAL_FIGURES` and, per need, residents gaining and
    residents getting within 10/20/30 min (``gaining:<need>``, ``within_<T>:<need>``)."""
    per_resident = effect.cost_per_resident_gaining_sek
    figures: dict[str, float] = {
        "residents_gaining_any_need": effect.total("residents_gaining_any_need", weight),
        "residents_slower_any_service": effect.total("residents_slower_any_service", weight),
        "needs_met": float(len(effect.needs_met)),
        "cost_change_sek": effect.cost_change_sek,
        "municipality_cost_change_sek": effect.municipality_cost_change_sek,
        "cost_per_resident_gaining_sek": float("nan") if per_resident is None else per_resident,
    }
    rows = effect.subject_rows("need", weight, indicators.ALL_GROUP)
    for row in rows.itertuples():
        figures[f"gaining:{row.subject}"] = float(row.residents_gaining)
        for threshold in STORY_THRESHOLDS_MIN:
            figures[f"gaining_within_{threshold}:{row.subject}"] = float(
                getattr(row, f"gaining_within_{threshold}")
            )
    return figures


def compare_proposals(effects: Mapping[str, Effect], weight: str = "pop_total") -> pd.DataFrame:
    """Return two or more proposals' effect figures side by side.

    One row per figure (``figure``; a need's rows are ``gaining:<need>`` and
    ``gaining_within_<T>:<need>``), one column per proposal (named by the mapping's keys); a
    figure a proposal does not move is 0 there.
    """
    columns = {name: proposal_figures(effect, weight) for name, effect in effects.items()}
    order = list(PROPOSAL_FIGURES)
    for need in model.NEED_IDS:
        for prefix in ("gaining", *(f"gaining_within_{t}" for t in STORY_THRESHOLDS_MIN)):
            key = f"{prefix}:{need}"
            if any(key in figures for figures in columns.values()):
                order.append(key)
    table = pd.DataFrame({name: [f.get(k, 0.0) for k in order] for name, f in columns.items()})
    return table.assign(figure=order)[["figure", *columns]]
