"""Cross-sector budget: hand-computed examples, conservation, CSV export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.budget import (
    BUDGET_COLUMNS,
    TOTAL_ROW,
    BudgetParameters,
    budget_csv,
    budget_table,
    cost_per_resident_gaining,
    hub_savings,
)
from analysis.errors import ValidationError
from analysis.model import SECTORS

HOURS = "Mo-Fr 10:00-18:00"


def _services(rows: list[tuple[str, str, str, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["service_id", "category", "sector", "site_id", "annual_cost_sek", "opening_hours"],
    )


BEFORE = _services(
    [
        ("lib", "library", "municipality", "school", 1_000_000.0, HOURS),
        ("parcel", "parcel_agent", "private", "shop", 500_000.0, HOURS),
        ("contact", "contact_office", "municipality", "townhall", 300_000.0, "Mo 9-12"),
    ]
)
# the library moves into the shop, which becomes a hub; the contact office closes
AFTER = _services(
    [
        ("lib", "library", "municipality", "shop", 1_000_000.0, HOURS),
        ("parcel", "parcel_agent", "private", "shop", 500_000.0, HOURS),
    ]
)
HUBS = {"shop": ("library", "parcel_agent")}


def _row(table: pd.DataFrame, sector: str) -> pd.Series:
    return table.set_index("sector").loc[sector]


def test_two_actors_one_hub_one_closure() -> None:
    table = budget_table(BEFORE, AFTER, BudgetParameters(), HUBS)
    assert list(table.columns) == list(BUDGET_COLUMNS)
    assert list(table["sector"]) == ["municipality", "private", TOTAL_ROW]
    # pooled saving: premises 20 % x 30 % = 6 %, shared staff 60 % x 15 % = 9 % -> 15 % of 1.5 M
    # = 225 000, split 2:1 by cost at the hub; coordination 150 000 paid by the municipality
    municipality = _row(table, "municipality")
    assert municipality["cost_before_sek"] == 1_300_000.0
    assert municipality["closed_services_sek"] == 300_000.0
    assert municipality["colocation_saving_sek"] == pytest.approx(150_000.0)
    assert municipality["coordination_cost_sek"] == 150_000.0
    assert municipality["cost_after_sek"] == pytest.approx(1_000_000.0)
    assert municipality["change_sek"] == pytest.approx(-300_000.0)
    assert (municipality["n_services_before"], municipality["n_services_after"]) == (2, 1)
    assert municipality["n_moved"] == 1
    private = _row(table, "private")
    assert private["colocation_saving_sek"] == pytest.approx(75_000.0)
    assert private["change_sek"] == pytest.approx(-75_000.0)
    assert private["n_moved"] == 0
    total = _row(table, TOTAL_ROW)
    assert total["cost_before_sek"] == 1_800_000.0
    assert total["cost_after_sek"] == pytest.approx(1_425_000.0)
    assert total["change_sek"] == pytest.approx(-375_000.0)


def test_different_hours_save_premises_only_and_split_by_cost() -> None:
    after = AFTER.assign(opening_hours=[HOURS, "Mo-Sa 08:00-21:00"])
    table = budget_table(BEFORE, after, BudgetParameters(), HUBS)
    # 6 % of 1.5 M = 90 000, split 2:1
    assert _row(table, "municipality")["colocation_saving_sek"] == pytest.approx(60_000.0)
    assert _row(table, "private")["colocation_saving_sek"] == pytest.approx(30_000.0)


def test_pooled_split_differs_from_own_saving() -> None:
    """Three services, two with the same hours: the pool is split by cost, not by own saving."""
    after = _services(
        [
            ("lib", "library", "municipality", "hub", 600_000.0, HOURS),
            ("parcel", "parcel_agent", "private", "hub", 300_000.0, HOURS),
            ("pharm", "pharmacy_agent", "private", "hub", 100_000.0, "Sa 10-14"),
        ]
    )
    hubs = {"hub": ("library", "parcel_agent", "pharmacy_agent")}
    savings = hub_savings(after, hubs).set_index("sector")
    pool = 0.06 * 1_000_000 + 0.09 * 900_000  # 141 000
    assert savings.loc["municipality", "colocation_saving_sek"] == pytest.approx(0.6 * pool)
    assert savings.loc["private", "colocation_saving_sek"] == pytest.approx(0.4 * pool)
    assert savings.loc["private", "hub_cost_sek"] == 400_000.0


def test_coordination_split_and_lone_service() -> None:
    params = BudgetParameters(coordination_payer=None)
    savings = hub_savings(AFTER, HUBS, params).set_index("sector")
    assert savings.loc["municipality", "coordination_cost_sek"] == pytest.approx(100_000.0)
    assert savings.loc["private", "coordination_cost_sek"] == pytest.approx(50_000.0)
    # a hub with a single service of its categories saves nothing but still costs coordination
    lone = hub_savings(AFTER, {"shop": ("parcel_agent",)}).set_index("sector")
    assert lone["colocation_saving_sek"].sum() == 0.0
    assert lone.loc["municipality", "coordination_cost_sek"] == 150_000.0
    # a hub with none of its categories on the site is ignored
    assert hub_savings(AFTER, {"shop": ("cash",)}).empty


def test_new_service_and_kept_cost_change() -> None:
    after = _services(
        [
            ("lib", "library", "municipality", "school", 1_100_000.0, HOURS),  # dearer
            ("parcel", "parcel_agent", "private", "shop", 500_000.0, HOURS),
            ("contact", "contact_office", "municipality", "townhall", 300_000.0, "Mo 9-12"),
            ("new-0-cash", "cash", "private", "shop", 200_000.0, HOURS),
        ]
    )
    table = budget_table(BEFORE, after, BudgetParameters(), {})
    private = _row(table, "private")
    assert private["new_services_sek"] == 200_000.0
    assert private["change_sek"] == 200_000.0
    municipality = _row(table, "municipality")
    assert municipality["other_change_sek"] == 100_000.0
    assert municipality["coordination_cost_sek"] == 0.0


def test_no_change_gives_zero_change() -> None:
    table = budget_table(BEFORE, BEFORE.copy(), BudgetParameters(), {})
    assert (table["change_sek"] == 0.0).all()
    assert (table["n_moved"] == 0).all()
    assert _row(table, TOTAL_ROW)["cost_after_sek"] == 1_800_000.0


def test_geodataframe_and_empty_inputs() -> None:
    empty = BEFORE.iloc[0:0]
    table = budget_table(empty, empty, BudgetParameters(), {})
    assert list(table["sector"]) == [TOTAL_ROW]
    assert table["change_sek"].iloc[0] == 0.0


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (BEFORE.assign(sector=["municipality", "church", "state"]), "unknown sector"),
        (BEFORE.assign(annual_cost_sek=[1.0, np.nan, 2.0]), "missing or negative"),
        (BEFORE.drop(columns="sector"), "lacks the column"),
    ],
)
def test_invalid_services_raise(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(ValidationError, match=match) as error:
        budget_table(frame, AFTER, BudgetParameters(), HUBS)
    assert error.value.message_sv


@pytest.mark.parametrize(
    "kwargs",
    [
        {"premises_share": 1.2},
        {"premises_share": 0.5, "staff_share": 0.6},
        {"coordination_cost_sek": -1.0},
        {"coordination_payer": "church"},
    ],
)
def test_invalid_parameters_raise(kwargs: dict) -> None:
    with pytest.raises(ValidationError):
        BudgetParameters(**kwargs)


def test_default_parameters_are_documented() -> None:
    params = BudgetParameters()
    assert params.premises_rate == pytest.approx(0.06)
    assert params.staff_rate == pytest.approx(0.09)
    doc = BudgetParameters.__doc__ or ""
    for name in ("premises_share", "staff_saving", "coordination_cost_sek", "Split rule"):
        assert name in doc


# --- Conservation (property) ----------------------------------------------------------------------

service_rows = st.lists(
    st.tuples(
        st.sampled_from(("library", "parcel_agent", "cash", "pharmacy_agent")),
        st.sampled_from(SECTORS),
        st.sampled_from(("a", "b", "c")),
        st.floats(0, 2e6, allow_nan=False),
        st.sampled_from((HOURS, "Sa 10-14", "")),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(service_rows, st.data())
def test_sectors_sum_to_total_and_identity_holds(rows: list, data: st.DataObject) -> None:
    before = _services([(f"s{i}", *row) for i, row in enumerate(rows)])
    keep = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    sites = data.draw(
        st.lists(st.sampled_from(("a", "b", "c")), min_size=len(rows), max_size=len(rows))
    )
    after = before.assign(site_id=sites)[keep] if rows else before
    extra = data.draw(service_rows)
    after = pd.concat(
        [after, _services([(f"n{i}", *row) for i, row in enumerate(extra)])], ignore_index=True
    )
    hubs = {"b": ("library", "parcel_agent", "cash")} if data.draw(st.booleans()) else {}
    payer = data.draw(st.sampled_from((None, "municipality", "region")))
    table = budget_table(before, after, BudgetParameters(coordination_payer=payer), hubs)
    sectors = table[table["sector"] != TOTAL_ROW]
    total = table[table["sector"] == TOTAL_ROW].iloc[0]
    for column in BUDGET_COLUMNS[1:]:
        assert sectors[column].sum() == pytest.approx(total[column], abs=1e-6)
    identity = (
        table["cost_before_sek"]
        + table["new_services_sek"]
        - table["closed_services_sek"]
        + table["other_change_sek"]
        - table["colocation_saving_sek"]
        + table["coordination_cost_sek"]
    )
    np.testing.assert_allclose(identity, table["cost_after_sek"], atol=1e-6)
    np.testing.assert_allclose(
        table["change_sek"], table["cost_after_sek"] - table["cost_before_sek"], atol=1e-6
    )
    assert total["cost_before_sek"] == pytest.approx(before["annual_cost_sek"].sum(), abs=1e-6)
    assert (table["colocation_saving_sek"] >= 0).all()


# --- Cost per resident and CSV --------------------------------------------------------------------


def test_cost_per_resident_gaining() -> None:
    assert cost_per_resident_gaining(-375_000.0, 1_500) == -250.0
    assert cost_per_resident_gaining(100.0, 0) is None
    assert cost_per_resident_gaining(100.0, -3) is None
    assert cost_per_resident_gaining(100.0, float("nan")) is None


def test_budget_csv_is_excel_friendly_and_injection_safe() -> None:
    table = budget_table(BEFORE, AFTER, BudgetParameters(), HUBS)
    table.loc[0, "sector"] = "=cmd|' /C calc'!A0"
    data = budget_csv(table, labels={"sector": "Aktör", "change_sek": "Förändring (kr)"})
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    assert header[0] == "Aktör" and "Förändring (kr)" in header
    first = lines[1].split(";")
    assert first[0].startswith("'=")
    change = first[header.index("Förändring (kr)")]
    assert change == "-300000"  # a number, not prefixed
    private = lines[2].split(";")
    assert private[header.index("colocation_saving_sek")] == "75000"


@pytest.mark.parametrize("danger", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_budget_csv_prefixes_every_formula_start(danger: str) -> None:
    frame = pd.DataFrame({"name": [danger, "ok"], "value": [1.25, -2.5]})
    text = budget_csv(frame, decimals=2).decode("utf-8-sig")
    assert ("'" + danger) in text
    assert "1,25" in text and "-2,50" in text
    header_danger = budget_csv(pd.DataFrame({"=x": ["a"]})).decode("utf-8-sig")
    assert header_danger.startswith('"\'=x"') or header_danger.startswith("'=x")
