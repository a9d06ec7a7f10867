"""Texts of indicators, before/after comparisons, scenarios, optimisation and budgets."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "indicators.group.all": ("Hela kommunen", "Whole municipality"),
    "indicators.residents": ("Invånare", "Residents"),
    "indicators.share_within": ("Andel inom {minutes} min", "Share within {minutes} min"),
    "indicators.residents_beyond_longest": (
        "Invånare längre bort än {minutes} min",
        "Residents beyond {minutes} min",
    ),
    "indicators.residents_unreachable": (
        "Invånare som inte når fram",
        "Residents who cannot reach",
    ),
    "indicators.mean_reachable_min": (
        "Medelrestid för dem som når fram, min",
        "Mean travel time of those who reach, min",
    ),
    "indicators.median_min": ("Medianrestid, min", "Median travel time, min"),
    "indicators.p90_min": ("Restid som 90 % klarar, min", "90th percentile travel time, min"),
    "indicators.e2sfca": ("Tillgänglighetskvot (E2SFCA)", "Supply-to-demand ratio (E2SFCA)"),
    "indicators.bundle.share_at_least": (
        "Når minst {k} av {n} vardagsbehov inom {minutes} min",
        "Reach at least {k} of {n} everyday needs within {minutes} min",
    ),
    "indicators.bundle.share_all_one_place": (
        "Når alla {n} på ett ställe inom {minutes} min",
        "Reach all {n} at one place within {minutes} min",
    ),
    "indicators.bundle.mean_needs_reached": (
        "Antal behov som nås i genomsnitt",
        "Mean number of needs reached",
    ),
    "compare.gaining_within": ("Kommer inom {minutes} min", "Get within {minutes} min"),
    "compare.losing_within": ("Hamnar utanför {minutes} min", "Fall outside {minutes} min"),
    "compare.residents_faster": ("Får kortare restid", "Faster"),
    "compare.residents_slower": ("Får längre restid", "Slower"),
    "compare.residents_losing_all_access": ("Förlorar all tillgång", "Lose all access"),
    "compare.change": ("Förändring", "Change"),
    "age.pop_total": ("Alla", "Everyone"),
    "age.pop_0_15": ("0–15 år", "Age 0–15"),
    "age.pop_16_64": ("16–64 år", "Age 16–64"),
    "age.pop_65_79": ("65–79 år", "Age 65–79"),
    "age.pop_80_plus": ("80 år och äldre", "Age 80+"),
}
