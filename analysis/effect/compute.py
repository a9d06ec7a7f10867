"""The effect of a scenario computed from cell-level times: see :mod:`analysis.effect`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from analysis import indicators, model, settings

#: Thresholds whose crossing is counted (minutes): gaining = beyond before, within after.
CROSSING_THRESHOLDS_MIN: Final = settings.THRESHOLDS_MIN
#: Thresholds a headline story may speak of ("... når dagligvaror inom 10 min").
STORY_THRESHOLDS_MIN: Final = (10, 20, 30)
#: Kinds of subject: a need (met by any of its categories) or one service category.
SUBJECT_KINDS: Final = ("need", "category")

#: Columns of :attr:`Effect.subjects`, in order.
SUBJECT_COLUMNS: Final = (
    "kind",
    "subject",
    "group",
    "weight",
    "residents",
    "residents_gaining",
    "residents_losing",
    "gaining_access",
    "losing_all_access",
    *(
        f"{name}_{t}{suffix}"
        for t in CROSSING_THRESHOLDS_MIN
        for name, suffix in (
            ("within", "_before"),
            ("within", "_after"),
            ("gaining_within", ""),
            ("losing_within", ""),
        )
    ),
    "minutes_saved_total",
    "minutes_lost_total",
    "mean_minutes_saved",
    "mean_minutes_lost",
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Effect:
    """What a scenario changes, for everyone and each age group.

    Attributes
    ----------
    mode, threshold_min
        Travel mode, and the threshold registered needs are met within.
    subjects
        Tidy table, one row per (``kind``, ``subject``, ``group``, ``weight``) whose times
        change: ``residents``; ``residents_gaining`` / ``residents_losing`` (any shorter /
        longer trip, including gaining access from none and losing all access);
        ``gaining_access`` / ``losing_all_access``; per threshold T of
        :data:`CROSSING_THRESHOLDS_MIN` ``within_<T>_before`` / ``within_<T>_after`` and
        ``gaining_within_<T>`` / ``losing_within_<T>``; ``minutes_saved_total`` /
        ``minutes_lost_total`` (resident-minutes, trips reachable before and after) and
        ``mean_minutes_saved`` / ``mean_minutes_lost`` per resident concerned (NaN for none).
        ``group`` is ``"all"`` or a ``locality_id`` (cells outside localities:
        :data:`~analysis.settings.RURAL_LOCALITY_ID`).
    totals
        One row per (``group``, ``weight``): ``residents``, ``residents_gaining_any_need``
        (shorter trip to at least one need, each resident once), ``residents_slower_any_need``
        and ``residents_slower_any_service`` (longer trip to at least one service category,
        each resident once).
    localities
        The localities (``pop_total``) that gain or lose, most gaining first: ``locality_id``,
        ``residents``, ``residents_gaining_any_need``, ``residents_slower_any_service``.
    needs_met
        Registered needs newly met within ``threshold_min`` (beyond it before), with
        ``need``, ``minutes_before`` and ``minutes_after``.
    costs
        Annual cost change per actor (``sector``, ``change_sek``), ``"total"`` last.
    changed_cells
        Per population cell (in order): whether its time to any service category changed.
    minutes_before, minutes_after
        Cell-level minutes (indexed like the population) of every subject that changed, in
        columns ``"need:<id>"`` and ``"category:<id>"``.
    """

    mode: str
    threshold_min: float
    subjects: pd.DataFrame
    totals: pd.DataFrame
    localities: pd.DataFrame
    needs_met: pd.DataFrame
    costs: pd.DataFrame
    changed_cells: BoolArray
    minutes_before: pd.DataFrame
    minutes_after: pd.DataFrame

    def total(self, column: str, weight: str = "pop_total", group: str = "all") -> float:
        """Return one figure of :attr:`totals` (0 for a group without residents)."""
        rows = self.totals[(self.totals["group"] == group) & (self.totals["weight"] == weight)]
        return float(rows[column].iloc[0]) if len(rows) else 0.0

    @property
    def cost_change_sek(self) -> float:
        """Net annual cost change of all actors together, SEK (+ is an increase)."""
        return _cost(self.costs, "total")

    @property
    def municipality_cost_change_sek(self) -> float:
        """Net annual cost change of the municipality, SEK (+ is an increase)."""
        return _cost(self.costs, "municipality")

    @property
    def cost_per_resident_gaining_sek(self) -> float | None:
        """Net cost change of all actors / residents gaining in any need (``None``: nobody)."""
        gaining = self.total("residents_gaining_any_need")
        return self.cost_change_sek / gaining if gaining > 0 else None

    def change_min(self, column: str) -> pd.Series:
        """Return ``after - before`` per cell of a subject column (``"need:<id>"``) in minutes.

        Equal times (also unreachable before and after) give 0; ``+inf`` is lost access and
        ``-inf`` access gained from none.
        """
        before = self.minutes_before[column].to_numpy(dtype=float)
        after = self.minutes_after[column].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            change = np.where(before == after, 0.0, after - before)
        return pd.Series(change, index=self.minutes_before.index, name="change_min")

    def changed_cells_of(self, column: str) -> BoolArray:
        """Per population cell: whether its time to one subject (``"need:<id>"``) changed."""
        return np.asarray(self.change_min(column).to_numpy() != 0.0, dtype=bool)

    def subject_rows(
        self, kind: str = "need", weight: str = "pop_total", group: str | None = None
    ) -> pd.DataFrame:
        """Return the :attr:`subjects` rows of one kind and weight (and group, if given)."""
        rows = self.subjects[(self.subjects["kind"] == kind) & (self.subjects["weight"] == weight)]
        return rows if group is None else rows[rows["group"] == group]


def _cost(costs: pd.DataFrame, sector: str) -> float:
    rows = costs.loc[costs["sector"] == sector, "change_sek"]
    return float(rows.iloc[0]) if len(rows) else 0.0


def need_minutes(
    minutes: pd.DataFrame, needs: Mapping[str, Sequence[str]] = model.NEEDS
) -> pd.DataFrame:
    """Return minutes per cell to every need: the nearest of the categories that meet it.

    Examples
    --------
    >>> frame = pd.DataFrame({"pharmacy": [30.0, 4.0], "pharmacy_agent": [6.0, 9.0]})
    >>> need_minutes(frame, {"medicines": ("pharmacy", "pharmacy_agent")})["medicines"].tolist()
    [6.0, 4.0]
    """
    return indicators.bundle_need_minutes(minutes, needs)


def _group_codes(population: pd.DataFrame) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Return each cell's locality code and the locality ids (rural cells in their own group)."""
    if "locality_id" not in population.columns:
        return np.zeros(len(population), dtype=np.intp), [settings.RURAL_LOCALITY_ID]
    labels = population["locality_id"].astype(object)
    labels = labels.where(labels.notna(), settings.RURAL_LOCALITY_ID)
    codes, uniques = pd.factorize(labels, sort=True)
    return codes.astype(np.intp), [str(u) for u in uniques]


