"""Opening hours in a small subset of the OpenStreetMap ``opening_hours`` syntax.

The generator writes hours from a structured spec so that the text and the weekly total always
agree: ``(("Mo-Fr", "08:00", "17:00"), ("Sa", "10:00", "14:00"))`` becomes
``"Mo-Fr 08:00-17:00; Sa 10:00-14:00"`` and 49.0 hours per week.  ``"24/7"`` is open always.
"""

from __future__ import annotations

from typing import Final

DAYS: Final = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
ALWAYS: Final = "24/7"

#: One rule: days ("Mo-Fr", "Tu,Th", "Sa"), opening time, closing time ("HH:MM").
Rule = tuple[str, str, str]


def day_count(days: str) -> int:
    """Return how many weekdays a day expression such as ``"Mo-Fr"`` or ``"Tu,Th"`` covers."""
    total = 0
    for part in days.split(","):
        if "-" in part:
            first, last = part.split("-")
            total += DAYS.index(last) - DAYS.index(first) + 1
        else:
            DAYS.index(part)
            total += 1
    return total


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def format_hours(rules: tuple[Rule, ...] | str) -> str:
    """Return the OSM ``opening_hours`` text of ``rules`` (or ``"24/7"``)."""
    if isinstance(rules, str):
        if rules != ALWAYS:
            raise ValueError(f"unknown opening hours {rules!r}")
        return ALWAYS
    return "; ".join(f"{days} {start}-{end}" for days, start, end in rules)


def hours_per_week(rules: tuple[Rule, ...] | str) -> float:
    """Return the number of open hours per week of ``rules``."""
    if isinstance(rules, str):
        if rules != ALWAYS:
            raise ValueError(f"unknown opening hours {rules!r}")
        return 168.0
    minutes = 0
    for days, start, end in rules:
        minutes += day_count(days) * (_minutes(end) - _minutes(start))
    return minutes / 60.0
