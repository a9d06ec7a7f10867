"""Formatting engine tables for display: Swedish labels, numbers, percentages, minutes."""

from __future__ import annotations

import pandas as pd

from analysis import budget, settings
from analysis.i18n import fmt_minutes, fmt_number, fmt_percent, fmt_sek, t
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


def _effect_columns(lang: str, threshold: int) -> dict[str, str]:
    """Columns of an effect table (``analysis.effect.Effect.subjects``) and their headers."""
    return {
        "residents": t("indicators.residents", lang),
        "residents_gaining": t("compare.residents_faster", lang),
        "residents_losing": t("compare.residents_slower", lang),
        f"within_{threshold}_before": t("scen.within_before", lang, minutes=threshold),
        f"within_{threshold}_after": t("scen.within_after", lang, minutes=threshold),
        f"gaining_within_{threshold}": t("compare.gaining_within", lang, minutes=threshold),
        f"losing_within_{threshold}": t("compare.losing_within", lang, minutes=threshold),
        "mean_minutes_saved": t("scen.mean_saved", lang),
        "minutes_saved_total": t("scen.total_saved", lang),
    }


def _effect_order(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The whole municipality first, then the localities gaining most."""
    return rows.assign(
        _all=rows["group"] != "all",
        _name=rows["group"].map(lambda g: names.get(g, g)),
    ).sort_values(["_all", "residents_gaining", "_name"], ascending=[True, False, True])


def effect_display(
    rows: pd.DataFrame, names: dict[str, str], lang: str, threshold: int
) -> pd.DataFrame:
    """Return effect rows of one subject and weight, per locality, formatted for people."""
    ordered = _effect_order(rows, names)
    columns: dict[str, list[str]] = {
        t("common.locality", lang): [names.get(g, g) for g in ordered["group"]]
    }
    for column, header in _effect_columns(lang, threshold).items():
        decimals = 1 if column == "mean_minutes_saved" else 0
        columns[header] = [fmt_number(v, decimals, lang) for v in ordered[column]]
    return pd.DataFrame(columns)


def effect_csv(rows: pd.DataFrame, names: dict[str, str], lang: str, threshold: int) -> bytes:
    """Return the rows of :func:`effect_display` as a spreadsheet-safe CSV, numbers as numbers."""
    ordered = _effect_order(rows, names)
    headers = _effect_columns(lang, threshold)
    frame = ordered[list(headers)].rename(columns=headers)
    frame.insert(0, t("common.locality", lang), [names.get(g, g) for g in ordered["group"]])
    return budget.budget_csv(frame, decimals=1)


def proposals_display(
    table: pd.DataFrame, names: dict[str, str], need_names: dict[str, str], lang: str
) -> pd.DataFrame:
    """Return :func:`analysis.effect.compare_proposals` with plain labels and Swedish numbers.

    ``names`` maps the table's proposal columns to what the planner calls them.
    """
    labels = []
    for figure in table["figure"]:
        key, _, need = str(figure).partition(":")
        if need:
            name = need_names.get(need, need)
            minutes = key.rpartition("_")[2]
            labels.append(
                t("proposal.gaining_need", lang, need=name)
                if key == "gaining"
                else t("proposal.within_need", lang, need=name, minutes=minutes)
            )
        else:
            labels.append(t(f"proposal.{key}", lang))
    columns: dict[str, list[str]] = {t("proposal.figure", lang): labels}
    for column, title in names.items():
        columns[title] = [
            fmt_sek(value, lang, signed=True)
            if str(figure).endswith("_sek")
            else fmt_number(value, 0, lang)
            for figure, value in zip(table["figure"], table[column], strict=True)
        ]
    return pd.DataFrame(columns)


def priorities_display(
    ranking: pd.DataFrame,
    names: dict[str, str],
    need_names: dict[str, str],
    lang: str,
    threshold: int,
    weight: str = "pop_total",
) -> pd.DataFrame:
    """Return :func:`analysis.priorities.locality_priorities` formatted for people."""
    columns: dict[str, list[str]] = {
        t("common.locality", lang): [names.get(g, g) for g in ranking["locality_id"]],
        t("priorities.residents", lang, age=t(f"age.{weight}", lang).lower()): [
            fmt_number(v, 0, lang) for v in ranking["residents"]
        ],
        t("priorities.worst_need", lang): [need_names.get(n, n) for n in ranking["worst_need"]],
        t("priorities.worst_median", lang): [
            fmt_minutes(v, lang) for v in ranking["worst_median_min"]
        ],
        t("priorities.beyond", lang, minutes=threshold): [
            fmt_number(v, 0, lang) for v in ranking["residents_beyond"]
        ],
    }
    for column in ranking.columns:
        if str(column).startswith("median_min:"):
            need = str(column).partition(":")[2]
            columns[t("priorities.median_of", lang, need=need_names.get(need, need))] = [
                fmt_minutes(v, lang) for v in ranking[column]
            ]
    return pd.DataFrame(columns)