class _Sums:
    """Weighted sums per group: the whole municipality first, then each locality."""

    def __init__(self, codes: npt.NDArray[np.intp], n_groups: int) -> None:
        self.codes = codes
        self.n_groups = n_groups

    def __call__(self, weights: FloatArray, mask: BoolArray | None = None) -> FloatArray:
        values = weights if mask is None else np.where(mask, weights, 0.0)
        per_group = np.bincount(self.codes, weights=values, minlength=self.n_groups)
        return np.concatenate(([values.sum()], per_group))


def _subject_rows(
    kind: str,
    subject: str,
    before: FloatArray,
    after: FloatArray,
    weights: Mapping[str, FloatArray],
    sums: _Sums,
    groups: list[str],
) -> list[dict[str, Any]]:
    faster, slower = after < before, after > before
    both = np.isfinite(before) & np.isfinite(after)
    with np.errstate(invalid="ignore"):  # inf - inf where both are unreachable: masked out
        saved = np.where(both & faster, before - after, 0.0)
        lost = np.where(both & slower, after - before, 0.0)
    rows: list[dict[str, Any]] = []
    for weight, w in weights.items():
        columns: dict[str, FloatArray] = {
            "residents": sums(w),
            "residents_gaining": sums(w, faster),
            "residents_losing": sums(w, slower),
            "gaining_access": sums(w, ~np.isfinite(before) & np.isfinite(after)),
            "losing_all_access": sums(w, np.isfinite(before) & ~np.isfinite(after)),
        }
        for threshold in CROSSING_THRESHOLDS_MIN:
            within_before, within_after = before <= threshold, after <= threshold
            columns[f"within_{threshold}_before"] = sums(w, within_before)
            columns[f"within_{threshold}_after"] = sums(w, within_after)
            columns[f"gaining_within_{threshold}"] = sums(w, ~within_before & within_after)
            columns[f"losing_within_{threshold}"] = sums(w, within_before & ~within_after)
        columns["minutes_saved_total"] = sums(w * saved)
        columns["minutes_lost_total"] = sums(w * lost)
        saved_by = sums(w, both & faster)
        lost_by = sums(w, both & slower)
        with np.errstate(invalid="ignore", divide="ignore"):
            columns["mean_minutes_saved"] = np.where(
                saved_by > 0, columns["minutes_saved_total"] / saved_by, np.nan
            )
            columns["mean_minutes_lost"] = np.where(
                lost_by > 0, columns["minutes_lost_total"] / lost_by, np.nan
            )
        for index, group in enumerate((indicators.ALL_GROUP, *groups)):
            rows.append(
                {
                    "kind": kind,
                    "subject": subject,
                    "group": group,
                    "weight": weight,
                    **{name: float(values[index]) for name, values in columns.items()},
                }
            )
    return rows


