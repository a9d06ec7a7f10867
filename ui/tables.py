"""Formatting engine tables for display: Swedish labels, numbers, percentages, minutes."""

from __future__ import annotations

import pandas as pd

from analysis import settings
from analysis.i18n import fmt_minutes, fmt_number, fmt_percent, t
from analysis.io import Region


def locality_names(region: Region, lang: str) -> dict[str, str]:
    """Return locality id -> display name, with the whole municipality and the rural area."""
    names = dict(zip(region.localities["locality_id"], region.localities["name"], strict=True))
    names[settings.RURAL_LOCALITY_ID] = t("locality.glesbygd", lang)
    names["all"] = t("indicators.group.all", lang)
    return names


def indicator_display(
    table: pd.DataFrame, region: Region, lang: str, thresholds: tuple[int, ...] = (10, 20, 30)
) -> pd.DataFrame:
    """Return an ``indicators.indicator_table`` (one category) formatted for people.

    The whole municipality comes first, then localities by name, then the rural area.
    """
    names = locality_names(region, lang)
    ordered = table.assign(
        _order=table["group"].map(
            lambda g: (
                0 if g == "all" else 2 if g == settings.RURAL_LOCALITY_ID else 1,
                names.get(g, g),
            )
        )
    ).sort_values("_order")
    longest = settings.THRESHOLDS_MIN[-1]
    columns: dict[str, list[str]] = {
        t("indicators.residents", lang): [fmt_number(v, 0, lang) for v in ordered["residents"]],
    }
    for minutes in thresholds:
        columns[t("indicators.share_within", lang, minutes=minutes)] = [
            fmt_percent(v, 0, lang) for v in ordered[f"share_within_{minutes}"]
        ]
    columns[t("indicators.median_min", lang)] = [
        fmt_minutes(v, lang) for v in ordered["median_min"]
    ]
    columns[t("indicators.p90_min", lang)] = [fmt_minutes(v, lang) for v in ordered["p90_min"]]
    columns[t("indicators.residents_beyond_longest", lang, minutes=longest)] = [
        fmt_number(v, 0, lang) for v in ordered["residents_beyond_longest"]
    ]
    return pd.DataFrame(
        columns,
        index=pd.Index(
            [names.get(g, g) for g in ordered["group"]], name=t("common.locality", lang)
        ),
    ).reset_index()


def e2sfca_display(ratio: pd.Series, region: Region, lang: str) -> pd.DataFrame:
    """Return E2SFCA ratios (per cell, by ``cell_id``) as capacity per 1 000 residents per locality.

    A locality's figure is its residents' weighted mean ratio (total capacity reaching them
    divided by their number), times 1 000.
    """
    names = locality_names(region, lang)
    cells = region.population.set_index("cell_id")
    frame = pd.DataFrame(
        {
            "group": cells["locality_id"].fillna(settings.RURAL_LOCALITY_ID),
            "weighted": ratio.reindex(cells.index).fillna(0.0) * cells["pop_total"],
            "residents": cells["pop_total"],
        }
    )
    per_group = frame.groupby("group")[["weighted", "residents"]].sum()
    per_group.loc["all"] = per_group.sum()
    per_group = per_group.assign(
        value=1000
        * per_group["weighted"]
        / per_group["residents"].where(per_group["residents"] > 0)
    )
    order = sorted(
        per_group.index,
        key=lambda g: (
            0 if g == "all" else 2 if g == settings.RURAL_LOCALITY_ID else 1,
            names.get(g, g),
        ),
    )
    per_group = per_group.loc[order]
    return pd.DataFrame(
        {
            t("common.locality", lang): [names.get(g, g) for g in per_group.index],
            t("indicators.residents", lang): [
                fmt_number(v, 0, lang) for v in per_group["residents"]
            ],
            t("planner_map.e2sfca_value", lang): [
                fmt_number(v, 2, lang) for v in per_group["value"]
            ],
        }
    )
