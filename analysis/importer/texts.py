"""Swedish versions of the quality report's notes, warnings and drop reasons.

The import steps write short English sentences (logs, the command line); the report carries a
Swedish copy of each (``notes_sv``, ``warnings_sv``, ``reason_sv``) for the planner's page.  Every
sentence the importer can write has a pattern here; a test checks none falls through.
"""

from __future__ import annotations

import re
from typing import Final

#: (English pattern, Swedish template); groups are reused with ``\\1``, ``\\2``.
PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    # population
    (
        r"population x/y were cell centres; converted to south-west corners",
        "befolkningsrutornas x/y var mittpunkter; omräknade till sydvästra hörnet",
    ),
    (
        r"age classes spanning two age groups split by number of years: (.+)",
        r"åldersklasser som spänner över två åldersgrupper delades efter antal år: \1",
    ),
    (
        r"age columns found but they do not cover all ages; ignored",
        "ålderskolumnerna täcker inte alla åldrar och användes inte",
    ),
    (
        r"the grid has no ages: age groups estimated from national shares \(SCB 2023\) in "
        r"every cell",
        "rutfilen saknar åldrar: åldersgrupperna är uppskattade med rikets andelar (SCB 2023) "
        "i varje ruta",
    ),
    (
        r"(\d+) cells whose age groups do not add up to the total",
        r"\1 rutor där åldersgrupperna inte summerar till totalen",
    ),
    # service lists
    (
        r"(.+): x and y were swapped \(x held northing/latitude\)",
        r"\1: x och y byttes (x innehöll nordkoordinat/latitud)",
    ),
    (
        r"(.+): non-point geometries replaced by a point on their surface",
        r"\1: ytor och linjer ersattes med en punkt på objektet",
    ),
    # services and localities
    (
        r"OSM gives no costs: annual_cost_sek is 0 for every OSM service; enter real costs "
        r"before using cost figures",
        "OSM saknar kostnader: årskostnaden är 0 för alla tjänster från OSM; fyll i verkliga "
        "kostnader innan kostnadssiffror används",
    ),
    (
        r"(\d+) services without readable opening hours \(hours NaN\)",
        r"\1 serviceställen saknar läsbara öppettider (timmar per vecka okänt)",
    ),
    (
        r"localities derived from dense grid cells \(no tätort/småort file given\); names from "
        r"OSM place nodes where one lies inside",
        "tätorterna är härledda ur täta befolkningsrutor (ingen fil med tätorter/småorter "
        "angavs); namn från OSM:s ortnamn där sådana finns",
    ),
    # warnings
    (
        r"the largest connected road fragment holds only ([\d.]+) % of the drivable length "
        r"\((\d+) fragments\)",
        r"den största sammanhängande delen av vägnätet har bara \1 % av bilvägarnas längd "
        r"(\2 delar)",
    ),
    (
        r"fewer than 95 % of residents live within (\d+) m of a drivable road",
        r"färre än 95 % av invånarna bor inom \1 m från en bilväg",
    ),
    # drop reasons
    (r"cell centre outside the municipality", "rutans mittpunkt ligger utanför kommunen"),
    (r"OSM point outside the buffer", "OSM-punkt utanför buffertzonen"),
    (
        r"OSM service replaced by the municipality's list of its category",
        "OSM-tjänst ersatt av kommunens egen lista för kategorin",
    ),
    (r"OSM site left without a service", "OSM-plats utan kvarvarande tjänst"),
    (
        r"way with nodes missing from the extract",
        "väg/objekt med noder som saknas i extraktet",
    ),
    (
        r"maxspeed not understood \(class speed used\)",
        "hastighetsgräns som inte gick att tolka (vägklassens hastighet används)",
    ),
    (r"highway=(\S+) is not a road", r"highway=\1 är ingen väg"),
    (r"area that could not be assembled", "yta som inte gick att sätta ihop"),
    (r"road stretch of zero length", "vägsträcka med längden noll"),
)
_COMPILED: Final = tuple((re.compile(f"^{en}$"), sv) for en, sv in PATTERNS)


def swedish(text: str) -> str:
    """Return the Swedish version of a report sentence (the English one if none matches).

    Examples
    --------
    >>> swedish("12 cells whose age groups do not add up to the total")
    '12 rutor där åldersgrupperna inte summerar till totalen'
    >>> swedish("highway=construction is not a road")
    'highway=construction är ingen väg'
    """
    for pattern, template in _COMPILED:
        match = pattern.match(text)
        if match:
            return match.expand(template)
    return text


def has_swedish(text: str) -> bool:
    """Return whether a Swedish version of ``text`` exists."""
    return any(pattern.match(text) for pattern, _ in _COMPILED)
