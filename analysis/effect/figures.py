"""The headline figures of a scenario, chosen from its effect as numbers.

:func:`headlines` picks the four or five figures that matter for *this* scenario; formatting
them in words is :mod:`analysis.headlines`' job.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis import indicators, model
from analysis.effect.compute import (
    STORY_THRESHOLDS_MIN,
    Effect,
    FloatArray,
    _group_codes,
    changed_needs,
)

#: Most figures :func:`headlines` returns.
MAX_HEADLINES: Final = 5


@dataclass(frozen=True)
class Headline:
    """One headline figure, as numbers (formatting is :mod:`analysis.headlines`' job).

    Attributes
    ----------
    kind
        ``"locality_gain"`` (residents of a locality getting within ``threshold_min`` of a
        need), ``"locality_faster"`` (residents of a locality with a shorter trip, when nobody
        crosses a threshold), ``"locality_loss"`` (residents falling beyond a threshold),
        ``"gaining"`` (residents with a shorter trip to some need), ``"needs_met"``
        (registered needs newly met), ``"slower"`` (residents with a longer trip to some
        service) or ``"cost"`` (net annual cost change of all actors together).
    direction
        ``"better"``, ``"worse"`` or ``"same"``.
    value
        The figure itself (residents, needs or SEK per year).
    before, after
        Today's and the scenario's value where the figure has both (residents within the
        threshold; minutes), else ``None``.
    need, locality, threshold_min
        What the figure is about, where it applies.
    details
        Further numbers the caption uses (e.g. mean minutes before and after, the
        municipality's share of the cost), by name.
    """

    kind: str
    direction: str
    value: float
    before: float | None = None
    after: float | None = None
    need: str | None = None
    locality: str | None = None
    threshold_min: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the figure as a JSON-ready dict."""
        return asdict(self)


def _mean(values: FloatArray, weights: FloatArray) -> float:
    total = float(weights.sum())
    return float(np.dot(values, weights) / total) if total > 0 else float("nan")


def _locality_story(effect: Effect, population: pd.DataFrame, gain: bool) -> Headline | None:
    """The (need, locality, threshold) with most residents crossing it; ties: smaller T."""
    rows = effect.subject_rows("need")
    rows = rows[rows["group"] != indicators.ALL_GROUP]
    if rows.empty:
        return None
    prefix = "gaining" if gain else "losing"
    order = {need: i for i, need in enumerate(model.NEED_IDS)}
    best: tuple[float, int, int, str] | None = None
    chosen: tuple[pd.Series, int] | None = None
    for _, row in rows.iterrows():
        for threshold in STORY_THRESHOLDS_MIN:
            count = float(row[f"{prefix}_within_{threshold}"])
            if count <= 0:
                continue
            key = (-count, threshold, order.get(row["subject"], len(order)), str(row["group"]))
            if best is None or key < best:
                best, chosen = key, (row, threshold)
    codes, groups = _group_codes(population)
    weights = population["pop_total"].to_numpy(dtype=float)
    if chosen is None:
        if not gain:
            return None
        faster = rows[rows["residents_gaining"] > 0]
        if faster.empty:
            return None
        faster = faster.assign(order=faster["subject"].map(order)).sort_values(
            ["residents_gaining", "order", "group"], ascending=[False, True, True]
        )
        row = faster.iloc[0]
        need, locality = str(row["subject"]), str(row["group"])
        old = effect.minutes_before[f"need:{need}"].to_numpy(dtype=float)
        new = effect.minutes_after[f"need:{need}"].to_numpy(dtype=float)
        mask = (codes == groups.index(locality)) & (new < old) & np.isfinite(old)
        return Headline(
            "locality_faster",
            "better",
            float(row["residents_gaining"]),
            before=_mean(old[mask], weights[mask]),
            after=_mean(new[mask], weights[mask]),
            need=need,
            locality=locality,
            details={"mean_minutes_saved": float(row["mean_minutes_saved"])},
        )
    row, threshold = chosen
    need, locality = str(row["subject"]), str(row["group"])
    old = effect.minutes_before[f"need:{need}"].to_numpy(dtype=float)
    new = effect.minutes_after[f"need:{need}"].to_numpy(dtype=float)
    crossing = (
        (old > threshold) & (new <= threshold) if gain else (old <= threshold) & (new > threshold)
    )
    mask = (codes == groups.index(locality)) & crossing
    everyone = effect.subject_rows("need", group=indicators.ALL_GROUP)
    municipality = everyone.loc[everyone["subject"] == need, f"{prefix}_within_{threshold}"]
    return Headline(
        "locality_gain" if gain else "locality_loss",
        "better" if gain else "worse",
        float(row[f"{prefix}_within_{threshold}"]),
        before=float(row[f"within_{threshold}_before"]),
        after=float(row[f"within_{threshold}_after"]),
        need=need,
        locality=locality,
        threshold_min=float(threshold),
        details={
            # Their trip today and with the scenario (mean of those crossing; inf: unreachable).
            "minutes_before": _mean(old[mask], weights[mask]),
            "minutes_after": _mean(new[mask], weights[mask]),
            "residents_in_locality": float(row["residents"]),
            "municipality_count": float(municipality.iloc[0]) if len(municipality) else 0.0,
        },
    )


def _main_gain(effect: Effect, locality: str) -> list[Any]:
    """The need most residents of ``locality`` gain in, and their mean minutes saved."""
    rows = effect.subject_rows("need", group=locality)
    rows = rows[rows["residents_gaining"] > 0]
    if rows.empty:
        return [None, float("nan")]
    order = {need: i for i, need in enumerate(model.NEED_IDS)}
    top = rows.assign(order=rows["subject"].map(order)).sort_values(
        ["residents_gaining", "order"], ascending=[False, True]
    )
    return [str(top["subject"].iloc[0]), float(top["mean_minutes_saved"].iloc[0])]


def _direction(value: float, worse_when_positive: bool = False) -> str:
    if value == 0:
        return "same"
    return "worse" if (value > 0) == worse_when_positive else "better"


def headlines(effect: Effect, population: pd.DataFrame) -> tuple[Headline, ...]:
    """Return the four or five figures that matter for this scenario, in display order.

    Always: the residents made slower to some service (who gets worse) and the net cost of all
    actors (with the municipality's share beside it).  Then, when the scenario has them: the
    locality and need with most residents getting within 10/20/30 min (or, if nobody crosses a
    threshold, with most residents gaining), the residents gaining in any need, the locality
    and need with most residents falling beyond a threshold, and registered needs newly met.
    Beyond :data:`MAX_HEADLINES` the least important are left out (needs met, then the
    municipality-wide gain, then the loss story).
    """
    gain_story = _locality_story(effect, population, gain=True)
    loss_story = _locality_story(effect, population, gain=False)
    gaining = effect.total("residents_gaining_any_need")
    slower = effect.total("residents_slower_any_service")
    top_localities = effect.localities.head(3)
    slower_rows = effect.subject_rows("category", group=indicators.ALL_GROUP)
    slower_rows = slower_rows[slower_rows["residents_losing"] > 0].sort_values(
        ["residents_losing", "subject"], ascending=[False, True]
    )
    gaining_by_need = effect.subject_rows("need", group=indicators.ALL_GROUP).set_index("subject")[
        "residents_gaining"
    ]
    candidates: list[tuple[int, Headline]] = []
    if gain_story is not None:
        candidates.append((0, gain_story))
    if gaining > 0:
        candidates.append(
            (
                3,
                Headline(
                    "gaining",
                    "better",
                    gaining,
                    details={
                        # [locality, residents gaining, the need most of them gain in, the
                        # mean minutes saved in it]: a small saving reads as small.
                        "localities": [
                            [str(r.locality_id), float(r.residents_gaining_any_need)]
                            + _main_gain(effect, str(r.locality_id))
                            for r in top_localities.itertuples()
                            if r.residents_gaining_any_need > 0
                        ],
                        "needs": [
                            need for need in changed_needs(effect) if gaining_by_need[need] > 0
                        ],
                    },
                ),
            )
        )
    if len(effect.needs_met):
        candidates.append(
            (
                4,
                Headline(
                    "needs_met",
                    "better",
                    float(len(effect.needs_met)),
                    threshold_min=effect.threshold_min,
                ),
            )
        )
    if loss_story is not None:
        candidates.append((2, loss_story))
    candidates.append(
        (
            0,
            Headline(
                "slower",
                _direction(slower, worse_when_positive=True),
                slower,
                details={
                    "categories": [
                        [str(r.subject), float(r.residents_losing)]
                        for r in slower_rows.head(3).itertuples()
                    ]
                },
            ),
        )
    )
    cost = effect.cost_change_sek
    candidates.append(
        (
            0,
            Headline(
                "cost",
                _direction(cost, worse_when_positive=True),
                cost,
                details={
                    "municipality_sek": effect.municipality_cost_change_sek,
                    "per_resident_gaining_sek": effect.cost_per_resident_gaining_sek,
                    "residents_gaining": gaining,
                },
            ),
        )
    )
    while len(candidates) > MAX_HEADLINES:
        drop = max(range(len(candidates)), key=lambda i: (candidates[i][0], i))
        candidates.pop(drop)
    return tuple(headline for _, headline in candidates)
