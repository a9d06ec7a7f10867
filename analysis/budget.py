"""Who pays, and who saves, when services move into shared hubs: the cross-sector budget.

A *hub* ("servicepunkt") is a site hosting several service categories.  Services there share
premises (one building, one heating bill, one cleaning contract) and, when they keep the same
opening hours, staff (one person can serve two counters at quiet hours).  This module turns a
scenario's services before and after into a per-actor budget: annual cost before, new and closed
services, co-location savings, the hub coordination cost, and the change.

The parameters are deliberately simple, documented rules of thumb (see
:class:`BudgetParameters`); a planner can change every one of them.  They give an order of
magnitude for a council discussion, not an accounting result.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from analysis.errors import ValidationError
from analysis.model import SECTORS

#: Label of the totals row of :func:`budget_table`.
TOTAL_ROW: Final = "total"
#: Columns of :func:`budget_table`, in order (the UI translates them, see ``budget.col.*``).
BUDGET_COLUMNS: Final = (
    "sector",
    "n_services_before",
    "n_services_after",
    "n_moved",
    "cost_before_sek",
    "new_services_sek",
    "closed_services_sek",
    "other_change_sek",
    "colocation_saving_sek",
    "coordination_cost_sek",
    "cost_after_sek",
    "change_sek",
)
#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_REQUIRED: Final = ("service_id", "category", "sector", "site_id", "annual_cost_sek")


@dataclass(frozen=True)
class BudgetParameters:
    """Rules of thumb for what co-location saves and costs, per year.

    Attributes
    ----------
    premises_share
        Share of a service's annual cost that is premises (rent, heating, electricity,
        cleaning, insurance).  Default 0.20: small rural service points (a library branch, a
        pharmacy or parcel agent, a municipal contact office) spend most on staff; premises
        are typically 15-25 % of their operating cost.
    premises_saving
        Share of that premises cost each service at a hub saves by sharing one building,
        entrance, waiting area, toilets and cleaning contract.  Default 0.30.
    staff_share
        Share of annual cost that is staff (wages plus social fees).  Default 0.60.
    staff_saving
        Share of that staff cost saved by services at a hub that keep *the same opening hours*
        (so one person can cover two counters at quiet hours and opening/closing is shared).
        Default 0.15.  Services with other hours at the hub save premises only.
    coordination_cost_sek
        Yearly cost of running one hub: about 0.2 of a coordinator's post (~130 000 SEK with
        social fees) plus shared signage, IT and joint marketing.  Default 150 000 SEK.
    coordination_payer
        Sector that pays the coordination cost (default ``"municipality"``, which usually
        initiates hubs); ``None`` splits it between the actors at the hub like the savings.
    min_services_for_saving
        A hub saves nothing unless at least this many of its services are there.  Default 2.

    Notes
    -----
    **Split rule.** At each hub the savings of all its services are pooled and shared between
    the actors *in proportion to their annual cost at the hub* (their services there whose
    category is one of the hub's categories).  An actor bringing half the hub's cost gets half
    the saving, whatever its own services' hours are.
    """

    premises_share: float = 0.20
    premises_saving: float = 0.30
    staff_share: float = 0.60
    staff_saving: float = 0.15
    coordination_cost_sek: float = 150_000.0
    coordination_payer: str | None = "municipality"
    min_services_for_saving: int = 2

    def __post_init__(self) -> None:
        """Reject shares outside 0-1, a negative cost and an unknown payer."""
        shares = (self.premises_share, self.premises_saving, self.staff_share, self.staff_saving)
        if any(not 0.0 <= float(x) <= 1.0 for x in shares) or (
            self.premises_share + self.staff_share > 1.0
        ):
            raise ValidationError(
                "Budget shares must lie between 0 and 1, and premises + staff at most 1.",
                "Andelarna i budgeten måste vara mellan 0 och 1, och lokaler + personal högst 1.",
            )
        if not self.coordination_cost_sek >= 0:
            raise ValidationError(
                "The coordination cost must be zero or more.",
                "Samordningskostnaden måste vara noll eller mer.",
            )
        if self.coordination_payer is not None and self.coordination_payer not in SECTORS:
            raise ValidationError(
                f"Unknown payer {self.coordination_payer!r}; use one of {', '.join(SECTORS)}.",
                f"Okänd betalare {self.coordination_payer!r}; välj en av {', '.join(SECTORS)}.",
            )

    @property
    def premises_rate(self) -> float:
        """Share of a co-located service's annual cost saved on premises (default 6 %)."""
        return self.premises_share * self.premises_saving

    @property
    def staff_rate(self) -> float:
        """Extra share saved when the service shares opening hours at the hub (default 9 %)."""
        return self.staff_share * self.staff_saving


def _checked(services: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [c for c in _REQUIRED if c not in services.columns]
    if missing:
        raise ValidationError(
            f"{name} lacks the column(s) {', '.join(missing)}.",
            f"Tjänstetabellen ({name}) saknar kolumnen/kolumnerna {', '.join(missing)}.",
        )
    frame = pd.DataFrame(services.drop(columns="geometry", errors="ignore")).copy()
    unknown = sorted(set(frame["sector"].astype(str)) - set(SECTORS))
    if unknown:
        raise ValidationError(
            f"{name} has unknown sector(s) {unknown}; use one of {', '.join(SECTORS)}.",
            f"Okänd aktör {unknown}; tillåtna: {', '.join(SECTORS)}.",
        )
    cost = pd.to_numeric(frame["annual_cost_sek"], errors="coerce")
    if cost.isna().any() or (cost < 0).any():
        raise ValidationError(
            f"{name} has missing or negative annual_cost_sek.",
            "Årskostnaden saknas eller är negativ för någon servicepunkt; fyll i den.",
        )
    if frame["service_id"].duplicated().any():
        raise ValidationError(
            f"{name} has duplicated service_id.",
            "Samma service-id förekommer flera gånger.",
        )
    frame["annual_cost_sek"] = cost.astype(float)
    frame["sector"] = frame["sector"].astype(str)
    if "opening_hours" not in frame.columns:
        frame["opening_hours"] = ""
    return frame


def hub_savings(
    services: pd.DataFrame,
    hubs: Mapping[str, Sequence[str]],
    params: BudgetParameters | None = None,
) -> pd.DataFrame:
    """Return the co-location saving and coordination cost of every hub, per sector.

    Parameters
    ----------
    services
        Services *after* the scenario (``service_id, category, sector, site_id,
        annual_cost_sek`` and, for staff sharing, ``opening_hours``).
    hubs
        Site id -> categories the hub hosts (e.g. :func:`analysis.scenarios.hub_sites`).
    params
        Budget rules (defaults: :class:`BudgetParameters`).

    Returns
    -------
    pandas.DataFrame
        Columns ``site_id, sector, hub_cost_sek, colocation_saving_sek,
        coordination_cost_sek``: one row per hub and sector that has a service at the hub or
        pays its coordination.  ``hub_cost_sek`` is the sector's annual cost at the hub (the
        key of the split).  A hub with no service of its categories on the site costs and
        saves nothing.

    Examples
    --------
    >>> services = pd.DataFrame({"service_id": ["lib", "shop"],
    ...     "category": ["library", "parcel_agent"], "sector": ["municipality", "private"],
    ...     "site_id": ["s1", "s1"], "annual_cost_sek": [1_000_000.0, 500_000.0],
    ...     "opening_hours": ["Mo-Fr 10-18", "Mo-Fr 10-18"]})
    >>> table = hub_savings(services, {"s1": ("library", "parcel_agent")})
    >>> table[["sector", "colocation_saving_sek", "coordination_cost_sek"]].to_dict("list")
    {'sector': ['municipality', 'private'], 'colocation_saving_sek': [150000.0, 75000.0], \
'coordination_cost_sek': [150000.0, 0.0]}
    """
    params = params or BudgetParameters()
    frame = _checked(services, "services")
    rows: list[dict[str, object]] = []
    for site_id, categories in sorted(hubs.items()):
        at_hub = frame[(frame["site_id"] == site_id) & frame["category"].isin(list(categories))]
        if at_hub.empty:
            continue
        hours = at_hub["opening_hours"].fillna("").astype(str).str.split().str.join(" ")
        shares_hours = (hours != "") & hours.duplicated(keep=False)
        saves = len(at_hub) >= params.min_services_for_saving
        pooled = 0.0
        if saves:
            cost = at_hub["annual_cost_sek"]
            pooled = float(
                (cost * params.premises_rate).sum() + (cost[shares_hours] * params.staff_rate).sum()
            )
        by_sector = at_hub.groupby("sector")["annual_cost_sek"].sum()
        hub_cost = float(by_sector.sum())
        sectors = [s for s in SECTORS if s in by_sector.index]
        payer = params.coordination_payer
        if payer is not None and payer not in sectors:
            sectors = [s for s in SECTORS if s in sectors or s == payer]
        for sector in sectors:
            sector_cost = float(by_sector.get(sector, 0.0))
            key = sector_cost / hub_cost if hub_cost > 0 else 1.0 / len(by_sector)
            if payer is None:
                coordination = params.coordination_cost_sek * key
            else:
                coordination = params.coordination_cost_sek if sector == payer else 0.0
            rows.append(
                {
                    "site_id": site_id,
                    "sector": sector,
                    "hub_cost_sek": sector_cost,
                    "colocation_saving_sek": pooled * key if sector in by_sector.index else 0.0,
                    "coordination_cost_sek": float(coordination),
                }
            )
    columns = [
        "site_id",
        "sector",
        "hub_cost_sek",
        "colocation_saving_sek",
        "coordination_cost_sek",
    ]
    return pd.DataFrame(rows, columns=columns)


def budget_table(
    services_before: pd.DataFrame,
    services_after: pd.DataFrame,
    params: BudgetParameters | None = None,
    hubs: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Return the annual budget per actor (sector) before and after a scenario, plus totals.

    Parameters
    ----------
    services_before
        Today's services (the baseline).
    services_after
        The services after the scenario (:func:`analysis.scenarios.apply_changes`).
    params
        Budget rules (defaults: :class:`BudgetParameters`).
    hubs
        Site id -> categories of the hubs the scenario creates
        (:func:`analysis.scenarios.hub_sites`).  Baseline costs are taken as observed: only
        these hubs bring co-location savings and coordination costs.

    Returns
    -------
    pandas.DataFrame
        One row per sector present (in :data:`analysis.model.SECTORS` order) and a last row
        ``sector == "total"``, with the columns of :data:`BUDGET_COLUMNS`.  Services are matched
        by ``service_id``: *new* ones exist only after, *closed* ones only before, *moved* ones
        changed ``site_id``; ``other_change_sek`` holds cost changes of kept services (including
        a change of sector).  Per row, ``cost_after = cost_before + new - closed + other -
        saving + coordination`` and ``change = cost_after - cost_before``; the totals row is the
        sum of the sector rows.

    Examples
    --------
    >>> before = pd.DataFrame({"service_id": ["lib", "shop"],
    ...     "category": ["library", "parcel_agent"], "sector": ["municipality", "private"],
    ...     "site_id": ["s0", "s1"], "annual_cost_sek": [1_000_000.0, 500_000.0],
    ...     "opening_hours": ["Mo-Fr 10-18", "Mo-Fr 10-18"]})
    >>> after = before.assign(site_id=["s1", "s1"])
    >>> table = budget_table(before, after, hubs={"s1": ("library", "parcel_agent")})
    >>> table.set_index("sector")["change_sek"].to_dict()
    {'municipality': 0.0, 'private': -75000.0, 'total': -75000.0}
    """
    params = params or BudgetParameters()
    before = _checked(services_before, "services_before")
    after = _checked(services_after, "services_after")
    hub_table = hub_savings(after, hubs or {}, params)

    before_ids = set(before["service_id"])
    after_ids = set(after["service_id"])
    new = after[~after["service_id"].isin(before_ids)]
    closed = before[~before["service_id"].isin(after_ids)]
    kept = after.merge(before[["service_id", "site_id"]], on="service_id", suffixes=("", "_before"))
    moved = kept[kept["site_id"] != kept["site_id_before"]]

    def by_sector(frame: pd.DataFrame, column: str = "annual_cost_sek") -> pd.Series:
        return frame.groupby("sector")[column].sum()

    present = set(before["sector"]) | set(after["sector"]) | set(hub_table["sector"].astype(str))
    sectors = [s for s in SECTORS if s in present]
    table = pd.DataFrame({"sector": sectors}).set_index("sector")
    table["n_services_before"] = before.groupby("sector").size()
    table["n_services_after"] = after.groupby("sector").size()
    table["n_moved"] = moved.groupby("sector").size()
    table["cost_before_sek"] = by_sector(before)
    table["new_services_sek"] = by_sector(new)
    table["closed_services_sek"] = by_sector(closed)
    gross_after = by_sector(after).reindex(sectors).fillna(0.0)
    table["colocation_saving_sek"] = by_sector(hub_table, "colocation_saving_sek")
    table["coordination_cost_sek"] = by_sector(hub_table, "coordination_cost_sek")
    table = table.fillna(0.0)
    for column in ("n_services_before", "n_services_after", "n_moved"):
        table[column] = table[column].astype(int)
    table["other_change_sek"] = (
        gross_after
        - table["cost_before_sek"]
        - table["new_services_sek"]
        + table["closed_services_sek"]
    )
    table["cost_after_sek"] = (
        gross_after - table["colocation_saving_sek"] + table["coordination_cost_sek"]
    )
    table["change_sek"] = table["cost_after_sek"] - table["cost_before_sek"]
    table = table.reset_index()
    totals = {"sector": TOTAL_ROW, **table.drop(columns="sector").sum().to_dict()}
    table = pd.concat([table, pd.DataFrame([totals])], ignore_index=True)
    table = table[list(BUDGET_COLUMNS)]
    for column in BUDGET_COLUMNS[1:]:
        kind = int if column.startswith("n_") else float
        table[column] = table[column].astype(kind)
    return table


def cost_per_resident_gaining(budget_change_total: float, residents_gaining: float) -> float | None:
    """Return the yearly budget change per resident who gains access, SEK.

    Negative when the scenario saves money while people gain.  Returns ``None`` when nobody
    gains (zero, negative or non-finite ``residents_gaining``): the ratio has no meaning then,
    and the UI shows a dash instead of an infinite or misleading number.

    Examples
    --------
    >>> cost_per_resident_gaining(150_000.0, 300)
    500.0
    >>> cost_per_resident_gaining(150_000.0, 0) is None
    True
    """
    residents = float(residents_gaining)
    if not np.isfinite(residents) or residents <= 0:
        return None
    return float(budget_change_total) / residents


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def budget_csv(
    table: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    decimals: int | None = 0,
) -> bytes:
    """Return ``table`` as CSV bytes that Swedish Excel opens correctly and safely.

    UTF-8 with a byte-order mark (so Excel detects the encoding), ``;`` between fields, a
    decimal comma, CRLF line ends.  Text cells (and headers) starting with ``= + - @``, a tab
    or a carriage return get a leading apostrophe, so no cell is run as a formula (OWASP CSV
    injection); numbers are written as numbers.

    Parameters
    ----------
    table
        Any frame, typically :func:`budget_table` output.
    labels
        Optional column renames (e.g. Swedish headers from the translation table).
    decimals
        Write floating-point numbers with this many decimals (``None``: as many as needed).

    Examples
    --------
    >>> frame = pd.DataFrame({"sector": ["=HYPERLINK(1)", "total"], "change_sek": [-1500.4, 2.6]})
    >>> budget_csv(frame, decimals=1).decode("utf-8-sig").splitlines()
    ['sector;change_sek', "'=HYPERLINK(1);-1500,4", 'total;2,6']
    """
    frame = table.copy()
    if labels:
        frame = frame.rename(columns=dict(labels))
    for column in frame.columns:
        if not (
            pd.api.types.is_numeric_dtype(frame[column])
            or pd.api.types.is_bool_dtype(frame[column])
        ):
            frame[column] = frame[column].map(_safe_cell)
    frame.columns = [str(_safe_cell(str(c))) for c in frame.columns]
    buffer = io.StringIO()
    frame.to_csv(
        buffer,
        sep=";",
        decimal=",",
        index=False,
        lineterminator="\r\n",
        float_format=None if decimals is None else f"%.{int(decimals)}f",
    )
    return buffer.getvalue().encode("utf-8-sig")