def _changed(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in before.columns
        if not np.array_equal(before[c].to_numpy(), after[c].to_numpy())
    ]


def scenario_effect(
    population: pd.DataFrame,
    minutes_before: pd.DataFrame,
    minutes_after: pd.DataFrame,
    mode: str,
    threshold_min: float,
    costs: pd.DataFrame,
    needs_met: pd.DataFrame | None = None,
    weights: Sequence[str] = indicators.WEIGHT_COLUMNS,
    needs: Mapping[str, Sequence[str]] = model.NEEDS,
) -> Effect:
    """Return the effect of a scenario from cell-level minutes before and after it.

    Parameters
    ----------
    population
        Population cells (``pop_total``, the age columns, optionally ``locality_id``).
    minutes_before, minutes_after
        Minutes per cell (rows in the order of ``population``) and service category.
    mode, threshold_min
        Recorded in the result (``threshold_min`` is the one ``needs_met`` used).
    costs
        :func:`analysis.budget.budget_table` of the scenario (``sector``, ``change_sek``).
    needs_met
        Registered needs newly met, as :func:`analysis.evaluate.evaluate` finds them.
    weights
        Population columns to report on: everyone and each age group by default.
    needs
        Needs and the categories that meet each.

    Examples
    --------
    >>> population = pd.DataFrame({"pop_total": [10, 5], "locality_id": ["a", "b"]})
    >>> before = pd.DataFrame({"cash": [40.0, 8.0]})
    >>> after = pd.DataFrame({"cash": [6.0, 12.0]})
    >>> costs = pd.DataFrame({"sector": ["total"], "change_sek": [1000.0]})
    >>> effect = scenario_effect(population, before, after, "car", 20, costs,
    ...                          weights=("pop_total",), needs={"cash": ("cash",)})
    >>> effect.total("residents_gaining_any_need"), effect.total("residents_slower_any_service")
    (10.0, 5.0)
    >>> effect.cost_per_resident_gaining_sek
    100.0
    """
    before_values = minutes_before.reset_index(drop=True)
    after_values = minutes_after.reset_index(drop=True)
    changed_categories = _changed(before_values, after_values)
    need_before = need_minutes(before_values, needs)
    need_after = need_minutes(after_values, needs)
    changed_needs = _changed(need_before, need_after)

    codes, groups = _group_codes(population)
    sums = _Sums(codes, len(groups))
    weight_arrays = {
        w: population[w].to_numpy(dtype=float) for w in weights if w in population.columns
    }
    rows: list[dict[str, Any]] = []
    for kind, names, old, new in (
        ("need", changed_needs, need_before, need_after),
        ("category", changed_categories, before_values, after_values),
    ):
        for name in names:
            rows.extend(
                _subject_rows(
                    kind,
                    name,
                    old[name].to_numpy(dtype=float),
                    new[name].to_numpy(dtype=float),
                    weight_arrays,
                    sums,
                    groups,
                )
            )
    subjects = pd.DataFrame(rows, columns=list(SUBJECT_COLUMNS))

    def any_of(old: pd.DataFrame, new: pd.DataFrame, names: list[str], faster: bool) -> BoolArray:
        if not names:
            return np.zeros(len(population), dtype=bool)
        a, b = old[names].to_numpy(dtype=float), new[names].to_numpy(dtype=float)
        return np.asarray((b < a if faster else b > a).any(axis=1))

    gaining_need = any_of(need_before, need_after, changed_needs, faster=True)
    slower_need = any_of(need_before, need_after, changed_needs, faster=False)
    slower_service = any_of(before_values, after_values, changed_categories, faster=False)
    total_rows = []
    for weight, w in weight_arrays.items():
        parts = {
            "residents": sums(w),
            "residents_gaining_any_need": sums(w, gaining_need),
            "residents_slower_any_need": sums(w, slower_need),
            "residents_slower_any_service": sums(w, slower_service),
        }
        for index, group in enumerate((indicators.ALL_GROUP, *groups)):
            total_rows.append(
                {
                    "group": group,
                    "weight": weight,
                    **{name: float(v[index]) for name, v in parts.items()},
                }
            )
    totals = pd.DataFrame(total_rows)
    localities = totals[(totals["weight"] == "pop_total") & (totals["group"] != "all")]
    localities = (
        localities[
            (localities["residents_gaining_any_need"] > 0)
            | (localities["residents_slower_any_service"] > 0)
        ]
        .rename(columns={"group": "locality_id"})
        .drop(columns="weight")
        .sort_values(
            ["residents_gaining_any_need", "residents_slower_any_service", "locality_id"],
            ascending=[False, True, True],
        )
        .reset_index(drop=True)
    )
    changed_cells = any_of(before_values, after_values, changed_categories, faster=True) | (
        slower_service
    )
    prefixed_before = pd.concat(
        [
            need_before[changed_needs].add_prefix("need:"),
            before_values[changed_categories].add_prefix("category:"),
        ],
        axis=1,
    ).set_axis(population.index)
    prefixed_after = pd.concat(
        [
            need_after[changed_needs].add_prefix("need:"),
            after_values[changed_categories].add_prefix("category:"),
        ],
        axis=1,
    ).set_axis(population.index)
    return Effect(
        mode=mode,
        threshold_min=float(threshold_min),
        subjects=subjects,
        totals=totals,
        localities=localities,
        needs_met=(
            needs_met
            if needs_met is not None
            else pd.DataFrame(columns=["need_id", "need", "minutes_before", "minutes_after"])
        ),
        costs=costs[["sector", "change_sek"]].reset_index(drop=True),
        changed_cells=np.asarray(changed_cells, dtype=bool),
        minutes_before=prefixed_before,
        minutes_after=prefixed_after,
    )


