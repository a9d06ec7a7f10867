"""Accessibility indicators computed from travel-time tables.

Every function here takes plain tables, so it works on any travel-time source (the routing
engine, a matrix from elsewhere, a hand-made test table):

* ``population``: a (Geo)DataFrame of grid cells with ``cell_id``, ``pop_total``, the age
  columns of :data:`analysis.settings.AGE_GROUPS` and, optionally, ``locality_id``;
* ``minutes``: a DataFrame with one row per cell (indexed like ``population`` or by
  ``cell_id``) and one column per service category, holding the travel time in minutes to the
  nearest service of that category.  ``inf`` means unreachable or off network; ``NaN`` is
  rejected, because it cannot be told apart from a bug.

Conventions used throughout:

* *Within a threshold* ``T`` means a travel time ``t <= T`` (inclusive).
* Population weights are residents; shares are fractions in ``[0, 1]``.  A share of a group
  with no residents is undefined and returned as ``NaN``; counts are never ``NaN``.
* ``mean_reachable_min`` is the population-weighted mean over the residents who *can* reach a
  service (finite time); the unreachable ones are counted in ``residents_unreachable``.
  ``median_min`` and ``p90_min`` are taken over *all* residents, so they are ``inf`` when more
  than half (respectively a tenth) of the residents cannot reach a service at all.
* Weighted quantiles follow :func:`weighted_quantile` (inverted CDF, Hyndman & Fan type 1).
* Differences of travel times treat ``inf - inf`` as no change (``0``), never as ``NaN``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from analysis import model, settings
from analysis.errors import DataModelError, ValidationError

#: Name of the group that holds the whole municipality in grouped tables.
ALL_GROUP: Final = "all"
#: Population columns that can weight an indicator: everyone, then each age group.
WEIGHT_COLUMNS: Final[tuple[str, ...]] = ("pop_total", *settings.AGE_GROUPS)
#: Quantiles reported by :func:`summary`: column name -> probability.
SUMMARY_QUANTILES: Final[dict[str, float]] = {"median_min": 0.5, "p90_min": 0.9}

FloatArray = npt.NDArray[np.float64]


# --- Small helpers ----------------------------------------------------------------------------


def share_column(threshold_min: float) -> str:
    """Return the column name holding the share of residents within ``threshold_min`` minutes.

    Examples
    --------
    >>> share_column(10), share_column(7.5)
    ('share_within_10', 'share_within_7.5')
    """
    return f"share_within_{_threshold_label(threshold_min)}"


def _threshold_label(threshold_min: float) -> str:
    value = float(threshold_min)
    return str(int(value)) if value.is_integer() else str(value)


def _validate_thresholds(thresholds: Iterable[float]) -> FloatArray:
    values = np.asarray(list(thresholds), dtype=float)
    if (
        values.ndim != 1
        or len(values) == 0
        or not np.isfinite(values).all()
        or (values < 0).any()
        or (np.diff(values) <= 0).any()
    ):
        raise ValidationError(
            f"Thresholds must be finite, non-negative and strictly increasing minutes; "
            f"got {list(values)}.",
            f"Tidsgränserna måste vara ändliga, icke-negativa och strikt växande minuter; "
            f"fick {list(values)}.",
        )
    return values


def _as_minutes(values: Any, what: str = "travel times") -> FloatArray:
    array = np.asarray(values, dtype=float)
    if np.isnan(array).any():
        raise DataModelError(
            f"The {what} contain NaN; use inf for an unreachable cell.",
            "Restiderna innehåller saknade värden (NaN); använd inf för en cell som inte når fram.",
        )
    if (array < 0).any():
        raise DataModelError(
            f"The {what} contain negative minutes.",
            "Restiderna innehåller negativa minuter.",
        )
    return array


def _as_weights(
    values: Any, what: str = "population weights", what_sv: str = "Befolkningsvikterna"
) -> FloatArray:
    array = np.asarray(values, dtype=float)
    if not np.isfinite(array).all() or (array < 0).any():
        raise DataModelError(
            f"The {what} must be finite and non-negative.",
            f"{what_sv} måste vara ändliga och icke-negativa.",
        )
    return array


def _aligned(values: pd.Series | Sequence[float] | FloatArray, index: pd.Index) -> Any:
    """Return ``values`` in the order of ``index`` (by label when it is a Series)."""
    if isinstance(values, pd.Series):
        if values.index.equals(index):
            return values.to_numpy()
        if values.index.has_duplicates or not index.isin(values.index).all():
            raise DataModelError(
                "The weights are not indexed like the travel times.",
                "Vikterna har inte samma index som restiderna.",
            )
        return values.reindex(index).to_numpy()
    array = np.asarray(values)
    if len(array) != len(index):
        raise DataModelError(
            f"Got {len(array)} weights for {len(index)} travel times.",
            f"Fick {len(array)} vikter för {len(index)} restider.",
        )
    return array


def _align_to_population(table: Any, population: pd.DataFrame, what: str) -> Any:
    """Return ``table`` (Series or DataFrame) reordered to ``population.index``.

    ``table`` may be indexed like ``population`` or by its ``cell_id`` column.
    """
    if table.index.equals(population.index):
        return table
    if table.index.has_duplicates:
        raise DataModelError(
            f"The {what} table has duplicated cell labels.",
            "Restidstabellen har dubblerade celler.",
        )
    # get_indexer, not isin + reindex: isin on string labels cost ~7 ms per call here (pandas
    # 3, Arrow strings), and this runs several times per scenario evaluation.
    keys = [population.index] if not population.index.has_duplicates else []
    if "cell_id" in population.columns:
        keys.append(pd.Index(population["cell_id"]))
    for key in keys:
        positions = table.index.get_indexer(key)
        if (positions >= 0).all():
            aligned = table.take(positions)
            aligned.index = population.index
            return aligned
    raise DataModelError(
        f"The {what} table does not cover every population cell; index it like the population "
        "or by cell_id.",
        "Restidstabellen saknar några befolkningsceller; indexera den som befolkningsrutorna "
        "eller med cell_id.",
    )


def _population_column(population: pd.DataFrame, column: str) -> FloatArray:
    if column not in population.columns:
        raise DataModelError(
            f"The population has no column {column!r}; available weights: "
            f"{', '.join(c for c in WEIGHT_COLUMNS if c in population.columns)}.",
            f"Befolkningen saknar kolumnen {column!r}.",
        )
    return _as_weights(population[column].to_numpy())


def _groups(population: pd.DataFrame, by: str | None) -> list[tuple[Hashable, npt.NDArray[Any]]]:
    """Return ``[(group, boolean mask), ...]``: ``"all"`` first, then each group, sorted."""
    groups: list[tuple[Hashable, npt.NDArray[Any]]] = [
        (ALL_GROUP, np.ones(len(population), dtype=bool))
    ]
    if by is None:
        return groups
    if by not in population.columns:
        raise DataModelError(
            f"The population has no column {by!r} to group by; pass by=None for the whole "
            "municipality only.",
            f"Befolkningen saknar kolumnen {by!r} att gruppera efter.",
        )
    labels = population[by].astype(object)
    if by == "locality_id":
        labels = labels.where(labels.notna(), settings.RURAL_LOCALITY_ID)
    codes, uniques = pd.factorize(labels, sort=True)
    groups.extend((label, codes == code) for code, label in enumerate(uniques))
    return groups


def _change(before: Any, after: Any) -> Any:
    """Return ``after - before`` with equal values (also ``inf`` and ``inf``) giving 0.

    ``NaN`` (undefined) on both sides also gives 0; on one side only it stays ``NaN``.
    """
    before_array = np.asarray(before, dtype=float)
    after_array = np.asarray(after, dtype=float)
    same = (before_array == after_array) | (np.isnan(before_array) & np.isnan(after_array))
    with np.errstate(invalid="ignore"):
        return np.where(same, 0.0, after_array - before_array)


# --- Weighted statistics ----------------------------------------------------------------------


def weighted_quantile(values: Any, weights: Any, q: float) -> float:
    """Return the population-weighted ``q``-quantile of ``values`` (inverted-CDF convention).

    With the values sorted, :math:`x_{(1)} \\le \\dots \\le x_{(n)}`, the positive weights
    summing to :math:`W` and :math:`C_k` the running sum of weights, the quantile is the
    smallest :math:`x_{(k)}` with :math:`C_k / W \\ge q`.  This is Hyndman & Fan's type 1,
    i.e. ``numpy.percentile(method="inverted_cdf")`` applied to the sample in which every value
    is repeated as many times as its (integer) weight: the answer is always an observed travel
    time (never interpolated, so it is exact with ``inf``), and "90th percentile = 25 min"
    means at least 90 % of the residents reach within 25 minutes.

    Parameters
    ----------
    values
        Travel times in minutes; ``inf`` allowed, ``NaN`` rejected.
    weights
        Non-negative weights (residents).  Values with zero weight are ignored.
    q
        Probability in ``[0, 1]``.

    Returns
    -------
    float
        The quantile, or ``NaN`` when the weights sum to zero (undefined).

    Examples
    --------
    >>> weighted_quantile([10, 20, 30], [1, 1, 2], 0.5)
    20.0
    >>> weighted_quantile([10, 20, float("inf")], [1, 1, 2], 0.9)
    inf
    """
    if not 0.0 <= float(q) <= 1.0:
        raise ValidationError(
            f"A quantile must lie in [0, 1]; got {q}.", f"En kvantil ska ligga i [0, 1]; fick {q}."
        )
    times = _as_minutes(values)
    weight_array = _as_weights(weights)
    if times.shape != weight_array.shape:
        raise DataModelError(
            f"Got {weight_array.size} weights for {times.size} values.",
            f"Fick {weight_array.size} vikter för {times.size} värden.",
        )
    return float(_weighted_quantiles(times, weight_array, (float(q),))[0])


def _weighted_quantiles(times: FloatArray, weights: FloatArray, qs: Sequence[float]) -> FloatArray:
    keep = weights > 0
    times, weights = times[keep], weights[keep]
    if times.size == 0:
        return np.full(len(qs), np.nan)
    order = np.argsort(times, kind="stable")
    sorted_times = times[order]
    cdf = np.cumsum(weights[order]) / weights.sum()
    positions = np.searchsorted(cdf, np.asarray(qs, dtype=float), side="left")
    return np.asarray(sorted_times[np.minimum(positions, sorted_times.size - 1)], dtype=float)


def _summary_values(
    times: FloatArray, weights: FloatArray, thresholds: FloatArray
) -> dict[str, float]:
    total = float(weights.sum())
    reachable = np.isfinite(times)
    reachable_weight = float(weights[reachable].sum())
    values: dict[str, float] = {"residents": total}
    for threshold in thresholds:
        within = float(weights[times <= threshold].sum())
        values[share_column(threshold)] = within / total if total > 0 else np.nan
    values["residents_beyond_longest"] = float(weights[times > thresholds[-1]].sum())
    values["residents_unreachable"] = total - reachable_weight
    values["mean_reachable_min"] = (
        float(np.dot(times[reachable], weights[reachable]) / reachable_weight)
        if reachable_weight > 0
        else np.nan
    )
    quantiles = _weighted_quantiles(times, weights, tuple(SUMMARY_QUANTILES.values()))
    values.update(zip(SUMMARY_QUANTILES, (float(v) for v in quantiles), strict=True))
    return values


def threshold_shares(
    minutes_series: pd.Series,
    weights: pd.Series | Sequence[float] | FloatArray,
    thresholds: Iterable[float] = settings.THRESHOLDS_MIN,
) -> pd.Series:
    """Return the population-weighted share of residents within each travel-time threshold.

    Parameters
    ----------
    minutes_series
        Travel time per cell in minutes (``inf`` = unreachable).
    weights
        Residents per cell: a Series aligned by label, or an array in the same order.
    thresholds
        Strictly increasing thresholds in minutes; a time ``t`` is within ``T`` when ``t <= T``.

    Returns
    -------
    pandas.Series
        ``share_within`` indexed by ``threshold_min``; ``NaN`` when there are no residents.

    Examples
    --------
    >>> minutes = pd.Series([4.0, 12.0, float("inf")])
    >>> threshold_shares(minutes, [1, 2, 1], thresholds=(5, 20)).to_dict()
    {5.0: 0.25, 20.0: 0.75}
    """
    threshold_array = _validate_thresholds(thresholds)
    times = _as_minutes(minutes_series.to_numpy())
    weight_array = _as_weights(_aligned(weights, minutes_series.index))
    total = weight_array.sum()
    within = np.array([weight_array[times <= t].sum() for t in threshold_array])
    shares = within / total if total > 0 else np.full(len(threshold_array), np.nan)
    return pd.Series(
        shares, index=pd.Index(threshold_array, name="threshold_min"), name="share_within"
    )


def summary(
    minutes_series: pd.Series,
    weights: pd.Series | Sequence[float] | FloatArray,
    thresholds: Iterable[float] = settings.THRESHOLDS_MIN,
) -> pd.Series:
    """Return every headline number for one travel-time column.

    Parameters
    ----------
    minutes_series
        Travel time per cell in minutes (``inf`` = unreachable).
    weights
        Residents per cell: a Series aligned by label, or an array in the same order.
    thresholds
        Strictly increasing thresholds in minutes.

    Returns
    -------
    pandas.Series
        Named after ``minutes_series``, with ``residents``, one ``share_within_<T>`` per
        threshold, ``residents_beyond_longest`` (time above the longest threshold, unreachable
        included), ``residents_unreachable``, ``mean_reachable_min`` (mean over the residents
        who can reach), ``median_min`` and ``p90_min`` (over all residents, see
        :func:`weighted_quantile`; ``inf`` when too many cannot reach).  Shares and statistics
        are ``NaN`` only when they are undefined (no residents, or nobody reaches for the mean).

    Examples
    --------
    >>> minutes = pd.Series([4.0, 12.0, float("inf")], name="pharmacy")
    >>> numbers = summary(minutes, [1, 2, 1], thresholds=(5, 20))
    >>> numbers[["share_within_5", "residents_unreachable", "mean_reachable_min"]].tolist()
    [0.25, 1.0, 9.333333333333334]
    >>> numbers[["median_min", "p90_min"]].tolist()
    [12.0, inf]
    """
    threshold_array = _validate_thresholds(thresholds)
    times = _as_minutes(minutes_series.to_numpy())
    weight_array = _as_weights(_aligned(weights, minutes_series.index))
    return pd.Series(
        _summary_values(times, weight_array, threshold_array), name=minutes_series.name
    )


# --- Tables per group -------------------------------------------------------------------------


def _category_matrix(
    minutes: pd.DataFrame, population: pd.DataFrame, categories: Sequence[str]
) -> dict[str, FloatArray]:
    """Return travel times per category aligned to ``population``; missing columns are inf."""
    aligned = _align_to_population(minutes, population, "travel-time")
    matrix: dict[str, FloatArray] = {}
    for category in categories:
        if category in aligned.columns:
            matrix[category] = _as_minutes(aligned[category].to_numpy())
        else:
            matrix[category] = np.full(len(population), np.inf)
    return matrix


def indicator_table(
    population: pd.DataFrame,
    minutes: pd.DataFrame,
    by: str | None = "locality_id",
    weight: str = "pop_total",
    thresholds: Iterable[float] = settings.THRESHOLDS_MIN,
) -> pd.DataFrame:
    """Return the headline numbers of :func:`summary` per group and category, as a tidy table.

    Parameters
    ----------
    population
        Population cells; must hold ``weight`` and, when grouping, the ``by`` column.  Cells
        without a locality are grouped as :data:`analysis.settings.RURAL_LOCALITY_ID`.
    minutes
        Travel times in minutes, one column per category, indexed like ``population`` or by
        ``cell_id``.
    by
        Column to group by, or ``None`` for the whole municipality only.
    weight
        Population column used as weight: ``"pop_total"`` or an age column such as
        ``"pop_80_plus"``.
    thresholds
        Strictly increasing thresholds in minutes.

    Returns
    -------
    pandas.DataFrame
        One row per (``group``, ``category``): the group ``"all"`` (whole municipality) first,
        then each group in sorted order, categories in the column order of ``minutes``.  The
        ``weight`` column records the population column used, so tables for several age groups
        can be concatenated.  The remaining columns are those of :func:`summary`.

    Examples
    --------
    >>> population = pd.DataFrame({"cell_id": ["a", "b", "c"], "pop_total": [1, 2, 1],
    ...                            "locality_id": ["by", "by", None]})
    >>> minutes = pd.DataFrame({"cash": [4.0, 12.0, float("inf")]})
    >>> table = indicator_table(population, minutes, thresholds=(5, 20))
    >>> table[["group", "residents", "share_within_20", "residents_unreachable"]]
          group  residents  share_within_20  residents_unreachable
    0       all        4.0             0.75                    1.0
    1        by        3.0             1.00                    0.0
    2  glesbygd        1.0             0.00                    1.0
    """
    threshold_array = _validate_thresholds(thresholds)
    weights = _population_column(population, weight)
    categories = [str(c) for c in minutes.columns]
    matrix = _category_matrix(minutes, population, categories)
    rows = []
    for group, mask in _groups(population, by):
        for category in categories:
            values = _summary_values(matrix[category][mask], weights[mask], threshold_array)
            rows.append({"group": group, "category": category, "weight": weight, **values})
    columns = [
        "group",
        "category",
        "weight",
        *_summary_values(np.zeros(0), np.zeros(0), threshold_array),
    ]
    return pd.DataFrame(rows, columns=columns)


def indicator_tables_by_age(
    population: pd.DataFrame,
    minutes: pd.DataFrame,
    by: str | None = "locality_id",
    thresholds: Iterable[float] = settings.THRESHOLDS_MIN,
    weights: Sequence[str] = WEIGHT_COLUMNS,
) -> pd.DataFrame:
    """Return :func:`indicator_table` for everyone and for each age group, concatenated.

    Examples
    --------
    >>> population = pd.DataFrame({"pop_total": [3, 1], "pop_80_plus": [0, 1]})
    >>> minutes = pd.DataFrame({"cash": [4.0, 12.0]})
    >>> table = indicator_tables_by_age(population, minutes, by=None, thresholds=(5,),
    ...                                 weights=("pop_total", "pop_80_plus"))
    >>> table[["weight", "share_within_5"]].to_dict("list")
    {'weight': ['pop_total', 'pop_80_plus'], 'share_within_5': [0.75, 0.0]}
    """
    frames = [indicator_table(population, minutes, by, w, thresholds) for w in weights]
    return pd.concat(frames, ignore_index=True)


# --- Enhanced two-step floating catchment area ------------------------------------------------


def e2sfca(
    demand: pd.Series,
    supply: pd.Series,
    cost_s: Any,
    steps_min: Sequence[float] = settings.E2SFCA_STEPS_MIN,
    weights: Sequence[float] = settings.E2SFCA_WEIGHTS,
    normalize: bool = False,
) -> pd.Series:
    """Return the enhanced two-step floating catchment (E2SFCA) supply-to-demand ratio per cell.

    Luo & Qi (2009) with stepwise distance-decay weights :math:`W_r` for the travel-time zones
    ``(0, s_1], (s_1, s_2], ...`` (a pair exactly on a step boundary belongs to the inner zone;
    beyond the last step the weight is 0).  With :math:`t_{ij}` the travel time from cell
    :math:`i` to service :math:`j`, :math:`D_i` the demand and :math:`S_j` the capacity:

    .. math::

        R_j = \\frac{S_j}{\\sum_i D_i\\, W_r(t_{ij})}, \\qquad
        A_i = \\sum_j R_j\\, W_r(t_{ij}).

    :math:`A_i` is capacity per resident (for example staffed hours per resident).  It
    conserves supply: :math:`\\sum_i D_i A_i = \\sum_j S_j` over the services that have demand
    in their catchment.

    Relation to PySAL ``access`` (``Access.enhanced_two_stage_fca``, which applies the same
    weight function in both steps): the raw values are equal once (1) costs are given to it in
    minutes (``cost_s / 60``) with ``weights.step_fn(dict(zip(steps_min, weights)))``, and
    (2) its ``NaN`` for cells with no service in the catchment is read as ``0`` (here they get
    0: no capacity within reach).  A service whose catchment holds no demand gets
    :math:`R_j = 0` here (it serves nobody) where PySAL divides by zero; it can only matter to
    cells with zero demand.  ``normalize=True`` divides by the demand-weighted mean of
    :math:`A_i`, exactly like PySAL's ``normalize=True`` (1.0 = municipality average).

    Parameters
    ----------
    demand
        Demand per cell (residents), indexed by cell; sets the order of the matrix columns.
    supply
        Capacity per service, indexed by service; sets the order of the matrix rows.
    cost_s
        SciPy sparse matrix or array, services x cells, travel time in seconds.  Only the stored
        entries are pairs (an implicit zero means "outside the catchment"; store a zero travel
        time explicitly).  Duplicated entries are rejected.
    steps_min
        Upper bounds of the travel-time zones, minutes, strictly increasing; the last one is
        the catchment.
    weights
        Weight of each zone.
    normalize
        Divide by the demand-weighted mean ratio.

    Returns
    -------
    pandas.Series
        ``e2sfca`` per cell, indexed like ``demand``; 0 where no service is within the
        catchment.

    Examples
    --------
    Two services of capacity 10 and 6; three cells of 100 residents each.

    >>> costs = sp.csr_array(np.array([[300.0, 900.0, 0.0], [0.0, 900.0, 300.0]]))
    >>> demand = pd.Series([100, 100, 100], index=["a", "b", "c"])
    >>> e2sfca(demand, pd.Series([10.0, 6.0]), costs, (10, 20), (1.0, 0.5)).round(4).tolist()
    [0.0667, 0.0533, 0.04]
    """
    steps = _validate_thresholds(steps_min)
    step_weights = _as_weights(weights, "E2SFCA weights", "E2SFCA-vikterna")
    if step_weights.shape != steps.shape:
        raise ValidationError(
            f"Got {step_weights.size} E2SFCA weights for {steps.size} steps.",
            f"Fick {step_weights.size} E2SFCA-vikter för {steps.size} steg.",
        )
    demand_values = _as_weights(demand.to_numpy(), "demand values", "Efterfrågevärdena")
    supply_values = _as_weights(supply.to_numpy(), "supply capacities", "Kapaciteterna")
    pairs = sp.coo_array(cost_s)
    if pairs.shape != (len(supply), len(demand)):
        raise DataModelError(
            f"The cost matrix is {pairs.shape}; expected (services, cells) = "
            f"{(len(supply), len(demand))}.",
            "Kostnadsmatrisen har fel form; den ska ha en rad per service och en kolumn per cell.",
        )
    rows = np.asarray(pairs.row, dtype=np.int64)
    cols = np.asarray(pairs.col, dtype=np.int64)
    if np.unique(rows * max(len(demand), 1) + cols).size != rows.size:
        raise DataModelError(
            "The cost matrix has duplicated (service, cell) entries.",
            "Kostnadsmatrisen har dubblerade par av service och cell.",
        )
    cost_min = _as_minutes(pairs.data, "travel times in the cost matrix") / 60.0
    zone = np.searchsorted(steps, cost_min, side="left")
    inside = zone < steps.size
    pair_weight = np.zeros(cost_min.size)
    pair_weight[inside] = step_weights[zone[inside]]
    weighted_demand = np.bincount(
        rows, weights=pair_weight * demand_values[cols], minlength=len(supply)
    )
    ratio = np.divide(
        supply_values,
        weighted_demand,
        out=np.zeros(len(supply)),
        where=weighted_demand > 0,
    )
    access: FloatArray = np.bincount(
        cols, weights=pair_weight * ratio[rows], minlength=len(demand)
    ).astype(float)
    if normalize:
        total = demand_values.sum()
        mean = float(np.dot(access, demand_values) / total) if total > 0 else 0.0
        access = access / mean if mean > 0 else np.zeros_like(access)
    return pd.Series(access, index=demand.index, name="e2sfca")


# --- Service bundle ---------------------------------------------------------------------------


def bundle_need_minutes(
    minutes: pd.DataFrame, bundle: Mapping[str, Sequence[str]] = model.EVERYDAY_BUNDLE
) -> pd.DataFrame:
    """Return the travel time to each need of ``bundle``: the minimum over its categories.

    A category missing from ``minutes`` (for instance because the region has no such
    service) counts as unreachable.

    Examples
    --------
    >>> minutes = pd.DataFrame({"grocery_full": [20.0, 3.0], "grocery_convenience": [5.0, 9.0]})
    >>> bundle_need_minutes(minutes, {"groceries": ("grocery_full", "grocery_convenience"),
    ...                               "cash": ("cash",)}).to_dict("list")
    {'groceries': [5.0, 3.0], 'cash': [inf, inf]}
    """
    if not bundle:
        raise ValidationError("The bundle has no needs.", "Servicepaketet saknar behov.")
    needs = {}
    for need, categories in bundle.items():
        present = [c for c in categories if c in minutes.columns]
        if present:
            needs[need] = _as_minutes(minutes[present].to_numpy()).min(axis=1)
        else:
            needs[need] = np.full(len(minutes), np.inf)
    return pd.DataFrame(needs, index=minutes.index, columns=list(bundle))


def bundle_reach(
    minutes: pd.DataFrame,
    bundle: Mapping[str, Sequence[str]] = model.EVERYDAY_BUNDLE,
    *,
    threshold_min: float,
) -> pd.Series:
    """Return, per cell, how many needs of ``bundle`` are reached within ``threshold_min``.

    Each need is satisfied by the nearest of its categories (see :func:`bundle_need_minutes`);
    within means ``t <= threshold_min``.

    Returns
    -------
    pandas.Series
        ``bundle_needs_reached`` (integers ``0..len(bundle)``), indexed like ``minutes``.

    Examples
    --------
    >>> minutes = pd.DataFrame({"cash": [5.0, 25.0], "parcel_agent": [12.0, float("inf")]})
    >>> bundle_reach(minutes, {"cash": ("cash",), "parcels": ("parcel_agent",)},
    ...              threshold_min=15).tolist()
    [2, 0]
    """
    threshold = _validate_thresholds((threshold_min,))[0]
    needs = bundle_need_minutes(minutes, bundle)
    reached = (needs.to_numpy() <= threshold).sum(axis=1).astype(np.int64)
    return pd.Series(reached, index=minutes.index, name="bundle_needs_reached")


def sites_hosting_bundle(
    services: pd.DataFrame, bundle: Mapping[str, Sequence[str]] = model.EVERYDAY_BUNDLE
) -> pd.Index:
    """Return the ids of the sites whose services cover every need of ``bundle``.

    Parameters
    ----------
    services
        Services with ``site_id`` and ``category``; rows without a site are ignored.
    bundle
        Needs, each satisfied by any of its categories.

    Returns
    -------
    pandas.Index
        Sorted ``site_id`` values.

    Examples
    --------
    >>> services = pd.DataFrame({"site_id": ["s1", "s1", "s2", None],
    ...                          "category": ["cash", "parcel_agent", "cash", "parcel_agent"]})
    >>> sites_hosting_bundle(services, {"cash": ("cash",), "parcels": ("parcel_agent",)})
    Index(['s1'], dtype='object', name='site_id')
    """
    if not bundle:
        raise ValidationError("The bundle has no needs.", "Servicepaketet saknar behov.")
    missing = [c for c in ("site_id", "category") if c not in services.columns]
    if missing:
        raise DataModelError(
            f"The services lack the column(s) {', '.join(missing)}.",
            f"Servicelagret saknar kolumnen/kolumnerna {', '.join(missing)}.",
        )
    located = services.loc[services["site_id"].notna(), ["site_id", "category"]]
    categories_by_site = located.groupby("site_id")["category"].agg(set)
    hosting = [
        site
        for site, categories in categories_by_site.items()
        if all(categories & set(needed) for needed in bundle.values())
    ]
    return pd.Index(sorted(hosting), dtype=object, name="site_id")


def bundle_index(
    population: pd.DataFrame,
    minutes: pd.DataFrame,
    one_place_minutes: pd.Series,
    threshold_min: float,
    weight: str = "pop_total",
    bundle: Mapping[str, Sequence[str]] = model.EVERYDAY_BUNDLE,
    by: str | None = None,
) -> pd.DataFrame:
    """Return the service-bundle index: shares of residents reaching k of the N bundle needs.

    Parameters
    ----------
    population
        Population cells with the ``weight`` column (and ``by`` when grouping).
    minutes
        Travel times per category, indexed like ``population`` or by ``cell_id``.
    one_place_minutes
        Travel time to the nearest site hosting every need of the bundle (see
        :func:`sites_hosting_bundle`), computed by the routing engine; ``inf`` when there is
        none.  Indexed like ``population`` or by ``cell_id``.
    threshold_min
        Travel-time threshold in minutes (within means ``t <= threshold_min``).
    weight
        Population column used as weight.
    bundle
        Needs, each satisfied by the nearest of its categories.
    by
        Optional column to group by, as in :func:`indicator_table`.

    Returns
    -------
    pandas.DataFrame
        One row per group (``"all"`` first) with ``weight``, ``residents``, ``needs`` (N),
        ``share_at_least_<k>`` for k = 1..N, ``share_all_one_place`` and ``mean_needs_reached``.
        Shares are ``NaN`` for a group without residents.

    Examples
    --------
    >>> population = pd.DataFrame({"pop_total": [1, 1, 2]})
    >>> minutes = pd.DataFrame({"cash": [5.0, 5.0, 50.0], "parcel_agent": [5.0, 50.0, 50.0]})
    >>> bundle = {"cash": ("cash",), "parcels": ("parcel_agent",)}
    >>> table = bundle_index(population, minutes, pd.Series([8.0, 60.0, 60.0]), 10,
    ...                      bundle=bundle)
    >>> table[["share_at_least_1", "share_at_least_2", "share_all_one_place"]].iloc[0].tolist()
    [0.5, 0.25, 0.25]
    """
    threshold = _validate_thresholds((threshold_min,))[0]
    weights = _population_column(population, weight)
    aligned = _align_to_population(minutes, population, "travel-time")
    reached = bundle_reach(aligned, bundle, threshold_min=threshold).to_numpy()
    one_place = _as_minutes(
        _align_to_population(one_place_minutes, population, "one-place travel-time").to_numpy()
    )
    needs_total = len(bundle)
    rows = []
    for group, mask in _groups(population, by):
        group_weights = weights[mask]
        total = float(group_weights.sum())
        row: dict[str, Any] = {
            "group": group,
            "weight": weight,
            "residents": total,
            "needs": needs_total,
        }
        for k in range(1, needs_total + 1):
            within = float(group_weights[reached[mask] >= k].sum())
            row[f"share_at_least_{k}"] = within / total if total > 0 else np.nan
        one_place_weight = float(group_weights[one_place[mask] <= threshold].sum())
        row["share_all_one_place"] = one_place_weight / total if total > 0 else np.nan
        row["mean_needs_reached"] = (
            float(np.dot(reached[mask], group_weights) / total) if total > 0 else np.nan
        )
        rows.append(row)
    return pd.DataFrame(rows)


# --- Before and after -------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """What a scenario changes: numbers per group and the change per cell.

    Attributes
    ----------
    summary
        One row per (``group``, ``category``, ``weight``): ``residents``;
        ``gaining_within_<T>`` / ``losing_within_<T>`` (residents who get within / fall out of
        each threshold); ``residents_faster`` / ``residents_slower`` (any change of time);
        ``residents_losing_all_access`` (reachable before, unreachable after);
        ``mean_reachable_min`` and ``p90_min`` before, after and their ``_change``.
    cell_change_min
        Per cell (indexed like the population) and category: ``after - before`` in minutes;
        negative is faster.  ``0`` when unchanged (also ``inf`` to ``inf``), ``+inf`` when a
        cell loses all access, ``-inf`` when it gains access from none.
    """

    summary: pd.DataFrame
    cell_change_min: pd.DataFrame


def compare(
    before: pd.DataFrame,
    after: pd.DataFrame,
    population: pd.DataFrame,
    thresholds: Iterable[float] = settings.THRESHOLDS_MIN,
    by: str | None = "locality_id",
    weights: Sequence[str] = WEIGHT_COLUMNS,
) -> Comparison:
    """Compare two travel-time tables (before and after a scenario) for the same population.

    Everyone whose access gets worse is counted (``losing_within_<T>``, ``residents_slower``),
    not only the net change, so that a scenario that helps many and hurts a few shows both.

    Parameters
    ----------
    before, after
        Travel times in minutes per category, indexed like ``population`` or by ``cell_id``.
        A category present in only one of them counts as unreachable in the other.
    population
        Population cells with the ``weights`` columns (and ``by`` when grouping).
    thresholds
        Strictly increasing thresholds in minutes.
    by
        Column to group by, or ``None`` for the whole municipality only.
    weights
        Population columns to report on (everyone and each age group by default).

    Returns
    -------
    Comparison
        ``summary`` (tidy table) and ``cell_change_min`` (per cell).

    Examples
    --------
    >>> population = pd.DataFrame({"pop_total": [10, 5]})
    >>> before = pd.DataFrame({"cash": [8.0, 15.0]})
    >>> after = pd.DataFrame({"cash": [25.0, 4.0]})
    >>> result = compare(before, after, population, thresholds=(10, 20), by=None,
    ...                  weights=("pop_total",))
    >>> result.summary[["gaining_within_10", "losing_within_10", "residents_slower"]]
       gaining_within_10  losing_within_10  residents_slower
    0                5.0              10.0              10.0
    >>> result.cell_change_min["cash"].tolist()
    [17.0, -11.0]
    """
    threshold_array = _validate_thresholds(thresholds)
    categories = list(dict.fromkeys([*map(str, before.columns), *map(str, after.columns)]))
    times_before = _category_matrix(before, population, categories)
    times_after = _category_matrix(after, population, categories)
    weight_arrays = {w: _population_column(population, w) for w in weights}
    groups = _groups(population, by)
    rows = []
    for weight, weight_array in weight_arrays.items():
        for group, mask in groups:
            group_weights = weight_array[mask]
            for category in categories:
                old, new = times_before[category][mask], times_after[category][mask]
                row: dict[str, Any] = {
                    "group": group,
                    "category": category,
                    "weight": weight,
                    "residents": float(group_weights.sum()),
                }
                for threshold in threshold_array:
                    label = _threshold_label(threshold)
                    gaining = (old > threshold) & (new <= threshold)
                    losing = (old <= threshold) & (new > threshold)
                    row[f"gaining_within_{label}"] = float(group_weights[gaining].sum())
                    row[f"losing_within_{label}"] = float(group_weights[losing].sum())
                row["residents_faster"] = float(group_weights[new < old].sum())
                row["residents_slower"] = float(group_weights[new > old].sum())
                row["residents_losing_all_access"] = float(
                    group_weights[np.isfinite(old) & ~np.isfinite(new)].sum()
                )
                stats_old = _summary_values(old, group_weights, threshold_array)
                stats_new = _summary_values(new, group_weights, threshold_array)
                for stat in ("mean_reachable_min", "p90_min"):
                    row[f"{stat}_before"] = stats_old[stat]
                    row[f"{stat}_after"] = stats_new[stat]
                    row[f"{stat}_change"] = float(_change(stats_old[stat], stats_new[stat]))
                rows.append(row)
    cell_change = pd.DataFrame(
        {c: _change(times_before[c], times_after[c]) for c in categories},
        index=population.index,
        columns=categories,
    )
    cell_change.columns.name = "change_min"
    return Comparison(summary=pd.DataFrame(rows), cell_change_min=cell_change)