def changed_needs(effect: Effect) -> list[str]:
    """Return the needs whose times the scenario changes, most residents gaining first."""
    rows = effect.subject_rows("need", group=indicators.ALL_GROUP)
    order = {need: i for i, need in enumerate(model.NEED_IDS)}
    ranked = sorted(
        zip(rows["subject"], rows["residents_gaining"], rows["residents_losing"], strict=True),
        key=lambda r: (-(r[1] + r[2]), order.get(r[0], len(order))),
    )
    return [str(need) for need, _, _ in ranked]


def changed_bounds(
    population: pd.DataFrame, changed: BoolArray, pad_share: float = 0.15, min_pad_m: float = 750.0
) -> tuple[float, float, float, float] | None:
    """Return ``(south, west, north, east)`` in WGS 84 around the changed cells, padded.

    The padding is ``pad_share`` of the larger side, at least ``min_pad_m`` metres, so a
    change in a single cell still shows its surroundings.  ``None`` when nothing changed.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> cells = gpd.GeoDataFrame(geometry=[box(500000, 6900000, 500250, 6900250)],
    ...                          crs="EPSG:3006")
    >>> south, west, north, east = changed_bounds(cells, np.array([True]))
    >>> south < north and west < east
    True
    >>> changed_bounds(cells, np.array([False])) is None
    True
    """
    if not changed.any():
        return None
    cells = np.asarray(population.geometry)
    min_x, min_y, max_x, max_y = shapely.total_bounds(cells[changed])
    pad = max(pad_share * max(max_x - min_x, max_y - min_y), min_pad_m)
    # Never beyond the populated area (padded as little): a change spread over the whole
    # region shows the region, not the forest around it.
    all_x0, all_y0, all_x1, all_y1 = shapely.total_bounds(cells)
    box = gpd.GeoSeries(
        [
            shapely.box(
                max(min_x - pad, all_x0 - min_pad_m),
                max(min_y - pad, all_y0 - min_pad_m),
                min(max_x + pad, all_x1 + min_pad_m),
                min(max_y + pad, all_y1 + min_pad_m),
            )
        ],
        crs=settings.CRS_METRIC,
    ).to_crs(settings.CRS_DISPLAY)
    west, south, east, north = (float(v) for v in box.total_bounds)
    return south, west, north, east
